"""The admin of identity: officials and their roles (for organisation admins), and mandates (for organisation
admins and case officers, see `admin_mandates`). Scoped like the catalogue's admin: a page needs the Django
permission (from the role's group) and a role that reaches someone; querysets and choices are limited to what the
official administers; every change goes through a service in `officials` or `mandates`, which checks the same
rules again under a lock and writes the audit trail. The platform administrator (a superuser) sees everything.

Citizens' accounts are not in the admin: officials reach a citizen's data only through the selectors of the
service they work on.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from vikno.core.http import client_ip
from vikno.identity import officials
from vikno.identity.admin_common import administered, administers, reason_page, saved_as
from vikno.identity.admin_mandates import MandateAdmin
from vikno.identity.models import Mandate, RoleAssignment, User

admin.site.register(Mandate, MandateAdmin)


# --- Officials -----------------------------------------------------------------------------------------------
class OfficialCreationForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["email", "first_name", "middle_name", "last_name", "organisation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("email", "first_name", "last_name", "organisation"):
            self.fields[name].required = True
        self.fields["email"].label = _("E-mail address")
        self.fields["email"].help_text = _("Also the username. The invitation to set a password is sent here.")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if officials.email_in_use(email):
            raise ValidationError(_("An account with this e-mail address already exists."))
        return email


class RoleAssignmentInline(admin.TabularInline):
    """The official's roles, read-only here: roles are granted and revoked on the role assignments page."""

    model = RoleAssignment
    fields = ("role", "organisation", "includes_subordinates", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("Roles")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")

    def has_view_permission(self, request, obj=None):
        return administers(request, "view_user")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class OfficialAdmin(admin.ModelAdmin):
    """Officials' accounts: created here by an organisation admin; looked at, re-invited and deactivated."""

    list_display = ["email", "full_name", "organisation", "is_active", "activated", "last_login"]
    list_filter = ["is_active", ("organisation", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["organisation"]
    search_fields = ["email", "first_name", "last_name"]
    ordering = ["email"]
    actions = ["send_invitation"]
    inlines = [RoleAssignmentInline]
    add_fields: list[str] = ["email", "first_name", "middle_name", "last_name", "organisation"]
    view_fields: list[str] = [
        "email",
        "first_name",
        "middle_name",
        "last_name",
        "organisation",
        "is_active",
        "activated",
        "last_login",
        "date_joined",
    ]

    @admin.display(description=_("full name"))
    def full_name(self, obj: User) -> str:
        return obj.full_name

    @admin.display(description=_("password set"), boolean=True)
    def activated(self, obj: User) -> bool:
        return obj.has_usable_password()

    def get_queryset(self, request):
        return officials.officials_within(administered(request)).select_related("organisation")

    def has_module_permission(self, request):
        return administers(request, "view_user")

    def has_view_permission(self, request, obj=None):
        return administers(request, "view_user")

    def has_add_permission(self, request):
        return administers(request, "add_user")

    def has_change_permission(self, request, obj=None):
        return False  # changes are the actions below, each a service

    def has_delete_permission(self, request, obj=None):
        return False  # officials are deactivated, never deleted: the audit trail names them

    def has_administer_permission(self, request):
        return administers(request, "change_user")

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.view_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.view_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = OfficialCreationForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_inline_instances(self, request, obj=None):
        return [] if obj is None else super().get_inline_instances(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            kwargs["queryset"] = officials.organisations_within(administered(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied
        data = form.cleaned_data
        created = officials.official_create(
            actor=request.user,
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            middle_name=data.get("middle_name", ""),
            organisation=data["organisation"],
            source_ip=client_ip(request),
        )
        saved_as(obj, created)

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request,
            gettext("%(email)s has been sent an invitation to set a password.") % {"email": obj.email},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:identity_user_change", args=[obj.pk]))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["may_deactivate"] = (
                obj.is_active
                and self.has_administer_permission(request)
                and officials.official_refusal(actor=request.user, official=obj) is None
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.action(description=_("Send a new invitation"), permissions=["administer"])
    def send_invitation(self, request, queryset):
        sent = 0
        for official in queryset:
            try:
                officials.official_invite(actor=request.user, official=official, source_ip=client_ip(request))
                sent += 1
            except (PermissionDenied, ValidationError) as error:
                text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                self.message_user(request, f"{official.email}: {text}", messages.ERROR)
        if sent:
            self.message_user(
                request,
                ngettext("%(count)d invitation sent.", "%(count)d invitations sent.", sent) % {"count": sent},
                messages.SUCCESS,
            )

    def get_urls(self):
        deactivate = self.admin_site.admin_view(self.deactivate_view)
        return [path("<uuid:object_id>/deactivate/", deactivate, name="identity_user_deactivate"), *super().get_urls()]

    def deactivate_view(self, request: HttpRequest, object_id):
        official = self.get_queryset(request).filter(pk=object_id).first()
        if official is None or not self.has_administer_permission(request):
            raise Http404

        def act(reason: str) -> None:
            officials.official_deactivate(
                actor=request.user,  # type: ignore[arg-type]
                official=official,
                reason=reason,
                source_ip=client_ip(request),
            )

        title = gettext("Deactivate the account of %(email)s") % {"email": official.email}
        done = gettext("The account of %(email)s has been deactivated.") % {"email": official.email}
        return reason_page(self, request, official, title=title, button=gettext("Deactivate"), done=done, act=act)


# --- Roles ---------------------------------------------------------------------------------------------------
class RoleGrantForm(forms.ModelForm):
    actor: User  # set by RoleAssignmentAdmin.get_form

    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "organisation", "includes_subordinates"]

    def clean(self):
        cleaned = super().clean() or {}
        official, organisation, role = cleaned.get("user"), cleaned.get("organisation"), cleaned.get("role")
        if official and organisation and role:
            refusal = officials.role_grant_refusal(
                actor=self.actor, official=official, organisation=organisation, role=role
            )
            if refusal:
                self.add_error(refusal.field, refusal.message)
            elif official.role_assignments.filter(organisation=organisation, role=role).exists():
                self.add_error("role", _("The official already holds this role in this organisation."))
        return cleaned


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    """Roles of officials: granted here, revoked by deleting; never changed in place (revoke and grant)."""

    form = RoleGrantForm
    list_display = ["user", "role", "organisation", "includes_subordinates", "created_at"]
    list_filter = ["role", ("organisation", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__email", "user__last_name"]
    ordering = ["user__email", "role"]

    def get_queryset(self, request):
        return officials.role_assignments_within(administered(request)).select_related("user", "organisation")

    def has_module_permission(self, request):
        return administers(request, "view_roleassignment")

    def has_view_permission(self, request, obj=None):
        return administers(request, "view_roleassignment")

    def has_add_permission(self, request):
        return administers(request, "add_roleassignment")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        if not administers(request, "delete_roleassignment"):
            return False
        return obj is None or officials.role_revoke_refusal(actor=request.user, assignment=obj) is None

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user  # type: ignore[attr-defined]
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = (
                officials.officials_within(administered(request)).filter(is_active=True).exclude(pk=request.user.pk)
            )
        elif db_field.name == "organisation":
            kwargs["queryset"] = officials.organisations_within(administered(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied
        data = form.cleaned_data
        granted = officials.role_grant(
            actor=request.user,
            official=data["user"],
            organisation=data["organisation"],
            role=data["role"],
            includes_subordinates=data.get("includes_subordinates", False),
            source_ip=client_ip(request),
        )
        saved_as(obj, granted)

    def delete_model(self, request, obj):
        officials.role_revoke(actor=request.user, assignment=obj, source_ip=client_ip(request))

    def delete_queryset(self, request, queryset):
        for assignment in queryset.select_related("user", "organisation"):
            officials.role_revoke(actor=request.user, assignment=assignment, source_ip=client_ip(request))
