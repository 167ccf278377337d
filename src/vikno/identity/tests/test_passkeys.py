"""Passkeys (WebAuthn) as a second factor, against a software authenticator that builds real answers: a P-256
key made with `cryptography`, "none" attestation and assertions signed as an authenticator signs them, verified
by py_webauthn itself (no mocks of the library).

Services first (register, sign in, other people's passkeys, single-use challenges, counters, the last factor),
then the pages with Django's test client (password then passkey for citizens and officials, a passkey at first
sign-in, adding and removing on the security pages).
"""

import datetime as dt
import hashlib
import json
import os
import struct

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext, override
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

from vikno.audit.models import AuditRecord
from vikno.core import clock
from vikno.identity import passkeys
from vikno.identity.constants import Assurance
from vikno.identity.models import Passkey, RecoveryCode, User
from vikno.identity.session import ASSURANCE_KEY, METHOD_KEY, SECOND_FACTOR_KEY
from vikno.identity.tests.helpers import sign_in_citizen, sign_in_official
from vikno.identity.tests.test_accounts import OFFICE, PASSWORD, SIGN_IN, citizen, official

pytestmark = pytest.mark.django_db

RP_ID = "portal.example"
ORIGIN = "https://portal.example"


def uk(message: str) -> str:
    with override("uk"):
        return gettext(message)


@pytest.fixture(autouse=True)
def relying_party(settings):
    settings.WEBAUTHN_RP_ID = RP_ID
    settings.WEBAUTHN_ORIGIN = ORIGIN
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


class SoftAuthenticator:
    """A platform authenticator in software: one P-256 credential per relying party it is asked to create.

    `counter` is the signature counter it reports (and increments before each assertion unless `frozen`);
    synced passkeys report 0 for ever, which is `counter=0, frozen=True`.
    """

    AAGUID = bytes(16)
    UP, UV, AT = 0x01, 0x04, 0x40

    def __init__(self, *, origin: str = ORIGIN, counter: int = 0, frozen: bool = False) -> None:
        self.origin = origin
        self.counter = counter
        self.frozen = frozen
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.user_handle: bytes | None = None
        self.rp_id = ""

    def _client_data(self, kind: str, challenge: str) -> bytes:
        data = {"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": False}
        return json.dumps(data, separators=(",", ":")).encode()

    def _cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})

    def create(self, options_json: str) -> str:
        """The answer of navigator.credentials.create() to the portal's options, as passkeys.js sends it."""
        options = json.loads(options_json)
        self.rp_id = options["rp"]["id"]
        self.user_handle = base64url_to_bytes(options["user"]["id"])
        excluded = {base64url_to_bytes(item["id"]) for item in options.get("excludeCredentials", [])}
        assert self.credential_id not in excluded, "InvalidStateError: this authenticator holds one already"
        auth_data = (
            hashlib.sha256(self.rp_id.encode()).digest()
            + bytes([self.UP | self.UV | self.AT])
            + struct.pack(">I", self.counter)
            + self.AAGUID
            + struct.pack(">H", len(self.credential_id))
            + self.credential_id
            + self._cose_key()
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", options["challenge"])
        return json.dumps(
            {
                "id": bytes_to_base64url(self.credential_id),
                "rawId": bytes_to_base64url(self.credential_id),
                "type": "public-key",
                "authenticatorAttachment": "platform",
                "clientExtensionResults": {},
                "response": {
                    "clientDataJSON": bytes_to_base64url(client_data),
                    "attestationObject": bytes_to_base64url(attestation),
                    "transports": ["internal"],
                },
            }
        )

    def get(self, options_json: str) -> str:
        """The answer of navigator.credentials.get(): an assertion signed with the credential's key."""
        options = json.loads(options_json)
        allowed = [base64url_to_bytes(item["id"]) for item in options["allowCredentials"]]
        assert options["rpId"] == self.rp_id and self.credential_id in allowed, "NotAllowedError: no such passkey"
        return self.assertion(options["challenge"])

    def assertion(self, challenge: str) -> str:
        if not self.frozen:
            self.counter += 1
        auth_data = (
            hashlib.sha256(self.rp_id.encode()).digest() + bytes([self.UP | self.UV]) + struct.pack(">I", self.counter)
        )
        client_data = self._client_data("webauthn.get", challenge)
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return json.dumps(
            {
                "id": bytes_to_base64url(self.credential_id),
                "rawId": bytes_to_base64url(self.credential_id),
                "type": "public-key",
                "clientExtensionResults": {},
                "response": {
                    "clientDataJSON": bytes_to_base64url(client_data),
                    "authenticatorData": bytes_to_base64url(auth_data),
                    "signature": bytes_to_base64url(signature),
                    "userHandle": bytes_to_base64url(self.user_handle) if self.user_handle else None,
                },
            }
        )


def register(user: User, authenticator: SoftAuthenticator, name: str = "Мій ноутбук") -> Passkey:
    ceremony = passkeys.passkey_registration_options(user=user)
    return passkeys.passkey_register(
        user=user,
        response_json=authenticator.create(ceremony.options_json),
        expected_challenge=ceremony.challenge,
        name=name,
        source_ip="198.51.100.7",
    )


def sign_in_with(user: User, authenticator: SoftAuthenticator) -> Passkey:
    ceremony = passkeys.passkey_authentication_options(user=user)
    return passkeys.passkey_verify(
        user=user, response_json=authenticator.get(ceremony.options_json), expected_challenge=ceremony.challenge
    )


def audit(action: str) -> list[tuple]:
    return list(AuditRecord.objects.filter(action=action).values_list("actor__email", "details", "reason"))


# --- Services -----------------------------------------------------------------------------------------------
def test_registration_options_name_the_portal_and_the_person_never_by_e_mail_in_the_handle():
    user = citizen(totp=True)
    ceremony = passkeys.passkey_registration_options(user=user)
    options = json.loads(ceremony.options_json)
    assert options["rp"] == {"id": RP_ID, "name": "Vikno"}
    assert options["user"] == {
        "id": bytes_to_base64url(user.pk.bytes),
        "name": "olena@example.org",
        "displayName": "Олена",
    }
    assert base64url_to_bytes(options["challenge"]) == ceremony.challenge and len(ceremony.challenge) == 64
    assert options["attestation"] == "none"
    assert options["authenticatorSelection"] == {
        "residentKey": "preferred",
        "requireResidentKey": False,
        "userVerification": "preferred",
    }
    assert options["excludeCredentials"] == []


def test_a_passkey_is_registered_audited_and_excluded_from_the_next_registration():
    user = citizen(totp=True)
    authenticator = SoftAuthenticator(counter=0)
    passkey = register(user, authenticator)
    assert Passkey.objects.get() == passkey
    assert (passkey.user, passkey.name, bytes(passkey.credential_id)) == (
        user,
        "Мій ноутбук",
        authenticator.credential_id,
    )
    assert (passkey.sign_count, passkey.transports, passkey.last_used_at) == (0, ["internal"], None)
    assert audit("identity.factor_added") == [("olena@example.org", {"factor": "passkey"}, "")]
    excluded = json.loads(passkeys.passkey_registration_options(user=user).options_json)["excludeCredentials"]
    assert excluded == [
        {"id": bytes_to_base64url(authenticator.credential_id), "type": "public-key", "transports": ["internal"]}
    ]


def test_the_same_credential_cannot_be_registered_twice_even_by_another_person():
    olena, mallory = citizen(totp=True), citizen("mallory@example.org", totp=True)
    authenticator = SoftAuthenticator()
    register(olena, authenticator)
    with pytest.raises(passkeys.PasskeyRefused) as refused:
        register(mallory, authenticator)
    assert refused.value.code == "registered_already"
    assert list(Passkey.objects.values_list("user__email", flat=True)) == ["olena@example.org"]
    assert len(audit("identity.factor_added")) == 1


def test_an_answer_for_another_origin_or_another_challenge_is_not_registered():
    user = citizen(totp=True)
    ceremony = passkeys.passkey_registration_options(user=user)
    phishing = SoftAuthenticator(origin="https://portal.example.evil")
    with pytest.raises(passkeys.PasskeyRefused, match="invalid"):
        passkeys.passkey_register(
            user=user,
            response_json=phishing.create(ceremony.options_json),
            expected_challenge=ceremony.challenge,
            name="x",
            source_ip=None,
        )
    other = passkeys.passkey_registration_options(user=user)
    with pytest.raises(passkeys.PasskeyRefused, match="invalid"):
        passkeys.passkey_register(
            user=user,
            response_json=SoftAuthenticator().create(ceremony.options_json),
            expected_challenge=other.challenge,
            name="x",
            source_ip=None,
        )
    for garbage in ("", "not json", "[]", '{"id": 1}', "{" * 70_000):
        with pytest.raises(passkeys.PasskeyRefused):
            passkeys.passkey_register(
                user=user, response_json=garbage, expected_challenge=ceremony.challenge, name="x", source_ip=None
            )
    assert not Passkey.objects.exists() and not audit("identity.factor_added")


def test_signing_in_with_a_passkey_moves_its_counter_and_marks_its_last_use(monkeypatch):
    user = citizen()
    authenticator = SoftAuthenticator(counter=7)
    register(user, authenticator)
    options = json.loads(passkeys.passkey_authentication_options(user=user).options_json)
    assert options["rpId"] == RP_ID and options["userVerification"] == "preferred"
    assert options["allowCredentials"] == [
        {"id": bytes_to_base64url(authenticator.credential_id), "type": "public-key", "transports": ["internal"]}
    ]
    moment = clock.now() + dt.timedelta(days=3)
    monkeypatch.setattr(clock, "now", lambda: moment)
    passkey = sign_in_with(user, authenticator)
    passkey.refresh_from_db()
    assert (passkey.sign_count, passkey.last_used_at) == (8, moment)
    assert sign_in_with(user, authenticator).sign_count == 9


def test_a_passkey_that_always_reports_zero_keeps_working():
    user = citizen()
    synced = SoftAuthenticator(counter=0, frozen=True)
    register(user, synced)
    for _ in range(3):
        assert sign_in_with(user, synced).sign_count == 0


def test_a_counter_that_goes_backwards_or_stands_still_is_refused():
    user = citizen()
    authenticator = SoftAuthenticator(counter=5)
    register(user, authenticator)
    assert sign_in_with(user, authenticator).sign_count == 6
    clone = SoftAuthenticator(counter=3)
    clone.key, clone.credential_id, clone.rp_id, clone.user_handle = (
        authenticator.key,
        authenticator.credential_id,
        authenticator.rp_id,
        authenticator.user_handle,
    )
    with pytest.raises(passkeys.PasskeyRefused) as refused:
        sign_in_with(user, clone)  # reports 4
    assert refused.value.code == "sign_count"
    clone.counter, clone.frozen = 6, True
    with pytest.raises(passkeys.PasskeyRefused, match="sign_count"):
        sign_in_with(user, clone)  # reports 6 again
    passkey = Passkey.objects.get()
    assert (passkey.sign_count, passkey.last_used_at) == (6, passkey.last_used_at)
    assert sign_in_with(user, authenticator).sign_count == 7  # the real one goes on


def test_another_persons_passkey_is_refused():
    olena, mallory = citizen(totp=True), citizen("mallory@example.org", totp=True)
    olenas, mallorys = SoftAuthenticator(), SoftAuthenticator()
    register(olena, olenas)
    register(mallory, mallorys)
    offered = json.loads(passkeys.passkey_authentication_options(user=mallory).options_json)["allowCredentials"]
    assert [item["id"] for item in offered] == [bytes_to_base64url(mallorys.credential_id)]
    ceremony = passkeys.passkey_authentication_options(user=mallory)
    challenge = json.loads(ceremony.options_json)["challenge"]
    with pytest.raises(passkeys.PasskeyRefused) as refused:
        passkeys.passkey_verify(
            user=mallory, response_json=olenas.assertion(challenge), expected_challenge=ceremony.challenge
        )
    assert refused.value.code == "unknown_credential"
    # Mallory's own credential answering with Olena's user handle is refused too.
    mallorys.user_handle = olena.pk.bytes
    with pytest.raises(passkeys.PasskeyRefused, match="unknown_credential"):
        passkeys.passkey_verify(
            user=mallory, response_json=mallorys.assertion(challenge), expected_challenge=ceremony.challenge
        )
    assert list(Passkey.objects.filter(last_used_at__isnull=False)) == []


def test_a_person_without_passkeys_gets_no_options():
    with pytest.raises(passkeys.PasskeyRefused, match="no_passkeys"):
        passkeys.passkey_authentication_options(user=citizen(totp=True))


def test_an_answer_for_another_challenge_is_refused():
    user = citizen()
    authenticator = SoftAuthenticator()
    register(user, authenticator)
    first = passkeys.passkey_authentication_options(user=user)
    second = passkeys.passkey_authentication_options(user=user)
    with pytest.raises(passkeys.PasskeyRefused, match="invalid"):
        passkeys.passkey_verify(
            user=user, response_json=authenticator.get(first.options_json), expected_challenge=second.challenge
        )


def test_a_challenge_in_the_session_works_once_for_its_purpose_and_person_and_expires(monkeypatch):
    olena, mallory = citizen(), citizen("mallory@example.org")
    session = SessionStore()
    passkeys.challenge_remember(session, purpose=passkeys.AUTHENTICATE, user=olena, challenge=b"c1")
    assert passkeys.challenge_take(session, purpose=passkeys.AUTHENTICATE, user=olena) == b"c1"
    assert passkeys.challenge_take(session, purpose=passkeys.AUTHENTICATE, user=olena) is None  # replayed

    passkeys.challenge_remember(session, purpose=passkeys.AUTHENTICATE, user=olena, challenge=b"c2")
    assert passkeys.challenge_take(session, purpose=passkeys.REGISTER, user=olena) is None
    assert passkeys.challenge_take(session, purpose=passkeys.AUTHENTICATE, user=olena) is None  # spent by the try

    passkeys.challenge_remember(session, purpose=passkeys.AUTHENTICATE, user=olena, challenge=b"c3")
    assert passkeys.challenge_take(session, purpose=passkeys.AUTHENTICATE, user=mallory) is None

    passkeys.challenge_remember(session, purpose=passkeys.AUTHENTICATE, user=olena, challenge=b"c4")
    later = clock.now() + dt.timedelta(minutes=11)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert passkeys.challenge_take(session, purpose=passkeys.AUTHENTICATE, user=olena) is None


def test_the_last_passkey_of_an_account_without_an_app_cannot_be_removed():
    user = citizen()  # no authenticator app
    laptop, phone = register(user, SoftAuthenticator(), "Ноутбук"), register(user, SoftAuthenticator(), "Телефон")
    passkeys.passkey_remove(user=user, passkey_id=str(laptop.pk), source_ip="198.51.100.7")
    with pytest.raises(passkeys.PasskeyRefused, match="last_factor"):
        passkeys.passkey_remove(user=user, passkey_id=str(phone.pk), source_ip="198.51.100.7")
    assert list(Passkey.objects.values_list("name", flat=True)) == ["Телефон"]
    assert audit("identity.factor_removed") == [("olena@example.org", {"factor": "passkey"}, "")]


def test_with_an_app_the_only_passkey_can_be_removed_but_never_someone_elses():
    olena, mallory = citizen(totp=True), citizen("mallory@example.org", totp=True)
    olenas = register(olena, SoftAuthenticator())
    for wrong in (str(olenas.pk), "not-a-uuid", ""):
        with pytest.raises(passkeys.PasskeyNotFound):
            passkeys.passkey_remove(user=mallory, passkey_id=wrong, source_ip=None)
    assert Passkey.objects.count() == 1 and not audit("identity.factor_removed")
    passkeys.passkey_remove(user=olena, passkey_id=olenas.pk, source_ip=None)
    assert not Passkey.objects.exists()
    assert audit("identity.factor_removed") == [("olena@example.org", {"factor": "passkey"}, "")]


# --- Pages --------------------------------------------------------------------------------------------------
def options(browser: Client, name: str) -> str:
    response = browser.post(reverse(name))
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.content.decode()


def after_password(user: User, *, office: bool = False) -> Client:
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(OFFICE if office else SIGN_IN)
    token = page.cookies[settings.CSRF_COOKIE_NAME].value
    response = browser.post(
        OFFICE if office else SIGN_IN, {"email": user.email, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302, response.content
    browser.defaults["HTTP_X_CSRFTOKEN"] = token
    return browser


def test_a_citizen_signs_in_with_password_and_passkey_and_lands_in_the_cabinet():
    user = citizen(totp=True)
    authenticator = SoftAuthenticator()
    register(user, authenticator)
    browser = after_password(user)
    page = browser.get(reverse("identity:second-factor")).content.decode()
    assert uk("Use a passkey") in page and "identity/passkeys.js" in page and 'name="code"' in page
    answer = authenticator.get(options(browser, "identity:passkey-sign-in-options"))
    response = browser.post(reverse("identity:passkey-sign-in"), {"credential": answer})
    assert response.status_code == 302 and response["Location"] == reverse("identity:cabinet")
    session = browser.session
    assert (session[METHOD_KEY], session[ASSURANCE_KEY], session[SECOND_FACTOR_KEY]) == (
        "password",
        int(Assurance.LOW),
        "passkey",
    )
    assert browser.get(reverse("identity:cabinet")).status_code == 200
    signed_in = AuditRecord.objects.get(action="identity.signed_in")
    assert signed_in.details["second_factor"] == "passkey"
    assert not AuditRecord.objects.filter(action="identity.sign_in_refused").exists()


def test_a_replayed_passkey_answer_is_refused_and_audited():
    user = citizen(totp=True)
    authenticator = SoftAuthenticator(counter=0, frozen=True)  # no counter to catch the replay: the challenge does
    register(user, authenticator)
    browser = after_password(user)
    answer = authenticator.get(options(browser, "identity:passkey-sign-in-options"))
    assert browser.post(reverse("identity:passkey-sign-in"), {"credential": answer}).status_code == 302

    thief = after_password(user)
    response = thief.post(reverse("identity:passkey-sign-in"), {"credential": answer})
    assert response.status_code == 400
    assert uk("The request for your passkey has expired. Try again.") in response.content.decode()
    options(thief, "identity:passkey-sign-in-options")  # a fresh challenge does not help an old answer
    response = thief.post(reverse("identity:passkey-sign-in"), {"credential": answer})
    assert response.status_code == 400
    assert uk("That passkey was not accepted. Try again, or use another way to confirm it is you.") in (
        response.content.decode()
    )
    assert "_auth_user_id" not in thief.session
    refused = AuditRecord.objects.filter(action="identity.sign_in_refused").order_by("occurred_at")
    assert [(r.object_id, r.reason, r.details) for r in refused] == [
        ("password:citizen", "passkey", {"detail": "expired"}),
        ("password:citizen", "passkey", {"detail": "invalid"}),
    ]
    assert AuditRecord.objects.filter(action="identity.signed_in").count() == 1


def test_passkey_endpoints_need_the_password_step_and_the_csrf_token():
    user = citizen(totp=True)
    register(user, SoftAuthenticator())
    stranger = Client(enforce_csrf_checks=True)
    assert stranger.post(reverse("identity:passkey-sign-in-options")).status_code == 403  # no CSRF token
    stranger = Client()
    response = stranger.post(reverse("identity:passkey-sign-in-options"))
    assert response.status_code == 400 and response.json() == {"error": uk("Your sign-in has expired. Start again.")}
    assert stranger.post(reverse("identity:passkey-sign-in"), {"credential": "{}"})["Location"] == SIGN_IN
    assert stranger.get(reverse("identity:passkey-sign-in-options")).status_code == 405
    without = after_password(citizen("taras@example.org", totp=True))
    response = without.post(reverse("identity:passkey-sign-in-options"))
    assert response.status_code == 400 and "error" in response.json()


def test_a_passkey_only_account_is_asked_for_its_passkey_not_a_code():
    user = citizen()
    register(user, SoftAuthenticator())
    page = after_password(user).get(reverse("identity:second-factor")).content.decode()
    assert uk("Confirm it is you with your passkey") in page
    assert 'name="code"' not in page and uk("Use a passkey") in page
    assert uk("I cannot use my passkey: use a recovery code") in page


def test_an_official_signs_in_with_password_and_passkey_and_reaches_the_admin():
    user = official(totp=True)
    authenticator = SoftAuthenticator()
    register(user, authenticator)
    browser = after_password(user, office=True)
    assert browser.post(reverse("identity:passkey-sign-in-options")).status_code == 400  # not the citizens' page
    answer = authenticator.get(options(browser, "identity:office-passkey-sign-in-options"))
    response = browser.post(reverse("identity:office-passkey-sign-in"), {"credential": answer})
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    assert browser.session[SECOND_FACTOR_KEY] == "passkey"
    assert browser.get(reverse("admin:index")).status_code == 200


def test_a_new_account_may_add_a_passkey_instead_of_an_app_and_gets_recovery_codes():
    user = citizen()
    browser = after_password(user)
    page = browser.get(reverse("identity:enrol-totp")).content.decode()
    assert uk("Add a passkey instead") in page and "identity/passkeys.js" in page
    authenticator = SoftAuthenticator()
    answer = authenticator.create(options(browser, "identity:passkey-enrol-options"))
    response = browser.post(
        reverse("identity:passkey-enrol"),
        {"credential": answer},
        HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) "
        "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    )
    assert response.status_code == 200
    assert len(response.context["codes"]) == 10 and RecoveryCode.objects.filter(user=user).count() == 10
    assert list(Passkey.objects.filter(user=user).values_list("name", flat=True)) == ["Chrome на Linux"]
    assert browser.session[SECOND_FACTOR_KEY] == "passkey"
    assert browser.get(reverse("identity:cabinet")).status_code == 200
    # Once a factor exists, the enrolment endpoints refuse: adding another needs a second factor first.
    again = after_password(user)
    assert again.post(reverse("identity:passkey-enrol-options")).status_code == 400
    assert again.post(reverse("identity:passkey-enrol"), {"credential": answer})["Location"] == reverse(
        "identity:second-factor"
    )
    assert Passkey.objects.count() == 1


def test_a_refused_enrolment_shows_the_page_again_with_an_error_summary():
    browser = after_password(citizen())
    options(browser, "identity:passkey-enrol-options")
    response = browser.post(reverse("identity:passkey-enrol"), {"credential": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and uk("Set up an authenticator app") in page
    assert not Passkey.objects.exists() and "_auth_user_id" not in browser.session


def test_a_citizen_adds_a_named_passkey_on_the_security_page_and_removes_it():
    user = citizen(totp=True)
    browser = Client()
    sign_in_citizen(browser, user, assurance=Assurance.LOW, method="password")
    security = browser.get(reverse("identity:security")).content.decode()
    assert reverse("identity:passkey-add") in security
    form = browser.get(reverse("identity:passkey-add"))
    assert form.status_code == 200 and form.context["form"]["name"].value() == "Невідомий пристрій"
    authenticator = SoftAuthenticator()
    answer = authenticator.create(options(browser, "identity:passkey-add-options"))
    response = browser.post(reverse("identity:passkey-add"), {"name": "  Мій ноутбук ", "credential": answer})
    assert response.status_code == 302 and response["Location"] == reverse("identity:security")
    passkey = Passkey.objects.get(user=user)
    assert passkey.name == "Мій ноутбук"
    security = browser.get(reverse("identity:security")).content.decode()
    assert "Мій ноутбук" in security and f'value="{passkey.pk}"' in security
    response = browser.post(reverse("identity:passkey-remove"), {"passkey": str(passkey.pk)})
    assert response.status_code == 302 and response["Location"] == reverse("identity:security")
    assert not Passkey.objects.exists()
    assert [action for action in AuditRecord.objects.order_by("occurred_at").values_list("action", flat=True)] == [
        "identity.factor_added",
        "identity.factor_removed",
    ]


def test_adding_a_passkey_needs_a_name_and_an_answer_for_this_session():
    user = citizen(totp=True)
    browser = Client()
    sign_in_citizen(browser, user, assurance=Assurance.LOW, method="password")
    response = browser.post(reverse("identity:passkey-add"), {"name": "", "credential": ""})
    assert response.status_code == 400 and uk("Enter a name for the passkey.") in response.content.decode()
    answer = SoftAuthenticator().create(passkeys.passkey_registration_options(user=user).options_json)
    response = browser.post(reverse("identity:passkey-add"), {"name": "Ключ", "credential": answer})
    assert response.status_code == 400  # no challenge was sent to this session
    assert uk("The request for your passkey has expired. Try again.") in response.content.decode()
    assert not Passkey.objects.exists()


def test_the_only_factor_is_not_removed_from_the_page_either():
    user = citizen()
    passkey = register(user, SoftAuthenticator())
    browser = Client()
    sign_in_citizen(browser, user, assurance=Assurance.LOW, method="password")
    security = browser.get(reverse("identity:security")).content.decode()
    assert uk("To remove your only passkey, set up an authenticator app first.") in security
    assert reverse("identity:passkey-remove") not in security
    response = browser.post(reverse("identity:passkey-remove"), {"passkey": str(passkey.pk)})
    assert response.status_code == 400 and "govuk-error-summary" in response.content.decode()
    assert Passkey.objects.count() == 1
    assert browser.post(reverse("identity:passkey-remove"), {"passkey": "nonsense"}).status_code == 404


def test_eid_only_accounts_have_no_passkeys_to_manage():
    user = User.objects.create_user(username="eid-person", email="", first_name="Андрій")  # no password
    browser = Client()
    sign_in_citizen(browser, user)
    assert browser.get(reverse("identity:passkey-add")).status_code == 404
    assert browser.post(reverse("identity:passkey-add-options")).status_code == 404


def test_officials_manage_their_passkeys_under_office_and_citizens_may_not():
    user = official(totp=True)
    browser = Client()
    sign_in_official(browser, user)
    page = browser.get(reverse("identity:office-passkeys"))
    assert page.status_code == 200 and reverse("identity:office-passkey-add") in page.content.decode()
    answer = SoftAuthenticator().create(options(browser, "identity:office-passkey-add-options"))
    response = browser.post(reverse("identity:office-passkey-add"), {"name": "YubiKey", "credential": answer})
    assert response.status_code == 302 and response["Location"] == reverse("identity:office-passkeys")
    passkey = Passkey.objects.get(user=user)
    assert "YubiKey" in browser.get(reverse("identity:office-passkeys")).content.decode()
    response = browser.post(reverse("identity:office-passkey-remove"), {"passkey": str(passkey.pk)})
    assert response.status_code == 302 and not Passkey.objects.exists()
    assert browser.get(reverse("identity:passkey-add")).status_code == 403  # the citizens' page

    person = Client()
    sign_in_citizen(person, citizen(totp=True), assurance=Assurance.LOW, method="password")
    assert person.get(reverse("identity:office-passkeys")).status_code == 403
    assert person.post(reverse("identity:office-passkey-add-options")).status_code == 403
    anonymous = Client().get(reverse("identity:office-passkeys"))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(OFFICE)
    half = Client()
    half.force_login(official("other@dms.example", totp=True))  # password only, no second factor yet
    assert half.get(reverse("identity:office-passkeys")).status_code == 403
