"""The feedback pages in Chromium, with JavaScript on and off: a service page with common and public questions
and "is this page useful?" (then what was wrong), asking a question, rating a decided application, and the back
office's questions and feedback pages. Zero axe-core violations, no policy violation, no script error on each."""

import pytest
from playwright.sync_api import Page

from vikno.applications.tests.browser_steps import assert_page_is_clean, button, signed_in, submit, success_message
from vikno.messaging.feedback.constants import QuestionState
from vikno.messaging.feedback.models import PageVote, PublicQuestion, Rating
from vikno.messaging.feedback.tests.helpers import application_row, question_row, rating_row
from vikno.web.tests.browser import visit

# The browser fixtures of the web app's tests (one Chromium per session, a page per test, the live server).
from vikno.web.tests.conftest import chromium, javascript, page, portal_url  # noqa: F401
from vikno.web.tests.test_security_headers import CspWatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


JS = pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])


@JS
def test_a_service_page_with_questions_and_the_useful_question(page: Page, service, asker):  # noqa: F811
    question_row(service, asker, "Як отримати довідку?", state=QuestionState.PUBLISHED, answer="Онлайн.", promoted=True)
    question_row(service, asker, "Чи є черги?", state=QuestionState.PUBLISHED, answer="Ні.")
    watch = CspWatch(page)
    visit(page, f"/en/services/{service.slug}/")
    assert page.locator("#common-questions h3").all_inner_texts() == ["Як отримати довідку?"]
    assert_page_is_clean(page, watch)

    submit(page, button(page, "No"))
    assert page.url.endswith(f"/en/services/{service.slug}/useful/")
    assert_page_is_clean(page, watch)
    page.get_by_label("What was wrong with this page?").fill("Не знайшла адресу.")
    submit(page, button(page, "Send"))
    assert success_message(page) == "Thank you for your feedback."
    assert (
        page.locator("#page-feedback").inner_text().strip() == "Thank you for telling us whether this page is useful."
    )
    assert_page_is_clean(page, watch)
    assert list(PageVote.objects.values_list("useful", "comment")) == [(False, "Не знайшла адресу.")]


@JS
def test_a_bad_answer_to_the_useful_question_gets_a_clean_error_page(page: Page, service, portal_url):  # noqa: F811
    watch = CspWatch(page)
    visit(page, f"/en/services/{service.slug}/")
    # A hand-made form with a value the page never offers.
    page.evaluate("document.querySelector('#page-feedback button[value=yes]').value = 'maybe'")
    submit(page, button(page, "Yes"), status=400)
    assert page.locator(".govuk-error-summary a").get_attribute("href") == "#useful"
    assert_page_is_clean(page, watch)
    assert not PageVote.objects.exists()


@JS
def test_asking_a_question(page: Page, service, asker, portal_url):  # noqa: F811
    signed_in(page, portal_url, asker)
    watch = CspWatch(page)
    visit(page, f"/en/services/{service.slug}/questions/new/")
    assert_page_is_clean(page, watch)
    submit(page, button(page, "Send your question"), status=400)
    assert page.locator(".govuk-error-summary a").get_attribute("href") == "#text"
    assert_page_is_clean(page, watch)
    page.get_by_label("Ask a question about the service").fill("Чи можна подати заяву за дитину?")
    submit(page, button(page, "Send your question"))
    assert success_message(page).startswith("Your question is sent.")
    assert_page_is_clean(page, watch)
    assert PublicQuestion.objects.get().state == QuestionState.PENDING


@JS
def test_rating_a_decided_application(page: Page, service, applicant, portal_url):  # noqa: F811
    application = application_row(service, applicant)
    signed_in(page, portal_url, applicant)
    watch = CspWatch(page)
    visit(page, f"/en/cabinet/applications/{application.pk}/rating/")
    assert_page_is_clean(page, watch)
    submit(page, button(page, "Send your rating"), status=400)
    assert page.locator(".govuk-error-summary a").get_attribute("href") == "#score"
    assert_page_is_clean(page, watch)
    page.get_by_label("4 – Satisfied").check()
    page.get_by_label("How could the service be better? (optional)").fill("Усе добре.")
    submit(page, button(page, "Send your rating"))
    assert list(Rating.objects.values_list("score", "comment")) == [(4, "Усе добре.")]


@JS
def test_the_back_office_pages(page: Page, service, officer, asker, portal_url):  # noqa: F811
    question = question_row(service, asker, "Мій номер 067 123 45 67. Скільки чекати?")
    rating_row(service, 5, comment="Швидко.")
    PageVote.objects.create(service=service, useful=False, comment="Незрозуміло.")
    signed_in(page, portal_url, officer, as_official=True)
    watch = CspWatch(page)
    visit(page, "/en/office/questions/")
    assert_page_is_clean(page, watch)
    visit(page, f"/en/office/questions/{question.pk}/")
    assert page.locator("#asked-text mark").all_inner_texts() == ["067 123 45 67"]
    assert_page_is_clean(page, watch)
    page.get_by_label("The authority's answer").fill("До 10 робочих днів.")
    submit(page, button(page, "Publish the question and the answer"), status=400)
    assert page.locator(".govuk-error-summary a").get_attribute("href") == "#text"
    assert_page_is_clean(page, watch)
    page.get_by_label("The question as it will be published").fill("Скільки чекати?")
    submit(page, button(page, "Publish the question and the answer"))
    assert_page_is_clean(page, watch)
    visit(page, "/en/office/feedback/")
    assert_page_is_clean(page, watch)
