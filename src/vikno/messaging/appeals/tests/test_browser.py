"""The whole path in Chromium, with JavaScript on and off: a citizen writes to an authority (after an error), an
official opens the queue, says why they open the appeal, takes it and answers; the citizen reads the answer.
Zero axe-core violations, no policy violation and no script error on each page of the way."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import FilePayload, Page

from vikno.applications.tests.browser_steps import assert_page_is_clean, button, signed_in, submit, success_message
from vikno.applications.tests.factories import png_bytes
from vikno.messaging.appeals.constants import AppealState
from vikno.messaging.appeals.models import Appeal
from vikno.privacy.models import DataAccess
from vikno.web.tests.browser import open_page, visit

# The browser fixtures of the web app's tests (one Chromium per session, a page per test, the live server).
from vikno.web.tests.conftest import chromium, javascript, page, portal_url  # noqa: F401
from vikno.web.tests.test_security_headers import CspWatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "Я подала заяву про субсидію два місяці тому.\nВідповіді досі немає."
ANSWER = "Субсидію призначено з 1 березня."


def path_of(tab: Page) -> str:
    return urlsplit(tab.url).path


def summary_errors(tab: Page) -> list[str]:
    return [item.inner_text().strip() for item in tab.locator(".govuk-error-summary__list li").all()]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_write_route_answer_and_read(
    page,  # noqa: F811
    chromium,  # noqa: F811
    portal_url,  # noqa: F811
    javascript,  # noqa: F811
    applicant,
    authority,
    officer,
):
    tab = page
    signed_in(tab, portal_url, applicant)
    watch = CspWatch(tab)

    # --- The citizen writes ----------------------------------------------------------------------------------
    visit(tab, "/en/cabinet/appeals/")
    assert tab.locator("#no-appeals").count() == 1
    assert_page_is_clean(tab, watch)
    submit(tab, tab.locator("#write"))
    assert path_of(tab) == "/en/cabinet/appeals/new/"
    assert_page_is_clean(tab, watch)
    submit(tab, button(tab, "Send the appeal"), status=400)
    assert summary_errors(tab) == [
        "Choose the authority you are writing to",
        "Choose what kind of appeal this is",
        "Enter a short summary of your appeal",
        "Enter your appeal",
    ]
    assert_page_is_clean(tab, watch)
    tab.select_option("#organisation", str(authority.pk))
    tab.locator("label[for=kind-complaint]").click()
    tab.fill("#subject", "Немає відповіді на заяву")
    tab.fill("#text", TEXT)
    tab.set_input_files("#files", FilePayload(name="zayava.png", mimeType="image/png", buffer=png_bytes()))
    submit(tab, button(tab, "Send the appeal"))
    appeal = Appeal.objects.get()
    assert (appeal.organisation, appeal.kind, appeal.text) == (authority, "complaint", TEXT)
    assert [a.name for a in appeal.attachments.all()] == ["zayava.png"]
    assert tab.locator("#reference").inner_text() == appeal.reference
    assert_page_is_clean(tab, watch)

    # --- The official opens it from the queue, takes it and answers -------------------------------------------
    with open_page(chromium.browser, base_url=portal_url, javascript=javascript) as office_tab:
        signed_in(office_tab, portal_url, officer, as_official=True)
        office_watch = CspWatch(office_tab)
        visit(office_tab, "/en/office/appeals/")
        assert office_tab.locator(f"#row-{appeal.reference}").count() == 1
        assert_page_is_clean(office_tab, office_watch)
        submit(office_tab, office_tab.get_by_role("link", name=appeal.reference))
        assert office_tab.locator("h1").inner_text() == "Why are you opening this appeal?"
        assert_page_is_clean(office_tab, office_watch)
        office_tab.locator("label[for=id_purpose]").click()
        submit(office_tab, button(office_tab, "Open the appeal"))
        assert office_tab.locator("#text").inner_text() == TEXT
        assert_page_is_clean(office_tab, office_watch)
        submit(office_tab, office_tab.locator("#claim"))
        assert success_message(office_tab).startswith("The appeal is assigned to")
        assert office_tab.locator("#status").inner_text() == "Being considered"
        assert_page_is_clean(office_tab, office_watch)
        submit(office_tab, button(office_tab, "Send the answer"), status=400)
        assert summary_errors(office_tab) == ["Enter the answer"]
        assert_page_is_clean(office_tab, office_watch)
        office_tab.fill("#answer", ANSWER)
        submit(office_tab, button(office_tab, "Send the answer"))
        assert office_tab.locator("#status").inner_text() == "Answered"
        assert_page_is_clean(office_tab, office_watch)
        appeal.refresh_from_db()
        assert (appeal.state, appeal.answer, appeal.answered_by) == (AppealState.ANSWERED, ANSWER, officer)
        assert set(DataAccess.objects.values_list("purpose", flat=True)) == {"appeal_answering"}

    # --- The citizen reads the answer ----------------------------------------------------------------------
    visit(tab, f"/en/cabinet/appeals/{appeal.pk}/")
    assert tab.locator("#status").inner_text() == "Answered"
    assert tab.locator("#answer").inner_text() == ANSWER
    assert_page_is_clean(tab, watch)
