"""Second factors: a TOTP authenticator app (RFC 6238, django-otp), recovery codes, and (see passkeys) WebAuthn.

Every change of a factor is written to the audit trail. Recovery codes are stored as HMAC-SHA256 keyed with the
secret key, so a leaked table alone does not give them away.
"""

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

import segno
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from vikno.audit.services import record
from vikno.core import clock
from vikno.identity.alerts import security_alert
from vikno.identity.models import RecoveryCode, User

RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper without doubt


@dataclass(frozen=True)
class Factors:
    totp: bool
    passkeys: int
    recovery_codes_left: int

    @property
    def any(self) -> bool:
        return self.totp or self.passkeys > 0


def factors_of(user: User) -> Factors:
    return Factors(
        totp=TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        passkeys=user.passkeys.count(),
        recovery_codes_left=user.recovery_codes.filter(used_at__isnull=True).count(),
    )


# --- TOTP -------------------------------------------------------------------------------------------------
def totp_pending_device(user: User) -> TOTPDevice:
    """The authenticator being set up (not yet confirmed with a code): reused until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI (issuer from OTP_TOTP_ISSUER) as an inline SVG QR code: no request leaves the page."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#0b0c0c", light="#ffffff")


def totp_secret_text(device: TOTPDevice) -> str:
    """The shared secret in base32, in groups of four, for people who type it instead of scanning."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def totp_confirm(*, user: User, code: str, source_ip: str | None) -> bool:
    """Confirm the authenticator being set up with a code from it. The old one, if any, is replaced."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(code):
        return False
    replaced, _ = TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(actor=user, action="identity.factor_added", target=user, source_ip=source_ip, details={"factor": "totp"})
    if replaced:
        security_alert(user=user, change="totp_replaced")
    elif user.passkeys.exists():  # not the account's first factor, set up while it is created
        security_alert(user=user, change="totp_added")
    return True


def totp_verify(*, user: User, code: str) -> bool:
    """Check a code against the person's confirmed authenticator (django-otp throttles repeated failures)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return bool(device and device.verify_token(code))


@transaction.atomic
def totp_remove(*, user: User, source_ip: str | None) -> None:
    had_one = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    if deleted:
        record(
            actor=user, action="identity.factor_removed", target=user, source_ip=source_ip, details={"factor": "totp"}
        )
    if had_one:
        security_alert(user=user, change="totp_removed")


# --- Recovery codes ---------------------------------------------------------------------------------------
def _hash(code: str) -> str:
    normalised = code.replace("-", "").strip().lower()
    return hmac.new(settings.SECRET_KEY.encode(), normalised.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def recovery_codes_generate(*, user: User, source_ip: str | None) -> list[str]:
    """A new set of codes, replacing any old ones; shown once, never stored in clear."""
    codes = ["".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(8)) for _ in range(RECOVERY_CODE_COUNT)]
    replaced, _ = RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=_hash(code)) for code in codes)
    record(actor=user, action="identity.recovery_codes_generated", target=user, source_ip=source_ip)
    if replaced:
        security_alert(user=user, change="recovery_codes_replaced")
    return [f"{code[:4]}-{code[4:]}" for code in codes]


@transaction.atomic
def recovery_code_use(*, user: User, code: str, source_ip: str | None) -> bool:
    """Spend one recovery code. A code works once."""
    match = (
        RecoveryCode.objects.select_for_update().filter(user=user, code_hash=_hash(code), used_at__isnull=True).first()
    )
    if match is None:
        return False
    match.used_at = clock.now()
    match.save(update_fields=["used_at"])
    record(actor=user, action="identity.recovery_code_used", target=user, source_ip=source_ip)
    left = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
    security_alert(user=user, change="recovery_code_used", left=left)
    return True
