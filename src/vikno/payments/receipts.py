"""The receipt of a payment: a signed PDF issued by the organisation the fee was paid to, once."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from vikno.audit.services import record
from vikno.core import clock
from vikno.documents.services import document_issue
from vikno.payments.constants import PaymentState
from vikno.payments.models import Payment

RECEIPT_LANGUAGE = "uk"  # like results: issued in the state language


@transaction.atomic
def receipt_issue(*, payment_id: str) -> Payment | None:
    """Issue the receipt of a paid payment; a retried task finds it issued and does nothing."""
    payment = (
        Payment.objects.select_for_update(of=("self",))
        .select_related("fee__application__service", "fee__organisation", "fee__payer")
        .filter(pk=payment_id)
        .first()
    )
    if payment is None or payment.receipt_id is not None or payment.paid_at is None:
        return payment
    fee = payment.fee
    with translation.override(RECEIPT_LANGUAGE):
        title = _("Receipt for payment of a state fee")
        body = render_to_string("payments/receipt_body.html", {"payment": payment, "fee": fee})
    document = document_issue(
        organisation=fee.organisation,
        title=title,
        body_html=body,
        holder=fee.payer,
        source_type="payments.payment",
        source_id=str(payment.pk),
        actor=None,
        language=RECEIPT_LANGUAGE,
    )
    payment.receipt = document
    payment.save(update_fields=["receipt", "updated_at"])
    record(actor=None, action="payments.receipt_issued", target=payment, details={"document": document.code})
    return payment


def receipts_missing(*, older_than: dt.timedelta = dt.timedelta(minutes=5)) -> list:
    """Payments confirmed some minutes ago whose receipt a failed or lost task left unissued."""
    return list(
        Payment.objects.filter(
            paid_at__lt=clock.now() - older_than,
            receipt__isnull=True,
            state__in=(PaymentState.PAID, PaymentState.REFUNDED),
        ).values_list("pk", flat=True)[:100]
    )
