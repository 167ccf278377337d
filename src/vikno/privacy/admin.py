"""Consent texts in the admin: the platform admin publishes a new version; a published version never changes.

People's consents and their requests are not here: they are personal data, read by the person in their cabinet
and by the data protection officer in the back office (where each opening is logged)."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from vikno.privacy.models import ConsentText
from vikno.privacy.rights.consents import consent_text_publish
from vikno.privacy.rights.exceptions import RightsRefused


class ConsentTextForm(forms.ModelForm):
    class Meta:
        model = ConsentText
        fields = ("key", "text_uk", "text_en")


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    form = ConsentTextForm
    list_display = ("key", "version", "published_at")
    list_filter = ("key",)
    ordering = ("key", "-version")

    def get_readonly_fields(self, request, obj=None):
        return ("key", "version", "text_uk", "text_en", "published_at") if obj is not None else ()

    def get_fields(self, request, obj=None):
        return (
            ("key", "version", "text_uk", "text_en", "published_at")
            if obj is not None
            else ("key", "text_uk", "text_en")
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        """A new version through the service (the next number, in force from now, audited)."""
        if change:
            return
        try:
            published = consent_text_publish(key=obj.key, text_uk=obj.text_uk, text_en=obj.text_en, actor=request.user)
        except RightsRefused as refused:
            self.message_user(request, refused.message, messages.ERROR)
            return
        obj.pk, obj.version, obj.published_at = published.pk, published.version, published.published_at
        obj._state.adding = False
        self.message_user(request, _("Version %(version)s is in force from now.") % {"version": published.version})
