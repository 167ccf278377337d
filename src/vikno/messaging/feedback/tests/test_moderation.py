"""Moderating public questions in the back office: the queue, publishing with an answer (never with personal data
left in), rejecting with a reason, promoting; only officials of the service's organisation, in the right roles."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vikno.audit.models import AuditRecord
from vikno.catalog.tests.factories import PublicServiceFactory
from vikno.identity.constants import Role
from vikno.identity.tests.factories import citizen, official
from vikno.identity.tests.helpers import sign_in_official
from vikno.messaging.feedback import services
from vikno.messaging.feedback.constants import QuestionState
from vikno.messaging.feedback.exceptions import FeedbackRefused
from vikno.messaging.feedback.models import PublicQuestion
from vikno.messaging.feedback.tests.helpers import question_row
from vikno.messaging.models import Notification

pytestmark = pytest.mark.django_db

QUEUE = "/en/office/questions/"
NOW = dt.datetime(2026, 3, 4, 8, 0, tzinfo=dt.UTC)


def page(question) -> str:
    return f"/en/office/questions/{question.pk}/"


@pytest.fixture(autouse=True)
def _now(at):
    at(NOW)


@pytest.fixture
def asked(service, asker):
    return question_row(service, asker, "Мене звати Зиновія, мій номер 067 123 45 67. Чи можна подати заяву онлайн?")


def publish(browser, question, text: str, answer: str = "Так, онлайн на порталі."):
    return browser.post(page(question), {"action": "publish", "text": text, "answer": answer})


# --- The queue ----------------------------------------------------------------------------------------------


def test_the_queue_shows_the_organisations_questions_waiting_first_oldest_first(
    office, officer, service, asker, other_authority, at
):
    at(NOW - dt.timedelta(days=3))
    published = question_row(service, asker, "Старе опубліковане?", state=QuestionState.PUBLISHED)
    at(NOW - dt.timedelta(days=2))
    older = question_row(service, asker, "Старіше питання?")
    at(NOW - dt.timedelta(days=1))
    newer = question_row(service, asker, "Новіше питання?")
    elsewhere = question_row(PublicServiceFactory(competent_authority=other_authority), asker, "Чуже питання?")
    response = office(officer).get(QUEUE)
    assert response.status_code == 200
    html = response.content.decode()
    order = [html.index(f'id="question-{q.pk}"') for q in (older, newer, published)]
    assert order == sorted(order)
    assert f'id="question-{elsewhere.pk}"' not in html and "Чуже питання?" not in html
    assert "3 questions" in html
    assert "Пелехата" not in html and asker.email not in html


def test_the_queue_flags_likely_personal_data(office, officer, asked):
    row = office(officer).get(QUEUE).content.decode()
    start = row.index(f'id="question-{asked.pk}"')
    assert "Personal data?" in row[start : row.index("</tr>", start)]


def test_the_queue_takes_the_same_queries_for_any_number_of_questions(
    office, officer, service, asker, django_assert_num_queries
):
    browser = office(officer)
    question_row(service, asker, "Одне?")
    with CaptureQueriesContext(connection) as one:
        browser.get(QUEUE)
    for n in range(12):
        other = PublicServiceFactory(competent_authority=service.competent_authority)
        question_row(other, citizen(), f"Питання {n}?", state=(QuestionState.PENDING, QuestionState.PUBLISHED)[n % 2])
    with django_assert_num_queries(len(one.captured_queries)):
        response = browser.get(QUEUE)
    assert "13 questions" in response.content.decode()
    assert len(one.captured_queries) == 5  # session, user, roles, count, the page of questions with their services


# --- Who may moderate ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.CASE_OFFICER, Role.EDITOR])
def test_supervisors_case_officers_and_editors_of_the_organisation_moderate(client, authority, asked, role):
    sign_in_official(client, official(f"{role}@vikno.example", authority, role))
    assert client.get(page(asked)).status_code == 200
    assert publish(client, asked, "Чи можна подати заяву онлайн?").status_code == 302
    assert PublicQuestion.objects.get().state == QuestionState.PUBLISHED


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.ORGANISATION_ADMIN])
def test_other_roles_do_not_find_the_question(client, authority, asked, role):
    sign_in_official(client, official(f"{role}@vikno.example", authority, role))
    assert client.get(page(asked)).status_code == 404
    assert publish(client, asked, "Чи можна подати заяву онлайн?").status_code == 404
    assert asked.asked_text not in client.get(QUEUE).content.decode()
    assert PublicQuestion.objects.get().state == QuestionState.PENDING


def test_an_official_of_another_organisation_gets_404(office, stranger, asked):
    browser = office(stranger)
    assert browser.get(page(asked)).status_code == 404
    assert publish(browser, asked, "Чи можна подати заяву онлайн?").status_code == 404
    assert browser.post(page(asked), {"action": "reject", "reason": "Ні"}).status_code == 404
    assert browser.get("/en/office/questions/00000000-0000-4000-8000-000000000000/").status_code == 404
    assert PublicQuestion.objects.get().state == QuestionState.PENDING
    assert not Notification.objects.exists()


def test_citizens_and_anonymous_visitors_never_reach_moderation(client, as_citizen, asker, asked):
    anonymous = client.get(page(asked))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/en/office/sign-in/?next=")
    assert as_citizen(asker).post(page(asked), {"action": "reject", "reason": "Ні"}).status_code == 403
    assert PublicQuestion.objects.get().state == QuestionState.PENDING


def test_the_service_checks_the_moderator_too(stranger, asked):
    with pytest.raises(FeedbackRefused):
        services.question_reject(question=asked, official=stranger, reason="Ні")
    assert PublicQuestion.objects.get().state == QuestionState.PENDING


# --- Publishing ---------------------------------------------------------------------------------------------


def test_the_page_marks_the_personal_data_for_the_moderator(office, officer, asked):
    html = office(officer).get(page(asked)).content.decode()
    assert "<mark>067 123 45 67</mark>" in html
    assert 'id="personal-data-warning"' in html
    assert "Still found: a phone number." in html
    assert "Пелехата" not in html and "zynoviia@example.com" not in html  # who asked is not shown


def test_publishing_with_a_phone_number_left_in_is_refused(office, officer, asked):
    response = publish(office(officer), asked, asked.asked_text)
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        '<a href="#text">The question still seems to hold personal data (a phone number). '
        "Take it out of the question before publishing.</a>"
    ) in html
    assert "Так, онлайн на порталі." in html  # the answer typed comes back
    question = PublicQuestion.objects.get()
    assert (question.state, question.answer, question.published_at) == (QuestionState.PENDING, "", None)
    assert not Notification.objects.exists()
    assert not AuditRecord.objects.filter(action="feedback.question_published").exists()


@pytest.mark.parametrize(
    ("left", "words"),
    [
        ("Пишіть на z@example.com", "an e-mail address"),
        ("Мій РНОКПП 3012345678", "a tax number"),
        ("Паспорт КВ 123456", "a passport or ID card number"),
        ("Картка 4111 1111 1111 1111", "a card number"),
    ],
)
def test_publishing_with_other_personal_data_left_in_is_refused(office, officer, asked, left, words):
    response = publish(office(officer), asked, left)
    assert response.status_code == 400
    assert f"({words})" in response.content.decode()
    assert PublicQuestion.objects.get().state == QuestionState.PENDING


def test_publishing_an_edited_question_tells_the_asker_and_shows_it_on_the_page(
    client, office, officer, asker, asked, service
):
    response = publish(office(officer), asked, "  Чи можна подати заяву онлайн?  ", "  Так, онлайн на порталі.  ")
    assert response.status_code == 302
    assert response["Location"] == page(asked)
    question = PublicQuestion.objects.get()
    assert (question.state, question.text, question.answer) == (
        QuestionState.PUBLISHED,
        "Чи можна подати заяву онлайн?",
        "Так, онлайн на порталі.",
    )
    assert question.asked_text == asked.asked_text  # what was asked is kept, never published
    assert (question.answered_by, question.moderated_by, question.published_at, question.moderated_at) == (
        officer,
        officer,
        NOW,
        NOW,
    )
    audit = AuditRecord.objects.get(action="feedback.question_published")
    assert (audit.actor, audit.object_id, audit.details) == (officer, str(question.pk), {"edited": True})
    notification = Notification.objects.get()
    assert (notification.recipient, notification.event, notification.key, notification.url) == (
        asker,
        "question_answered",
        f"public_question:{question.pk}:question_answered",
        f"/services/{service.slug}/",
    )
    assert service.title_uk in notification.title
    assert (notification.subject_type, notification.subject_id) == ("public_question", str(question.pk))
    client.logout()
    public = client.get(f"/en/services/{service.slug}/").content.decode()
    assert "Чи можна подати заяву онлайн?" in public and "Так, онлайн на порталі." in public
    assert "067 123 45 67" not in public and "Зиновія" not in public


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "Питання?", "answer": ""}, '<a href="#answer">Enter the answer</a>'),
        ({"text": "", "answer": "Так."}, '<a href="#text">Enter the question as it will be published</a>'),
        (
            {"text": "Питання?", "answer": "в" * 5001},
            '<a href="#answer">The answer must be 5,000 characters or fewer</a>',
        ),
    ],
)
def test_publishing_without_a_question_or_an_answer_is_a_400(office, officer, asked, data, message):
    response = office(officer).post(page(asked), {"action": "publish", **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert PublicQuestion.objects.get().state == QuestionState.PENDING


def test_an_unknown_action_is_a_400(office, officer, asked):
    response = office(officer).post(page(asked), {"action": "delete"})
    assert response.status_code == 400
    assert "Choose what to do with the question" in response.content.decode()
    assert PublicQuestion.objects.get().state == QuestionState.PENDING


def test_a_question_someone_already_moderated_is_a_409(office, officer, supervisor, asked):
    services.question_reject(question=asked, official=supervisor, reason="Не про послугу.")
    response = publish(office(officer), asked, "Чи можна подати заяву онлайн?")
    assert response.status_code == 409
    assert "Someone has already moderated this question." in response.content.decode()
    question = PublicQuestion.objects.get()
    assert (question.state, question.answer) == (QuestionState.REJECTED, "")


# --- Rejecting ----------------------------------------------------------------------------------------------


def test_rejecting_needs_a_reason(office, officer, asked):
    response = office(officer).post(page(asked), {"action": "reject", "reason": "  "})
    assert response.status_code == 400
    assert '<a href="#reason">Enter the reason for rejecting the question</a>' in response.content.decode()
    assert PublicQuestion.objects.get().state == QuestionState.PENDING


def test_rejecting_tells_the_asker_why(office, officer, asker, asked, service):
    response = office(officer).post(page(asked), {"action": "reject", "reason": "Це про вашу особисту справу."})
    assert response.status_code == 302
    question = PublicQuestion.objects.get()
    assert (question.state, question.reject_reason, question.moderated_by, question.published_at) == (
        QuestionState.REJECTED,
        "Це про вашу особисту справу.",
        officer,
        None,
    )
    notification = Notification.objects.get()
    assert (notification.recipient, notification.event) == (asker, "question_rejected")
    assert "Це про вашу особисту справу." in notification.body
    assert AuditRecord.objects.get(action="feedback.question_rejected").reason == "Це про вашу особисту справу."
    assert "Чи можна подати заяву онлайн?" not in office(officer).get(f"/en/services/{service.slug}/").content.decode()


def test_an_asker_who_is_gone_is_told_nothing(office, officer, asked):
    PublicQuestion.objects.filter(pk=asked.pk).update(asked_by=None)
    assert office(officer).post(page(asked), {"action": "reject", "reason": "Ні."}).status_code == 302
    assert not Notification.objects.exists()


# --- Promoting ----------------------------------------------------------------------------------------------


def test_a_published_question_is_promoted_and_unpromoted(client, office, officer, service, asker):
    question = question_row(service, asker, "Як записатися?", state=QuestionState.PUBLISHED, answer="Онлайн.")
    browser = office(officer)
    assert browser.post(page(question), {"action": "promote"}).status_code == 302
    assert PublicQuestion.objects.get().promoted is True
    shown = browser.get(page(question)).content.decode()
    assert "Take it out of the common questions" in shown
    assert browser.post(page(question), {"action": "unpromote"}).status_code == 302
    assert PublicQuestion.objects.get().promoted is False
    actions = AuditRecord.objects.filter(object_id=str(question.pk)).values_list("action", flat=True)
    assert sorted(actions) == ["feedback.question_promoted", "feedback.question_unpromoted"]


def test_a_waiting_question_cannot_be_promoted(office, officer, asked):
    response = office(officer).post(page(asked), {"action": "promote"})
    assert response.status_code == 400
    assert "Only a published question can be among the common questions." in response.content.decode()
    assert PublicQuestion.objects.get().promoted is False
