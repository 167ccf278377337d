"""/api/v1/centres/: service centres where people apply in person, with opening hours and special days.

Filters (all optional, combined with AND; an invalid value is a 400 problem):

- ``region`` and ``city``: the name in either language, whole and case-insensitive (``Бориспіль`` or
  ``Boryspil``; case-insensitivity beyond ASCII depends on the database);
- ``service``: the UUID of a published service the centre offers.
"""

from django.db.models import Prefetch, Q, QuerySet
from django_filters import rest_framework as filters
from modeltranslation.utils import build_localized_fieldname
from rest_framework import serializers

from vikno.api.v1.base import CatalogueViewSet, catalogue_schema, stable_order
from vikno.api.v1.fields import (
    LANGUAGE_CODES,
    ClockTimeField,
    OptionalCharField,
    OptionalEmailField,
    OptionalURLField,
    TranslatedField,
)
from vikno.api.v1.refs import OrganisationRefSerializer, ServiceRefSerializer
from vikno.catalog import selectors
from vikno.catalog.constants import PublicationStatus, Weekday
from vikno.catalog.models import OpeningHours, ServiceCentre, SpecialDay

# --- Serializers ----------------------------------------------------------------------------------------


class CentreAddressSerializer(serializers.Serializer):
    street_address = TranslatedField()
    city = TranslatedField()
    region = TranslatedField()
    postcode = OptionalCharField(help_text="Five digits; null when unknown.")


class CentreLocationSerializer(serializers.Serializer):
    """WGS 84 coordinates in decimal degrees."""

    latitude = serializers.DecimalField(
        max_digits=8, decimal_places=6, min_value=-90, max_value=90, coerce_to_string=False, read_only=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180, coerce_to_string=False, read_only=True
    )


class CentreAccessibilitySerializer(serializers.Serializer):
    step_free_access = serializers.BooleanField(read_only=True)
    accessible_toilet = serializers.BooleanField(read_only=True)
    hearing_loop = serializers.BooleanField(read_only=True)
    accessible_parking = serializers.BooleanField(read_only=True)
    notes = TranslatedField("accessibility_notes")


class OpeningHoursSerializer(serializers.ModelSerializer):
    weekday = serializers.ChoiceField(choices=Weekday.choices, read_only=True, help_text="0 is Monday, 6 is Sunday.")
    opens = ClockTimeField()
    closes = ClockTimeField()
    break_starts = ClockTimeField(allow_null=True)
    break_ends = ClockTimeField(allow_null=True)

    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens", "closes", "break_starts", "break_ends"]
        read_only_fields = fields


class SpecialDaySerializer(serializers.ModelSerializer):
    closed = serializers.BooleanField(read_only=True, help_text="Closed all day; otherwise open from opens to closes.")
    opens = ClockTimeField(allow_null=True)
    closes = ClockTimeField(allow_null=True)
    note = TranslatedField()

    class Meta:
        model = SpecialDay
        fields = ["date", "closed", "opens", "closes", "note"]
        read_only_fields = fields


class CentreSerializer(serializers.ModelSerializer):
    """A service centre as lists show it."""

    name = TranslatedField()
    organisation = OrganisationRefSerializer(read_only=True, help_text="The organisation that runs it.")
    address = CentreAddressSerializer(source="*", read_only=True)
    location = CentreLocationSerializer(source="*", read_only=True)
    phone = OptionalCharField()
    email = OptionalEmailField()
    website = OptionalURLField()
    accessibility = CentreAccessibilitySerializer(source="*", read_only=True)
    closed_on_public_holidays = serializers.BooleanField(read_only=True)
    opening_hours = OpeningHoursSerializer(many=True, read_only=True, help_text="Regular hours, by weekday.")
    special_days = SpecialDaySerializer(
        many=True, read_only=True, help_text="Dates with other hours or closed, beyond public holidays."
    )

    class Meta:
        model = ServiceCentre
        fields = [
            "id",
            "slug",
            "name",
            "organisation",
            "address",
            "location",
            "phone",
            "email",
            "website",
            "accessibility",
            "closed_on_public_holidays",
            "opening_hours",
            "special_days",
        ]
        read_only_fields = fields


class CentreDetailSerializer(CentreSerializer):
    """A service centre with the published services it offers."""

    services = ServiceRefSerializer(many=True, read_only=True, help_text="Published services it offers.")

    class Meta(CentreSerializer.Meta):
        fields = [*CentreSerializer.Meta.fields, "services"]
        read_only_fields = fields


# --- Filters --------------------------------------------------------------------------------------------


class CentreFilter(filters.FilterSet):
    region = filters.CharFilter(
        method="filter_translated_name", max_length=100, help_text="The region's name in either language."
    )
    city = filters.CharFilter(
        method="filter_translated_name", max_length=100, help_text="The city's name in either language."
    )
    service = filters.UUIDFilter(method="filter_service", help_text="The UUID of a published service.")

    class Meta:
        model = ServiceCentre
        fields = ["region", "city", "service"]

    def filter_translated_name(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        matches = Q()
        for code in LANGUAGE_CODES:
            matches |= Q(**{f"{build_localized_fieldname(name, code)}__iexact": value})
        return queryset.filter(matches)

    def filter_service(self, queryset: QuerySet, name: str, value) -> QuerySet:
        # One filter() call, so that both conditions hold for the same service: a draft's id finds nothing.
        return queryset.filter(services__id=value, services__status=PublicationStatus.PUBLISHED)


# --- Queries --------------------------------------------------------------------------------------------


def centre_detail_queryset() -> QuerySet[ServiceCentre]:
    """Centres with their published services (the selector finds one centre by slug only)."""
    services = stable_order(selectors.published_services().order_by("title"))
    return selectors.centres_public().prefetch_related(Prefetch("services", queryset=services))


# --- Views ----------------------------------------------------------------------------------------------


@catalogue_schema(
    tag="centres",
    list_summary="List service centres",
    list_description="Service centres by city and name in the request's language, 20 a page by default, "
    "with their opening hours and special days. Filters narrow the list and combine with AND.",
    list_serializer=CentreSerializer,
    detail_summary="Get one service centre",
    detail_description="One service centre by its UUID, with the published services it offers.",
    detail_serializer=CentreDetailSerializer,
)
class CentreViewSet(CatalogueViewSet):
    list_serializer_class = CentreSerializer
    detail_serializer_class = CentreDetailSerializer
    filterset_class = CentreFilter

    def get_queryset(self):
        if self.action == "list":
            return stable_order(selectors.centres_public())
        return centre_detail_queryset()
