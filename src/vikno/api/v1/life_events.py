"""/api/v1/life-events/: life and business events that have at least one published service.

The services of an event: ``/api/v1/services/?life_event=<id>``.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from vikno.api.v1.base import CatalogueViewSet, catalogue_schema, stable_order
from vikno.api.v1.fields import TranslatedField
from vikno.catalog import selectors
from vikno.catalog.constants import EventKind
from vikno.catalog.models import LifeEvent


class LifeEventSerializer(serializers.ModelSerializer):
    name = TranslatedField()
    description = TranslatedField()
    kind = serializers.ChoiceField(choices=EventKind.choices, read_only=True)
    service_count = serializers.SerializerMethodField(help_text="How many published services it groups.")

    class Meta:
        model = LifeEvent
        fields = ["id", "slug", "name", "description", "kind", "service_count"]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(min_value=1))
    def get_service_count(self, event: LifeEvent) -> int:
        return event.service_count  # type: ignore[attr-defined]  # annotated by the selector


@catalogue_schema(
    tag="life events",
    list_summary="List life events",
    list_description="Life and business events with at least one published service, in the portal's order, "
    "20 a page by default. Their services: /api/v1/services/?life_event={id}.",
    list_serializer=LifeEventSerializer,
    detail_summary="Get one life event",
    detail_description="One life event by its UUID; an event without published services is a 404 problem.",
    detail_serializer=LifeEventSerializer,
)
class LifeEventViewSet(CatalogueViewSet):
    list_serializer_class = LifeEventSerializer
    detail_serializer_class = LifeEventSerializer

    def get_queryset(self):
        return stable_order(selectors.life_events_public())
