"""Appeals in the admin: a read-only register of what was received and when it was answered, scoped to the
official's authorities. What citizens wrote is shown only in the back office, which logs each look with its
purpose (`/office/appeals/`); here are the dates, states and who handles them."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from vikno.messaging.appeals.models import Appeal
from vikno.messaging.appeals.selectors import appeal_organisation_ids


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ["reference", "kind", "organisation", "state", "received_at", "due_date", "answered_at"]
    list_filter = ["state", "kind", "short_term", ("extended_at", admin.EmptyFieldListFilter)]
    search_fields = ["reference"]
    date_hierarchy = "received_at"
    list_select_related = ["organisation"]
    fields = readonly_fields = (
        "reference",
        "kind",
        "organisation",
        "state",
        "received_at",
        "due_date",
        "short_term",
        "extended_at",
        "assignee",
        "answered_at",
        "back_office",
    )

    @admin.display(description=_("contents"))
    def back_office(self, obj: Appeal) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("backoffice:appeal", args=[obj.pk]), _("Open in the back office")
        )

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("organisation", "assignee")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(organisation_id__in=appeal_organisation_ids(official=request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
