"""Operators watch the outbox here: what failed, why, and send dead deliveries again."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from vikno.messaging import notifications
from vikno.messaging.constants import DeliveryState
from vikno.messaging.models import Delivery, IncomingSms, Notification


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "state", "attempts", "next_attempt_at", "last_error")
    list_filter = ("state", "channel")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    actions = ["send_again"]
    # The content and the address are personal data: operators see the state and the error, not the message.
    fields = ("channel", "state", "attempts", "next_attempt_at", "sent_at", "delivered_at", "last_error", "segments")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Send again (dead or undelivered messages)"))
    def send_again(self, request, queryset) -> None:
        wanted = list(
            queryset.filter(state__in=[DeliveryState.DEAD, DeliveryState.FAILED]).values_list("pk", flat=True)
        )
        count = notifications.deliveries_retry(delivery_ids=wanted, actor=request.user)
        self.message_user(request, _("%(count)d messages will be sent again.") % {"count": count}, messages.SUCCESS)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    # Which event and when, never the title or text (they name the person's case) nor whom it went to. The page
    # title and breadcrumbs show `str(notification)`, which is the event and the time for the same reason.
    list_display = ("created_at", "event", "read_at")
    list_filter = ("event",)
    fields = ("event", "created_at", "read_at")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a person's inbox is theirs; erasure goes through privacy.rights


@admin.register(IncomingSms)
class IncomingSmsAdmin(admin.ModelAdmin):
    list_display = ("created_at", "command")
    list_filter = ("command",)
    fields = ("command", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
