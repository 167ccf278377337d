"""Session fixation and sign-out: a session key planted in the browser before signing in (by whatever means: a
shared computer, a cookie set by a neighbouring site) is never the signed-in session, whichever way the person
signs in (password and authenticator code, password and passkey, password and recovery code, national eID);
signing out ends the session so that its old cookie opens nothing; and a change of what the session may do
(acting for someone else, a higher level of assurance) gives it a new key too.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse

from vikno.identity import factors
from vikno.identity.constants import Assurance
from vikno.identity.session import ACTING_FOR_KEY, ASSURANCE_KEY, SECOND_FACTOR_KEY
from vikno.identity.tests.demo_eid import LOW
from vikno.identity.tests.factories import mandate
from vikno.identity.tests.test_accounts import CODE, OFFICE, PASSWORD, RECOVERY, SIGN_IN, citizen, code_for, official
from vikno.identity.tests.test_eid import (  # noqa: F401  (pytest fixtures: the demo eID provider)
    _stop_module_provider,
    provider,
    provider_port,
)
from vikno.identity.tests.test_eid import sign_in as eid_sign_in
from vikno.identity.tests.test_passkeys import ORIGIN, RP_ID, SoftAuthenticator, options, register

pytestmark = pytest.mark.django_db

CABINET = reverse("identity:cabinet")


@pytest.fixture(autouse=True)
def _tasks_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def planted() -> tuple[Client, str]:
    """A browser whose session cookie someone else chose, and that key (a real, stored session)."""
    store = SessionStore()
    store["planted"] = "by someone else"
    store.create()
    browser = Client()
    browser.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    return browser, store.session_key


def holder_of(key: str) -> Client:
    """The one who planted the key, using it on their own browser."""
    browser = Client()
    browser.cookies[settings.SESSION_COOKIE_NAME] = key
    return browser


def assert_not_fixed(browser: Client, key: str, *, home: str = CABINET) -> None:
    """The browser is signed in on a new key; the planted key is gone and opens nothing."""
    assert SESSION_KEY in browser.session
    assert browser.session.session_key != key
    assert not SessionStore().exists(key)
    assert browser.get(home).status_code == 200
    attacker = holder_of(key)
    answer = attacker.get(home)
    assert answer.status_code == 302 and "sign-in/?next=" in answer["Location"]
    assert SESSION_KEY not in attacker.session


def test_password_and_authenticator_code(client):
    person = citizen(totp=True)
    browser, key = planted()
    assert browser.post(SIGN_IN, {"email": person.email, "password": PASSWORD})["Location"] == CODE
    # Half-way (password given, code not yet) the planted key is already replaced.
    assert browser.session.session_key != key and not SessionStore().exists(key)
    assert browser.post(CODE, {"code": code_for(person)})["Location"] == CABINET
    assert browser.session[SECOND_FACTOR_KEY] == "totp"
    assert_not_fixed(browser, key)


def test_officials_password_and_authenticator_code():
    person = official(totp=True)
    browser, key = planted()
    browser.post(OFFICE, {"email": person.email, "password": PASSWORD})
    browser.post(reverse("identity:office-second-factor"), {"code": code_for(person)})
    assert browser.session[SECOND_FACTOR_KEY] == "totp"
    assert_not_fixed(browser, key, home=reverse("backoffice:queue"))


def test_password_and_recovery_code():
    person = citizen(totp=True)
    codes = factors.recovery_codes_generate(user=person, source_ip=None)
    browser, key = planted()
    browser.post(SIGN_IN, {"email": person.email, "password": PASSWORD})
    assert browser.post(RECOVERY, {"code": codes[0]}).status_code == 302
    assert browser.session[SECOND_FACTOR_KEY] == "recovery"
    assert_not_fixed(browser, key)


def test_password_and_passkey(settings):
    settings.WEBAUTHN_RP_ID, settings.WEBAUTHN_ORIGIN = RP_ID, ORIGIN
    person = citizen(totp=True)
    authenticator = SoftAuthenticator()
    register(person, authenticator)
    browser, key = planted()
    browser.post(SIGN_IN, {"email": person.email, "password": PASSWORD})
    answer = authenticator.get(options(browser, "identity:passkey-sign-in-options"))
    assert browser.post(reverse("identity:passkey-sign-in"), {"credential": answer})["Location"] == CABINET
    assert browser.session[SECOND_FACTOR_KEY] == "passkey"
    assert_not_fixed(browser, key)


def test_national_eid(settings, provider):  # noqa: F811
    browser, key = planted()
    _authorization, _callback, response = eid_sign_in(browser, settings)
    assert response.status_code == 302 and response["Location"] == CABINET
    assert browser.session[ASSURANCE_KEY] == Assurance.HIGH
    assert_not_fixed(browser, key)


def test_a_higher_level_of_assurance_gives_a_new_key(settings, provider):  # noqa: F811
    browser = Client()
    eid_sign_in(browser, settings, acr=LOW)
    low = browser.session.session_key
    assert browser.session[ASSURANCE_KEY] == Assurance.LOW
    eid_sign_in(browser, settings)  # the step-up page sends the person through the provider again
    assert browser.session[ASSURANCE_KEY] == Assurance.HIGH
    assert browser.session.session_key != low and not SessionStore().exists(low)
    assert holder_of(low).get(CABINET).status_code == 302


def test_signing_out_ends_the_session_and_its_old_cookie_opens_nothing():
    person = citizen(totp=True)
    browser = Client()
    browser.post(SIGN_IN, {"email": person.email, "password": PASSWORD})
    browser.post(CODE, {"code": code_for(person)})
    key = browser.session.session_key
    assert holder_of(key).get(CABINET).status_code == 200  # the same cookie elsewhere is the same session...
    assert browser.post(reverse("identity:sign-out")).status_code == 200
    assert not SessionStore().exists(key)
    stolen = holder_of(key)  # ...until it is signed out: then it opens nothing, for anyone
    assert stolen.get(CABINET).status_code == 302
    assert stolen.post(reverse("identity:end-other-sessions")).status_code == 302
    assert SESSION_KEY not in stolen.session
    assert browser.get(CABINET).status_code == 302


def test_an_official_signing_out_of_the_admin_ends_the_session():
    person = official(totp=True)
    browser = Client()
    browser.post(OFFICE, {"email": person.email, "password": PASSWORD})
    browser.post(reverse("identity:office-second-factor"), {"code": code_for(person)})
    key = browser.session.session_key
    queue = reverse("backoffice:queue")
    assert holder_of(key).get(queue).status_code == 200
    browser.post(reverse("admin:logout"))
    assert not SessionStore().exists(key)
    assert holder_of(key).get(queue).status_code == 302


def test_acting_for_someone_else_and_back_gives_a_new_key_each_time():
    person = citizen(totp=True)
    browser = Client()
    browser.post(SIGN_IN, {"email": person.email, "password": PASSWORD})
    browser.post(CODE, {"code": code_for(person)})
    business = mandate(person, official("registrar@dms.example"))
    before = browser.session.session_key
    assert browser.post(reverse("identity:acting-for"), {"party": str(business.pk)})["Location"] == CABINET
    acting = browser.session.session_key
    assert browser.session[ACTING_FOR_KEY] == str(business.pk)
    assert acting != before and not SessionStore().exists(before)
    assert browser.post(reverse("identity:acting-for"), {"party": "myself"})["Location"] == CABINET
    assert ACTING_FOR_KEY not in browser.session
    assert browser.session.session_key not in (before, acting) and not SessionStore().exists(acting)
    assert browser.get(CABINET).status_code == 200  # still signed in, on the new key
