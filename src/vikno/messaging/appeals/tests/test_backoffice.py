"""The officials' appeals: the queue (open first, soonest due first, overdue and due-soon flagged, constant
queries), opening an appeal with a purpose written to the access log, and the actions with their errors."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vikno.identity.tests.factories import citizen
from vikno.identity.tests.helpers import sign_in_citizen, sign_in_official
from vikno.messaging.appeals import services
from vikno.messaging.appeals.constants import AppealAccessPurpose, AppealState
from vikno.messaging.appeals.tests.conftest import disguised, moment, pdf, png, submit
from vikno.messaging.models import Notification
from vikno.privacy.models import DataAccess

pytestmark = pytest.mark.django_db

QUEUE = "/en/office/appeals/"


@pytest.fixture
def office(client):
    def as_(official):
        sign_in_official(client, official)
        return client

    return as_


def url(appeal, tail: str = "") -> str:
    return f"/en/office/appeals/{appeal.pk}/{tail}"


def references(response) -> list[str]:
    return re.findall(r'id="row-([\d-]+)"', response.content.decode())


def errors(response) -> list[tuple[str, str]]:
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', response.content.decode(), re.S)
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary.group(1)) if summary else []


def row(response, appeal) -> str:
    match = re.search(rf'id="row-{appeal.reference}">(.*?)</tr>', response.content.decode(), re.S)
    assert match is not None
    return match.group(1)


# --- The queue -------------------------------------------------------------------------------------------


def test_the_queue_shows_open_appeals_soonest_due_first_with_overdue_and_due_soon_flagged(
    office, officer, applicant, authority, other_authority, received, at
):
    late = submit(applicant, authority, subject="Давнє")
    at(moment(10))
    soon = submit(applicant, authority, subject="Скоро")
    at(moment(25))
    fresh = submit(applicant, authority, subject="Нове")
    submit(applicant, other_authority, subject="Чуже відомство")
    answered = submit(applicant, authority, subject="Вже відповіли")
    services.appeal_answer(appeal=answered, official=officer, text="Відповідь")
    at(moment(38))  # 8 April: `late` was due on 1 April, `soon` is due on 11 April, `fresh` on 26 April
    response = office(officer).get(QUEUE)
    assert response.status_code == 200
    assert references(response) == [late.reference, soon.reference, fresh.reference]
    assert "govuk-tag--red" in row(response, late) and "Overdue" in row(response, late)
    assert "Due soon" in row(response, soon) and "Overdue" not in row(response, soon)
    assert "Overdue" not in row(response, fresh) and "Due soon" not in row(response, fresh)
    assert "Nobody yet" in row(response, late)
    assert "Чуже відомство" not in response.content.decode()


def test_the_filters_pick_overdue_answered_or_all_open_first(office, officer, applicant, authority, received, at):
    overdue = submit(applicant, authority)
    answered = submit(applicant, authority)
    services.appeal_answer(appeal=answered, official=officer, text="Відповідь")
    at(moment(20))
    current = submit(applicant, authority)
    services.appeal_assign(appeal=current, official=officer, assignee=officer)
    at(moment(31))
    browser = office(officer)
    assert references(browser.get(f"{QUEUE}?deadline=overdue")) == [overdue.reference]
    assert references(browser.get(f"{QUEUE}?state=answered")) == [answered.reference]
    assert references(browser.get(f"{QUEUE}?state=all")) == [overdue.reference, current.reference, answered.reference]
    assert references(browser.get(f"{QUEUE}?assignee=me")) == [current.reference]
    assert references(browser.get(f"{QUEUE}?assignee=none")) == [overdue.reference]
    assert references(browser.get(f"{QUEUE}?state=in_progress&kind=complaint")) == [current.reference]
    assert references(browser.get(f"{QUEUE}?kind=proposal")) == []


def test_a_filter_that_is_not_offered_gets_a_400_with_the_message(office, officer):
    response = office(officer).get(f"{QUEUE}?deadline=yesterday&state=lost")
    assert response.status_code == 400
    assert errors(response) == [
        ("id_state", "Choose one of the options in the list"),
        ("id_deadline", "Choose one of the options in the list"),
    ]


def _queries(browser) -> int:
    with CaptureQueriesContext(connection) as context:
        assert browser.get(QUEUE).status_code == 200
    return len(context)


def test_the_number_of_queries_does_not_grow_with_the_number_of_appeals(
    office, officer, second_officer, authority, received, django_assert_num_queries
):
    browser = office(officer)
    first = submit(citizen(), authority)
    services.appeal_assign(appeal=first, official=officer, assignee=officer)
    with_one = _queries(browser)
    for index in range(19):
        appeal = submit(citizen(), authority)
        if index % 2:
            services.appeal_assign(appeal=appeal, official=officer, assignee=(officer, second_officer)[index % 4 // 2])
    with django_assert_num_queries(with_one):
        response = browser.get(QUEUE)
    assert len(references(response)) == 20


def test_the_queue_is_for_officials_only(client, applicant, authority):
    assert client.get("/office/appeals/")["Location"].startswith("/office/sign-in/")


# --- Opening an appeal -----------------------------------------------------------------------------------


def test_an_official_of_another_authority_finds_neither_the_appeal_nor_its_files(office, stranger, appeal):
    browser = office(stranger)
    file = appeal.attachments.get()
    purpose = "?purpose=appeal_supervision"
    for address in (url(appeal, purpose), url(appeal, f"files/{file.pk}/{purpose}")):
        assert browser.get(address).status_code == 404
    for tail, data in (
        ("assign/", {"assignee": "me"}),
        ("short-term/", {}),
        ("extend/", {"reason": "x"}),
        ("answer/", {"answer": "x"}),
    ):
        assert browser.post(url(appeal, tail), data).status_code == 404
    appeal.refresh_from_db()
    assert appeal.state == AppealState.REGISTERED and appeal.assignee is None
    assert not DataAccess.objects.exists()


def test_an_official_who_is_not_the_assignee_says_why_and_the_access_is_logged(office, officer, appeal, applicant):
    browser = office(officer)
    ask = browser.get(url(appeal))
    assert ask.status_code == 200
    assert "Why are you opening this appeal?" in ask.content.decode()
    assert appeal.text not in ask.content.decode()
    assert not DataAccess.objects.exists()
    refused = browser.get(url(appeal, "?purpose=curiosity"))
    assert refused.status_code == 400
    assert errors(refused) == [("id_purpose", "Choose why you are opening this appeal")]
    shown = browser.get(url(appeal, "?purpose=appeal_routing"))
    assert shown.status_code == 200
    assert appeal.text in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    [access] = DataAccess.objects.all()
    assert (access.official, access.subject, access.purpose) == (officer, applicant, "appeal_routing")
    assert (access.object_type, access.object_id, access.role) == ("appeals.appeal", str(appeal.pk), "case_officer")


def test_the_assignee_opens_the_appeal_for_answering_it(office, officer, appeal):
    services.appeal_assign(appeal=appeal, official=officer, assignee=officer)
    browser = office(officer)
    assert browser.get(url(appeal)).status_code == 200
    file = appeal.attachments.get()
    response = browser.get(url(appeal, f"files/{file.pk}/"))
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert list(DataAccess.objects.values_list("purpose", flat=True)) == [AppealAccessPurpose.ANSWERING] * 2


def test_a_file_without_a_purpose_sends_to_the_question_first(office, officer, appeal):
    file = appeal.attachments.get()
    response = office(officer).get(url(appeal, f"files/{file.pk}/"))
    assert response.status_code == 302 and response["Location"] == f"/en/office/appeals/{appeal.pk}/"
    assert not DataAccess.objects.exists()


# --- Actions ---------------------------------------------------------------------------------------------


def test_assign_to_me_then_answer_and_the_citizen_sees_it(office, officer, appeal, applicant, client, at):
    browser = office(officer)
    page = browser.get(url(appeal, "?purpose=appeal_answering")).content.decode()
    assert 'id="claim"' in page and 'id="short-term"' in page
    assert 'id="extend"' not in page  # a case officer does not extend: the supervisor does
    response = browser.post(url(appeal, "assign/"), {"assignee": "me", "purpose": "appeal_routing"})
    assert response.status_code == 302
    assert response["Location"] == f"/en/office/appeals/{appeal.pk}/?purpose=appeal_routing"
    appeal.refresh_from_db()
    assert (appeal.assignee, appeal.state) == (officer, AppealState.IN_PROGRESS)
    at(moment(3))
    response = browser.post(
        url(appeal, "answer/"), {"answer": "Прийом щопонеділка.", "answer-files": [pdf()], "purpose": "x"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?purpose=appeal_answering")
    appeal.refresh_from_db()
    assert appeal.state == AppealState.ANSWERED and appeal.answer == "Прийом щопонеділка."
    assert Notification.objects.filter(event="appeal_answered", recipient=applicant).count() == 1
    html = browser.get(response["Location"]).content.decode()
    assert 'id="answer-text">Прийом щопонеділка.</p>' in html and 'id="actions"' not in html

    sign_in_citizen(client, applicant)
    mine = client.get(f"/en/cabinet/appeals/{appeal.pk}/").content.decode()
    assert "Прийом щопонеділка." in mine and "letter.pdf" in mine


def test_an_empty_answer_comes_back_with_the_message_and_nothing_is_sent(office, officer, appeal):
    browser = office(officer)
    response = browser.post(url(appeal, "answer/"), {"answer": "   ", "purpose": "appeal_answering"})
    assert response.status_code == 400
    assert errors(response) == [("answer", "Enter the answer")]
    assert 'id="answer-error"' in response.content.decode()
    response = browser.post(
        url(appeal, "answer/"), {"answer": "Текст", "answer-files": [disguised()], "purpose": "appeal_answering"}
    )
    assert errors(response) == [("answer-files", "“scan.pdf”: The file must be a PDF, JPG, PNG")]
    assert "Текст</textarea>" in response.content.decode()  # what was typed is kept
    appeal.refresh_from_db()
    assert appeal.is_open
    assert not Notification.objects.filter(event="appeal_answered").exists()


def test_the_supervisor_extends_once_and_a_second_extension_is_refused_with_a_message(office, supervisor, appeal):
    browser = office(supervisor)
    page = browser.get(url(appeal, "?purpose=appeal_supervision")).content.decode()
    assert 'id="extend"' in page and "no later than 16 April 2026" in page
    bad = browser.post(
        url(appeal, "extend/"),
        {"new_due-day": "31", "new_due-month": "4", "new_due-year": "2026", "reason": "Архів", "purpose": "x"},
    )
    assert bad.status_code == 400
    assert errors(bad) == [("new_due-day", "The new date must be a real date")]
    assert 'value="31"' in bad.content.decode() and "Архів</textarea>" in bad.content.decode()
    beyond = browser.post(
        url(appeal, "extend/"),
        {"new_due-day": "17", "new_due-month": "4", "new_due-year": "2026", "reason": "Архів"},
    )
    assert errors(beyond) == [
        ("new_due-day", "The new date can be no later than 16 April 2026, 45 days after the appeal was received")
    ]
    done = browser.post(
        url(appeal, "extend/"),
        {"new_due-day": "16", "new_due-month": "4", "new_due-year": "2026", "reason": "Запит до архіву"},
    )
    assert done.status_code == 302
    appeal.refresh_from_db()
    assert appeal.due_date == dt.date(2026, 4, 16)
    again = browser.post(
        url(appeal, "extend/"),
        {"new_due-day": "15", "new_due-month": "4", "new_due-year": "2026", "reason": "Ще раз"},
    )
    assert again.status_code == 400
    assert errors(again) == [
        ("actions", "The term of this appeal has already been extended once. The law allows one extension.")
    ]
    assert "Ще раз" in again.content.decode()  # the form is gone; what was typed is shown, never lost
    appeal.refresh_from_db()
    assert appeal.due_date == dt.date(2026, 4, 16)
    assert Notification.objects.filter(event="appeal_extended").count() == 1


def test_a_case_officer_posting_an_extension_is_refused_with_a_message(office, officer, appeal):
    response = office(officer).post(
        url(appeal, "extend/"),
        {"new_due-day": "10", "new_due-month": "4", "new_due-year": "2026", "reason": "Архів"},
    )
    assert response.status_code == 400
    assert errors(response) == [("actions", "Only a supervisor of the authority can extend the term of an appeal.")]


def test_no_further_study_needed_from_the_page(office, officer, appeal):
    browser = office(officer)
    response = browser.post(url(appeal, "short-term/"), {"purpose": "appeal_answering"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.short_term and appeal.due_date == dt.date(2026, 3, 17)
    html = browser.get(response["Location"]).content.decode()
    assert "Marked as needing no further study." in html and 'id="short-term"' not in html


def test_assigning_to_someone_who_does_not_handle_the_appeals_is_refused(office, officer, stranger, appeal):
    response = office(officer).post(url(appeal, "assign/"), {"assignee": str(stranger.pk)})
    assert response.status_code == 400
    assert errors(response) == [("assignee", "Choose who to assign the appeal to")]
    appeal.refresh_from_db()
    assert appeal.assignee is None


def test_actions_are_post_only(office, officer, appeal):
    assert office(officer).get(url(appeal, "answer/")).status_code == 405


def test_a_png_answer_file_is_kept_too(office, officer, appeal):
    office(officer).post(url(appeal, "answer/"), {"answer": "Див. фото.", "answer-files": [png("answer.png")]})
    assert appeal.attachments.filter(part="answer", name="answer.png").exists()
