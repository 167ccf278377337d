"""The daily reconciliation of an organisation's fees: what was expected, what arrived, and the differences.

For one day (Kyiv time) and one organisation, one row per thing that happened:
- card payments the acquirer confirmed that day (money the acquirer owes the account);
- bank transfers booked that day on the fee account, with what each was matched to;
- refunds requested that day.
Each row carries what was expected (the fee's amount, or what remained of it) and what arrived; the difference is
theirs. Rows that need a person are flagged: unmatched transfers, payments without an application, amount
mismatches, fees paid twice. The CSV has the same rows and a header.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vikno.applications.constants import Outcome
from vikno.audit.services import record
from vikno.core.money import Money, decimal_text
from vikno.payments.constants import Method, PaymentState, TransferMatch
from vikno.payments.models import BankTransfer, Payment, Refund


@dataclass(frozen=True)
class Row:
    kind: str  # card, transfer, refund
    category: str  # a TransferMatch value, or "matched" / "refund"
    reference: str  # the application's
    expected: int | None  # kopiyky; None when nothing was expected
    received: int  # kopiyky (negative for money going out)
    currency: str
    bank_reference: str
    payment_id: str
    note: str = ""

    @property
    def difference(self) -> int:
        return self.received - (self.expected or 0)

    @property
    def needs_attention(self) -> bool:
        return self.category not in (TransferMatch.MATCHED, "refund", TransferMatch.OUTGOING)

    @property
    def expected_money(self) -> Money | None:
        return None if self.expected is None else Money(self.expected, self.currency)

    @property
    def received_money(self) -> Money:
        return Money(self.received, self.currency)

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def category_label(self) -> str:
        return str(CATEGORY_LABELS.get(self.category, self.category))


@dataclass(frozen=True)
class Reconciliation:
    organisation_id: object
    day: dt.date
    rows: list[Row]

    @property
    def expected_total(self) -> int:
        return sum(r.expected or 0 for r in self.rows if r.kind != "refund")

    @property
    def received_total(self) -> int:
        return sum(r.received for r in self.rows if r.kind != "refund")

    @property
    def problems(self) -> list[Row]:
        return [r for r in self.rows if r.needs_attention]

    @property
    def expected_money(self) -> Money:
        return Money(self.expected_total, CURRENCY)

    @property
    def received_money(self) -> Money:
        return Money(self.received_total, CURRENCY)


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def _card_rows(organisation_id, start, end) -> list[Row]:
    rows = []
    payments = list(
        Payment.objects.filter(fee__organisation_id=organisation_id, method=Method.CARD, paid_at__gte=start)
        .filter(paid_at__lt=end)
        .select_related("fee__application")
        .order_by("paid_at")
    )
    paid_before = _paid_before(payments)
    for payment in payments:
        fee = payment.fee
        expected = max(fee.amount - paid_before[payment.pk], 0)
        category: str
        if fee.application.outcome == Outcome.WITHDRAWN:
            category = TransferMatch.WITHDRAWN  # paid after the applicant withdrew: the money goes back
        else:
            category = TransferMatch.DUPLICATE if expected == 0 else _compare(payment.amount, expected)
        rows.append(
            Row(
                kind=Method.CARD,
                category=category,
                reference=fee.application.reference or "",
                expected=expected,
                received=payment.amount,
                currency=payment.currency,
                bank_reference=payment.provider_payment_id,
                payment_id=str(payment.pk),
            )
        )
    return rows


def _compare(amount: int, expected: int) -> str:
    if amount == expected:
        return TransferMatch.MATCHED
    return TransferMatch.PARTIAL if amount < expected else TransferMatch.OVERPAID


def _transfer_rows(organisation_id, day) -> list[Row]:
    rows = []
    transfers = list(
        BankTransfer.objects.filter(organisation_id=organisation_id, booked_on=day)
        .select_related("fee", "payment")
        .order_by("created_at")
    )
    paid_before = _paid_before([t.payment for t in transfers if t.payment is not None])
    for transfer in transfers:
        expected = None
        if transfer.fee is not None and transfer.payment is not None:
            expected = max(transfer.fee.amount - paid_before[transfer.payment.pk], 0)
        rows.append(
            Row(
                kind=Method.TRANSFER,
                category=transfer.match,
                reference=transfer.reference,
                expected=expected,
                received=transfer.amount if transfer.is_credit else -transfer.amount,
                currency=transfer.currency,
                bank_reference=transfer.bank_reference,
                payment_id=str(transfer.payment_id or ""),
                note=transfer.remittance[:200],
            )
        )
    return rows


def _paid_before(payments: list[Payment]) -> dict:
    """For each payment, what other payments had paid towards the same fee before it arrived (one query)."""
    fee_ids = {p.fee_id for p in payments}
    confirmed = (
        Payment.objects.filter(fee_id__in=fee_ids, state__in=(PaymentState.PAID, PaymentState.REFUNDED))
        .exclude(paid_at=None)
        .values_list("pk", "fee_id", "amount", "paid_at")
    )
    by_fee: dict = {}
    for pk, fee_id, amount, paid_at in confirmed:
        by_fee.setdefault(fee_id, []).append((paid_at, pk, amount))
    return {
        p.pk: sum(amount for paid_at, pk, amount in by_fee.get(p.fee_id, []) if pk != p.pk and paid_at < p.paid_at)
        for p in payments
    }


def _refund_rows(organisation_id, start, end) -> list[Row]:
    refunds = (
        Refund.objects.filter(payment__fee__organisation_id=organisation_id)
        .filter(requested_at__gte=start, requested_at__lt=end)
        .select_related("payment__fee__application")
        .order_by("requested_at")
    )
    return [
        Row(
            kind="refund",
            category="refund",
            reference=refund.payment.fee.application.reference or "",
            expected=None,
            received=-refund.amount,
            currency=refund.payment.currency,
            bank_reference=refund.payment.provider_payment_id,
            payment_id=str(refund.payment_id),
            note=f"{refund.get_state_display()}: {refund.reason}"[:200],
        )
        for refund in refunds
    ]


def reconciliation(*, organisation_id, day: dt.date) -> Reconciliation:
    start, end = _day_bounds(day)
    rows = [
        *_card_rows(organisation_id, start, end),
        *_transfer_rows(organisation_id, day),
        *_refund_rows(organisation_id, start, end),
    ]
    return Reconciliation(organisation_id=organisation_id, day=day, rows=rows)


CATEGORY_LABELS = {**dict(TransferMatch.choices), "refund": _("Refund")}
KIND_LABELS = {**dict(Method.choices), "refund": _("Refund")}
CURRENCY = "UAH"  # fees are in hryvnias; a row in another currency carries its own


def as_csv(report: Reconciliation) -> str:
    """One row per line; amounts as decimal hryvnias with a point (and kopiyky in their own columns, exact)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "date",
            "kind",
            "category",
            "needs_attention",
            "application_reference",
            "expected",
            "received",
            "difference",
            "expected_kopiyky",
            "received_kopiyky",
            "difference_kopiyky",
            "currency",
            "bank_reference",
            "payment_id",
            "note",
        ]
    )
    for row in report.rows:
        writer.writerow(
            [
                report.day.isoformat(),
                row.kind,
                row.category,
                "yes" if row.needs_attention else "no",
                _csv_safe(row.reference),
                "" if row.expected is None else decimal_text(row.expected),
                decimal_text(row.received),
                decimal_text(row.difference),
                "" if row.expected is None else row.expected,
                row.received,
                row.difference,
                row.currency,
                _csv_safe(row.bank_reference),
                row.payment_id,
                _csv_safe(row.note),
            ]
        )
    return out.getvalue()


def _csv_safe(text: str) -> str:
    """Text a payer wrote must not run as a formula when the CSV is opened in a spreadsheet."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def reconciliation_export(*, report: Reconciliation, official, source_ip=None) -> str:
    """The report as CSV for an official; the export (payers' remittance texts among it) is audited."""
    record(
        actor=official,
        action="payments.reconciliation_exported",
        target_type="catalog.organisation",
        target_id=str(report.organisation_id),
        source_ip=source_ip,
        details={"day": report.day.isoformat(), "rows": len(report.rows)},
    )
    return as_csv(report)
