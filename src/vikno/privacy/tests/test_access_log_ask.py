"""Asking why, from one look in the log: the question becomes an inquiry to the organisation that looked, naming
the look (when, what was opened, the purpose) above the citizen's words, with a reference number and the
statutory term, in that organisation's appeals queue. Mistakes come back as a 400 with the error summary; the
form needs its CSRF token; nobody asks about another person's looks. A look's address carries its random public
id, never the log's sequential key."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from vikno.applications.tests import conftest as applications
from vikno.audit.models import AuditRecord
from vikno.backoffice.tests.cases import case_row
from vikno.identity.tests.factories import citizen
from vikno.identity.tests.helpers import sign_in_citizen, sign_in_official
from vikno.messaging.appeals.constants import AppealKind, AppealState
from vikno.messaging.appeals.models import Appeal
from vikno.messaging.models import Notification
from vikno.privacy import selectors
from vikno.privacy.models import DataAccess
from vikno.privacy.services import ASK_MAX_CHARS, data_access_record

pytestmark = pytest.mark.django_db

applicant = applications.applicant
at = applications.at
authority = applications.authority
definition = applications.definition
officer = applications.officer
other_authority = applications.other_authority
service = applications.service
supervisor = applications.supervisor

# 12:40 in Kyiv on Monday 2 March 2026; the answer is due a month later.
NOW = dt.datetime(2026, 3, 2, 10, 40, tzinfo=dt.UTC)
WORDS = "Я не маю з вами жодних справ. Навіщо ви відкривали мою заяву?"


@pytest.fixture(autouse=True)
def _now(at):
    at(NOW)


@pytest.fixture
def case(applicant, service):
    return case_row(service, applicant)


@pytest.fixture
def access(case, applicant, supervisor, authority) -> DataAccess:
    found = data_access_record(
        official=supervisor,
        subject=applicant,
        target=case,
        purpose="supervision",
        organisation=authority,
        role="supervisor",
    )
    assert found is not None
    return found


def address(access: DataAccess, language: str = "/en") -> str:
    return f"{language}/cabinet/data-access/{access.public_id}/ask/"


def cabinet(person, **options) -> Client:
    browser = Client(**options)
    sign_in_citizen(browser, person)
    return browser


def errors(response) -> list[tuple[str, str]]:
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', response.content.decode(), re.S)
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary.group(1)) if summary else []


def test_the_log_links_each_look_to_its_question_page(access, applicant):
    html = cabinet(applicant).get("/en/cabinet/data-access/").content.decode()
    assert f'href="{address(access)}">Ask why' in html


def test_the_question_page_shows_the_look_and_asks_for_the_citizens_words(access, applicant, authority, case):
    response = cabinet(applicant).get(address(access))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ask why your data was looked at" in html
    assert "2 March 2026, 12:40" in html and authority.name_en in html
    assert f"Your application {case.reference}" in html and "Supervision of the case&#x27;s handling" in html
    assert 'name="csrfmiddlewaretoken"' in html and re.search(r'name="key" value="[0-9a-f]{32}"', html)
    assert 'id="from">Шевченко Олена' in html
    assert not Appeal.objects.exists()


def test_a_look_that_is_not_the_citizens_or_not_a_look_is_not_found(access, authority):
    stranger = citizen(first_name="Петро")
    assert cabinet(stranger).get(address(access)).status_code == 404
    assert cabinet(stranger).post(address(access), {"question": WORDS, "key": "k"}).status_code == 404
    owner = cabinet(access.subject)
    for bad in (uuid.uuid4(), "not-a-uuid", access.pk, str(access.public_id)[:-2] + "zz"):
        assert owner.get(f"/en/cabinet/data-access/{bad}/ask/").status_code == 404, bad
    assert not Appeal.objects.exists()


def test_each_look_has_its_own_random_address_not_the_sequential_key(access, applicant, authority, case, officer):
    second = data_access_record(
        official=officer, subject=applicant, target=case, purpose="processing", organisation=authority
    )
    assert second is not None and second.pk == access.pk + 1  # the log's keys follow one another
    assert isinstance(access.public_id, uuid.UUID) and access.public_id.version == 4
    assert second.public_id != access.public_id
    html = cabinet(applicant).get("/en/cabinet/data-access/").content.decode()
    links = re.findall(r'href="/en/cabinet/data-access/([^/"]+)/ask/"', html)
    assert links == [str(second.public_id), str(access.public_id)]  # newest first
    assert selectors.access_get_for_citizen(citizen=applicant, public_id=str(access.public_id)) == access
    assert selectors.access_get_for_citizen(citizen=applicant, public_id=access.pk) is None


def test_a_look_by_no_organisation_has_nobody_to_ask(applicant, officer):
    nobodys = data_access_record(official=officer, subject=applicant, target=applicant, purpose="x")
    assert nobodys is not None
    assert cabinet(applicant).get(address(nobodys)).status_code == 404


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", "Write what you want to ask the organisation"),
        ("  \r\n ", "Write what you want to ask the organisation"),
        ("я" * (ASK_MAX_CHARS + 1), "Your question must be 2,000 characters or fewer"),
    ],
)
def test_a_question_that_cannot_be_sent_comes_back_with_the_error(access, applicant, question, message):
    response = cabinet(applicant).post(address(access), {"question": question, "key": "form-1"})
    assert response.status_code == 400
    assert errors(response) == [("question", message)]
    html = response.content.decode()
    assert "<title>Error: Ask why your data was looked at" in html
    assert 'id="question-error"' in html and "govuk-textarea--error" in html
    assert not Appeal.objects.exists() and not AuditRecord.objects.filter(action="privacy.access_questioned").exists()


def test_the_error_is_in_ukrainian_on_the_ukrainian_page(access, applicant):
    response = cabinet(applicant).post(address(access, ""), {"question": "", "key": "form-1"})
    assert response.status_code == 400
    with translation.override("uk"):
        expected = gettext("Write what you want to ask the organisation")
    assert errors(response) == [("question", expected)]


def test_a_citizen_without_a_name_is_told_why_the_question_cannot_be_registered(authority, officer, service):
    nameless = citizen(first_name="", last_name="")
    access = data_access_record(
        official=officer,
        subject=nameless,
        target=case_row(service, nameless),
        purpose="supervision",
        organisation=authority,
        role="case_officer",
    )
    assert access is not None
    response = cabinet(nameless).post(address(access), {"question": WORDS, "key": "form-1"})
    assert response.status_code == 400
    assert errors(response) == [("from", "Your account has no name. Appeals without a name are not considered.")]
    assert not Appeal.objects.exists()


def test_the_question_becomes_an_inquiry_to_the_organisation_that_looked(access, applicant, authority, officer, case):
    browser = cabinet(applicant)
    response = browser.post(address(access), {"question": WORDS, "key": "form-1"})
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/en/cabinet/appeals/{appeal.pk}/sent/"
    assert (appeal.citizen, appeal.organisation, appeal.kind) == (applicant, authority, AppealKind.INQUIRY)
    assert appeal.state == AppealState.REGISTERED and re.fullmatch(r"26-\d{4}-\d{4}-\d", appeal.reference)
    assert appeal.due_date == dt.date(2026, 4, 1)  # a month from receipt
    assert appeal.subject == "Why was my personal data looked at on 2 March 2026?"
    assert appeal.text == "\n".join(
        [
            "I ask why my personal data was looked at. The portal's access log records this look:",
            "",
            "When: 2 March 2026, 12:40 (Kyiv time)",
            f"What was opened: application {case.reference}",
            "Official's role: Supervisor",
            "Purpose recorded: Supervision of the case's handling",
            "",
            "My question:",
            WORDS,
        ]
    )
    # The look and the inquiry are linked in the audit trail (ids and the reference only: no personal data).
    audit = AuditRecord.objects.get(action="privacy.access_questioned")
    assert (audit.actor, audit.object_type, audit.object_id) == (applicant, "appeals.appeal", str(appeal.pk))
    assert audit.details == {"access": access.pk, "reference": appeal.reference}
    assert Notification.objects.filter(event="appeal_registered", recipient=applicant).count() == 1
    sent = browser.get(response["Location"]).content.decode()
    assert appeal.reference in sent

    # It is in the organisation's appeals queue like any other appeal.
    office = Client()
    sign_in_official(office, officer)
    queue = office.get("/en/office/appeals/").content.decode()
    assert f'id="row-{appeal.reference}"' in queue


def test_the_same_form_sent_twice_is_one_inquiry(access, applicant):
    browser = cabinet(applicant)
    first = browser.post(address(access), {"question": WORDS, "key": "form-1"})
    again = browser.post(address(access), {"question": WORDS, "key": "form-1"})
    assert first["Location"] == again["Location"]
    assert Appeal.objects.count() == 1
    assert AuditRecord.objects.filter(action="privacy.access_questioned").count() == 1


def test_the_form_needs_its_csrf_token(access, applicant):
    browser = cabinet(applicant, enforce_csrf_checks=True)
    response = browser.post(address(access), {"question": WORDS, "key": "form-1"})
    assert response.status_code == 403
    assert not Appeal.objects.exists()


def test_officials_names_go_into_the_letter_only_where_the_portal_shows_them(settings, access, applicant):
    settings.VIKNO_ACCESS_LOG_SHOWS_OFFICIAL_NAMES = True
    access.official.first_name, access.official.last_name = "Марія", "Бойко"
    access.official.save()
    cabinet(applicant).post(address(access), {"question": WORDS, "key": "form-1"})
    assert "Official: Бойко Марія\n" in Appeal.objects.get().text
