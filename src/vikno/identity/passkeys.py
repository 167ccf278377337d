"""Passkeys (WebAuthn, with py_webauthn) as a second factor after the password, for citizens and officials.

The relying party is the portal itself: `WEBAUTHN_RP_ID` (the host of SITE_URL) and `WEBAUTHN_ORIGIN`.
A ceremony has two halves: the options (with a fresh challenge, kept in the person's session, single use,
expiring after SECOND_FACTOR_TTL) and the browser's answer, verified here. Every change of a passkey is written
to the audit trail; a refused passkey sign-in is audited by the view that knows where it came from.
"""

import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import IntegrityError, transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    bytes_to_base64url,
    parse_authentication_credential_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from vikno.audit.services import record
from vikno.core import clock
from vikno.identity.alerts import security_alert
from vikno.identity.models import Passkey, User

CHALLENGE_KEY = "vikno.passkey_challenge"
REGISTER, AUTHENTICATE = "register", "authenticate"
MAX_RESPONSE_LENGTH = 64 * 1024  # a browser's answer is a few kilobytes; anything longer is not one
TIMEOUT_MS = 5 * 60 * 1000
_TRANSPORTS = {transport.value for transport in AuthenticatorTransport}


class PasskeyRefused(Exception):
    """A passkey ceremony or change that was refused. `code` says why, for the audit trail (never who)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class PasskeyNotFound(Exception):
    """No passkey with that id belongs to the person."""


@dataclass(frozen=True)
class Ceremony:
    """Options for the browser (JSON for `navigator.credentials.create/get`) and the challenge in them."""

    options_json: str
    challenge: bytes


def _user_handle(user: User) -> bytes:
    """The WebAuthn user handle: the account's UUID (16 bytes), never an e-mail address."""
    return user.pk.bytes


def _descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(
            id=bytes(passkey.credential_id),
            transports=[AuthenticatorTransport(value) for value in passkey.transports if value in _TRANSPORTS],
        )
        for passkey in user.passkeys.all()
    ]


def _parse(response_json: str) -> dict[str, Any]:
    if len(response_json) > MAX_RESPONSE_LENGTH:
        raise PasskeyRefused("malformed")
    try:
        value = json.loads(response_json)
    except ValueError as error:
        raise PasskeyRefused("malformed") from error
    if not isinstance(value, dict):
        raise PasskeyRefused("malformed")
    return value


# --- Challenges, kept in the session ----------------------------------------------------------------------
def challenge_remember(session: SessionBase, *, purpose: str, user: User, challenge: bytes) -> None:
    """Keep the challenge just sent to the browser. One ceremony at a time: a newer one replaces it."""
    session[CHALLENGE_KEY] = {
        "purpose": purpose,
        "user": str(user.pk),
        "challenge": bytes_to_base64url(challenge),
        "at": clock.now().timestamp(),
    }


def challenge_take(session: SessionBase, *, purpose: str, user: User) -> bytes | None:
    """The challenge sent for this purpose and person, forgotten as it is taken (a challenge works once);
    None when there is none, it was for something else, or it is older than SECOND_FACTOR_TTL."""
    kept = session.pop(CHALLENGE_KEY, None)
    if not isinstance(kept, dict) or kept.get("purpose") != purpose or kept.get("user") != str(user.pk):
        return None
    if clock.now().timestamp() - kept.get("at", 0) > settings.SECOND_FACTOR_TTL:
        return None
    return base64url_to_bytes(kept["challenge"])


# --- Registration -----------------------------------------------------------------------------------------
def passkey_registration_options(*, user: User) -> Ceremony:
    """Options to create a passkey for the person; the passkeys they have already are excluded."""
    options = generate_registration_options(
        rp_id=settings.WEBAUTHN_RP_ID,
        rp_name=settings.PORTAL_NAME or "Vikno",
        user_id=_user_handle(user),
        user_name=user.email or user.username,
        user_display_name=user.full_name or user.email or user.username,
        timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=_descriptors(user),
    )
    return Ceremony(options_json=options_to_json(options), challenge=options.challenge)


@transaction.atomic
def passkey_register(
    *, user: User, response_json: str, expected_challenge: bytes, name: str, source_ip: str | None
) -> Passkey:
    """Verify the browser's answer to the registration options ("none" attestation is all a portal needs:
    the passkey proves the same device, not its maker) and keep the new passkey."""
    response = _parse(response_json)
    try:
        credential = parse_registration_credential_json(response)
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=expected_challenge,
            expected_rp_id=settings.WEBAUTHN_RP_ID,
            expected_origin=settings.WEBAUTHN_ORIGIN,
        )
    except WebAuthnException as error:
        raise PasskeyRefused("invalid") from error
    transports = [transport.value for transport in credential.response.transports or []]
    # Not the account's first factor (set up while it is created): the person is told.
    had_a_factor = user.passkeys.exists() or TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    try:
        with transaction.atomic():
            passkey = Passkey.objects.create(
                user=user,
                name=name.strip()[:100],
                credential_id=verified.credential_id,
                public_key=verified.credential_public_key,
                sign_count=verified.sign_count,
                transports=transports,
            )
    except IntegrityError as error:  # the same credential registered before (by this person or another)
        raise PasskeyRefused("registered_already") from error
    record(actor=user, action="identity.factor_added", target=user, source_ip=source_ip, details={"factor": "passkey"})
    if had_a_factor:
        security_alert(user=user, change="passkey_added", name=passkey.name)
    return passkey


# --- Signing in -------------------------------------------------------------------------------------------
def passkey_authentication_options(*, user: User) -> Ceremony:
    """Options to sign in with one of the person's passkeys (and only theirs)."""
    allowed = _descriptors(user)
    if not allowed:
        raise PasskeyRefused("no_passkeys")
    options = generate_authentication_options(
        rp_id=settings.WEBAUTHN_RP_ID,
        timeout=TIMEOUT_MS,
        allow_credentials=allowed,
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return Ceremony(options_json=options_to_json(options), challenge=options.challenge)


@transaction.atomic
def passkey_verify(*, user: User, response_json: str, expected_challenge: bytes) -> Passkey:
    """Verify the browser's answer to the authentication options with one of the person's own passkeys.

    The signature counter must grow when the authenticator keeps one (many synced passkeys always report 0):
    a counter that does not is the sign of a cloned authenticator, and the passkey is refused.
    """
    response = _parse(response_json)
    try:
        credential = parse_authentication_credential_json(response)
    except WebAuthnException as error:
        raise PasskeyRefused("malformed") from error
    passkey = Passkey.objects.select_for_update().filter(user=user, credential_id=credential.raw_id).first()
    if passkey is None:
        raise PasskeyRefused("unknown_credential")
    handle = credential.response.user_handle
    if handle is not None and handle != _user_handle(user):
        raise PasskeyRefused("unknown_credential")
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=expected_challenge,
            expected_rp_id=settings.WEBAUTHN_RP_ID,
            expected_origin=settings.WEBAUTHN_ORIGIN,
            credential_public_key=bytes(passkey.public_key),
            # The counter is checked below, after the signature, so that a forged answer cannot pass for a clone.
            credential_current_sign_count=0,
        )
    except WebAuthnException as error:
        raise PasskeyRefused("invalid") from error
    if (verified.new_sign_count or passkey.sign_count) and verified.new_sign_count <= passkey.sign_count:
        raise PasskeyRefused("sign_count")
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = clock.now()
    passkey.save(update_fields=["sign_count", "last_used_at"])
    return passkey


# --- Removing ---------------------------------------------------------------------------------------------
@transaction.atomic
def passkey_remove(*, user: User, passkey_id: str | uuid.UUID, source_ip: str | None) -> None:
    """Remove one of the person's passkeys; an account without an authenticator app keeps its last one."""
    try:
        key = uuid.UUID(str(passkey_id))
    except ValueError as error:
        raise PasskeyNotFound from error
    User.objects.select_for_update().filter(pk=user.pk).first()  # one change of factors at a time per person
    passkey = Passkey.objects.filter(user=user, pk=key).first()
    if passkey is None:
        raise PasskeyNotFound
    has_totp = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    if not has_totp and Passkey.objects.filter(user=user).count() <= 1:
        raise PasskeyRefused("last_factor")
    passkey.delete()
    record(
        actor=user, action="identity.factor_removed", target=user, source_ip=source_ip, details={"factor": "passkey"}
    )
    security_alert(user=user, change="passkey_removed", name=passkey.name)
