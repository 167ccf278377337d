"""Bank transfers to the treasury: importing camt.053 / camt.054 statements and matching each credit to a fee.

A transfer names its application by the reference in the payment purpose. Matched money becomes a `Payment` of
the fee (through `report_apply`, like a card payment); everything else is kept for the reconciliation report:
transfers with no reference, references of no application of this organisation, less or more than the fee, a fee
paid twice. Importing the same statement again (or the day's camt.054 notifications, then its camt.053) adds
nothing: each bank transaction is one row, by the account and the bank's reference.
"""

from __future__ import annotations

import hashlib

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from vikno.applications.constants import Outcome
from vikno.applications.models import Application
from vikno.audit.services import record
from vikno.core import reference
from vikno.payments.constants import EventSource, Method, PaymentState, TransferMatch
from vikno.payments.models import BankStatement, BankTransfer, Fee, FeeAccount, Payment
from vikno.payments.providers.base import Report
from vikno.payments.selectors import payment_organisation_ids
from vikno.payments.services import report_apply
from vikno.payments.statements import Statement, StatementEntry, StatementError, parse

PROVIDER = "treasury"


class ImportRefused(Exception):
    """The file cannot be imported; the message is a translated sentence for the official."""


def statement_import(*, data: bytes, actor, source_ip=None) -> list[BankStatement]:
    """Read the file and import each statement in it; ImportRefused (nothing imported) when any part is wrong."""
    try:
        statements = parse(data)
    except StatementError as error:
        raise ImportRefused(str(error)) from error
    digest = hashlib.sha256(data).hexdigest()
    accounts = []
    for statement in statements:
        account = FeeAccount.objects.filter(iban=statement.account_iban).select_related("organisation").first()
        if account is None:
            raise ImportRefused(
                _("No organisation's fee account has the IBAN %(iban)s.") % {"iban": statement.account_iban}
            )
        if actor is not None and account.organisation_id not in payment_organisation_ids(official=actor):
            raise ImportRefused(_("You cannot import statements of %(name)s.") % {"name": account.organisation.name})
        accounts.append(account)
    return [
        _import(statement, account, digest, actor, source_ip)
        for statement, account in zip(statements, accounts, strict=True)
    ]


def _import(statement: Statement, account: FeeAccount, digest: str, actor, source_ip) -> BankStatement:
    """Each transaction in a transaction of its own: a fee is locked only while its transfer is matched, and an
    import cut short is completed by importing the file again (what was kept is skipped)."""
    stored = BankStatement.objects.create(
        organisation=account.organisation,
        kind=statement.kind,
        message_id=statement.message_id[:100],
        statement_id=statement.statement_id[:100],
        account_iban=statement.account_iban,
        created_on_bank=statement.created_at,
        imported_by=actor,
        sha256=digest,
        entries=len(statement.entries),
    )
    for entry in statement.entries:
        if entry.status != "BOOK":
            continue  # pending or informational entries are not money on the account yet
        with transaction.atomic():
            stored.new_entries += _entry(stored, account, entry)
    stored.save(update_fields=["new_entries", "updated_at"])
    record(
        actor=actor,
        action="payments.statement_imported",
        target=stored,
        source_ip=source_ip,
        details={"kind": statement.kind, "entries": stored.entries, "new": stored.new_entries},
    )
    return stored


def _entry(statement: BankStatement, account: FeeAccount, entry: StatementEntry) -> int:
    """Keep one bank transaction and match it; 0 when it was imported before."""
    found = reference.find_in_text(entry.remittance)
    transfer = BankTransfer(
        organisation=account.organisation,
        statement=statement,
        account_iban=entry.account_iban,
        bank_reference=entry.bank_reference[:100],
        booked_on=entry.booked_on,
        amount=entry.amount,
        currency=entry.currency,
        is_credit=entry.is_credit and not entry.is_reversal,
        remittance=entry.remittance,
        payer_name=entry.payer_name[:200],
        payer_iban=entry.payer_iban[:34],
        reference=found[0] if found else "",
        match=TransferMatch.UNMATCHED,
    )
    try:
        with transaction.atomic():
            transfer.save()
    except IntegrityError:
        return 0
    _match(transfer, account, found)
    return 1


def _match(transfer: BankTransfer, account: FeeAccount, found: list[str]) -> None:
    if not transfer.is_credit:
        transfer.match = TransferMatch.OUTGOING
    elif not found:
        transfer.match = TransferMatch.UNMATCHED
    else:
        fee = (
            Fee.objects.select_for_update(of=("self",))
            .select_related("application")
            .filter(
                application__in=Application.objects.filter(reference__in=found),
                organisation=account.organisation,
                currency=transfer.currency,
            )
            .first()
        )
        if fee is None:
            transfer.match = TransferMatch.NO_APPLICATION
        else:
            transfer.fee = fee
            transfer.match = _kind(transfer.amount, fee)
            transfer.payment = _paid_by_transfer(transfer, fee)
    transfer.save(update_fields=["match", "fee", "payment", "updated_at"])


def _kind(amount: int, fee: Fee) -> str:
    if fee.is_paid:
        return TransferMatch.DUPLICATE
    if fee.application.outcome == Outcome.WITHDRAWN:
        return TransferMatch.WITHDRAWN
    if amount < fee.remaining:
        return TransferMatch.PARTIAL
    return TransferMatch.OVERPAID if amount > fee.remaining else TransferMatch.MATCHED


def _paid_by_transfer(transfer: BankTransfer, fee: Fee) -> Payment:
    """The transfer as a payment of the fee, confirmed by the statement (money that arrived counts, whatever the
    amount: a partial transfer leaves the rest to pay; more than the fee is refunded by an official)."""
    payment = Payment.objects.create(
        fee=fee,
        method=Method.TRANSFER,
        provider=PROVIDER,
        order_id=f"transfer:{transfer.account_iban}:{transfer.bank_reference}"[:100],
        amount=transfer.amount,
        currency=transfer.currency,
        state=PaymentState.CREATED,
    )
    report = Report(
        order_id=payment.order_id,
        state=PaymentState.PAID,
        provider_status="BOOK",
        amount=transfer.amount,
        currency=transfer.currency,
        provider_payment_id=transfer.bank_reference[:100],
        payload={"booked_on": transfer.booked_on.isoformat(), "statement": str(transfer.statement_id)},
    )
    report_apply(report=report, source=EventSource.STATEMENT, provider=PROVIDER)
    payment.refresh_from_db()
    return payment
