"""Reads of fees and payments, always scoped to the person asking."""

from __future__ import annotations

from django.db.models import QuerySet

from vikno.core import clock
from vikno.identity.constants import Role
from vikno.identity.selectors import organisation_ids_for_role
from vikno.payments.constants import OPEN_STATES, Method
from vikno.payments.models import BankStatement, Fee, FeeAccount, Payment

# Who handles an organisation's fees: bank statements, reconciliation, refunds.
PAYMENT_ROLES = (Role.SUPERVISOR, Role.ACCOUNTANT)


def fee_for_citizen(*, citizen, application_id) -> Fee | None:
    return (
        Fee.objects.select_related("application__service", "organisation__fee_account")
        .filter(application_id=application_id, payer=citizen)
        .first()
    )


def payments_for_citizen(*, citizen) -> QuerySet[Payment]:
    """The payer's payments that went anywhere (not the checkouts they left unused)."""
    return (
        Payment.objects.filter(fee__payer=citizen)
        .exclude(state__in=("created",))
        .select_related("fee__application__service", "fee__organisation", "receipt")
        .order_by("-created_at")
    )


def payment_for_citizen(*, citizen, payment_id) -> Payment | None:
    return payments_for_citizen(citizen=citizen).filter(pk=payment_id).first()


def payment_organisation_ids(*, official) -> set:
    return organisation_ids_for_role(user=official, roles=PAYMENT_ROLES)


def payments_for_official(*, official) -> QuerySet[Payment]:
    return (
        Payment.objects.filter(fee__organisation_id__in=payment_organisation_ids(official=official))
        .select_related("fee__application__service", "fee__organisation")
        .order_by("-created_at")
    )


def payment_for_official(*, official, payment_id) -> Payment | None:
    return payments_for_official(official=official).filter(pk=payment_id).first()


def card_payment_in_progress(*, application) -> bool:
    """A card checkout of the application's fee that the bank may still confirm."""
    return Payment.objects.filter(
        fee__application=application,
        method=Method.CARD,
        state__in=OPEN_STATES,
        expires_at__gt=clock.now(),
    ).exists()


def fee_for_application(*, application) -> Fee | None:
    """The fee of an application the caller may already see (the case page checks the official first)."""
    return Fee.objects.filter(application=application).prefetch_related("payments__refunds").first()


def fee_account_for(*, fee: Fee) -> FeeAccount | None:
    """Where the fee can be paid by bank transfer (None: the organisation takes no transfers)."""
    return FeeAccount.objects.filter(organisation_id=fee.organisation_id).first()


def statements_for_official(*, official, limit: int = 10) -> list[BankStatement]:
    """The latest statements imported for the organisations whose fees the official handles."""
    return list(
        BankStatement.objects.filter(organisation_id__in=payment_organisation_ids(official=official))
        .select_related("organisation")
        .order_by("-created_at")[:limit]
    )
