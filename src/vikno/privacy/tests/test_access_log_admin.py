"""The Django admin is the portal's configuration workspace, not a way to a citizen's file: it asks no purpose, so
it shows no citizen's data at all (officials reach that only through the back office, which asks why and logs).
Citizens' accounts, their applications, messages, files, questions and fees are not in it; the register of appeals
shows dates and states, never who wrote or what."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client

from vikno.applications.tests import conftest as applications
from vikno.identity.tests.factories import platform_admin
from vikno.identity.tests.helpers import sign_in_official
from vikno.messaging.appeals import services as appeal_services
from vikno.messaging.appeals.constants import AppealKind
from vikno.messaging.models import Notification
from vikno.privacy.models import DataAccess

pytestmark = pytest.mark.django_db

applicant = applications.applicant
authority = applications.authority
officer = applications.officer

# Rows that are a citizen's own data, or say what they did: none has an admin page.
CITIZENS_DATA = (
    "applications.Application",
    "applications.ApplicationEvent",
    "applications.Attachment",
    "applications.CaseNote",
    "applications.InformationRequest",
    "appeals.AppealAttachment",
    "messaging.ApplicationMessage",
    "messaging.MessageAttachment",
    "feedback.PublicQuestion",
    "feedback.Rating",
    "payments.Fee",
    "payments.BankTransfer",
    "payments.Refund",
    "identity.EidIdentity",
    "identity.SignedInSession",
    "privacy.DataAccess",
)


@pytest.fixture
def root() -> Client:
    browser = Client()
    sign_in_official(browser, platform_admin())
    return browser


def test_no_model_holding_a_citizens_own_data_is_in_the_admin():
    registered = {model._meta.label for model in admin.site._registry}
    assert registered.isdisjoint(CITIZENS_DATA)
    assert all(apps.get_model(label) for label in CITIZENS_DATA)  # the names are real models


def test_the_accounts_in_the_admin_are_officials_only_even_for_the_platform_admin(root, applicant, officer):
    listing = root.get("/en/admin/identity/user/").content.decode()
    assert officer.email in listing
    assert applicant.email not in listing and "Шевченко" not in listing
    opened = root.get(f"/en/admin/identity/user/{applicant.pk}/change/")
    assert opened.status_code == 302  # "no such official": the admin goes back to its index
    assert applicant.rnokpp not in root.get(opened["Location"]).content.decode()
    assert not DataAccess.objects.exists()


def test_the_appeals_register_shows_no_one_and_nothing_they_wrote(root, applicant, authority):
    appeal = appeal_services.appeal_submit(
        citizen=applicant,
        organisation=authority,
        kind=AppealKind.COMPLAINT,
        subject="Грубість у ЦНАП",
        text="Мене образили на прийомі 2 березня.",
    )
    for address in ("/en/admin/appeals/appeal/", f"/en/admin/appeals/appeal/{appeal.pk}/change/"):
        response = root.get(address)
        html = response.content.decode()
        assert response.status_code == 200 and appeal.reference in html
        for written in ("Шевченко", appeal.subject, appeal.text):
            assert written not in html, (address, written)
    # Its contents are one link away, in the back office, which asks why first.
    change = root.get(f"/en/admin/appeals/appeal/{appeal.pk}/change/").content.decode()
    assert f'href="/en/office/appeals/{appeal.pk}/"' in change
    assert not DataAccess.objects.exists()


def test_the_notifications_in_the_admin_say_what_kind_not_what_or_to_whom(root, applicant, authority):
    appeal_services.appeal_submit(
        citizen=applicant, organisation=authority, kind=AppealKind.INQUIRY, subject="Прийом", text="Коли прийом?"
    )
    notification = Notification.objects.get()
    html = root.get(f"/en/admin/messaging/notification/{notification.pk}/change/").content.decode()
    assert "appeal_registered" in html
    assert notification.body not in html and "olena@example.com" not in html and "Шевченко" not in html
