"""Every change of state in identity: signing in and out, accounts, factors, roles. Each writes the audit trail."""

import datetime as dt
import uuid

from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.db import transaction

from vikno.audit.services import record
from vikno.core import clock, phone, rnokpp
from vikno.identity import tasks
from vikno.identity.alerts import security_alert
from vikno.identity.constants import Assurance
from vikno.identity.eid.client import EidError, VerifiedIdentity
from vikno.identity.models import EidIdentity, SignedInSession, User
from vikno.messaging.sms.optout import sms_opt_in
from vikno.privacy.fields import blind_index_for
from vikno.privacy.rights import consents
from vikno.privacy.rights.constants import ConsentKey, ConsentMethod

SIGN_IN_TARGET = "identity.sign_in"


def _citizen_attributes(identity: VerifiedIdentity) -> dict:
    """The account fields an eID fills in, checked; raises EidError("claims") when they are unusable."""
    attributes = identity.attributes
    number = attributes.get("rnokpp", "")
    if number and not rnokpp.is_valid(number):
        raise EidError("claims", "RNOKPP fails its check digit")
    values: dict = {
        "first_name": attributes.get("given_name", "")[:150],
        "last_name": attributes.get("family_name", "")[:150],
        "middle_name": attributes.get("middle_name", "")[:150],
        "rnokpp": number,
    }
    if not values["first_name"] or not values["last_name"]:
        raise EidError("claims", "no name")
    if attributes.get("birthdate"):
        try:
            values["birth_date"] = dt.date.fromisoformat(attributes["birthdate"])
        except ValueError as error:
            raise EidError("claims", "malformed birthdate") from error
    return values


@transaction.atomic
def citizen_sign_in_with_eid(*, identity: VerifiedIdentity, provider_name: str, source_ip: str | None) -> User:
    """The citizen's account for a verified eID identity: found by the provider's subject, else by RNOKPP (the
    same person through another provider), else created. Name, date of birth and RNOKPP are refreshed from the
    eID each time; e-mail and phone only fill empty fields (the person may have chosen others)."""
    values = _citizen_attributes(identity)
    now = clock.now()
    link = (
        EidIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=identity.issuer, subject_index=blind_index_for(EidIdentity, "subject", identity.subject))
        .first()
    )
    user = link.user if link else None
    if user is None and values["rnokpp"]:
        user = (
            User.objects.select_for_update()
            .filter(rnokpp_index=blind_index_for(User, "rnokpp", values["rnokpp"]))
            .first()
        )
    if user is not None and user.is_staff:
        raise EidError("claims", "an official's account; officials sign in on their own page")
    created = user is None
    if user is None:
        user = User(username=f"citizen-{uuid.uuid4().hex}")
        user.set_unusable_password()
    for field, value in values.items():
        setattr(user, field, value)
    user.email = user.email or identity.attributes.get("email", "")[:254]
    user.phone = user.phone or phone.normalise(identity.attributes.get("phone_number", ""))[:20]
    user.identity_source = provider_name
    user.identity_verified_at = now
    user.last_login = now
    user.save()
    if link:
        link.last_used_at = now
        link.save(update_fields=["last_used_at"])
    else:
        EidIdentity.objects.create(
            user=user, provider=identity.provider, issuer=identity.issuer, subject=identity.subject, last_used_at=now
        )
    if created:
        record(actor=user, action="identity.account_created", target=user, source_ip=source_ip)
        consents.consents_on_account_created(person=user, source_ip=source_ip)
    record(
        actor=user,
        action="identity.signed_in",
        target=user,
        source_ip=source_ip,
        details={"method": f"eid:{identity.provider}", "assurance": identity.assurance.name.lower()},
    )
    return user


def sign_in_refused(*, method: str, reason: str, detail: str, source_ip: str | None) -> None:
    """Audit a refused sign-in. `detail` says what failed, never who the person was."""
    record(
        actor=None,
        action="identity.sign_in_refused",
        target_type=SIGN_IN_TARGET,
        target_id=method,
        source_ip=source_ip,
        reason=reason,
        details={"detail": detail[:500]},
    )


@transaction.atomic
def password_changed(*, user: User, keep_session: uuid.UUID | None, source_ip: str | None) -> None:
    """A signed-in person changed their password (the old one given): other devices are signed out, and they are
    told."""
    sessions_end_others(user=user, keep=keep_session, source_ip=source_ip)
    record(actor=user, action="identity.password_changed", target=user, source_ip=source_ip)
    security_alert(user=user, change="password_changed")


def reauthenticated(*, user: User, source_ip: str | None) -> None:
    """The person confirmed it is them with their password: earlier failures no longer count towards a lock-out
    (django-axes resets them itself only at a sign-in)."""
    from axes.utils import reset

    reset(username=user.get_username())
    record(actor=user, action="identity.reauthenticated", target=user, source_ip=source_ip)


def reauthentication_refused(*, user: User, source_ip: str | None) -> None:
    record(actor=user, action="identity.reauthentication_refused", target=user, source_ip=source_ip)


def user_signed_out(*, user: User, session_id: uuid.UUID | None, source_ip: str | None) -> None:
    if session_id is not None:
        SignedInSession.objects.filter(user=user, public_id=session_id).update(ended_at=clock.now())
    record(actor=user, action="identity.signed_out", target=user, source_ip=source_ip)


# --- Portal accounts (e-mail, password and a second factor) -----------------------------------------------
VERIFY_SALT = "vikno.identity.verify-email"
VERIFY_MAX_AGE = 3 * 24 * 3600


def email_verification_token(user: User) -> str:
    return signing.dumps({"user": str(user.pk), "email": user.email}, salt=VERIFY_SALT)


@transaction.atomic
def citizen_register(
    *, given_name: str, family_name: str, email: str, password: str, source_ip: str | None
) -> User | None:
    """A new portal account, waiting for its e-mail to be confirmed. When the address already has an account
    nothing is created; its owner gets a note instead, and the person sees the same page (no enumeration)."""
    owner = (User.objects.filter(email__iexact=email) | User.objects.filter(username__iexact=email)).first()
    if owner is not None:
        make_password(password)  # the same hashing work as a new account, so timing does not tell either
        owner_id = str(owner.pk)  # the task gets the account's id, never the address (task rows are not private)
        transaction.on_commit(lambda: tasks.send_already_registered.enqueue(owner_id))
        return None
    user = User(username=email, email=email, first_name=given_name, last_name=family_name)
    user.set_password(password)
    user.save()
    record(
        actor=user, action="identity.account_created", target=user, source_ip=source_ip, details={"method": "password"}
    )
    consents.consents_on_account_created(person=user, source_ip=source_ip)
    transaction.on_commit(lambda: tasks.send_email_verification.enqueue(str(user.pk)))
    return user


@transaction.atomic
def email_verify(*, token: str, source_ip: str | None) -> User | None:
    """The account whose address the link confirms; None when the link is forged, expired or for an old address."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.BadSignature:
        return None
    user = User.objects.select_for_update().filter(pk=data.get("user"), is_active=True).first()
    if user is None or user.email != data.get("email"):
        return None
    if user.email_verified_at is None:
        user.email_verified_at = clock.now()
        user.save(update_fields=["email_verified_at"])
        record(actor=user, action="identity.email_verified", target=user, source_ip=source_ip)
    return user


def password_signed_in(
    *, user: User, method: str, second_factor: str, assurance: Assurance, source_ip: str | None
) -> None:
    details = {"method": method, "second_factor": second_factor, "assurance": assurance.name.lower()}
    record(actor=user, action="identity.signed_in", target=user, source_ip=source_ip, details=details)


@transaction.atomic
def session_end(*, user: User, session_id: uuid.UUID, source_ip: str | None) -> bool:
    """End one of the person's own signed-in sessions (another device, or this one)."""
    ended = SignedInSession.objects.filter(user=user, public_id=session_id, ended_at__isnull=True).update(
        ended_at=clock.now()
    )
    if ended:
        record(
            actor=user,
            action="identity.session_ended",
            target=user,
            source_ip=source_ip,
            details={"session": str(session_id)},
        )
    return bool(ended)


@transaction.atomic
def sessions_end_others(*, user: User, keep: uuid.UUID | None, source_ip: str | None) -> int:
    ended = (
        SignedInSession.objects.filter(user=user, ended_at__isnull=True)
        .exclude(public_id__in=[keep] if keep else [])
        .update(ended_at=clock.now())
    )
    if ended:
        record(actor=user, action="identity.sessions_ended", target=user, source_ip=source_ip, details={"count": ended})
    return ended


@transaction.atomic
def notification_preferences_set(
    *, user: User, by_email: bool, by_sms: bool, language: str, source_ip: str | None, record_consents: bool = True
) -> None:
    """The channels and the language of the person's notifications. Turning a channel on or off here gives or
    withdraws the consent to it, recorded as made in the notification settings (`record_consents=False` when the
    caller is the consents page, which records its own)."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    locked.notify_by_email, locked.notify_by_sms, locked.language = by_email, by_sms, language
    locked.save(update_fields=["notify_by_email", "notify_by_sms", "language"])
    if by_sms:
        sms_opt_in(phone_number=locked.phone)
    record(
        actor=user,
        action="identity.notification_preferences_changed",
        target=user,
        source_ip=source_ip,
        details={"email": by_email, "sms": by_sms, "language": language},
    )
    if record_consents:
        consents.consents_sync_channels(person=locked, how=ConsentMethod.NOTIFICATION_SETTINGS, source_ip=source_ip)


@transaction.atomic
def sms_stopped(*, phone_number: str) -> int:
    """Someone sent STOP from this number: the accounts with it no longer choose SMS, and each one's consent to
    SMS is withdrawn "by sending STOP" (a STOP from a number that chose no SMS changes and records nothing)."""
    users = list(
        User.objects.select_for_update()
        .filter(notify_by_sms=True, phone_index=blind_index_for(User, "phone", phone_number))
        .order_by("pk")
    )
    for user in users:
        user.notify_by_sms = False
        user.save(update_fields=["notify_by_sms"])
        record(actor=None, action="identity.sms_stopped", target_type="identity.user", target_id=str(user.pk))
        consents.consents_sync_channels(person=user, how=ConsentMethod.SMS_STOP, keys=[ConsentKey.SMS_NOTIFICATIONS])
    return len(users)


# --- A forgotten password (citizens' portal accounts; officials get a new invitation from their admin) ------
def password_reset_request(*, email: str) -> None:
    """Send a reset link when a citizen's active portal account has this address; otherwise nothing. The
    person sees the same page either way (no enumeration)."""
    user = User.objects.filter(email__iexact=email, is_active=True, is_staff=False).first()
    if user is not None and user.has_usable_password():
        transaction.on_commit(lambda: tasks.send_password_reset.enqueue(str(user.pk)))


@transaction.atomic
def password_reset(*, user: User, token: str, password: str, source_ip: str | None) -> bool:
    """Set a new password through a reset link. The link works once (the token is keyed to the old password);
    every signed-in session ends, and the second factor is still needed at the next sign-in."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not default_token_generator.check_token(locked, token):
        return False
    locked.set_password(password)
    locked.save(update_fields=["password"])
    SignedInSession.objects.filter(user=locked, ended_at__isnull=True).update(ended_at=clock.now())
    record(actor=locked, action="identity.password_reset", target=locked, source_ip=source_ip)
    security_alert(user=locked, change="password_changed")
    return True
