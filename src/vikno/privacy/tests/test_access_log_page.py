"""The citizen's "Who looked at my data" page: their own looks only, newest first, twenty a page, each with its
Kyiv date and time, organisation, role, what was opened in plain words and the purpose; officials' names only when
the portal is set to show them; the same number of queries however many looks and of how many kinds."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from vikno.applications.tests import conftest as applications
from vikno.backoffice.tests.cases import case_row
from vikno.identity.constants import Role
from vikno.identity.tests.factories import citizen, mandate
from vikno.identity.tests.helpers import sign_in_citizen, sign_in_official
from vikno.messaging.appeals import services as appeal_services
from vikno.messaging.appeals.constants import AppealKind
from vikno.messaging.feedback import services as feedback_services
from vikno.payments.tests import conftest as payments
from vikno.privacy import selectors
from vikno.privacy.models import DataAccess
from vikno.privacy.services import data_access_record
from vikno.privacy.tests import test_access_log_places as places

pytestmark = pytest.mark.django_db

applicant = applications.applicant
at = applications.at
authority = applications.authority
definition = applications.definition
officer = applications.officer
other_authority = applications.other_authority
service = applications.service
supervisor = applications.supervisor
accountant = payments.accountant
fee_account = payments.fee_account
fee_service = payments.fee_service
transferred = places.transferred

PAGE = "/en/cabinet/data-access/"
# 08:05 UTC is 10:05 in Kyiv in winter.
START = dt.datetime(2026, 3, 2, 8, 5, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _start(at):
    at(START)


def cabinet(person) -> Client:
    browser = Client()
    sign_in_citizen(browser, person)
    return browser


def look(at, minutes: int, *, official, subject, target, organisation, role="case_officer", purpose="processing"):
    at(START + dt.timedelta(minutes=minutes))
    return data_access_record(
        official=official, subject=subject, target=target, purpose=purpose, organisation=organisation, role=role
    )


def rows(response) -> list[str]:
    html = response.content.decode()
    return re.findall(r'<tr class="govuk-table__row" id="access-\d+">(.*?)</tr>', html, re.S)


def cells(row: str) -> list[str]:
    """The text of each cell of a row, as a person reads it."""
    found = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    return [unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip()) for cell in found]


def test_anonymous_visitors_sign_in_and_officials_are_refused(client, officer):
    response = client.get("/cabinet/data-access/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/?next=")
    sign_in_official(client, officer)
    assert client.get("/cabinet/data-access/").status_code == 403


def test_the_cabinet_links_to_the_log(applicant):
    html = cabinet(applicant).get("/en/cabinet/").content.decode()
    assert f'id="data-access-link" href="{PAGE}">Who looked at my data</a>' in html


def test_a_citizen_sees_their_own_looks_newest_first_in_plain_words(
    at, applicant, authority, other_authority, service, officer, supervisor
):
    case = case_row(service, applicant)
    appeal = appeal_services.appeal_submit(
        citizen=applicant, organisation=authority, kind=AppealKind.INQUIRY, subject="Прийом", text="Коли прийом?"
    )
    other = citizen(first_name="Петро", last_name="Іваненко")
    others_case = case_row(service, other)
    look(at, 0, official=officer, subject=applicant, target=case, organisation=authority, purpose="processing")
    look(
        at,
        30,
        official=supervisor,
        subject=applicant,
        target=appeal,
        organisation=authority,
        role="case_officer,supervisor",
        purpose="appeal_supervision",
    )
    look(at, 45, official=officer, subject=other, target=others_case, organisation=authority, purpose="supervision")

    response = cabinet(applicant).get(PAGE)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert [cells(row)[:5] for row in rows(response)] == [
        [
            "2 March 2026, 10:35",
            authority.name_en,
            "Case officer, Supervisor",
            f"Your appeal {appeal.reference}",
            "Supervision of the appeal's handling",
        ],
        [
            "2 March 2026, 10:05",
            authority.name_en,
            "Case officer",
            f"Your application {case.reference}",
            "Processing the application",
        ],
    ]
    html = response.content.decode()
    assert others_case.reference not in html and "Іваненко" not in html
    assert "/office/" not in html  # no back-office addresses
    assert "Коваль" not in html and "officer@vikno.example" not in html  # no official's name by default
    assert 'id="names-hidden"' in html

    # The other citizen sees their one look, and nothing of the first one's.
    theirs = cabinet(other).get(PAGE)
    assert [cells(row)[3] for row in rows(theirs)] == [f"Your application {others_case.reference}"]
    assert case.reference not in theirs.content.decode()


def test_officials_names_are_shown_where_the_portal_is_set_to(settings, at, applicant, authority, service, officer):
    settings.VIKNO_ACCESS_LOG_SHOWS_OFFICIAL_NAMES = True
    look(at, 0, official=officer, subject=applicant, target=case_row(service, applicant), organisation=authority)
    response = cabinet(applicant).get(PAGE)
    assert cells(rows(response)[0])[3] == "Коваль Іван"
    assert '<th scope="col" class="govuk-table__header">Official</th>' in response.content.decode()
    assert 'id="names-hidden"' not in response.content.decode()


def test_every_kind_of_thing_opened_has_its_words(at, applicant, authority, service, officer, accountant, transferred):
    question = feedback_services.question_ask(service=service, citizen=applicant, text="Коли прийом?")
    look(
        at,
        0,
        official=accountant,
        subject=applicant,
        target=transferred,
        organisation=authority,
        role="accountant",
        purpose="payment_handling",
    )
    look(
        at,
        1,
        official=officer,
        subject=applicant,
        target=question,
        organisation=authority,
        purpose="question_moderation",
    )
    mandate_for = mandate(applicant, officer, party_name="ТОВ «Приклад»")
    look(
        at,
        2,
        official=officer,
        subject=applicant,
        target=mandate_for,
        organisation=authority,
        purpose="mandate_administration",
    )
    look(at, 3, official=officer, subject=applicant, target=applicant, organisation=None, role="", purpose="x")
    look(at, 4, official=officer, subject=applicant, target=service, organisation=None, role="", purpose="x")
    found = [cells(row) for row in rows(cabinet(applicant).get(PAGE))]
    reference = transferred.fee.application.reference
    assert [(row[1], row[2], row[3], row[4]) for row in found] == [
        ("The portal's administration", "—", "Your personal data", "x"),  # nothing it can name
        ("The portal's administration", "—", "Your profile", "x"),
        (
            authority.name_en,
            "Case officer",
            "Your mandate to act for ТОВ «Приклад»",
            "Registering or revoking a mandate to act for someone",
        ),
        (
            authority.name_en,
            "Case officer",
            f"Your public question about “{service.title_en}”",
            "Moderating your public question before it is published",
        ),
        (
            authority.name_en,
            "Accountant",
            f"Your payment for application {reference}",
            "Handling your fee payment: checking it or returning money",
        ),
    ]
    html = cabinet(applicant).get(PAGE).content.decode()
    assert html.count(">Ask why<") == 3  # a look by no organisation has nobody to ask


def test_twenty_looks_a_page_and_the_rest_on_the_next(at, applicant, authority, service, officer):
    case = case_row(service, applicant)
    for minute in range(25):
        look(at, minute, official=officer, subject=applicant, target=case, organisation=authority)
    browser = cabinet(applicant)
    first = browser.get(PAGE)
    assert [cells(row)[0] for row in rows(first)][:2] == ["2 March 2026, 10:29", "2 March 2026, 10:28"]
    assert len(rows(first)) == 20
    assert 'href="?page=2" rel="next"' in first.content.decode()
    second = browser.get(PAGE + "?page=2")
    assert [cells(row)[0] for row in rows(second)] == [f"2 March 2026, 10:0{m}" for m in (9, 8, 7, 6, 5)]
    assert len(rows(browser.get(PAGE + "?page=99"))) == 5  # past the end: the last page
    assert len(rows(browser.get(PAGE + "?page=abc"))) == 20


def test_no_looks_yet(applicant):
    html = cabinet(applicant).get(PAGE).content.decode()
    assert 'id="no-accesses">No official has looked at your data yet.' in html


def test_the_page_speaks_ukrainian(at, applicant, authority, service, officer):
    case = case_row(service, applicant)
    look(at, 0, official=officer, subject=applicant, target=case, organisation=authority, purpose="supervision")
    html = cabinet(applicant).get("/cabinet/data-access/").content.decode()
    with translation.override("uk"):
        expected = [
            gettext("Who looked at my data"),
            gettext("Case officer"),
            gettext("Supervision of the case's handling"),
            gettext("your application %(reference)s") % {"reference": case.reference},
        ]
    for text in expected:
        assert text[0].upper() + text[1:] in html or text in html, text
    assert "2 березня 2026, 10:05" in html and authority.name_uk in html


def test_the_queries_do_not_grow_with_the_looks(
    at, applicant, authority, service, officer, accountant, transferred, django_assert_num_queries
):
    case = case_row(service, applicant)
    look(at, 0, official=officer, subject=applicant, target=case, organisation=authority)
    browser = cabinet(applicant)
    with django_assert_num_queries(3):  # the count, the page's looks with their organisations, the applications
        page, entries = selectors.access_page(citizen=applicant, number=1)
        assert len(entries) == 1
    assert browser.get(PAGE).status_code == 200
    with CaptureQueriesContext(connection) as one:
        browser.get(PAGE)
    appeal = appeal_services.appeal_submit(
        citizen=applicant, organisation=authority, kind=AppealKind.INQUIRY, subject="Прийом", text="Коли прийом?"
    )
    question = feedback_services.question_ask(service=service, citizen=applicant, text="Коли прийом?")
    for minute, target in enumerate([case, appeal, question, transferred, case, appeal] * 3, start=1):
        look(at, minute, official=officer, subject=applicant, target=target, organisation=authority)
    with django_assert_num_queries(6):  # and one query more for each further kind: appeals, questions, payments
        page, entries = selectors.access_page(citizen=applicant, number=1)
        assert len(entries) == 19
    with django_assert_num_queries(len(one) + 3):
        assert browser.get(PAGE).status_code == 200
    assert DataAccess.objects.filter(subject=applicant).count() == 19


def test_officials_roles_are_named_in_the_citizens_language():
    with translation.override("en"):
        assert selectors.role_label(f"{Role.ACCOUNTANT},{Role.SUPERVISOR}") == "Accountant, Supervisor"
        assert selectors.role_label("") == ""
