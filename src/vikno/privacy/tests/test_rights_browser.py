"""The whole path in Chromium, with JavaScript on and off: a citizen looks at their data, withdraws a consent,
asks for erasure (after an error); the data protection officer finds it in the queue and erases the account.
Zero axe-core violations, no policy violation and no script error on each page of the way."""

# ruff: noqa: F811  (the browser fixtures are imported and named as arguments)

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from vikno.applications.tests.browser_steps import assert_page_is_clean, button, signed_in, submit
from vikno.catalog.tests.factories import OrganisationFactory
from vikno.identity.constants import Role
from vikno.identity.models import RoleAssignment, User
from vikno.identity.tests.factories import citizen, official
from vikno.privacy.models import ConsentText, DataSubjectRequest
from vikno.privacy.rights import consents
from vikno.privacy.rights.constants import ConsentKey, RequestState
from vikno.web.tests.browser import open_page, visit

# The browser fixtures of the web app's tests (one Chromium per session, a page per test, the live server).
from vikno.web.tests.conftest import chromium, javascript, page, portal_url  # noqa: F401
from vikno.web.tests.test_security_headers import CspWatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def path_of(tab: Page) -> str:
    return urlsplit(tab.url).path


def _texts() -> None:
    """The consent texts (a transactional test's database starts empty after the first one flushed it)."""
    if not ConsentText.objects.exists():
        for key in ConsentKey.values:
            consents.consent_text_publish(key=key, text_uk=f"Текст «{key}».", text_en=f"Text of {key}.", actor=None)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_see_withdraw_ask_and_be_erased(page, chromium, portal_url, javascript, settings, tmp_path):
    settings.VIKNO_PRIVATE_STORAGE_DIR = tmp_path / "private"
    _texts()
    person = citizen(email="olena@example.com", phone="+380671234567")
    consents.consent_give(person=person, key=ConsentKey.SMS_NOTIFICATIONS)
    officer = official("dpo@vikno.example", None, first_name="Ірина")
    RoleAssignment.objects.create(user=officer, organisation=OrganisationFactory(), role=Role.DATA_PROTECTION_OFFICER)
    tab = page
    signed_in(tab, portal_url, person)
    watch = CspWatch(tab)

    visit(tab, "/en/cabinet/my-data/")
    assert tab.locator("#export-json").count() == 1 and tab.locator("#no-requests").count() == 1
    assert_page_is_clean(tab, watch)

    submit(tab, tab.locator("#consents-link"))
    assert_page_is_clean(tab, watch)
    submit(tab, tab.locator("#withdraw-sms_notifications"))
    assert path_of(tab) == "/en/cabinet/my-data/consents/"
    assert User.objects.get(pk=person.pk).notify_by_sms is False
    assert tab.locator("#give-sms_notifications").count() == 1
    assert_page_is_clean(tab, watch)

    visit(tab, "/en/cabinet/my-data/erasure/")
    assert_page_is_clean(tab, watch)
    submit(tab, button(tab, "Ask for erasure"), status=400)
    assert tab.locator(".govuk-error-summary__list li").all_inner_texts() == [
        "Confirm that you understand your account will be closed"
    ]
    assert_page_is_clean(tab, watch)
    tab.locator("label[for=id_confirm]").click()
    submit(tab, button(tab, "Ask for erasure"))
    request = DataSubjectRequest.objects.get()
    assert path_of(tab) == f"/en/cabinet/my-data/requests/{request.pk}/"
    assert tab.locator("#nothing-to-do").count() == 1
    assert_page_is_clean(tab, watch)

    with open_page(chromium.browser, base_url=portal_url, javascript=javascript) as office_tab:
        signed_in(office_tab, portal_url, officer, as_official=True)
        office_watch = CspWatch(office_tab)
        visit(office_tab, "/en/office/privacy/")
        assert office_tab.locator(f"#row-{request.reference}").count() == 1
        assert_page_is_clean(office_tab, office_watch)
        submit(office_tab, office_tab.get_by_role("link", name=request.reference))
        assert office_tab.locator("#erased").count() == 1 and office_tab.locator("#kept").count() == 1
        assert_page_is_clean(office_tab, office_watch)
        submit(office_tab, button(office_tab, "Send the decision"), status=400)
        assert_page_is_clean(office_tab, office_watch)
        office_tab.locator("label[for=id_decision]").click()
        submit(office_tab, button(office_tab, "Send the decision"))
        assert office_tab.locator("#answer").count() == 1
        assert_page_is_clean(office_tab, office_watch)

    request.refresh_from_db()
    assert request.state == RequestState.COMPLETED
    erased = User.objects.get(pk=person.pk)
    assert (erased.is_active, erased.email, erased.last_name) == (False, "", "")
