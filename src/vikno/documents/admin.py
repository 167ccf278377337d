"""Issued documents in the officials' admin: read-only, scoped to the official's organisations, with a
revoke page that asks for the reason and calls documents.services."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vikno.core.http import client_ip
from vikno.documents import services
from vikno.documents.exceptions import DocumentError
from vikno.documents.models import IssuedDocument
from vikno.documents.permissions import can_revoke, visible_organisation_ids
from vikno.identity.admin_common import reason_page


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(admin.ModelAdmin):
    list_display = ["display_code", "title", "organisation", "issued_at", "revoked_at", "is_demo"]
    list_filter = ["is_demo", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["code", "title", "source_id"]
    date_hierarchy = "issued_at"
    list_select_related = ["organisation"]
    fields = readonly_fields = (
        "display_code",
        "title",
        "organisation",
        # Not the holder: who a document was issued to is the citizen's data, read in the back office's case.
        "source_type",
        "source_id",
        "language",
        "issued_at",
        "sha256",
        "size",
        "signer_subject",
        "certificate_serial",
        "is_demo",
        "revoked_at",
        "revocation_reason",
    )

    @admin.display(description=_("verification code"), ordering="code")
    def display_code(self, obj: IssuedDocument) -> str:
        return obj.display_code

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("organisation")
        ids = visible_organisation_ids(request.user)
        return queryset if ids is None else queryset.filter(organisation_id__in=ids)

    def get_search_results(self, request, queryset, search_term):
        # A code is searched for as people write it: with dashes, in lower case.
        from vikno.documents import codes

        return super().get_search_results(request, queryset, codes.normalise(search_term) or search_term)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["may_revoke"] = obj.revoked_at is None and can_revoke(request.user, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        revoke = self.admin_site.admin_view(self.revoke_view)
        return [path("<uuid:object_id>/revoke/", revoke, name="documents_issueddocument_revoke"), *super().get_urls()]

    def revoke_view(self, request: HttpRequest, object_id):
        document = self.get_queryset(request).filter(pk=object_id).first()
        if document is None or document.revoked_at is not None or not can_revoke(request.user, document):
            raise Http404

        def act(reason: str) -> None:
            try:
                services.document_revoke(
                    document=document, actor=request.user, reason=reason, source_ip=client_ip(request)
                )
            except DocumentError as error:
                raise ValidationError(error.message) from error

        title = gettext("Revoke the document %(code)s") % {"code": document.display_code}
        done = gettext("The document %(code)s has been revoked.") % {"code": document.display_code}
        return reason_page(self, request, document, title=title, button=gettext("Revoke"), done=done, act=act)
