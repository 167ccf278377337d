"""Signing in with the demo eID in Chromium, with JavaScript on and off: from the header's "Sign in" through the
real demo OpenID provider (node `oidc-provider`) to the cabinet, and out again, under the portal's strict
Content-Security-Policy and with zero axe-core violations on the portal's pages of the way."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import dateformat, timezone
from django.utils.translation import gettext, override
from playwright.sync_api import Page

from vikno.audit.models import AuditRecord
from vikno.conf.base import content_security_policy
from vikno.identity.constants import Assurance
from vikno.identity.eid import client as eid_client
from vikno.identity.models import User
from vikno.identity.tests.demo_eid import CITIZENS, demo_settings_entry, free_port, new_signing_key, running_provider
from vikno.identity.views.eid import REFUSAL_MESSAGES
from vikno.web.tests.browser import assert_no_problems, axe_violations, visit

# The browser fixtures of the web app's tests (one Chromium per session, a page per test, the live server).
from vikno.web.tests.conftest import chromium, javascript, page, portal_url  # noqa: F401
from vikno.web.tests.test_security_headers import CspWatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


ANDRII = CITIZENS[1]  # the second demo citizen
FULL_NAME = f"{ANDRII['family_name']} {ANDRII['given_name']} {ANDRII['middle_name']}"
DEMO_NAME = demo_settings_entry("http://unused")["name_uk"]


def uk(message: str, **values) -> str:
    """An interface string as the Ukrainian (default) pages show it."""
    with override("uk"):
        text = gettext(message)
    return text % values if values else text


@pytest.fixture(scope="module")
def demo_eid(portal_url, tmp_path_factory):  # noqa: F811
    """The demo provider on a free port of 127.0.0.1, its one client the live server (SITE_URL points there before
    it starts: it registers the callback built from it); the portal's eID providers and, computed from them as
    in settings, its Content-Security-Policy point at the provider."""
    entry = demo_settings_entry(f"http://127.0.0.1:{free_port()}")
    port = urlsplit(entry["issuer"]).port
    portal = {"SITE_URL": portal_url, "EID_PROVIDERS": [entry]}
    with override_settings(**portal, CONTENT_SECURITY_POLICY=content_security_policy([entry])):
        eid_client.forget_cached_metadata()
        try:
            with running_provider(tmp_path_factory.mktemp("eid"), [new_signing_key()], port=port) as provider:
                yield provider
        finally:
            eid_client.forget_cached_metadata()


def assert_page_is_clean(tab: Page, watch: CspWatch) -> None:
    """Everything the page loaded, loaded; no policy violation; zero axe-core violations."""
    assert_no_problems(tab)
    assert watch.take() == []
    violations = axe_violations(tab)
    assert not violations, violations.summary()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_person_signs_in_with_the_demo_eid_lands_in_the_cabinet_and_signs_out(
    demo_eid,
    page,  # noqa: F811
    portal_url,  # noqa: F811
    javascript,  # noqa: F811
):
    watch = CspWatch(page)
    visit(page, "/")
    page.locator("header").get_by_role("link", name=uk("Sign in"), exact=True).click()
    page.wait_for_url(f"{portal_url}/sign-in/")
    assert page.locator("h1").inner_text() == uk("Sign in")
    assert_page_is_clean(page, watch)

    # The form posts to the portal, which sends the browser on to the provider: form-action admits its origin.
    page.get_by_role("button", name=uk("Sign in with %(name)s", name=DEMO_NAME), exact=True).click()
    page.wait_for_url(re.compile(re.escape(demo_eid.issuer) + r"/interaction/[\w-]+"))
    # The provider's page: who the person is, and how they prove it (BankID: a substantial level of assurance).
    page.get_by_role(
        "radio", name=f"{FULL_NAME} · {ANDRII['birthdate']} · РНОКПП {ANDRII['rnokpp']}", exact=True
    ).check()
    page.get_by_role("radio", name="BankID · BankID", exact=True).check()
    page.get_by_role("button", name="Увійти · Sign in", exact=True).click()

    page.wait_for_url(f"{portal_url}/cabinet/")
    assert page.locator("h1").inner_text() == FULL_NAME
    user = User.objects.get()
    assert (user.rnokpp, user.identity_source) == (ANDRII["rnokpp"], DEMO_NAME)
    with override("uk"):
        confirmed_on = dateformat.format(timezone.localtime(user.identity_verified_at), "j E Y, H:i")
        level = str(Assurance.SUBSTANTIAL.label)
    assert page.locator("#identity-source").inner_text() == uk(
        "Name, date of birth and taxpayer number were confirmed by %(source)s on %(when)s. They cannot be changed "
        "here: they change when the registry behind your eID changes.",
        source=DEMO_NAME,
        when=confirmed_on,
    )
    expected_level = uk("You signed in with a %(level)s level of assurance.", level=level)
    assert page.get_by_text(expected_level, exact=True).count() == 1
    assert_page_is_clean(page, watch)
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    session = cookies[settings.SESSION_COOKIE_NAME]
    assert (session["httpOnly"], session["sameSite"], session["secure"]) == (True, "Lax", False)

    page.get_by_role("button", name=uk("Sign out"), exact=True).click()
    page.wait_for_url(f"{portal_url}/sign-out/")
    assert page.locator("h1").inner_text() == uk("You have signed out")
    assert_no_problems(page)
    assert watch.take() == []

    # The cabinet is closed again: the browser is sent to the sign-in page, which will bring it back.
    response = page.goto("/cabinet/")
    assert response is not None and response.status == 200
    redirect = response.request.redirected_from
    assert redirect is not None and redirect.url == f"{portal_url}/cabinet/"
    assert redirect.redirected_from is None
    redirect_response = redirect.response()
    assert redirect_response is not None and redirect_response.status == 302
    address = urlsplit(page.url)
    assert (address.path, parse_qs(address.query)) == ("/sign-in/", {"next": ["/cabinet/"]})
    assert page.locator("h1").inner_text() == uk("Sign in")
    assert list(AuditRecord.objects.order_by("sequence").values_list("action", flat=True)) == [
        "identity.account_created",
        "privacy.consent_given",  # the privacy notice, read
        "privacy.consent_given",  # notifications by e-mail
        "identity.signed_in",
        "identity.signed_out",
    ]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_refused_sign_in_explains_itself_accessibly(page, javascript):  # noqa: F811
    """The answer to a sign-in nobody started (a bogus state) is a refusal page, never a session."""
    watch = CspWatch(page)
    visit(page, "/auth/eid/demo/callback/?state=x&code=y", status=400)
    assert page.locator("h1").inner_text() == uk("You are not signed in")
    with override("uk"):
        message = str(REFUSAL_MESSAGES["state"])
    assert page.locator("main p").first.inner_text() == message
    assert_page_is_clean(page, watch)
    assert not User.objects.exists()


def test_chromium_stops_the_sign_in_when_form_action_omits_the_provider(
    demo_eid,
    page,  # noqa: F811
    portal_url,  # noqa: F811
    settings,
):
    """Why the providers' origins are in form-action: Chromium applies it to the redirect after the form post."""
    settings.CONTENT_SECURITY_POLICY = content_security_policy([])
    watch = CspWatch(page)
    visit(page, "/sign-in/")
    with page.expect_console_message(lambda message: "form-action" in message.text):
        page.get_by_role("button", name=uk("Sign in with %(name)s", name=DEMO_NAME), exact=True).click()
    page.wait_for_function("window.__cspViolations.length > 0")
    # Chromium names the address the form was sent to, not where the redirect led (that would leak it).
    start = f"{portal_url}/auth/eid/demo/start/"
    assert watch.take() == [
        f"form-action refused {start} on {portal_url}/sign-in/",
        f"Sending form data to '{start}' violates the following Content Security Policy directive: "
        "\"form-action 'self'\". The request has been blocked.\n",
    ]
    assert page.url == f"{portal_url}/sign-in/"
