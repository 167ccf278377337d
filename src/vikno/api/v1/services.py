"""/api/v1/services/: published public services only (drafts and services in review do not exist here).

Filters (all optional, combined with AND; an invalid value is a 400 problem):

- ``organisation``: the UUID of the competent authority (that organisation only, not the ones below it);
- ``life_event``: the UUID ``id`` of a life event (slugs are not accepted: every filter takes ids);
- ``sector``: the UUID of a sector;
- ``channel``: online, in_person, phone, post or sms;
- ``audience``: citizens or businesses.
"""

from django.db.models import Prefetch, QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from vikno.api.v1.base import CatalogueViewSet, catalogue_schema, stable_order
from vikno.api.v1.fields import OptionalCharField, OptionalEmailField, OptionalURLField, TranslatedField
from vikno.api.v1.refs import (
    CentreRefSerializer,
    LifeEventRefSerializer,
    OrganisationRefSerializer,
    SectorRefSerializer,
    ServiceRefSerializer,
)
from vikno.catalog import selectors
from vikno.catalog.constants import Audience, ChannelKind, CostKind
from vikno.catalog.models import Channel, ContactPoint, Evidence, LegalResource, PublicService, ServiceCentre

# --- Serializers ----------------------------------------------------------------------------------------


class CostSerializer(serializers.Serializer):
    """What the service costs. Money is an integer number of minor units (kopiyky), never a fraction."""

    kind = serializers.ChoiceField(source="cost_kind", choices=CostKind.choices, read_only=True)
    amount_minor = serializers.IntegerField(
        source="cost_amount",
        allow_null=True,
        read_only=True,
        help_text="The fee in minor units of the currency (27900 is 279.00 UAH); null when there is none.",
    )
    currency = serializers.SerializerMethodField(help_text="ISO 4217 code of the fee; null when there is none.")
    note = TranslatedField("cost_note", help_text="What the cost depends on, or how to pay.")

    @extend_schema_field(serializers.CharField(allow_null=True, min_length=3, max_length=3))
    def get_currency(self, service: PublicService) -> str | None:
        return service.cost_currency if service.cost_amount is not None else None


class ProcessingTimeSerializer(serializers.Serializer):
    working_days = serializers.IntegerField(
        source="processing_days",
        allow_null=True,
        read_only=True,
        help_text="The statutory maximum in working days (0: on the day); null when the law sets no term.",
    )
    note = TranslatedField("processing_note")


class ChannelSerializer(serializers.ModelSerializer):
    instructions = TranslatedField()
    url = OptionalURLField()
    phone = OptionalCharField()

    class Meta:
        model = Channel
        fields = ["kind", "instructions", "url", "phone"]
        read_only_fields = fields


class EvidenceSerializer(serializers.ModelSerializer):
    name = TranslatedField()
    description = TranslatedField()

    class Meta:
        model = Evidence
        fields = ["name", "description"]
        read_only_fields = fields


class LegalResourceSerializer(serializers.ModelSerializer):
    title = TranslatedField()
    url = OptionalURLField()

    class Meta:
        model = LegalResource
        fields = ["title", "url"]
        read_only_fields = fields


class ContactPointSerializer(serializers.ModelSerializer):
    name = TranslatedField()
    email = OptionalEmailField()
    phone = OptionalCharField()
    url = OptionalURLField()
    opening_hours = TranslatedField()

    class Meta:
        model = ContactPoint
        fields = ["name", "email", "phone", "url", "opening_hours"]
        read_only_fields = fields


class ServiceSummarySerializer(serializers.ModelSerializer):
    """A service as lists show it."""

    identifier = serializers.CharField(read_only=True, help_text="The catalogue identifier (CPSV-AP dct:identifier).")
    title = TranslatedField()
    summary = TranslatedField()
    audiences = serializers.ListField(
        child=serializers.ChoiceField(choices=Audience.choices), read_only=True, help_text="Who can use it."
    )
    sector = SectorRefSerializer(read_only=True, allow_null=True)
    competent_authority = OrganisationRefSerializer(read_only=True)
    cost = CostSerializer(source="*", read_only=True)
    processing_time = ProcessingTimeSerializer(source="*", read_only=True)

    class Meta:
        model = PublicService
        fields = [
            "id",
            "identifier",
            "slug",
            "title",
            "summary",
            "audiences",
            "sector",
            "competent_authority",
            "cost",
            "processing_time",
        ]
        read_only_fields = fields


class ServiceDetailSerializer(ServiceSummarySerializer):
    """A service with everything its page shows."""

    description = TranslatedField()
    keywords = TranslatedField(help_text="Comma-separated words people search with.")
    eligibility = TranslatedField(help_text="Who can use it.")
    output = TranslatedField(help_text="What the applicant receives.")
    channels = ChannelSerializer(many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True, help_text="The documents the applicant needs.")
    legal_resources = LegalResourceSerializer(many=True, read_only=True)
    contact_points = ContactPointSerializer(many=True, read_only=True)
    life_events = LifeEventRefSerializer(many=True, read_only=True)
    related_services = ServiceRefSerializer(many=True, read_only=True, help_text="Published related services.")
    centres = CentreRefSerializer(many=True, read_only=True, help_text="Service centres that offer it.")

    class Meta(ServiceSummarySerializer.Meta):
        fields = [
            *ServiceSummarySerializer.Meta.fields,
            "description",
            "keywords",
            "eligibility",
            "output",
            "channels",
            "evidence",
            "legal_resources",
            "contact_points",
            "life_events",
            "related_services",
            "centres",
            "published_at",
            "last_reviewed_on",
        ]
        read_only_fields = fields


# --- Filters --------------------------------------------------------------------------------------------


class ServiceFilter(filters.FilterSet):
    organisation = filters.UUIDFilter(
        field_name="competent_authority",
        help_text="The UUID of the competent authority: only the services of that organisation itself.",
    )
    life_event = filters.UUIDFilter(
        field_name="life_events", help_text="The UUID (id) of a life event; slugs are not accepted."
    )
    sector = filters.UUIDFilter(field_name="sector", help_text="The UUID of a sector (topic).")
    channel = filters.ChoiceFilter(
        field_name="channels__kind", choices=ChannelKind.choices, help_text="Services one can get this way."
    )
    audience = filters.ChoiceFilter(
        choices=Audience.choices, method="filter_audience", help_text="Services for this audience."
    )

    class Meta:
        model = PublicService
        fields = ["organisation", "life_event", "sector", "channel", "audience"]

    def filter_audience(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == Audience.BUSINESSES:
            return queryset.filter(for_businesses=True)
        return queryset.filter(for_citizens=True)


# --- Queries --------------------------------------------------------------------------------------------


def service_detail_queryset() -> QuerySet[PublicService]:
    """Published services with everything the detail shows (the selector finds services by slug only)."""
    return selectors.service_list_public().prefetch_related(
        Prefetch("channels", queryset=Channel.objects.order_by("id")),
        "evidence",
        "legal_resources",
        Prefetch("contact_points", queryset=ContactPoint.objects.order_by("id")),
        "life_events",
        Prefetch("related_services", queryset=stable_order(selectors.published_services().order_by("title"))),
        Prefetch("centres", queryset=ServiceCentre.objects.order_by("city", "name", "pk")),
    )


# --- Views ----------------------------------------------------------------------------------------------


@catalogue_schema(
    tag="services",
    list_summary="List published services",
    list_description="Published public services in the alphabetical order of their titles in the request's "
    "language, 20 a page by default. Filters narrow the list and combine with AND.",
    list_serializer=ServiceSummarySerializer,
    detail_summary="Get one published service",
    detail_description="One published service by its UUID, with everything its page shows; a draft or a "
    "service in review is a 404 problem.",
    detail_serializer=ServiceDetailSerializer,
)
class ServiceViewSet(CatalogueViewSet):
    list_serializer_class = ServiceSummarySerializer
    detail_serializer_class = ServiceDetailSerializer
    filterset_class = ServiceFilter

    def get_queryset(self):
        if self.action == "list":
            return stable_order(selectors.service_list_public())
        return service_detail_queryset()
