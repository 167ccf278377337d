"""Mandates: the right of a person to act for a business they represent or for their minor child.

An official registers a mandate from a document (an organisation admin or a case officer of any organisation,
or the platform administrator) and may revoke it, giving the reason. The representative uses their active
mandates in their cabinet (see `vikno.identity.acting`). Every read is scoped: a representative reads only
their own mandates, an official only those registered in the organisations their roles cover.
"""

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from vikno.audit.services import record
from vikno.core import clock, edrpou, rnokpp
from vikno.identity.constants import Role
from vikno.identity.models import Mandate, PartyKind, User
from vikno.identity.selectors import organisation_ids_for_role
from vikno.privacy.fields import blind_index_for

MANDATE_ROLES = (Role.ORGANISATION_ADMIN, Role.CASE_OFFICER)
ADULTHOOD = 18  # years: a parent's mandate for a child ends the day before the child's 18th birthday


# --- Selectors -----------------------------------------------------------------------------------------------
def mandates_active_for(*, user, on: dt.date | None = None) -> QuerySet[Mandate]:
    """The representative's mandates in force on the day (today by default): not revoked, started, not ended."""
    if not user.is_authenticated or not user.is_active or user.is_staff:
        return Mandate.objects.none()
    on = on or clock.today()
    return (
        Mandate.objects.filter(representative=user, revoked_at__isnull=True, valid_from__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .order_by("party_name", "valid_from")
    )


def mandate_get_for_representative(*, user, mandate_id: uuid.UUID | str) -> Mandate:
    """One of the representative's own mandates (in force or not). Raises Mandate.DoesNotExist for anyone
    else's mandate, exactly as for one that does not exist."""
    if not user.is_authenticated:
        raise Mandate.DoesNotExist
    try:
        key = uuid.UUID(str(mandate_id))
    except ValueError as error:
        raise Mandate.DoesNotExist from error
    return Mandate.objects.get(pk=key, representative=user)


def can_register_mandates(user) -> bool:
    if not user.is_authenticated or not user.is_active or not user.is_staff:
        return False
    return user.is_superuser or user.role_assignments.filter(role__in=MANDATE_ROLES).exists()


def mandates_for_official(*, user) -> QuerySet[Mandate]:
    """Mandates the official may see and revoke: those they registered, and those registered by officials of
    the organisations where they are organisation admin or case officer; every one for the platform admin."""
    if not can_register_mandates(user):
        return Mandate.objects.none()
    if user.is_superuser:
        return Mandate.objects.all()
    ids = organisation_ids_for_role(user=user, roles=MANDATE_ROLES)
    return Mandate.objects.filter(Q(registered_by=user) | Q(registered_by__organisation_id__in=ids))


def representative_by_rnokpp(number: str) -> User | None:
    """The citizen's account with this taxpayer number, if they have one."""
    if not rnokpp.is_valid(number):
        return None
    return User.objects.filter(
        rnokpp_index=blind_index_for(User, "rnokpp", number), is_staff=False, is_active=True
    ).first()


# --- Validation ----------------------------------------------------------------------------------------------
def adulthood_on(birth_date: dt.date) -> dt.date:
    """The child's 18th birthday (29 February counts from 1 March in years without one)."""
    try:
        return birth_date.replace(year=birth_date.year + ADULTHOOD)
    except ValueError:
        return dt.date(birth_date.year + ADULTHOOD, 3, 1)


def mandate_validate(
    *,
    representative: User | None,
    party_kind: str,
    party_name: str,
    party_code: str,
    party_birth_date: dt.date | None,
    basis: str,
    valid_from: dt.date | None,
    valid_until: dt.date | None,
) -> dt.date | None:
    """Check the terms of a new mandate; returns the end date to store (for a child, the day before their 18th
    birthday unless an earlier one is given). Raises ValidationError keyed by the Mandate field at fault
    (`representative` for the representative)."""
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if representative is None:
        fail(
            "representative",
            _("No citizen's account has this taxpayer number: the person signs in to the portal once first."),
        )
    elif representative.is_staff or not representative.is_active:
        fail("representative", _("A mandate is registered for an active citizen's account only."))
    if not party_name.strip():
        fail("party_name", _("Enter the name of the business or the child."))
    if not basis.strip():
        fail("basis", _("Enter the document the mandate rests on."))
    if valid_from is None:
        fail("valid_from", _("Enter the date the mandate starts."))
    if valid_from and valid_until and valid_until < valid_from:
        fail("valid_until", _("The end date must not be before the start date."))
    if party_kind == PartyKind.BUSINESS:
        if not edrpou.is_valid(party_code):
            fail("party_code", _("Enter a valid EDRPOU code: 8 digits, the last a correct check digit."))
        if party_birth_date is not None:
            fail("party_birth_date", _("A business has no date of birth: leave this empty."))
    elif party_kind == PartyKind.CHILD:
        valid_until = _check_child(party_code, party_birth_date, representative, valid_from, valid_until, fail)
    else:
        fail("party_kind", _("Choose whom the mandate is for: a business or a child."))
    if (
        not errors
        and representative is not None
        and valid_from is not None
        and _overlapping(representative, party_code, valid_from, valid_until).exists()
    ):
        fail("party_code", _("This person already holds a mandate for this party for these dates."))
    if errors:
        raise ValidationError(errors)
    return valid_until


def _day(day: dt.date) -> str:
    return date_format(day, "j E Y")


def _check_child(party_code, birth_date, representative, valid_from, valid_until, fail) -> dt.date | None:
    if not rnokpp.is_valid(party_code):
        fail("party_code", _("Enter a valid RNOKPP: 10 digits, the last a correct check digit."))
        return valid_until
    if representative is not None and representative.rnokpp == party_code:
        fail("party_code", _("A person cannot hold a mandate for themselves."))
    if birth_date is None:
        fail("party_birth_date", _("Enter the child's date of birth."))
        return valid_until
    encoded = rnokpp.birth_date(party_code)
    if birth_date != encoded:
        fail(
            "party_birth_date",
            _("The date of birth does not match the one the RNOKPP encodes (%(date)s).") % {"date": _day(encoded)},
        )
        return valid_until
    adult = adulthood_on(birth_date)
    if valid_from is not None:
        if valid_from < birth_date:
            fail("valid_from", _("The mandate cannot start before the child is born."))
        elif valid_from >= adult:
            fail(
                "valid_from",
                _("The child is 18 or over on the start date: a parent's mandate is for children under 18."),
            )
    last_day = adult - dt.timedelta(days=1)
    if valid_until is None:
        return last_day
    if valid_until > last_day:
        fail(
            "valid_until",
            _("A mandate for a child ends by the day before their 18th birthday (%(date)s) at the latest.")
            % {"date": _day(last_day)},
        )
    return valid_until


def _overlapping(representative: User, party_code: str, valid_from: dt.date, valid_until: dt.date | None):
    overlapping = Mandate.objects.filter(
        representative=representative,
        party_code_index=blind_index_for(Mandate, "party_code", party_code),
        revoked_at__isnull=True,
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=valid_from))
    if valid_until is not None:
        overlapping = overlapping.filter(valid_from__lte=valid_until)
    return overlapping


# --- Services ------------------------------------------------------------------------------------------------
@transaction.atomic
def mandate_register(
    *,
    actor: User,
    representative: User,
    party_kind: str,
    party_name: str,
    party_code: str,
    basis: str,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    party_birth_date: dt.date | None = None,
    source_ip: str | None = None,
) -> Mandate:
    if not can_register_mandates(actor):
        raise PermissionDenied(_("You may not register mandates."))
    # Locking the representative serialises registrations for the same person (the overlap check holds).
    representative = User.objects.select_for_update().get(pk=representative.pk)
    party_code = party_code.strip()
    valid_until = mandate_validate(
        representative=representative,
        party_kind=party_kind,
        party_name=party_name,
        party_code=party_code,
        party_birth_date=party_birth_date,
        basis=basis,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    mandate = Mandate.objects.create(
        representative=representative,
        party_kind=party_kind,
        party_name=party_name.strip(),
        party_code=party_code,
        party_birth_date=party_birth_date,
        basis=basis.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        registered_by=actor,
    )
    record(
        actor=actor,
        action="identity.mandate_registered",
        target=mandate,
        source_ip=source_ip,
        details={
            "representative": str(representative.pk),
            "party_kind": party_kind,
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat() if valid_until else None,
        },
    )
    return mandate


@transaction.atomic
def mandate_revoke(*, actor: User, mandate: Mandate, reason: str, source_ip: str | None = None) -> Mandate:
    """End the mandate now. The representative stops acting under it at their next request."""
    mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
    if not mandates_for_official(user=actor).filter(pk=mandate.pk).exists():
        raise PermissionDenied(_("You may not revoke this mandate."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Enter why the mandate is revoked.")})
    if mandate.revoked_at is not None:
        raise ValidationError(_("The mandate has already been revoked."))
    mandate.revoked_at = clock.now()
    mandate.revoked_by = actor
    mandate.revocation_reason = reason[:300]
    mandate.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    record(
        actor=actor,
        action="identity.mandate_revoked",
        target=mandate,
        source_ip=source_ip,
        reason=mandate.revocation_reason,
        details={"representative": str(mandate.representative_id), "party_kind": mandate.party_kind},
    )
    return mandate


@transaction.atomic
def acting_for_change(
    *, representative: User, mandate: Mandate | None, previous_mandate_id: str = "", source_ip: str | None = None
) -> None:
    """Record that the representative now acts for the mandate's party (or for themselves when None)."""
    if mandate is not None and not mandates_active_for(user=representative).filter(pk=mandate.pk).exists():
        raise ValidationError(_("This mandate is no longer valid: it has been revoked or has expired."))
    record(
        actor=representative,
        action="identity.acting_for_changed",
        target=mandate if mandate is not None else representative,
        source_ip=source_ip,
        on_behalf_of=str(mandate.pk) if mandate is not None else "",
        details={
            "party_kind": mandate.party_kind if mandate is not None else "",
            "previous": previous_mandate_id,
        },
    )
