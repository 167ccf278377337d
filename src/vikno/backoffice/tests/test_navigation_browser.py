"""The back office's menu in Chromium, with JavaScript on and off: the data protection officer's link and the
sign-out button, which signs the official out; zero axe-core violations, no policy violation, no script error."""

import pytest
from playwright.sync_api import Page

from vikno.applications.tests.browser_steps import assert_page_is_clean, signed_in, submit
from vikno.audit.models import AuditRecord
from vikno.identity.constants import Role
from vikno.identity.tests.factories import official
from vikno.web.tests.browser import visit

# The browser fixtures of the web app's tests (one Chromium per session, a page per test, the live server).
from vikno.web.tests.conftest import chromium, javascript, page, portal_url  # noqa: F401
from vikno.web.tests.test_security_headers import CspWatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JS = pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])


@JS
def test_a_data_protection_officer_goes_to_the_queue_and_signs_out_from_the_menu(
    page: Page,  # noqa: F811
    portal_url,  # noqa: F811
    other_authority,
):
    dpo = official("dpo@vikno.example", other_authority, Role.DATA_PROTECTION_OFFICER)
    signed_in(page, portal_url, dpo, as_official=True)
    watch = CspWatch(page)
    visit(page, "/en/office/cases/")
    assert_page_is_clean(page, watch)

    menu = page.get_by_role("navigation", name="Menu")
    submit(page, menu.get_by_role("link", name="Data protection"))
    assert page.url.endswith("/en/office/privacy/")
    assert menu.get_by_role("link", name="Data protection").get_attribute("aria-current") == "page"
    assert_page_is_clean(page, watch)

    submit(page, menu.get_by_role("button", name="Sign out"))

    assert page.locator("h1").inner_text() == "You have signed out"
    assert_page_is_clean(page, watch)
    assert AuditRecord.objects.filter(action="identity.signed_out", actor=dpo).count() == 1
    visit(page, "/en/office/cases/")
    assert "/office/sign-in/" in page.url
