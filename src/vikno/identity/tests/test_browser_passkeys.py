"""Passkeys in Chromium, with the DevTools protocol's virtual authenticator (a platform authenticator that
verifies the user): a citizen adds one on the security page and signs in with password and passkey; an
official adds one at first sign-in instead of an app and reaches the admin with it. Under the portal's strict
Content-Security-Policy, with zero axe-core violations on every page of the way.

The relying party is the live server: WEBAUTHN_RP_ID "localhost" (browsers refuse an IP address as an RP ID)
and WEBAUTHN_ORIGIN the live server's origin; http://localhost is a secure context, as WebAuthn requires.
"""

from urllib.parse import urlsplit

import pytest
from django.utils.translation import gettext, override
from playwright.sync_api import Page, expect

from vikno.identity.models import Passkey
from vikno.identity.tests.test_accounts import PASSWORD, citizen, code_for, official
from vikno.web.tests.browser import assert_no_problems, axe_violations, visit

# The browser fixtures of the web app's tests (one Chromium per session, a page per test, the live server).
from vikno.web.tests.conftest import chromium, javascript, nojs_page, page, portal_url  # noqa: F401
from vikno.web.tests.test_security_headers import CspWatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def uk(message: str) -> str:
    """An interface string as the Ukrainian (default) pages show it."""
    with override("uk"):
        return gettext(message)


@pytest.fixture
def relying_party(settings, portal_url):  # noqa: F811
    """The portal's relying party is the live server (the settings object is shared with its thread)."""
    address = urlsplit(portal_url)
    assert address.hostname == "localhost", "WebAuthn needs a domain as RP ID: run the live server on localhost"
    settings.WEBAUTHN_RP_ID = address.hostname
    settings.WEBAUTHN_ORIGIN = f"{address.scheme}://{address.netloc}"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return settings.WEBAUTHN_ORIGIN


def virtual_authenticator(tab: Page) -> dict:
    """A platform authenticator with resident keys and user verification, in this tab's browser context."""
    cdp = tab.context.new_cdp_session(tab)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
    }
    authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    return {"cdp": cdp, "id": authenticator["authenticatorId"]}


def credentials_of(device: dict) -> list[dict]:
    return device["cdp"].send("WebAuthn.getCredentials", {"authenticatorId": device["id"]})["credentials"]


def assert_clean(tab: Page, watch: CspWatch) -> None:
    """Everything the tab loaded, loaded; no policy violation; zero axe-core violations."""
    assert_no_problems(tab)
    assert watch.take() == []
    violations = axe_violations(tab)
    assert not violations, violations.summary()


def password_step(tab: Page, path: str, email: str) -> None:
    visit(tab, path)
    tab.get_by_label(uk("E-mail address"), exact=True).fill(email)
    tab.get_by_label(uk("Password"), exact=True).fill(PASSWORD)
    tab.get_by_role("button", name=uk("Continue"), exact=True).click()


def test_a_citizen_adds_a_passkey_and_signs_in_with_password_and_passkey(page, portal_url, relying_party):  # noqa: F811
    user = citizen(totp=True)
    watch = CspWatch(page)
    device = virtual_authenticator(page)

    # Password and app code, as before passkeys.
    password_step(page, "/account/sign-in/", user.email)
    page.wait_for_url(f"{portal_url}/account/sign-in/code/")
    expect(page.get_by_role("button", name=uk("Use a passkey"))).to_have_count(0)  # no passkey yet
    page.get_by_label(uk("Code from your authenticator app")).fill(code_for(user))
    page.get_by_role("button", name=uk("Sign in"), exact=True).click()
    page.wait_for_url(f"{portal_url}/cabinet/")

    # The security page: add a passkey, named.
    visit(page, "/cabinet/security/")
    assert_clean(page, watch)
    page.get_by_role("link", name=f"{uk('Add')} {uk('a passkey')}", exact=True).click()
    page.wait_for_url(f"{portal_url}/cabinet/security/passkeys/add/")
    expect(page.get_by_role("heading", level=1)).to_have_text(uk("Add a passkey"))
    name = page.get_by_label(uk("Name of the passkey"))
    expect(name).to_be_visible()
    assert_clean(page, watch)
    name.fill("Мій ноутбук")
    page.get_by_role("button", name=uk("Add a passkey"), exact=True).click()
    page.wait_for_url(f"{portal_url}/cabinet/security/")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Мій ноутбук")
    passkeys_row = page.locator(".govuk-summary-list__row", has_text=uk("Passkeys"))
    expect(passkeys_row.locator("strong")).to_have_text(["Мій ноутбук"])
    expect(passkeys_row.get_by_role("button", name=f"{uk('Remove')} Мій ноутбук")).to_be_visible()
    assert_clean(page, watch)
    assert len(credentials_of(device)) == 1
    passkey = Passkey.objects.get(user=user)
    assert (passkey.name, passkey.last_used_at) == ("Мій ноутбук", None)

    # Sign out, then password and passkey.
    visit(page, "/cabinet/")
    page.get_by_role("button", name=uk("Sign out"), exact=True).click()
    password_step(page, "/account/sign-in/", user.email)
    page.wait_for_url(f"{portal_url}/account/sign-in/code/")
    use_passkey = page.get_by_role("button", name=uk("Use a passkey"), exact=True)
    expect(use_passkey).to_be_visible()
    assert_clean(page, watch)
    use_passkey.click()
    page.wait_for_url(f"{portal_url}/cabinet/")
    assert page.locator("h1").inner_text() == "Олена"
    assert_clean(page, watch)
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None

    # The security page lists it, with the time of its last use.
    visit(page, "/cabinet/security/")
    expect(passkeys_row.locator("strong")).to_have_text(["Мій ноутбук"])
    assert_clean(page, watch)


def test_an_official_adds_a_passkey_at_first_sign_in_and_reaches_the_admin_with_it(
    page,  # noqa: F811
    portal_url,  # noqa: F811
    relying_party,
):
    user = official()  # no second factor yet
    watch = CspWatch(page)
    device = virtual_authenticator(page)

    password_step(page, "/office/sign-in/", user.email)
    page.wait_for_url(f"{portal_url}/office/sign-in/set-up/")
    instead = page.get_by_role("button", name=uk("Add a passkey instead"), exact=True)
    expect(instead).to_be_visible()
    assert_clean(page, watch)
    instead.click()
    expect(page.locator("h1")).to_have_text(uk("Save your recovery codes"))
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    assert_clean(page, watch)
    page.get_by_role("link", name=uk("I have saved them, continue")).click()
    page.wait_for_url(f"{portal_url}/admin/")
    assert Passkey.objects.filter(user=user).count() == 1

    # Signed out (a new session), then password and passkey: the passkey is the only factor, so it is asked for.
    # Off the admin first: a response of its still loading would otherwise set the old CSRF cookie again after
    # the clearing, and the sign-in form rendered with the new one would be refused (a rare failure once).
    page.goto("about:blank")
    page.context.clear_cookies()
    password_step(page, "/office/sign-in/", user.email)
    page.wait_for_url(f"{portal_url}/office/sign-in/code/")
    expect(page.locator("h1")).to_have_text(uk("Confirm it is you with your passkey"))
    expect(page.get_by_label(uk("Code from your authenticator app"))).to_have_count(0)
    assert_clean(page, watch)
    page.get_by_role("button", name=uk("Use a passkey"), exact=True).click()
    page.wait_for_url(f"{portal_url}/admin/")

    # Their passkeys page lists it; this device cannot hold a second one for the same account: a clear error.
    visit(page, "/office/security/passkeys/")
    expect(page.locator("main strong")).to_have_count(1)
    expect(page.get_by_text(uk("To remove your only passkey, set up an authenticator app first."))).to_be_visible()
    assert_clean(page, watch)
    page.get_by_role("link", name=uk("Add a passkey"), exact=True).click()
    page.wait_for_url(f"{portal_url}/office/security/passkeys/add/")
    page.get_by_label(uk("Name of the passkey")).fill("Ще один")
    page.get_by_role("button", name=uk("Add a passkey"), exact=True).click()
    summary = page.locator("[data-passkey-errors] .govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(uk("This device already holds a passkey for your account."))
    expect(summary).to_be_focused()
    assert_clean(page, watch)
    assert Passkey.objects.filter(user=user).count() == 1 and len(credentials_of(device)) == 1


def test_without_javascript_the_passkey_button_is_hidden_and_the_app_code_works(
    nojs_page,  # noqa: F811
    portal_url,  # noqa: F811
    relying_party,
):
    user = citizen(totp=True)
    Passkey.objects.create(user=user, name="Ключ", credential_id=b"\x01" * 16, public_key=b"\x02")
    page = nojs_page  # noqa: F811
    watch = CspWatch(page)
    password_step(page, "/account/sign-in/", user.email)
    page.wait_for_url(f"{portal_url}/account/sign-in/code/")
    expect(page.get_by_role("button", name=uk("Use a passkey"))).to_be_hidden()
    assert_clean(page, watch)
    page.get_by_label(uk("Code from your authenticator app")).fill(code_for(user))
    page.get_by_role("button", name=uk("Sign in"), exact=True).click()
    page.wait_for_url(f"{portal_url}/cabinet/")

    visit(page, "/cabinet/security/passkeys/add/")
    expect(page.get_by_label(uk("Name of the passkey"))).to_be_hidden()
    fallback = uk("Adding a passkey needs a browser that supports passkeys, with JavaScript turned on.")
    expect(page.get_by_text(fallback)).to_be_visible()
    assert_clean(page, watch)
