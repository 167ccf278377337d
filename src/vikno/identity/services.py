"""Every change of state in identity: signing in and out, accounts, factors, roles. Each writes the audit trail."""

import datetime as dt
import uuid

from django.db import transaction

from vikno.audit.services import record
from vikno.core import clock, rnokpp
from vikno.identity.eid.client import EidError, VerifiedIdentity
from vikno.identity.models import EidIdentity, User

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
        .filter(issuer=identity.issuer, subject=identity.subject)
        .first()
    )
    user = link.user if link else None
    if user is None and values["rnokpp"]:
        user = User.objects.select_for_update().filter(rnokpp=values["rnokpp"]).first()
    if user is not None and user.is_staff:
        raise EidError("claims", "an official's account; officials sign in on their own page")
    created = user is None
    if user is None:
        user = User(username=f"citizen-{uuid.uuid4().hex}")
        user.set_unusable_password()
    for field, value in values.items():
        setattr(user, field, value)
    user.email = user.email or identity.attributes.get("email", "")[:254]
    user.phone = user.phone or identity.attributes.get("phone_number", "")[:20]
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


def user_signed_out(*, user: User, source_ip: str | None) -> None:
    record(actor=user, action="identity.signed_out", target=user, source_ip=source_ip)
