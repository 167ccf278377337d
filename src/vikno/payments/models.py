"""Fees owed for applications, the payments made towards them, the provider events behind each change, bank
transfers read from statements, and refunds. Money is an integer number of kopiyky everywhere."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vikno.core.models import BaseModel
from vikno.core.money import Money
from vikno.payments.constants import EventOutcome, EventSource, Method, PaymentState, RefundState, TransferMatch
from vikno.payments.statements.camt import iban_is_valid, normalise_iban
from vikno.privacy.fields import EncryptedTextField


class FeeAccount(BaseModel):
    """Where an organisation's fees are paid by bank transfer: its account at the State Treasury."""

    organisation = models.OneToOneField(
        "catalog.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="fee_account"
    )
    iban = models.CharField(_("IBAN"), max_length=34, unique=True)
    recipient_name = models.CharField(_("recipient"), max_length=200)
    recipient_code = models.CharField(_("recipient's EDRPOU code"), max_length=10)
    bank_name = models.CharField(_("bank"), max_length=200, default="Казначейство України (ел. адм. подат.)")
    budget_code = models.CharField(_("budget revenue code"), max_length=8, blank=True)

    class Meta:
        verbose_name = _("fee account")
        verbose_name_plural = _("fee accounts")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.iban}"

    def clean(self) -> None:
        self.iban = normalise_iban(self.iban)
        errors = {}
        if not iban_is_valid(self.iban):
            errors["iban"] = _("Enter a valid IBAN, like UA213223130000026007233566001.")
        if not (self.recipient_code.isdigit() and len(self.recipient_code) in (8, 10)):
            errors["recipient_code"] = _("Enter the recipient's code of 8 digits (EDRPOU) or 10 digits.")
        if errors:
            raise ValidationError(errors)


class Fee(BaseModel):
    """What an application owes. Paid once the confirmed payments cover the amount; never paid twice."""

    application = models.OneToOneField("applications.Application", on_delete=models.PROTECT, related_name="fee")
    organisation = models.ForeignKey("catalog.Organisation", on_delete=models.PROTECT, related_name="fees")
    payer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="fees")
    amount = models.BigIntegerField(_("amount in kopiyky"))
    currency = models.CharField(max_length=3, default="UAH")
    purpose = models.CharField(_("purpose"), max_length=300)
    paid_amount = models.BigIntegerField(default=0)  # the sum of confirmed payments, kept under the row lock
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="fee_positive")]

    def __str__(self) -> str:
        return f"{self.application}: {self.money}"

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)

    @property
    def remaining(self) -> int:
        return max(self.amount - self.paid_amount, 0)

    @property
    def remaining_money(self) -> Money:
        return Money(self.remaining, self.currency)

    @property
    def transfer_purpose(self) -> str:
        """What the payer writes as the transfer's purpose: the application's reference is how it is matched."""
        return f"заява {self.application.reference}; {self.purpose}"  # first, so a bank that cuts it keeps it

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None


class Payment(BaseModel):
    """One attempt to pay a fee (a card checkout), or one transfer that arrived for it."""

    fee = models.ForeignKey(Fee, on_delete=models.PROTECT, related_name="payments")
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    provider = models.CharField(max_length=40)
    order_id = models.CharField(max_length=100, unique=True)  # what the provider knows the payment by
    amount = models.BigIntegerField(_("amount in kopiyky"))
    currency = models.CharField(max_length=3, default="UAH")
    state = models.CharField(_("status"), max_length=20, choices=PaymentState.choices, default=PaymentState.CREATED)
    provider_payment_id = models.CharField(max_length=100, blank=True)
    card_mask = models.CharField(max_length=30, blank=True)
    paid_at = models.DateTimeField(_("paid on"), null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)  # when to ask the provider, while pending
    checks = models.PositiveIntegerField(default=0)
    refunded_amount = models.BigIntegerField(default=0)
    receipt = models.ForeignKey(
        "documents.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_check_at"], condition=Q(state__in=["created", "pending"]), name="payment_to_check"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_positive"),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=models.F("amount")),
                name="refund_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return self.order_id

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)

    @property
    def refunded_money(self) -> Money:
        return Money(self.refunded_amount, self.currency)

    @property
    def is_open(self) -> bool:
        return self.state in (PaymentState.CREATED, PaymentState.PENDING)


class PaymentEvent(models.Model):
    """What a provider, a statement or the portal said about a payment, kept as it came: appended, never changed.

    Refused messages (a forged signature, an unknown order) are kept too, without a payment."""

    id = models.BigAutoField(primary_key=True)
    payment = models.ForeignKey(Payment, null=True, on_delete=models.PROTECT, related_name="events")
    received_at = models.DateTimeField()
    source = models.CharField(max_length=20, choices=EventSource.choices)
    provider = models.CharField(max_length=40)
    order_id = models.CharField(max_length=300, blank=True)
    provider_status = models.CharField(max_length=40, blank=True)
    outcome = models.CharField(max_length=20, choices=EventOutcome.choices)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    payload = models.JSONField(default=dict)

    class Meta:
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return f"{self.provider} {self.order_id} {self.provider_status} → {self.outcome}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("Payment events are appended, never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Payment events are appended, never deleted.")


class BankStatement(BaseModel):
    """An imported camt.053 or camt.054 file (its entries are `BankTransfer`s; importing it again adds nothing)."""

    organisation = models.ForeignKey("catalog.Organisation", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10)
    message_id = models.CharField(max_length=100)
    statement_id = models.CharField(max_length=100)
    account_iban = models.CharField(max_length=34)
    created_on_bank = models.DateTimeField()
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField(max_length=64)
    entries = models.PositiveIntegerField(default=0)
    new_entries = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]


class BankTransfer(BaseModel):
    """One transaction on a fee account, as the bank reported it, and what it was matched to."""

    organisation = models.ForeignKey("catalog.Organisation", on_delete=models.PROTECT, related_name="+")
    statement = models.ForeignKey(BankStatement, on_delete=models.PROTECT, related_name="transfers")
    account_iban = models.CharField(max_length=34)
    bank_reference = models.CharField(max_length=100)
    booked_on = models.DateField()
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    is_credit = models.BooleanField()
    # What the bank says of the payer, encrypted at rest (found and shown, never searched).
    remittance = EncryptedTextField(blank=True)
    payer_name = EncryptedTextField(max_length=200, blank=True)
    payer_iban = EncryptedTextField(max_length=34, blank=True)
    reference = models.CharField(max_length=14, blank=True)  # the application reference found in the remittance
    match = models.CharField(max_length=20, choices=TransferMatch.choices)
    fee = models.ForeignKey(Fee, null=True, blank=True, on_delete=models.PROTECT, related_name="transfers")
    payment = models.OneToOneField(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="bank_transfer"
    )

    class Meta:
        ordering = ["booked_on", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["account_iban", "bank_reference"], name="one_row_per_bank_transaction")
        ]

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)


class Refund(BaseModel):
    """Money returned to the payer, started by an official; a card refund goes through the provider."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.BigIntegerField(_("amount in kopiyky"))
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()  # the portal's clock, like every date the reconciliation reads
    # The form's own key: the same form posted twice is one refund.
    request_key = models.UUIDField(null=True, blank=True, unique=True)
    state = models.CharField(max_length=20, choices=RefundState.choices, default=RefundState.REQUESTED)
    sending_since = models.DateTimeField(null=True, blank=True)  # a worker is asking the acquirer
    done_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["requested_at"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_positive")]

    @property
    def money(self) -> Money:
        return Money(self.amount, self.payment.currency)
