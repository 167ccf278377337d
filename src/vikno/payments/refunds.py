"""Refunds, started by an official of the organisation the fee was paid to (for example after a refusal where the
law returns the fee). A card refund goes through the acquirer; a bank transfer is returned by the treasury on
the official's instruction, outside the portal, and recorded here as such."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from vikno.audit.services import record
from vikno.core import clock
from vikno.identity.selectors import organisation_ids_for_role
from vikno.payments import notices
from vikno.payments.constants import EventSource, Method, PaymentState, RefundState
from vikno.payments.exceptions import PaymentRefused
from vikno.payments.models import Payment, Refund
from vikno.payments.providers import card_provider
from vikno.payments.providers.base import ProviderError, RefundRefused
from vikno.payments.selectors import PAYMENT_ROLES
from vikno.payments.services import report_apply


def refundable(payment: Payment) -> int:
    """What may still be returned: paid, less what was returned or asked to be returned (and not refused)."""
    if payment.state != PaymentState.PAID:
        return 0
    asked = payment.refunds.exclude(state=RefundState.FAILED).aggregate(n=Sum("amount"))["n"] or 0
    return max(payment.amount - asked, 0)


@transaction.atomic
def refund_request(*, payment: Payment, amount: int, reason: str, official, source_ip=None) -> Refund:
    payment = Payment.objects.select_for_update().select_related("fee").get(pk=payment.pk)
    if payment.fee.organisation_id not in organisation_ids_for_role(user=official, roles=PAYMENT_ROLES):
        raise PaymentRefused(_("Only the organisation's supervisors and accountants can return a fee."))
    if not reason.strip():
        raise PaymentRefused(_("Give the reason for the refund"))
    if amount <= 0 or amount > refundable(payment):
        raise PaymentRefused(_("You can return at most what was paid and not yet returned."))
    by_card = payment.method == Method.CARD
    refund = Refund.objects.create(
        payment=payment,
        amount=amount,
        reason=reason.strip(),
        requested_by=official,
        requested_at=clock.now(),
        state=RefundState.REQUESTED if by_card else RefundState.TREASURY,
    )
    record(
        actor=official,
        action="payments.refund_requested",
        target=payment,
        source_ip=source_ip,
        reason=reason.strip(),
        details={"amount": amount, "refund": str(refund.pk)},
    )
    if by_card:
        transaction.on_commit(lambda: _enqueue(refund.pk), robust=True)
    else:
        notices.refunded(refund)
    return refund


def _enqueue(refund_id) -> None:
    from vikno.payments.tasks import send_refund

    send_refund.enqueue(str(refund_id))


def refund_send(*, refund_id: str) -> Refund | None:
    """Ask the acquirer to return the money, once.

    The refund's row stays locked while the acquirer is asked, so two workers never ask twice; and before asking,
    the acquirer's own total of refunds is read, so a worker that died after the acquirer refunded (but before
    this was recorded) does not refund again."""
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("payment").filter(pk=refund_id).first()
        if refund is None or refund.state != RefundState.REQUESTED:
            return refund
        payment = refund.payment
        provider = card_provider(payment.provider)
        done_before = (
            payment.refunds.filter(state=RefundState.DONE).exclude(pk=refund.pk).aggregate(n=Sum("amount"))["n"] or 0
        )
        try:
            status = provider.status(order_id=payment.order_id)
            if status.refunded_amount >= done_before + refund.amount:
                report = status  # already returned: the earlier attempt got through
            else:
                report = provider.refund(order_id=payment.order_id, amount=refund.amount)
        except RefundRefused as error:
            refund.state = RefundState.FAILED
            refund.error = str(error)[:300]
            refund.save(update_fields=["state", "error", "updated_at"])
            record(actor=None, action="payments.refund_failed", target=payment, details={"error": refund.error})
            return refund
        except ProviderError:
            return refund  # still requested: the scheduled sweep asks again
        refund.state = RefundState.DONE
        refund.done_at = clock.now()
        refund.save(update_fields=["state", "done_at", "updated_at"])
        record(actor=None, action="payments.refunded", target=payment, details={"amount": refund.amount})
        notices.refunded(refund)
    # Outside the refund's lock: the report moves the payment (to refunded, when all of it is returned).
    report_apply(report=report, source=EventSource.REFUND, provider=provider.name)
    return refund


def refunds_waiting() -> list:
    return list(Refund.objects.filter(state=RefundState.REQUESTED).values_list("pk", flat=True)[:100])
