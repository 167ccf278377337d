"""What the payer is told about their payments (through `messaging.notify`, once per event)."""

from __future__ import annotations

from vikno.core.money import Money
from vikno.messaging.notifications import notify
from vikno.payments.models import Fee, Payment, Refund


def _tell(fee: Fee, event: str, key: str, **params) -> None:
    application = fee.application
    notify(
        recipient=fee.payer,
        event=event,
        key=f"payment:{key}",
        params={
            "reference": application.reference,
            "service": lambda: application.service.title,
            "organisation": lambda: application.organisation.name,
            **params,
        },
        link=("payments:mine", []),
        subject=("application", str(application.pk)),
    )


def payment_received(payment: Payment, fee: Fee) -> None:
    _tell(
        fee,
        "payment_received",
        f"{payment.pk}:paid",
        amount=lambda: payment.money.format(),
        due_date=lambda: fee.application.due_date or "—",
    )


def refunded(refund: Refund) -> None:
    fee = refund.payment.fee
    _tell(
        fee,
        "payment_refunded",
        f"refund:{refund.pk}",
        amount=lambda: Money(refund.amount, refund.payment.currency).format(),
        reason=refund.reason,
    )
