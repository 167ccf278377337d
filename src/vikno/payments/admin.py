"""Fee accounts are set up by platform admins; payments and their provider events are read here, never edited
(they change only through the payment services)."""

from django.contrib import admin

from vikno.audit.services import record
from vikno.payments.models import FeeAccount, Payment, PaymentEvent


@admin.register(FeeAccount)
class FeeAccountAdmin(admin.ModelAdmin):
    list_display = ["organisation", "iban", "recipient_name", "recipient_code"]
    search_fields = ["organisation__name", "iban"]
    autocomplete_fields = ["organisation"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        record(
            actor=request.user,
            action="payments.fee_account_changed" if change else "payments.fee_account_added",
            target=obj,
            details={"iban": obj.iban},
        )


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnly):
    list_display = ["order_id", "method", "amount", "state", "paid_at"]
    list_filter = ["state", "method", "provider"]
    search_fields = ["order_id", "fee__application__reference"]
    # The payer's card (even masked) is personal data: the back office's payment page shows it, logging the look.
    fields = readonly_fields = (
        "order_id",
        "fee",
        "method",
        "provider",
        "provider_payment_id",
        "amount",
        "currency",
        "state",
        "paid_at",
        "expires_at",
        "refunded_amount",
        "receipt",
    )


@admin.register(PaymentEvent)
class PaymentEventAdmin(ReadOnly):
    list_display = ["received_at", "source", "provider", "order_id", "provider_status", "outcome"]
    list_filter = ["outcome", "source", "provider"]
    search_fields = ["order_id"]
    # What the provider sent (the payload) carries the payer's card, name or account: the page shows the outcome.
    fields = readonly_fields = (
        "received_at",
        "payment",
        "source",
        "provider",
        "order_id",
        "provider_status",
        "outcome",
        "from_state",
        "to_state",
    )
