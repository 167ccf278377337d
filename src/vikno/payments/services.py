"""Every change to fees and payments: open a fee, start a card checkout, apply what a provider reports.

`report_apply` is the one way a payment changes state from outside: the callback view, the status poll and the
bank statement import all come through it, under a row lock, so the same report twice, reports out of order, or
a worker killed halfway change nothing the second time. Each report is appended to the payment's history.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from vikno.audit.services import record
from vikno.core import clock
from vikno.payments import notices
from vikno.payments.constants import NEXT_STATES, EventOutcome, EventSource, Method, PaymentState
from vikno.payments.exceptions import PaymentRefused
from vikno.payments.models import Fee, Payment, PaymentEvent
from vikno.payments.providers import card_provider
from vikno.payments.providers.base import Checkout, Report


def fee_open(*, application, amount: int, currency: str, purpose: str) -> Fee:
    """What the application owes; called by `application_submit` inside its transaction."""
    fee = Fee.objects.create(
        application=application,
        organisation_id=application.organisation_id,
        payer=application.applicant,
        amount=amount,
        currency=currency,
        purpose=purpose[:300],
    )
    record(actor=application.applicant, action="payments.fee_opened", target=fee, details={"amount": amount})
    return fee


def _event(
    payment: Payment | None,
    *,
    source: str,
    outcome: str,
    provider: str,
    report: Report | None = None,
    payload: dict | None = None,
    **kw,
):
    return PaymentEvent.objects.create(
        payment=payment,
        received_at=clock.now(),
        source=source,
        provider=provider,
        order_id=(report.order_id if report else payment.order_id if payment else "")[:300],
        provider_status=(report.provider_status if report else "")[:40],
        outcome=outcome,
        payload=report.payload if report else payload or {},
        **kw,
    )


def _move(payment: Payment, to: str, *, source: str, report: Report | None = None) -> None:
    previous = payment.state
    payment.state = to
    _event(
        payment,
        source=source,
        outcome=EventOutcome.APPLIED,
        provider=payment.provider,
        report=report,
        from_state=previous,
        to_state=to,
    )
    record(
        actor=None,
        action=f"payments.{to}",
        target=payment,
        details={"from": previous, "source": source, "amount": payment.amount},
    )


@transaction.atomic
def card_checkout_start(*, fee: Fee, language: str, result_url: str, server_url: str) -> tuple[Payment, Checkout]:
    """The card payment to send the payer to: the one still open for this fee (leaving mid-payment and coming
    back resumes it), or a new one for what remains to pay. Never a second payment for a paid fee."""
    fee = Fee.objects.select_for_update().get(pk=fee.pk)
    if fee.is_paid:
        raise PaymentRefused(_("This fee is already paid."))
    now = clock.now()
    provider = card_provider()
    payment = (
        fee.payments.filter(method=Method.CARD, state__in=(PaymentState.CREATED, PaymentState.PENDING))
        .order_by("-created_at")
        .first()
    )
    if payment is not None and (payment.amount != fee.remaining or not payment.expires_at or payment.expires_at <= now):
        # Not resumable; if the bank confirms it after all, it is recorded and refunded like any overpayment.
        payment = None
    if payment is None:
        payment = Payment.objects.create(
            fee=fee,
            method=Method.CARD,
            provider=provider.name,
            order_id=f"vikno-{uuid.uuid4().hex}",
            amount=fee.remaining,
            currency=fee.currency,
            expires_at=now + dt.timedelta(minutes=settings.PAYMENT_CHECKOUT_MINUTES),
            next_check_at=now + dt.timedelta(seconds=settings.PAYMENT_POLL_SECONDS),
        )
        record(actor=fee.payer, action="payments.created", target=payment, details={"amount": payment.amount})
        _move(payment, PaymentState.PENDING, source=EventSource.CHECKOUT)
        payment.save()
    assert payment.expires_at is not None
    checkout = provider.checkout(
        order_id=payment.order_id,
        amount=payment.amount,
        currency=payment.currency,
        description=f"{fee.purpose} ({fee.application.reference})",
        language=language,
        result_url=result_url,
        server_url=server_url,
        expires_at=payment.expires_at,
    )
    return payment, checkout


@transaction.atomic
def report_apply(*, report: Report, source: str, provider: str, reschedule: bool = True) -> PaymentEvent:
    """Apply what the provider says (already verified by its module) and append it to the history.

    Checked before anything changes: the order is ours, the amount and currency are the payment's. A report that
    repeats the current state, or would move it backwards (a late "processing" after "success"), changes nothing.
    """
    payment = Payment.objects.select_for_update().filter(order_id=report.order_id, provider=provider).first()
    if payment is None:
        return _event(None, source=source, outcome=EventOutcome.UNKNOWN_ORDER, provider=provider, report=report)
    unverified = report.amount is None and report.state == PaymentState.PAID  # "paid" must say how much
    if unverified or (
        report.amount is not None and (report.amount, report.currency) != (payment.amount, payment.currency)
    ):
        record(actor=None, action="payments.report_refused", target=payment, details={"why": "amount or currency"})
        return _event(payment, source=source, outcome=EventOutcome.MISMATCH, provider=provider, report=report)
    target = report.state
    if target is None and payment.is_open and payment.expires_at and clock.now() > payment.expires_at:
        target = PaymentState.EXPIRED  # the payer never paid, and the checkout's time is over
    if target is None or target == payment.state:
        if target == PaymentState.REFUNDED or payment.state == PaymentState.PAID:
            payment.refunded_amount = max(payment.refunded_amount, min(report.refunded_amount, payment.amount))
        if reschedule:  # a payer looking at the page does not push the workers' next check back
            _reschedule(payment)
        payment.save()
        return _event(payment, source=source, outcome=EventOutcome.UNCHANGED, provider=provider, report=report)
    if target not in NEXT_STATES[PaymentState(payment.state)]:
        payment.save()
        return _event(payment, source=source, outcome=EventOutcome.STALE, provider=provider, report=report)
    payment.provider_payment_id = report.provider_payment_id or payment.provider_payment_id
    payment.card_mask = report.card_mask or payment.card_mask
    _move(payment, target, source=source, report=report)
    event = payment.events.latest("id")
    if target == PaymentState.PAID:
        _paid(payment)
    elif target == PaymentState.REFUNDED:
        payment.refunded_amount = payment.amount
    _reschedule(payment)
    payment.save()
    return event


def _reschedule(payment: Payment) -> None:
    """The next time to ask the provider about an open payment: sooner at first, then up to an hour apart."""
    if not payment.is_open:
        payment.next_check_at = None
        return
    payment.checks += 1
    wait = min(settings.PAYMENT_POLL_SECONDS * 2 ** min(payment.checks - 1, 10), 3600)
    payment.next_check_at = clock.now() + dt.timedelta(seconds=wait)


def _paid(payment: Payment) -> None:
    """Money arrived: count it towards the fee; a fee now covered sends the application on (once)."""
    from vikno.applications.services import application_paid

    payment.paid_at = clock.now()
    payment.next_check_at = None
    fee = Fee.objects.select_for_update().select_related("application").get(pk=payment.fee_id)
    fee.paid_amount += payment.amount
    fee_was_paid = fee.is_paid
    if not fee_was_paid and fee.paid_amount >= fee.amount:
        fee.paid_at = payment.paid_at
    fee.save(update_fields=["paid_amount", "paid_at", "updated_at"])
    if fee.is_paid and not fee_was_paid:
        application_paid(application=fee.application)
        fee.application.refresh_from_db()
    notices.payment_received(payment, fee)
    transaction.on_commit(lambda: _enqueue_receipt(payment.pk), robust=True)


def _enqueue_receipt(payment_id) -> None:
    from vikno.payments.tasks import issue_receipt

    issue_receipt.enqueue(str(payment_id))


@transaction.atomic
def check_postpone(*, payment: Payment) -> None:
    """The provider could not be asked: try again later (the wait grows, as after any check)."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    _reschedule(payment)
    payment.save(update_fields=["checks", "next_check_at", "updated_at"])


def forged_callback_record(*, provider: str, data: str, source_ip: str | None) -> PaymentEvent:
    """Keep a refused callback for investigation, with nothing of the payer: unverified data may carry names and
    phone numbers, so only its digest and length are kept."""
    return _event(
        None,
        source=EventSource.CALLBACK,
        outcome=EventOutcome.FORGED,
        provider=provider,
        payload={
            "data_sha256": hashlib.sha256(data.encode()).hexdigest(),
            "data_length": len(data),
            "source_ip": source_ip,
        },
    )
