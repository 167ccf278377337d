"""Security headers on every kind of response, the cookies' flags, and the policy at work in Chromium: the pages,
GOV.UK Frontend's scripts and the Django admin run under it without a single violation."""

import base64
import hashlib
import json
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from playwright.sync_api import ConsoleMessage, Page

from vikno.conf.base import content_security_policy
from vikno.core.tests.workers import REPO_ROOT, subprocess_env
from vikno.identity.models import User
from vikno.identity.tests.helpers import sign_in_official
from vikno.web.tests.browser import assert_no_problems, visit
from vikno.web.tests.test_health import SAFE_PRODUCTION

# The policy of every page, directive by directive. form-action also admits the configured eID providers: in
# the tests, the demo provider at its default address.
POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'", "http://127.0.0.1:8001", "http://127.0.0.1:8002"],  # the demo eID, the sandbox acquirer
}
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), browsing-topics=(), camera=(), display-capture=(), encrypted-media=(), "
    "geolocation=(), gyroscope=(), hid=(), idle-detection=(), magnetometer=(), microphone=(), midi=(), payment=(), "
    "publickey-credentials-create=(self), publickey-credentials-get=(self), screen-wake-lock=(), serial=(), usb=(), "
    "xr-spatial-tracking=()"
)
OTHER_HEADERS = {
    "Permissions-Policy": PERMISSIONS_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
UNSAFE = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*")


def directives(header: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as {directive: [sources]}; a directive given twice is an error."""
    parsed: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        assert name not in parsed, f"{name} appears twice in {header!r}"
        parsed[name] = sources
    return parsed


def assert_security_headers(response) -> None:
    policy = directives(response["Content-Security-Policy"])
    assert policy == POLICY
    assert not [(name, source) for name, sources in policy.items() for source in sources if source in UNSAFE]
    assert "Content-Security-Policy-Report-Only" not in response
    assert {name: response.get(name) for name in OTHER_HEADERS} == OTHER_HEADERS


PAGES = [
    ("home", "/", 200),
    ("service", "/services/{c.service.slug}/", 200),
    ("search", "/search/?q=паспорт", 200),
    ("sign-in", "/sign-in/", 200),
    ("not-found", "/no-such-page/", 404),
    ("api", "/api/v1/services/", 200),
    ("admin-login", "/admin/login/", 302),  # officials sign in on their own page (identity:office-sign-in)
]


@pytest.mark.parametrize(("path", "status"), [page[1:] for page in PAGES], ids=[page[0] for page in PAGES])
def test_every_kind_of_response_carries_the_security_headers(client, catalogue, path, status):
    response = client.get(path.format(c=catalogue))
    assert response.status_code == status
    assert_security_headers(response)


def test_form_action_admits_the_origin_of_each_eid_providers_issuer_once():
    providers = [
        {"issuer": "https://eid.example.gov.ua:8443/oidc/"},
        {"issuer": "HTTPS://ID.Example.Gov.UA"},
        {"issuer": "https://eid.example.gov.ua:8443/another-realm"},
        {"issuer": "http://127.0.0.1:8001"},
    ]
    assert content_security_policy(providers)["DIRECTIVES"]["form-action"] == [
        "'self'",
        "https://eid.example.gov.ua:8443",
        "https://id.example.gov.ua",
        "http://127.0.0.1:8001",
    ]
    assert content_security_policy([])["DIRECTIVES"]["form-action"] == ["'self'"]


def cookie_flags(morsel) -> dict:
    return {"httponly": bool(morsel["httponly"]), "secure": bool(morsel["secure"]), "samesite": morsel["samesite"]}


@pytest.mark.django_db
@pytest.mark.parametrize("secure", [False, True], ids=["embedded", "secure-cookies"])
def test_session_and_csrf_cookies_are_lax_and_secure_when_asked(client, settings, secure):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = secure
    sign_in_page = client.get("/sign-in/")
    assert sign_in_page.status_code == 200
    # A sign-in answer with a state nobody started is refused, and the session remembers that the state is used.
    refused = client.get("/auth/eid/demo/callback/?state=x&code=y")
    assert refused.status_code == 400
    assert cookie_flags(refused.cookies[settings.SESSION_COOKIE_NAME]) == {
        "httponly": True,
        "secure": secure,
        "samesite": "Lax",
    }
    # No script reads the CSRF cookie: the token is in every form (and passkeys.js takes it from there).
    assert cookie_flags(sign_in_page.cookies[settings.CSRF_COOKIE_NAME]) == {
        "httponly": True,
        "secure": secure,
        "samesite": "Lax",
    }


# Runs in production mode in a subprocess: the sign-in page (it needs no database) with static files served
# unfingerprinted, since no `collectstatic` ran for the test.
PRODUCTION_PROBE = """
import json
import django

django.setup()
from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from django.test import Client, override_settings

plain_static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain_static}):
    response = Client(HTTP_HOST="portal.example.gov.ua").get("/sign-in/", secure=True)
csrf = response.cookies[settings.CSRF_COOKIE_NAME]
print(json.dumps({
    "status": response.status_code,
    "headers": {name: response.get(name) for name in %(headers)r},
    "csrf_cookie": {"httponly": bool(csrf["httponly"]), "secure": bool(csrf["secure"]), "samesite": csrf["samesite"]},
    "session_cookie": {
        "httponly": settings.SESSION_COOKIE_HTTPONLY,
        "secure": settings.SESSION_COOKIE_SECURE,
        "samesite": settings.SESSION_COOKIE_SAMESITE,
    },
}))
"""


def test_production_mode_sends_the_headers_and_secure_cookies():
    providers = [
        {
            "slug": slug,
            "name_uk": slug,
            "name_en": slug,
            "issuer": issuer,
            "client_id": "vikno",
            "client_secret": "not-a-secret",
        }
        for slug, issuer in [("national", "https://eid.example.gov.ua:8443/oidc"), ("bank", "https://id.bank.example/")]
    ]
    headers = ["Content-Security-Policy", *OTHER_HEADERS]
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE % {"headers": headers}],
        cwd=REPO_ROOT / "src",
        env=subprocess_env(**SAFE_PRODUCTION, VIKNO_EID_PROVIDERS=json.dumps(providers)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout)
    assert probe["status"] == 200
    received = probe["headers"]
    assert directives(received.pop("Content-Security-Policy")) == POLICY | {
        # The eID providers, and the acquirer's checkout page (the "Pay by card" form posts there).
        "form-action": ["'self'", "https://eid.example.gov.ua:8443", "https://id.bank.example", "https://www.liqpay.ua"]
    }
    assert received == OTHER_HEADERS
    assert probe["session_cookie"] == {"httponly": True, "secure": True, "samesite": "Lax"}
    assert probe["csrf_cookie"] == {"httponly": True, "secure": True, "samesite": "Lax"}


def style_hashes(html: str) -> list[str]:
    """The CSP hash source of each inline <style> block of a page."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(block.encode()).digest()).decode() + "'"
        for block in re.findall(r"<style>(.*?)</style>", html, flags=re.DOTALL)
    ]


@pytest.fixture
def official():
    return User.objects.create_user(
        username="platform-admin", email="admin@example.gov.ua", is_staff=True, is_superuser=True
    )


@pytest.mark.django_db
def test_the_admin_pages_carry_no_inline_style(client, official):
    """The admin's lists and forms of Vikno's models, and a form with errors, have no inline <style> block:
    the policy admits none, so one would simply not apply (put styles in web/static/web/admin.css)."""
    sign_in_official(client, official)
    pages = []
    for model in admin.site._registry:
        if model._meta.app_config.name.startswith("vikno."):
            name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
            pages.append(client.get(reverse(f"{name}_changelist")))
            add = client.get(reverse(f"{name}_add"))
            if add.status_code != 403:  # read-only models (the audit trail) have no add form
                pages.append(add)
    pages.append(client.post("/admin/catalog/sector/add/", {}))  # errors: Vikno's error summary
    assert [response.status_code for response in pages] == [200] * len(pages)
    found = {digest for response in pages for digest in style_hashes(response.content.decode())}
    assert found == set()
    for response in pages:
        assert_security_headers(response)


# --- In Chromium -------------------------------------------------------------------------------------------

# Runs before any script of each document the page opens: records every violation the document reports
# (blocked inline code, resources and form submissions alike). blockedURI is a URL, "inline" or "eval".
_WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} refused ${event.blockedURI} on ${event.documentURI}`
  );
});
"""


class CspWatch:
    """The Content-Security-Policy violations a page reports: from the ``securitypolicyviolation`` events
    (JavaScript on) and from Chromium's console messages, which it logs with JavaScript on or off."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(_WATCH_VIOLATIONS)
        page.on("console", self._on_console)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.text.startswith("Refused to") or "Content Security Policy" in message.text:
            self.console.append(message.text)

    def take(self) -> list[str]:
        """The violations reported since the last call (in the current document), then forgets them."""
        events = self.page.evaluate("(window.__cspViolations || []).splice(0)")
        found, self.console = [*events, *self.console], []
        return found


FRONTEND_STARTED = "document.body.classList.contains('govuk-frontend-supported')"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_public_pages_run_under_the_policy_without_a_violation(page, catalogue):
    watch = CspWatch(page)
    # Chromium warns about a Permissions-Policy feature it does not know, or a malformed header.
    header_warnings: list[str] = []
    page.on(
        "console",
        lambda message: header_warnings.append(message.text) if "Permissions-Policy" in message.text else None,
    )
    for path in ["/", f"/services/{catalogue.service.slug}/", "/search/?q=паспорт", "/sign-in/"]:
        visit(page, path)
        assert watch.take() == [], path
        assert page.evaluate(FRONTEND_STARTED), f"GOV.UK Frontend did not start on {path}"
        if path.startswith("/services/"):
            # Schema.org JSON-LD is data: it is in the page and is neither run nor refused.
            structured = page.locator('script[type="application/ld+json"]')
            assert structured.count() == 1
            assert json.loads(structured.text_content() or "")["@type"] == "GovernmentService"
    assert header_warnings == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_policy_refuses_inline_script_inline_style_and_eval(page):
    """What the policy is for, seen in Chromium: injected inline code does not run. (Also shows that CspWatch
    sees violations.)"""
    watch = CspWatch(page)
    visit(page, "/sign-in/")
    outcome = page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.__inlineRan = true";
          document.body.append(script);
          const colour = getComputedStyle(document.body).color;
          document.body.setAttribute("style", "color: rgb(1, 2, 3)");
          setTimeout("window.__evalRan = true", 0);  // a string evaluated as code, like eval()
          return { inlineRan: window.__inlineRan === true, styled: getComputedStyle(document.body).color !== colour };
        }"""
    )
    assert outcome == {"inlineRan": False, "styled": False}
    page.wait_for_function("window.__cspViolations.length >= 3")
    assert page.evaluate("window.__evalRan") is None
    where = page.url
    assert sorted(page.evaluate("window.__cspViolations")) == [
        f"script-src refused eval on {where}",
        f"script-src-elem refused inline on {where}",
        f"style-src-attr refused inline on {where}",
    ]
    assert len(watch.console) == 3  # and Chromium logged each of them


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_admin_and_its_scripts_work_under_the_policy(page, portal_url, client, official):
    sign_in_official(client, official)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": portal_url}])
    watch = CspWatch(page)

    visit(page, "/admin/")
    assert watch.take() == []
    assert page.evaluate("document.documentElement.dataset.theme") == "auto"  # admin/js/theme.js ran

    visit(page, "/admin/audit/auditrecord/")
    assert watch.take() == []

    visit(page, "/admin/catalog/sector/add/")
    # The admin's jQuery and its JavaScript catalogue (admin/jsi18n/) loaded.
    assert page.evaluate("typeof django.jQuery === 'function' && typeof gettext === 'function'")
    page.locator("#id_name_en").press_sequentially("Health care")
    assert page.locator("#id_slug").input_value() == "health-care"  # admin/js/prepopulate.js ran
    page.locator("input[name='_save']").click()
    page.wait_for_load_state()
    assert_no_problems(page)
    assert watch.take() == []
    summary = page.locator(".vikno-error-summary")  # Vikno's error summary, styled by its admitted <style>
    assert summary.count() == 1
    assert summary.evaluate("(element) => getComputedStyle(element).borderTopWidth") == "5px"
