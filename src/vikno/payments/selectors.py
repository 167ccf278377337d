"""Reads of fees and payments, always scoped to the person asking."""

from __future__ import annotations

from django.db.models import QuerySet

from vikno.core import clock
from vikno.identity.constants import Role
from vikno.identity.selectors import organisation_ids_for_role
from vikno.payments.constants import OPEN_STATES, Method
from vikno.payments.models import BankStatement, BankTransfer, Fee, FeeAccount, Payment
from vikno.privacy.selectors import LookPurpose
from vikno.privacy.services import data_access_record

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


def payment_roles(*, official, organisation_id) -> str:
    """The payment roles the official holds for the organisation, as the access log records them."""
    held = {role: organisation_ids_for_role(user=official, roles=(role,)) for role in PAYMENT_ROLES}
    return ",".join(sorted(role for role, ids in held.items() if organisation_id in ids))


def payment_open(*, official, payment: Payment) -> Payment:
    """Hand the payment (the payer's card, amounts, what the bank said) to the official, logging the look."""
    fee = payment.fee
    data_access_record(
        official=official,
        subject=fee.payer,
        target=payment,
        purpose=LookPurpose.PAYMENT_HANDLING,
        organisation=fee.organisation,
        role=payment_roles(official=official, organisation_id=fee.organisation_id),
    )
    return payment


def reconciliation_open(*, official, organisation, day) -> None:
    """Log the looks the day's reconciliation gives: each bank transfer matched to a payer's fee shows what the
    payer wrote in it. (Transfers matched to nobody have no portal user to tell.)"""
    transfers = (
        BankTransfer.objects.filter(organisation=organisation, booked_on=day, fee__isnull=False)
        .exclude(remittance="")
        .select_related("fee__payer")
        .order_by("created_at")
    )
    role = payment_roles(official=official, organisation_id=organisation.pk)
    for transfer in transfers:
        assert transfer.fee is not None  # filtered above
        data_access_record(
            official=official,
            subject=transfer.fee.payer,
            target=transfer,
            purpose=LookPurpose.PAYMENT_RECONCILIATION,
            organisation=organisation,
            role=role,
        )


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
