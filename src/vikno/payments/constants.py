from django.db import models
from django.utils.translation import gettext_lazy as _


class Method(models.TextChoices):
    CARD = "card", _("Card")
    TRANSFER = "transfer", _("Bank transfer")


class PaymentState(models.TextChoices):
    """created → pending → paid / failed / expired; paid → refunded (all of it returned)."""

    CREATED = "created", _("Created")
    PENDING = "pending", _("Waiting for the bank")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Not paid")
    EXPIRED = "expired", _("Expired")
    REFUNDED = "refunded", _("Refunded")


# Which state may follow which: anything else a provider reports is recorded and ignored (late or out of order).
NEXT_STATES = {
    PaymentState.CREATED: {PaymentState.PENDING, PaymentState.PAID, PaymentState.FAILED, PaymentState.EXPIRED},
    PaymentState.PENDING: {PaymentState.PAID, PaymentState.FAILED, PaymentState.EXPIRED},
    PaymentState.PAID: {PaymentState.REFUNDED},
    # The money is there whatever was said before: a success after a failure (the payer tried again on the same
    # checkout page) or after the portal gave up waiting.
    PaymentState.FAILED: {PaymentState.PAID},
    PaymentState.EXPIRED: {PaymentState.PAID},
    PaymentState.REFUNDED: set(),
}
OPEN_STATES = (PaymentState.CREATED, PaymentState.PENDING)


class EventSource(models.TextChoices):
    CHECKOUT = "checkout", _("Checkout started")
    CALLBACK = "callback", _("Provider's callback")
    STATUS = "status", _("Status asked of the provider")
    STATEMENT = "statement", _("Bank statement")
    REFUND = "refund", _("Refund")
    EXPIRY = "expiry", _("Expired by the portal")


class EventOutcome(models.TextChoices):
    APPLIED = "applied", _("Applied")
    UNCHANGED = "unchanged", _("Nothing to change")
    STALE = "stale", _("Out of order: ignored")
    FORGED = "forged", _("Refused: the signature does not match")
    MISMATCH = "mismatch", _("Refused: amount, currency or order do not match")
    UNKNOWN_ORDER = "unknown_order", _("Refused: no such payment")


class TransferMatch(models.TextChoices):
    MATCHED = "matched", _("Matched")
    PARTIAL = "partial", _("Less than the fee")
    OVERPAID = "overpaid", _("More than the fee")
    DUPLICATE = "duplicate", _("Fee already paid")
    WITHDRAWN = "withdrawn", _("Application withdrawn: return the money")
    NO_APPLICATION = "no_application", _("No application with this reference")
    UNMATCHED = "unmatched", _("No reference found")
    OUTGOING = "outgoing", _("Money out")


class RefundState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SENDING = "sending", _("Being returned")
    DONE = "done", _("Returned")
    FAILED = "failed", _("Could not be returned")
    TREASURY = "treasury", _("To be returned by the treasury")
