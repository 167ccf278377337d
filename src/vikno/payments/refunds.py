"""Refunds, started by an official of the organisation the fee was paid to (for example after a refusal where the
law returns the fee). A card refund goes through the acquirer; a bank transfer is returned by the treasury on
the official's instruction, outside the portal, and recorded here as such."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.db.models import Q
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

# A worker asking the acquirer for longer than this is taken for dead; its refund is asked about again.
SENDING_TIMEOUT = dt.timedelta(minutes=5)


def refundable(payment: Payment) -> int:
    """What may still be returned: paid, less what was returned or asked to be returned (and not refused).
    Reads `payment.refunds.all()`, so a prefetch serves a list of payments."""
    if payment.state != PaymentState.PAID:
        return 0
    asked = sum(r.amount for r in payment.refunds.all() if r.state != RefundState.FAILED)
    return max(payment.amount - asked, 0)


@transaction.atomic
def refund_request(
    *, payment: Payment, amount: int, reason: str, official, source_ip=None, request_key: uuid.UUID | None = None
) -> Refund:
    """Ask for a refund. The same form posted twice (the same `request_key`) is the one refund."""
    payment = Payment.objects.select_for_update().select_related("fee").get(pk=payment.pk)
    if request_key is not None and (done := Refund.objects.filter(request_key=request_key, payment=payment).first()):
        return done
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
        request_key=request_key,
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


@transaction.atomic
def _claim(refund_id: str) -> Refund | None:
    """Take the refund for this worker: one refund of a payment at a time, one worker per refund."""
    refund = Refund.objects.filter(pk=refund_id).select_related("payment").first()
    if refund is None:
        return None
    Payment.objects.select_for_update().filter(pk=refund.payment_id).first()  # the payment's refunds, in turn
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    stale = clock.now() - SENDING_TIMEOUT
    if refund.state == RefundState.SENDING and refund.sending_since and refund.sending_since > stale:
        return None  # another worker is on it
    if refund.state not in (RefundState.REQUESTED, RefundState.SENDING):
        return None
    busy = refund.payment.refunds.filter(state=RefundState.SENDING, sending_since__gt=stale).exclude(pk=refund.pk)
    if busy.exists():
        return None  # another refund of this payment is with the acquirer; the sweep comes back to this one
    refund.state = RefundState.SENDING
    refund.sending_since = clock.now()
    refund.save(update_fields=["state", "sending_since", "updated_at"])
    return refund


def refund_send(*, refund_id: str) -> Refund | None:
    """Ask the acquirer to return the money, once.

    The refund is claimed first (a short transaction); the acquirer is asked outside any transaction; the answer
    is recorded in another. Before refunding, the acquirer's own total of refunds is read: a worker that died
    after the acquirer refunded, but before that was written down, does not make the refund a second time."""
    refund = _claim(refund_id)
    if refund is None:
        return Refund.objects.filter(pk=refund_id).first()
    payment = refund.payment
    provider = card_provider(payment.provider)
    returned_before = sum(r.amount for r in payment.refunds.filter(state=RefundState.DONE))
    try:
        status = provider.status(order_id=payment.order_id)
        if status.refunded_amount >= returned_before + refund.amount:
            report = status  # already returned: the earlier attempt got through
        else:
            report = provider.refund(order_id=payment.order_id, amount=refund.amount)
    except RefundRefused as error:
        return _settle(refund, RefundState.FAILED, error=str(error)[:300])
    except ProviderError:
        _release(refund)  # still requested: the scheduled sweep asks again
        return refund
    refund = _settle(refund, RefundState.DONE)
    report_apply(report=report, source=EventSource.REFUND, provider=provider.name)
    return refund


@transaction.atomic
def _settle(refund: Refund, state: str, *, error: str = "") -> Refund:
    refund = Refund.objects.select_for_update().select_related("payment").get(pk=refund.pk)
    refund.state = state
    refund.error = error
    refund.sending_since = None
    refund.done_at = clock.now() if state == RefundState.DONE else None
    refund.save(update_fields=["state", "error", "sending_since", "done_at", "updated_at"])
    if state == RefundState.DONE:
        record(actor=None, action="payments.refunded", target=refund.payment, details={"amount": refund.amount})
        notices.refunded(refund)
    else:
        record(actor=None, action="payments.refund_failed", target=refund.payment, details={"error": error})
    return refund


def _release(refund: Refund) -> None:
    Refund.objects.filter(pk=refund.pk, state=RefundState.SENDING).update(
        state=RefundState.REQUESTED, sending_since=None
    )


def refunds_waiting() -> list:
    """Refunds to ask the acquirer about: requested, or claimed by a worker that seems to have died."""
    stale = clock.now() - SENDING_TIMEOUT
    waiting = Refund.objects.filter(
        Q(state=RefundState.REQUESTED) | Q(state=RefundState.SENDING, sending_since__lte=stale)
    )
    return list(waiting.values_list("pk", flat=True)[:100])
