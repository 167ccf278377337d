"""Cross-site request forgery: every route refuses a POST that carries no CSRF token (403, and nothing written),
even from a signed-in person allowed to use it and holding a CSRF cookie. The only views exempt from the check
are listed here exactly: the card acquirer's server callback (its signature is the credential) and the public
API, which reads only and refuses every other method. A new exempt view fails `test_only_these_views_skip_the_
csrf_check` until it is reviewed and added.
"""

from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.urls import get_resolver
from django.utils import translation

from vikno.core.access import CITIZEN, INTEGRATOR, OFFICIAL, PUBLIC
from vikno.core.tests.test_access import _routes
from vikno.identity.tests.test_default_deny import EXAMPLES, classified_routes, visitor, world  # noqa: F401
from vikno.web.tests.security.world import snapshot

pytestmark = pytest.mark.django_db

CALLBACKS_EXEMPT = {"payments/liqpay/callback/"}  # the acquirer's server; the signature is the credential
# The public API: DRF exempts its views (it would check the token itself for session-authenticated requests,
# and the API has no sessions); every one of them answers only safe methods.
API_EXEMPT = {route for route in EXAMPLES if route.startswith("api/v1/")}
# A cookie as Django sets it: with a cookie present, the refusal is "token missing", not "cookie not set".
COOKIE = "k" * 32

# Who posts to each kind of route: someone the route would otherwise let in.
POSTER = {PUBLIC: "citizen", CITIZEN: "citizen", OFFICIAL: "official-supervisor", INTEGRATOR: "anonymous"}


def _exempt(view) -> bool:
    return any(getattr(holder, "csrf_exempt", False) for holder in (view, getattr(view, "cls", None)))


def test_only_these_views_skip_the_csrf_check():
    with translation.override(settings.LANGUAGE_CODE):
        exempt = {route for route, view, _ in _routes(get_resolver()) if _exempt(view)}
    assert exempt == CALLBACKS_EXEMPT | API_EXEMPT


def _poster(kind: str, world) -> Client:  # noqa: F811
    browser = visitor(kind, world)
    browser.handler.enforce_csrf_checks = True
    browser.cookies[settings.CSRF_COOKIE_NAME] = COOKIE
    return browser


@pytest.mark.parametrize("level", [PUBLIC, CITIZEN, OFFICIAL, INTEGRATOR])
def test_every_post_without_a_token_is_refused_and_changes_nothing(world, level, caplog):  # noqa: F811
    browser = _poster(POSTER[level], world)
    routes = [route for route, found in classified_routes() if found == level and route not in API_EXEMPT]
    routes = [route for route in routes if route not in CALLBACKS_EXEMPT]
    assert routes
    before = snapshot()
    wrong = []
    for route in routes:
        address = EXAMPLES[route].format(w=world)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
            response = browser.post(address, {"anything": "1"})
        reasons = [record.getMessage() for record in caplog.records if record.name == "django.security.csrf"]
        if response.status_code != 403 or not any("CSRF token missing" in reason for reason in reasons):
            wrong.append((address, response.status_code, reasons))
    assert wrong == []
    assert snapshot() == before


def test_the_admin_refuses_a_post_without_a_token(world):  # noqa: F811
    browser = _poster("platform-admin", world)
    with translation.override(settings.LANGUAGE_CODE):
        admin_routes = [route for route, view, ns in _routes(get_resolver()) if ns and ns[0] == "admin"]
    assert not [route for route, view, ns in _routes(get_resolver()) if ns and ns[0] == "admin" and _exempt(view)]
    assert admin_routes
    before = snapshot()
    for model in list(admin.site._registry)[:5]:
        meta = model._meta
        response = browser.post(f"/admin/{meta.app_label}/{meta.model_name}/add/", {"name": "x"})
        assert response.status_code == 403, meta.label
    assert browser.post("/admin/login/", {"username": "root", "password": "x"}).status_code == 403
    assert snapshot() == before


def test_with_the_token_the_same_post_passes_the_check(world, caplog):  # noqa: F811
    """The refusals above are the CSRF check's: the same forms with the token are not refused by it."""
    browser = _poster("citizen", world)
    browser.defaults["HTTP_X_CSRFTOKEN"] = COOKIE
    with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
        for address in ("/cabinet/messages/read/", "/cabinet/notifications/", "/cabinet/acting-for/"):
            assert browser.post(address, {}).status_code in (200, 302, 400), address
    assert [r for r in caplog.records if r.name == "django.security.csrf"] == []


def test_the_exempt_api_answers_only_reads(world):  # noqa: F811
    browser = _poster("citizen", world)
    before = snapshot()
    for route in sorted(API_EXEMPT):
        response = browser.post(EXAMPLES[route].format(w=world), {"anything": "1"})
        assert response.status_code in (404, 405), route
        assert response["Content-Type"] == "application/problem+json", route
    assert snapshot() == before
