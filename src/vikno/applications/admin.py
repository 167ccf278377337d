"""Service designers' admin: definitions as JSON, checked on save; publish, copy to a new version, import, export.

Editors of an authority draft its services' definitions; those who publish its services publish them. A
published or retired version is read-only: change a copy (the "new version" action).
"""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from vikno.applications.constants import DefinitionStatus
from vikno.applications.definition import DefinitionError, load
from vikno.applications.definition_files import (
    definition_export,
    definition_import,
    definition_publish,
    next_version,
)
from vikno.applications.models import ServiceDefinition
from vikno.catalog.models import PublicService
from vikno.catalog.permissions import can_publish_service, editable_organisation_ids


class DefinitionForm(forms.ModelForm):
    class Meta:
        model = ServiceDefinition
        fields = ["service", "form", "documents", "workflow", "results", "fee"]

    def clean(self):
        data = super().clean() or {}
        try:
            load(
                form=data.get("form"),
                workflow=data.get("workflow"),
                results=data.get("results"),
                documents=data.get("documents"),
                fee=data.get("fee"),
            )
        except DefinitionError as error:
            raise ValidationError([ValidationError(problem) for problem in error.problems]) from error
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Definition file (JSON)"))
    publish = forms.BooleanField(label=_("Publish it at once"), required=False)


@admin.register(ServiceDefinition)
class ServiceDefinitionAdmin(admin.ModelAdmin):
    form = DefinitionForm
    list_display = ["service", "version", "status", "published_at"]
    list_filter = ["status"]
    search_fields = ["service__title", "service__identifier"]
    actions = ["publish", "new_version", "export"]
    change_list_template = "admin/applications/servicedefinition/change_list.html"

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("service")
        ids = editable_organisation_ids(request.user)
        return queryset if ids is None else queryset.filter(service__competent_authority_id__in=ids)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "service":
            ids = editable_organisation_ids(request.user)
            if ids is not None:
                kwargs["queryset"] = PublicService.objects.filter(competent_authority_id__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.status == DefinitionStatus.DRAFT)

    def has_delete_permission(self, request, obj=None):
        # Only drafts nobody applied under may go; published versions stay for the applications that pin them.
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or (obj.status == DefinitionStatus.DRAFT and not obj.applications.exists()))

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            if not change:
                obj.version = next_version(obj.service)
            super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish the selected draft"))
    def publish(self, request: HttpRequest, queryset):
        done = 0
        for definition in queryset.select_related("service"):
            if not can_publish_service(request.user, definition.service):
                self.message_user(request, _("You may not publish services of this organisation."), messages.ERROR)
                continue
            try:
                definition_publish(definition=definition, actor=request.user)
                done += 1
            except DefinitionError as error:
                self.message_user(request, "; ".join(error.problems), messages.ERROR)
        if done:
            self.message_user(request, ngettext("%d version published.", "%d versions published.", done) % done)

    @admin.action(description=_("Copy as a new draft version"))
    def new_version(self, request: HttpRequest, queryset):
        for definition in queryset.select_related("service"):
            copy = definition_import(data=definition_export(definition), actor=request.user)
            self.message_user(request, _("Draft version %(n)s made.") % {"n": copy.version})

    @admin.action(description=_("Download as a file"))
    def export(self, request: HttpRequest, queryset):
        definition = queryset.select_related("service").first()
        body = json.dumps(definition_export(definition), ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        name = f"{definition.service.slug}-v{definition.version}.json"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def get_urls(self):
        extra = [path("import/", self.admin_site.admin_view(self.import_view), name="applications_definition_import")]
        return extra + super().get_urls()

    def import_view(self, request: HttpRequest):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                data = json.loads(form.cleaned_data["file"].read().decode("utf-8"))
                service = PublicService.objects.filter(identifier=data.get("service", "")).first()
                ids = editable_organisation_ids(request.user)
                if service is not None and ids is not None and service.competent_authority_id not in ids:
                    raise DefinitionError([str(_("You may not design services of this organisation."))])
                if (
                    form.cleaned_data["publish"]
                    and service is not None
                    and not can_publish_service(request.user, service)
                ):
                    raise DefinitionError([str(_("You may not publish services of this organisation."))])
                stored = definition_import(data=data, actor=request.user, publish=form.cleaned_data["publish"])
            except (ValueError, UnicodeDecodeError, AttributeError) as error:
                problems = error.problems if isinstance(error, DefinitionError) else [str(_("Not a JSON file."))]
                for problem in problems:
                    form.add_error("file", problem)
            else:
                self.message_user(request, _("Imported as version %(n)s.") % {"n": stored.version})
                return HttpResponseRedirect(reverse("admin:applications_servicedefinition_change", args=[stored.pk]))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Import a service definition"),
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request, "admin/applications/servicedefinition/import.html", context, status=400 if form.errors else 200
        )
