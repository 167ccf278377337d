"""Public questions on a service page: a signed-in person asks; only published questions appear, with the
authority's answer and never the asker; promoted ones appear among the common questions."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vikno.audit.models import AuditRecord
from vikno.catalog.constants import PublicationStatus
from vikno.catalog.tests.factories import PublicServiceFactory
from vikno.messaging.feedback.constants import QuestionState
from vikno.messaging.feedback.models import PublicQuestion
from vikno.messaging.feedback.tests.helpers import question_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def new(service):
    return f"/en/services/{service.slug}/questions/new/"


def part(html: str, element_id: str) -> str:
    """The HTML of the element with the id (up to the end of its <div>), or "" when the page has none."""
    start = html.find(f'<div id="{element_id}">')
    if start == -1:
        return ""
    match = re.compile(r"</?div\b").finditer(html, start)
    depth = 0
    for found in match:
        depth += -1 if found.group(0) == "</div" else 1
        if depth == 0:
            return html[start : found.start()]
    raise AssertionError("unclosed element")


def test_the_service_page_links_to_asking(client, service, new):
    html = client.get(f"/en/services/{service.slug}/").content.decode()
    assert f'href="{new}"' in html
    assert "Nobody has asked about this service in public yet." in html


def test_anonymous_visitors_are_sent_to_sign_in(client, service):
    address = f"/services/{service.slug}/questions/new/"
    for response in (client.get(address), client.post(address, {"text": "Питання?"})):
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/?next=")
    assert not PublicQuestion.objects.exists()


def test_a_question_waits_for_moderation_and_is_audited(as_citizen, asker, service, new):
    browser = as_citizen(asker)
    page = browser.get(new)
    assert page.status_code == 200
    assert "Do not write personal details" in page.content.decode()
    response = browser.post(new, {"text": "  Чи можна подати заяву за дитину?  "})
    assert response.status_code == 302
    assert response["Location"] == f"/en/services/{service.slug}/"
    question = PublicQuestion.objects.get()
    assert (question.service, question.asked_by, question.asked_text, question.text, question.state) == (
        service,
        asker,
        "Чи можна подати заяву за дитину?",
        "Чи можна подати заяву за дитину?",
        QuestionState.PENDING,
    )
    assert (question.answer, question.published_at, question.promoted) == ("", None, False)
    assert AuditRecord.objects.filter(action="feedback.question_asked", object_id=str(question.pk)).count() == 1
    shown = browser.get(response["Location"]).content.decode()
    assert "Your question is sent." in shown
    assert "Чи можна подати заяву за дитину?" not in shown  # pending: not on the page


def test_the_same_question_sent_twice_is_kept_once(as_citizen, asker, new):
    browser = as_citizen(asker)
    browser.post(new, {"text": "Скільки чекати?"})
    browser.post(new, {"text": "Скільки чекати?"})
    assert PublicQuestion.objects.count() == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter your question"),
        ("   \n  ", "Enter your question"),
        ("п" * 5001, "Your question must be 5,000 characters or fewer"),
    ],
)
def test_an_empty_or_oversized_question_is_a_400(as_citizen, asker, new, text, message):
    response = as_citizen(asker).post(new, {"text": text})
    assert response.status_code == 400
    assert f'<a href="#text">{message}</a>' in response.content.decode()
    assert not PublicQuestion.objects.exists()


def test_the_longest_question_is_accepted(as_citizen, asker, new):
    assert as_citizen(asker).post(new, {"text": "п" * 5000}).status_code == 302
    assert PublicQuestion.objects.count() == 1


def test_questions_are_asked_about_published_services_only(as_citizen, asker, authority):
    draft = PublicServiceFactory(competent_authority=authority, status=PublicationStatus.DRAFT)
    browser = as_citizen(asker)
    assert browser.get(f"/en/services/{draft.slug}/questions/new/").status_code == 404
    assert browser.post(f"/en/services/{draft.slug}/questions/new/", {"text": "Що це?"}).status_code == 404
    assert not PublicQuestion.objects.exists()


def test_only_published_questions_appear_with_their_answers_and_never_the_asker(client, asker, service, officer):
    question_row(service, asker, "Чекає на модерацію?")
    question_row(service, asker, "Відхилене питання?", state=QuestionState.REJECTED, reject_reason="Не про послугу")
    question_row(
        service,
        asker,
        "Мене звати Зиновія Пелехата, мій телефон 0501112233. Скільки коштує?",
        state=QuestionState.PUBLISHED,
        text="Скільки коштує послуга?",
        answer="Послуга безоплатна.",
        answered_by=officer,
    )
    html = client.get(f"/en/services/{service.slug}/").content.decode()
    public = part(html, "public-questions")
    assert "Скільки коштує послуга?" in public
    assert "Послуга безоплатна." in public
    for never in ("Чекає на модерацію?", "Відхилене питання?", "Не про послугу", "Зиновія", "Пелехата", "0501112233"):
        assert never not in html
    assert part(html, "common-questions") == ""
    # Not in Ukrainian either.
    assert "Пелехата" not in client.get(f"/services/{service.slug}/").content.decode()


def test_a_promoted_question_appears_among_the_common_questions(client, asker, service):
    question_row(service, asker, "Як отримати довідку?", state=QuestionState.PUBLISHED, answer="Онлайн.", promoted=True)
    question_row(service, asker, "Чи є черги?", state=QuestionState.PUBLISHED, answer="Ні.")
    html = client.get(f"/en/services/{service.slug}/").content.decode()
    common = part(html, "common-questions")
    assert "Common questions" in common
    assert "Як отримати довідку?" in common and "Онлайн." in common
    assert "Чи є черги?" not in common
    public = part(html, "public-questions")
    assert "Чи є черги?" in public
    assert "Як отримати довідку?" not in public


def test_other_services_questions_stay_on_their_own_pages(client, asker, service, authority):
    other = PublicServiceFactory(competent_authority=authority)
    question_row(other, asker, "Про іншу послугу?", state=QuestionState.PUBLISHED, answer="Так.")
    assert "Про іншу послугу?" not in client.get(f"/en/services/{service.slug}/").content.decode()


def test_the_questions_cost_the_service_page_the_same_queries_however_many(
    client, asker, service, django_assert_num_queries
):
    question_row(service, asker, "Перше?", state=QuestionState.PUBLISHED, answer="Так.", promoted=True)
    question_row(service, asker, "Друге?", state=QuestionState.PUBLISHED, answer="Так.")
    address = f"/en/services/{service.slug}/"
    client.get(address)
    with CaptureQueriesContext(connection) as few:
        client.get(address)
    for n in range(10):
        question_row(service, asker, f"Ще {n}?", state=QuestionState.PUBLISHED, answer="Так.", promoted=n % 2 == 0)
    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get(address).content.decode()
    assert "Ще 9?" in html
    questions_queries = [q["sql"] for q in few.captured_queries if "feedback_publicquestion" in q["sql"]]
    assert len(questions_queries) == 2
    assert all("asked_by" not in sql and "asked_text" not in sql for sql in questions_queries)
