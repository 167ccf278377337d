"""A look at a person's data outside any case of theirs with that organisation tells them ("data_accessed"), once per
look, in their language, by the channels they chose and only once the look commits; a look within an open case
tells nothing. What counts as an open case is `privacy.selectors.open_case_exists`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from vikno.applications.tests import conftest as applications
from vikno.backoffice.tests.cases import case_row
from vikno.catalog.tests.factories import OrganisationFactory, PublicServiceFactory
from vikno.identity.constants import Role
from vikno.identity.tests.factories import citizen, official
from vikno.identity.tests.helpers import sign_in_official
from vikno.messaging.appeals import services as appeal_services
from vikno.messaging.appeals.constants import AppealKind
from vikno.messaging.constants import Channel, DeliveryState
from vikno.messaging.feedback import services as feedback_services
from vikno.messaging.feedback.models import PublicQuestion
from vikno.messaging.models import Delivery, Notification
from vikno.privacy.models import DataAccess, DataSubjectRequest
from vikno.privacy.rights.constants import RequestKind
from vikno.privacy.rights.requests import data_request_submit
from vikno.privacy.rights.selectors import request_open_for_officer
from vikno.privacy.selectors import OPEN_AFTER_DAYS, open_case_exists, opened, purpose_label
from vikno.privacy.services import data_access_record

pytestmark = pytest.mark.django_db

applicant = applications.applicant
at = applications.at
authority = applications.authority
definition = applications.definition
officer = applications.officer
other_authority = applications.other_authority
service = applications.service
supervisor = applications.supervisor
tasks_run_at_once = applications.tasks_run_at_once

TITLE = "{organisation} looked at your personal data"
SMS = "Vikno: {organisation} looked at your data on {when}. See why in your account."
# 10:15 in Kyiv (UTC+2 in winter) on Wednesday 4 March 2026.
NOW = dt.datetime(2026, 3, 4, 8, 15, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _now(at):
    at(NOW)


def days_ago(days: int) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def appeal_to(organisation, citizen):
    return appeal_services.appeal_submit(
        citizen=citizen, organisation=organisation, kind=AppealKind.INQUIRY, subject="Прийом", text="Коли прийом?"
    )


def look(official, subject, target, organisation, purpose="supervision") -> DataAccess | None:
    return data_access_record(
        official=official,
        subject=subject,
        target=target,
        purpose=purpose,
        organisation=organisation,
        role="supervisor",
    )


# --- What an open case is ----------------------------------------------------------------------------------


def test_nothing_with_the_organisation_is_no_open_case(applicant, authority, other_authority, service):
    case_row(service, applicant, organisation=other_authority)  # open, but with another organisation
    assert not open_case_exists(person=applicant, organisation=authority)
    assert open_case_exists(person=applicant, organisation=other_authority)
    assert not open_case_exists(person=applicant, organisation=None)


def test_a_draft_is_no_case(applicant, authority, service):
    case_row(service, applicant, state="draft")
    assert not open_case_exists(person=applicant, organisation=authority)


@pytest.mark.parametrize("state", ["submitted", "awaiting_payment", "in_review"])
def test_an_application_sent_and_not_decided_is_open(applicant, authority, service, state):
    case_row(service, applicant, state=state)
    assert open_case_exists(person=applicant, organisation=authority)


def test_a_decided_application_stays_open_for_a_while_then_closes(applicant, authority, service, at):
    at(days_ago(OPEN_AFTER_DAYS - 1))
    case_row(service, applicant, state="approved", outcome="approval")
    at(NOW)
    assert open_case_exists(person=applicant, organisation=authority)
    at(NOW + dt.timedelta(days=2))
    assert not open_case_exists(person=applicant, organisation=authority)


def test_an_appeal_is_open_until_answered_and_a_while_after(applicant, authority, officer, at):
    appeal = appeal_to(authority, applicant)
    assert open_case_exists(person=applicant, organisation=authority)
    appeal_services.appeal_answer(appeal=appeal, official=officer, text="Щовівторка з 9:00.")
    assert open_case_exists(person=applicant, organisation=authority)
    at(NOW + dt.timedelta(days=OPEN_AFTER_DAYS + 1))
    assert not open_case_exists(person=applicant, organisation=authority)


def test_a_public_question_is_open_while_it_waits_for_moderation(applicant, authority, service, at):
    question = feedback_services.question_ask(service=service, citizen=applicant, text="Коли прийом?")
    assert open_case_exists(person=applicant, organisation=authority)
    PublicQuestion.objects.filter(pk=question.pk).update(state="rejected", moderated_at=days_ago(OPEN_AFTER_DAYS + 1))
    assert not open_case_exists(person=applicant, organisation=authority)


def test_for_the_data_protection_officer_a_request_of_the_persons_about_their_data_is_the_open_case(applicant, at):
    assert not open_case_exists(person=applicant, organisation=None)
    request = data_request_submit(person=applicant, kind=RequestKind.CORRECTION, text="Виправте дату народження")
    assert open_case_exists(person=applicant, organisation=None)
    DataSubjectRequest.objects.filter(pk=request.pk).update(state="completed", handled_at=NOW)
    assert open_case_exists(person=applicant, organisation=None)
    at(NOW + dt.timedelta(days=OPEN_AFTER_DAYS + 1))
    assert not open_case_exists(person=applicant, organisation=None)


def test_the_officer_opening_the_persons_request_tells_nothing_and_the_log_names_it(applicant):
    officer = official("dpo@vikno.example", OrganisationFactory(), Role.DATA_PROTECTION_OFFICER)
    request = data_request_submit(person=applicant, kind=RequestKind.ERASURE)
    assert request_open_for_officer(officer=officer, request_id=request.pk) == request
    access = DataAccess.objects.get()
    assert (access.official, access.subject, access.purpose) == (officer, applicant, "data_subject_request")
    assert not Notification.objects.filter(event="data_accessed").exists()
    with translation.override("en"):
        assert opened([access])[access.pk].yours == f"your request {request.reference} about your personal data"
        assert purpose_label(access.purpose) == "Handling your request about your personal data"


def test_another_persons_case_is_not_theirs(applicant, authority, service):
    case_row(service, citizen(first_name="Петро"))
    assert not open_case_exists(person=applicant, organisation=authority)


# --- Telling the person ----------------------------------------------------------------------------------


def test_a_look_within_an_open_case_tells_nothing(
    applicant, authority, service, supervisor, django_capture_on_commit_callbacks
):
    case = case_row(service, applicant)
    with django_capture_on_commit_callbacks() as callbacks:
        access = look(supervisor, applicant, case, authority)
    assert access is not None and DataAccess.objects.get() == access
    assert not Notification.objects.exists() and not Delivery.objects.exists()
    assert callbacks == []


def test_a_look_outside_any_case_tells_the_person_once_in_their_language(
    applicant, authority, service, supervisor, django_capture_on_commit_callbacks, tasks_run_at_once
):
    applicant.language = "en"
    applicant.save()
    at_closed = case_row(service, applicant, organisation=authority)
    type(at_closed).objects.filter(pk=at_closed.pk).update(decided_at=days_ago(90), outcome="approval")
    with django_capture_on_commit_callbacks() as callbacks:
        access = look(supervisor, applicant, at_closed, authority)
    assert access is not None
    notification = Notification.objects.get()
    assert (notification.recipient, notification.event) == (applicant, "data_accessed")
    assert notification.key == f"data-access:{access.pk}"
    assert (notification.subject_type, notification.subject_id) == ("data_access", str(access.pk))
    assert notification.title == f"{authority.name_en} looked at your personal data"
    assert notification.body.startswith(
        f"An official of {authority.name_en} opened your personal data on 4 March 2026, 10:15 (Kyiv time)"
    )
    assert "The purpose recorded: Supervision of the case's handling." in notification.body
    assert "“Ask why”" in notification.body
    assert notification.url == "/en/cabinet/data-access/"
    assert notification.action == "See who looked at your data"
    # The e-mail leaves only once the look commits.
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.to, delivery.state) == (Channel.EMAIL, "olena@example.com", DeliveryState.QUEUED)
    assert "http://127.0.0.1:8000/en/cabinet/data-access/" in delivery.text
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert [message.subject for message in mail.outbox] == [notification.title]


def test_each_look_is_told_on_its_own(applicant, authority, supervisor, service):
    target = PublicServiceFactory(competent_authority=authority)  # anything of theirs will do as the target
    first = look(supervisor, applicant, target, authority)
    second = look(supervisor, applicant, target, authority, purpose="citizen_enquiry")
    assert first is not None and second is not None
    keys = set(Notification.objects.filter(event="data_accessed").values_list("key", flat=True))
    assert keys == {f"data-access:{first.pk}", f"data-access:{second.pk}"}


def test_ukrainian_speakers_are_told_in_ukrainian_by_sms_when_they_chose_it(applicant, authority, supervisor):
    applicant.notify_by_sms, applicant.notify_by_email = True, False
    applicant.save()
    look(supervisor, applicant, applicant, authority)
    notification = Notification.objects.get()
    with translation.override("uk"):
        title, sms = gettext(TITLE), gettext(SMS)
    assert notification.title == title.format(organisation=authority.name_uk)
    sms_delivery = Delivery.objects.get()
    assert sms_delivery.channel == Channel.SMS and sms_delivery.to == "+380671234567"
    assert sms_delivery.text == sms.format(organisation=authority.name_uk, when="4 березня 2026, 10:15")
    assert notification.url == "/cabinet/data-access/"


def test_a_look_that_is_rolled_back_tells_nobody(applicant, authority, supervisor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        look(supervisor, applicant, applicant, authority)
        raise RuntimeError("the page failed after the look")
    assert not DataAccess.objects.exists()
    assert not Notification.objects.exists() and not Delivery.objects.exists()
    assert callbacks == []


def test_a_supervisor_opening_an_old_decided_case_tells_the_applicant_but_its_assignee_after_deciding_does_not(
    applicant, authority, service, supervisor, officer, at
):
    at(days_ago(60))
    old = case_row(service, applicant, state="approved", outcome="approval")
    at(days_ago(1))
    recent = case_row(service, applicant, state="approved", outcome="approval", assignee=officer)
    at(NOW)

    browser = Client()
    sign_in_official(browser, officer)
    assert browser.get(f"/en/office/cases/{recent.pk}/").status_code == 200
    assert DataAccess.objects.count() == 1
    assert not Notification.objects.exists()  # yesterday's decision is an open matter still

    # A month and more after both decisions, nothing is open: the supervisor's look is told.
    at(NOW + dt.timedelta(days=OPEN_AFTER_DAYS + 1))
    sign_in_official(browser, supervisor)
    assert browser.get(f"/en/office/cases/{old.pk}/?purpose=supervision").status_code == 200
    told = Notification.objects.get()
    access = DataAccess.objects.latest("id")
    assert (told.event, told.key, told.recipient) == ("data_accessed", f"data-access:{access.pk}", applicant)
    assert (access.official, access.object_id) == (supervisor, str(old.pk))


def test_looking_at_ones_own_data_is_no_look_and_tells_nothing(applicant, authority):
    assert look(applicant, applicant, applicant, authority) is None
    assert not DataAccess.objects.exists() and not Notification.objects.exists()
