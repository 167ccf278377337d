"""Asking the acquirer about card payments still open: how a lost callback is recovered.

The answer is fetched outside any transaction (a slow acquirer holds no lock), then applied by `report_apply`
under the payment's row lock. A worker killed between the two leaves the payment as it was and due for the next
poll, which asks again: the acquirer is the record of what happened, so nothing is lost.
"""

from __future__ import annotations

import logging

from vikno.core import clock
from vikno.payments import services
from vikno.payments.constants import OPEN_STATES, EventSource, Method
from vikno.payments.models import Payment
from vikno.payments.providers import card_provider
from vikno.payments.providers.base import ProviderError

logger = logging.getLogger(__name__)


def payments_due_for_check(*, limit: int = 100) -> list[Payment]:
    return list(
        Payment.objects.filter(method=Method.CARD, state__in=OPEN_STATES, next_check_at__lte=clock.now()).order_by(
            "next_check_at"
        )[:limit]
    )


def payment_check(*, payment: Payment, by_payer: bool = False) -> str:
    """Ask the provider about one payment and apply the answer; returns the outcome recorded (or "unavailable").
    A check the payer caused (coming back from the checkout) leaves the workers' schedule as it is."""
    provider = card_provider(payment.provider)
    try:
        report = provider.status(order_id=payment.order_id)
    except ProviderError as error:
        logger.warning("payment status unavailable", extra={"payment": str(payment.pk), "error": str(error)})
        if not by_payer:
            services.check_postpone(payment=payment)
        return "unavailable"
    applied = services.report_apply(
        report=report, source=EventSource.STATUS, provider=provider.name, reschedule=not by_payer
    )
    return applied.outcome


def payments_poll() -> int:
    """Check every open card payment that is due; returns how many were asked about."""
    due = payments_due_for_check()
    for payment in due:
        payment_check(payment=payment)
    return len(due)
