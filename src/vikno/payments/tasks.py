"""Background work on payments. Each task calls one service and is safe to retry."""

from django_tasks import task

from vikno.payments import polling, receipts, refunds


@task()
def issue_receipt(payment_id: str) -> str:
    payment = receipts.receipt_issue(payment_id=payment_id)
    return payment.receipt.code if payment and payment.receipt else ""


@task()
def issue_missing_receipts() -> int:
    """Scheduled: issue the receipts a failed or lost `issue_receipt` left undone."""
    return sum(
        (payment := receipts.receipt_issue(payment_id=str(pk))) is not None and payment.receipt_id is not None
        for pk in receipts.receipts_missing()
    )


@task()
def poll_payments() -> int:
    """Scheduled: ask the acquirer about open card payments that are due (recovers lost callbacks)."""
    return polling.payments_poll()


@task()
def send_refund(refund_id: str) -> str:
    refund = refunds.refund_send(refund_id=refund_id)
    return refund.state if refund else ""


@task()
def send_waiting_refunds() -> int:
    """Scheduled: ask again for refunds the acquirer could not be asked about."""
    return sum(refunds.refund_send(refund_id=str(pk)) is not None for pk in refunds.refunds_waiting())
