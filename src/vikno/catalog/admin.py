"""The editors' admin: both languages side by side, scoped to the editor's organisations, with the
editorial workflow (draft → in review → published) as actions that call catalog.services."""

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline, TranslationTabularInline

from vikno.catalog import models, services
from vikno.catalog.constants import PublicationStatus
from vikno.catalog.exceptions import CatalogError
from vikno.catalog.permissions import can_edit_service, editable_organisation_ids
from vikno.catalog.selectors import services_due_for_review
from vikno.core import clock
from vikno.core.http import client_ip


class ScopedByOrganisation:
    """Limit what an editor sees and may pick to the organisations their roles cover."""

    organisation_lookup = "organisation"

    def scoped(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        ids = editable_organisation_ids(request.user)
        if ids is None:
            return queryset
        return queryset.filter(**{f"{self.organisation_lookup}__in": ids})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is models.Organisation and db_field.name == self.organisation_lookup:
            ids = editable_organisation_ids(request.user)
            if ids is not None:
                kwargs["queryset"] = models.Organisation.objects.filter(id__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


@admin.register(models.Organisation)
class OrganisationAdmin(TranslationAdmin):
    list_display = ["name", "short_name", "org_type", "parent"]
    list_filter = ["org_type"]
    search_fields = ["name_uk", "name_en", "short_name_uk", "short_name_en", "code"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(models.Sector)
class SectorAdmin(TranslationAdmin):
    list_display = ["name", "audience", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(models.LifeEvent)
class LifeEventAdmin(TranslationAdmin):
    list_display = ["name", "kind", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ("name_en",)}


class LegalResourceInline(TranslationTabularInline):
    model = models.LegalResource
    extra = 0


class EvidenceInline(TranslationStackedInline):
    model = models.Evidence
    extra = 0


class ChannelInline(TranslationStackedInline):
    model = models.Channel
    extra = 0


class ContactPointInline(TranslationStackedInline):
    model = models.ContactPoint
    extra = 0


class RevisionInline(admin.TabularInline):
    model = models.ServiceRevision
    fields = ("number", "status", "author", "created_at", "changed_fields", "comment")
    readonly_fields = ("number", "status", "author", "created_at", "changed_fields", "comment")
    extra = 0
    can_delete = False
    verbose_name_plural = _("History of changes")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReviewDueFilter(admin.SimpleListFilter):
    title = _("review status")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            (
                "due",
                ngettext(
                    "Not reviewed for %(months)d month",
                    "Not reviewed for %(months)d months",
                    settings.CATALOG_REVIEW_INTERVAL_MONTHS,
                )
                % {"months": settings.CATALOG_REVIEW_INTERVAL_MONTHS},
            )
        ]

    def queryset(self, request, queryset):
        if self.value() == "due":
            due_ids = services_due_for_review(today=clock.today()).values("pk")
            return queryset.filter(pk__in=due_ids)
        return queryset


@admin.register(models.PublicService)
class PublicServiceAdmin(ScopedByOrganisation, TranslationAdmin):
    organisation_lookup = "competent_authority"
    list_display = ["title", "identifier", "competent_authority", "status", "last_reviewed_on", "updated_at"]
    list_filter = ["status", ReviewDueFilter, "sector", "for_businesses", "competent_authority"]
    search_fields = ["title_uk", "title_en", "identifier", "keywords_uk", "keywords_en"]
    readonly_fields = ["status", "published_at", "last_reviewed_on", "created_at", "updated_at"]
    autocomplete_fields = ["competent_authority", "related_services"]
    filter_horizontal = ["life_events"]
    prepopulated_fields = {"slug": ("title_en",)}
    inlines = [LegalResourceInline, EvidenceInline, ChannelInline, ContactPointInline, RevisionInline]
    actions = ["submit_for_review", "publish", "return_to_draft", "mark_reviewed"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["identifier", "slug", "title", "summary", "description", "keywords"]}),
        (
            _("Who provides it and for whom"),
            {"fields": ["competent_authority", "sector", "for_citizens", "for_businesses", "eligibility"]},
        ),
        (
            _("Cost and time"),
            {
                "fields": [
                    "cost_kind",
                    "cost_amount",
                    "cost_currency",
                    "cost_note",
                    "processing_days",
                    "processing_note",
                ]
            },
        ),
        (_("Result and links"), {"fields": ["output", "related_services", "life_events", "popularity"]}),
        (
            _("Editorial state"),
            {"fields": ["status", "published_at", "last_reviewed_on", "created_at", "updated_at"]},
        ),
    ]

    def get_queryset(self, request):
        return self.scoped(request, super().get_queryset(request).select_related("competent_authority"))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_edit_service(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        # Published services are withdrawn (returned to draft), never deleted; drafts may be deleted.
        allowed = super().has_delete_permission(request, obj)
        return allowed and (
            obj is None or (obj.status == PublicationStatus.DRAFT and can_edit_service(request.user, obj))
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.service_record_edit(service=form.instance, actor=request.user, source_ip=client_ip(request))

    def _run(self, request, queryset, action, done_message, **kwargs):
        done = 0
        for service in queryset:
            try:
                action(service=service, actor=request.user, source_ip=client_ip(request), **kwargs)
                done += 1
            except CatalogError as error:
                self.message_user(request, f"{service}: {error.message}", messages.ERROR)
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Submit for review"))
    def submit_for_review(self, request, queryset):
        self._run(
            request,
            queryset,
            services.service_submit_for_review,
            ngettext_lazy(
                "%(count)d service submitted for review.", "%(count)d services submitted for review.", "count"
            ),
        )

    @admin.action(description=_("Publish"))
    def publish(self, request, queryset):
        done = ngettext_lazy("%(count)d service published.", "%(count)d services published.", "count")
        self._run(request, queryset, services.service_publish, done)

    @admin.action(description=_("Return to draft (withdraw from the public site)"))
    def return_to_draft(self, request, queryset):
        self._run(
            request,
            queryset,
            services.service_return_to_draft,
            ngettext_lazy("%(count)d service returned to draft.", "%(count)d services returned to draft.", "count"),
            reason=str(_("Returned by a reviewer from the list of services")),
        )

    @admin.action(description=_("Confirm reviewed: still accurate"))
    def mark_reviewed(self, request, queryset):
        done = ngettext_lazy(
            "%(count)d service confirmed as reviewed.", "%(count)d services confirmed as reviewed.", "count"
        )
        self._run(request, queryset, services.service_mark_reviewed, done)

    def get_urls(self):
        report = self.admin_site.admin_view(self.freshness_report)
        return [path("freshness/", report, name="catalog_publicservice_freshness"), *super().get_urls()]

    def freshness_report(self, request):
        """Published services of the editor's organisations not reviewed within the configured interval."""
        today = clock.today()
        due = self.scoped(request, services_due_for_review(today=today)).select_related("competent_authority")
        rows = [
            {
                "service": service,
                "days": (today - service.last_reviewed_on).days if service.last_reviewed_on else None,
            }
            for service in due
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Services due for review"),
            "rows": rows,
            "months": settings.CATALOG_REVIEW_INTERVAL_MONTHS,
        }
        return TemplateResponse(request, "admin/catalog/publicservice/freshness.html", context)


class OpeningHoursInline(admin.TabularInline):
    model = models.OpeningHours
    extra = 0
    max_num = 7


class SpecialDayInline(TranslationTabularInline):
    model = models.SpecialDay
    extra = 0


@admin.register(models.ServiceCentre)
class ServiceCentreAdmin(ScopedByOrganisation, TranslationAdmin):
    list_display = ["name", "city", "region", "organisation"]
    list_filter = ["region", "step_free_access"]
    search_fields = ["name_uk", "name_en", "city_uk", "city_en", "street_address_uk"]
    autocomplete_fields = ["organisation", "services"]
    prepopulated_fields = {"slug": ("name_en",)}
    inlines = [OpeningHoursInline, SpecialDayInline]

    def get_queryset(self, request):
        return self.scoped(request, super().get_queryset(request).select_related("organisation"))
