"""Mandates in the admin: registered from a document (organisation admins and case officers of any
organisation, or the platform administrator), revoked with a reason; never edited or deleted. Each official
sees the mandates registered in the organisations their roles cover (`mandates.mandates_for_official`)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vikno.core.http import client_ip
from vikno.identity import mandates
from vikno.identity.admin_common import reason_page, registers_mandates, saved_as
from vikno.identity.models import Mandate, User
from vikno.identity.selectors import organisation_ids_for_role
from vikno.privacy.fields import blind_index_for
from vikno.privacy.selectors import LookPurpose
from vikno.privacy.services import data_access_record


class MandateRegistrationForm(forms.ModelForm):
    representative_rnokpp = forms.CharField(
        label=_("Representative's taxpayer number (RNOKPP)"),
        max_length=10,
        help_text=_("The person who will act for the business or the child. They need a portal account."),
    )

    class Meta:
        model = Mandate
        fields = ["party_kind", "party_name", "party_code", "party_birth_date", "basis", "valid_from", "valid_until"]

    field_order = ["representative_rnokpp", *Meta.fields]

    def clean(self):
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        representative = mandates.representative_by_rnokpp(cleaned.get("representative_rnokpp", "").strip())
        try:
            cleaned["valid_until"] = mandates.mandate_validate(
                representative=representative,
                party_kind=cleaned.get("party_kind", ""),
                party_name=cleaned.get("party_name", ""),
                party_code=cleaned.get("party_code", "").strip(),
                party_birth_date=cleaned.get("party_birth_date"),
                basis=cleaned.get("basis", ""),
                valid_from=cleaned.get("valid_from"),
                valid_until=cleaned.get("valid_until"),
            )
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                self.add_error("representative_rnokpp" if field == "representative" else field, field_errors)
        cleaned["representative"] = representative
        return cleaned


def mandate_look_record(*, official, mandate: Mandate) -> None:
    """Log an official opening a mandate for its representative: in the name of the organisation that registered
    it (whose officials may see it), with the mandate roles the official holds there. The platform administrator
    without such a role looks as the portal's administration."""
    organisation = mandate.registered_by.organisation
    held = [
        role
        for role in mandates.MANDATE_ROLES
        if organisation is not None and organisation.pk in organisation_ids_for_role(user=official, roles=(role,))
    ]
    if not held and official.is_superuser:
        organisation = None
    data_access_record(
        official=official,
        subject=mandate.representative,
        target=mandate,
        purpose=LookPurpose.MANDATE_ADMINISTRATION,
        organisation=organisation,
        role=",".join(sorted(held)),
    )


class MandateStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("revoked", _("Revoked")), ("not_revoked", _("Not revoked"))]

    def queryset(self, request, queryset):
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == "not_revoked":
            return queryset.filter(revoked_at__isnull=True)
        return queryset


class MandateAdmin(admin.ModelAdmin):
    """Mandates, registered from a document and revoked with a reason; never edited or deleted."""

    list_display = ["party_name", "party_kind", "representative_name", "valid_from", "valid_until", "revoked_at"]
    list_filter = ["party_kind", MandateStateFilter]
    list_select_related = ["representative"]
    # Names by their text; a party's code or the representative's RNOKPP only as an exact number (they are
    # encrypted, so found through their blind indexes).
    search_fields = ["party_name"]
    search_help_text = _("A party's name, or the exact code of the party or the representative's RNOKPP.")
    ordering = ["party_name"]
    add_form = MandateRegistrationForm
    view_fields: list[str] = [
        "representative_name",
        "party_kind",
        "party_name",
        "party_code",
        "party_birth_date",
        "basis",
        "valid_from",
        "valid_until",
        "registered_by",
        "registered_at",
        "revoked_at",
        "revoked_by",
        "revocation_reason",
    ]

    @admin.display(description=_("representative"))
    def representative_name(self, obj: Mandate) -> str:
        return obj.representative.full_name

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        number = search_term.strip()
        if number.isdigit():
            results |= queryset.filter(
                Q(party_code_index=blind_index_for(Mandate, "party_code", number))
                | Q(representative__rnokpp_index=blind_index_for(User, "rnokpp", number))
            )
        return results, may_have_duplicates

    def get_queryset(self, request):
        return mandates.mandates_for_official(user=request.user).select_related(
            "representative", "registered_by", "revoked_by"
        )

    def has_module_permission(self, request):
        return registers_mandates(request, "view_mandate")

    def has_view_permission(self, request, obj=None):
        return registers_mandates(request, "view_mandate")

    def has_add_permission(self, request):
        return registers_mandates(request, "add_mandate")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        return list(MandateRegistrationForm.base_fields) if obj is None else self.view_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.view_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = MandateRegistrationForm
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied
        data = form.cleaned_data
        mandate = mandates.mandate_register(
            actor=request.user,
            representative=data["representative"],
            party_kind=data["party_kind"],
            party_name=data["party_name"],
            party_code=data["party_code"],
            party_birth_date=data.get("party_birth_date"),
            basis=data["basis"],
            valid_from=data["valid_from"],
            valid_until=data.get("valid_until"),
            source_ip=client_ip(request),
        )
        saved_as(obj, mandate)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            # The page shows the party's code, a child's birth date and the document: the representative's data.
            mandate_look_record(official=request.user, mandate=obj)
            context["may_revoke"] = obj.revoked_at is None and registers_mandates(request, "change_mandate")
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        revoke = self.admin_site.admin_view(self.revoke_view)
        return [path("<uuid:object_id>/revoke/", revoke, name="identity_mandate_revoke"), *super().get_urls()]

    def revoke_view(self, request: HttpRequest, object_id):
        mandate = self.get_queryset(request).filter(pk=object_id).first()
        if mandate is None or not registers_mandates(request, "change_mandate"):
            raise Http404

        def act(reason: str) -> None:
            mandates.mandate_revoke(
                actor=request.user,  # type: ignore[arg-type]
                mandate=mandate,
                reason=reason,
                source_ip=client_ip(request),
            )

        title = gettext("Revoke the mandate for %(party)s") % {"party": mandate.party_name}
        done = gettext("The mandate for %(party)s has been revoked.") % {"party": mandate.party_name}
        return reason_page(self, request, mandate, title=title, button=gettext("Revoke"), done=done, act=act)
