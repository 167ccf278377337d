"""In Chromium, with JavaScript on and off: the transparency page (in both languages) and an auditor's search
with a mistake and then without; zero axe-core violations, no policy violation, no script error."""

import datetime as dt

import pytest

from vikno.applications.tests.browser_steps import assert_page_is_clean, signed_in, submit
from vikno.audit import sealing
from vikno.audit.services import record
from vikno.audit.tests.conftest import kyiv
from vikno.catalog.tests.factories import OrganisationFactory
from vikno.identity.constants import Role
from vikno.identity.tests.factories import official
from vikno.web.tests.browser import visit

# The browser fixtures of the web app's tests (one Chromium per session, a page per test, the live server).
from vikno.web.tests.conftest import chromium, javascript, page, portal_url  # noqa: F401
from vikno.web.tests.test_security_headers import CspWatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_transparency_page_and_an_auditors_search(page, portal_url, javascript, at):  # noqa: F811
    agency = OrganisationFactory(name_uk="Агенція", name_en="Agency")
    clerk = official("clerk@vikno.example", agency, Role.CASE_OFFICER)
    auditor = official("auditor@vikno.example", agency, Role.AUDITOR)
    for hour in range(3):
        at(kyiv(dt.date(2026, 11, 20), 9 + hour))
        record(actor=clerk, action="applications.assigned", target=agency, reason="Черговість", source_ip="192.0.2.1")
    at(kyiv(dt.date(2026, 11, 21), 1))
    [seal] = sealing.days_seal()
    watch = CspWatch(page)

    for path, heading in (("/transparency/", None), ("/en/transparency/", "Transparency of the audit trail")):
        visit(page, path)
        if heading:
            assert page.locator("h1").inner_text() == heading
        assert page.locator("code.merkle-root").all_inner_texts() == [seal.merkle_root]
        assert_page_is_clean(page, watch)

    signed_in(page, portal_url, auditor, as_official=True)
    visit(page, "/en/office/audit/")
    assert page.locator("#records tbody tr").count() == 3
    assert_page_is_clean(page, watch)
    page.fill("#id_start", "30.02.2026")
    submit(page, page.locator("#filters button"), status=400)
    assert page.locator(".govuk-error-summary__list li").all_inner_texts() == ["Enter a real date, like 2026-11-27"]
    assert_page_is_clean(page, watch)
    page.fill("#id_start", "2026-11-20")
    page.fill("#id_official", "clerk@vikno.example")
    submit(page, page.locator("#filters button"))
    assert page.locator("#records tbody tr").count() == 3
    assert_page_is_clean(page, watch)
