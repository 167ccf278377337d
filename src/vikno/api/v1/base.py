"""What every catalogue resource shares: a public read-only viewset and the shape of its documentation."""

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from vikno.api.v1.fields import LANGUAGE_CODES
from vikno.api.v1.negotiation import NegotiationMixin
from vikno.api.v1.problems import problem_responses
from vikno.core.access import PUBLIC

UUID_REGEX = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

ACCEPT_LANGUAGE = OpenApiParameter(
    "Accept-Language",
    str,
    OpenApiParameter.HEADER,
    enum=list(LANGUAGE_CODES),
    description="The language of problem titles and details, and of the alphabetical order of lists "
    "(Ukrainian by default). Translated fields always carry every language.",
)

ID_PARAMETER = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The item's UUID, its `id` member."
)


def stable_order(queryset: QuerySet) -> QuerySet:
    """The queryset's own order with the primary key last, so that pages never overlap or skip items."""
    ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    return queryset.order_by(*ordering, "pk")


class CatalogueViewSet(NegotiationMixin, viewsets.ReadOnlyModelViewSet):
    """GET a paginated, filtered list and GET one item by its UUID; every other method is refused (405)."""

    access = PUBLIC
    lookup_field = "id"
    lookup_value_regex = UUID_REGEX
    list_serializer_class: type[serializers.Serializer]
    detail_serializer_class: type[serializers.Serializer]

    def get_serializer_class(self):
        return self.list_serializer_class if self.action == "list" else self.detail_serializer_class

    def filter_queryset(self, queryset):
        # Filters narrow lists; an item's address finds it by id alone, whatever the query string says.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)


def catalogue_schema(
    *,
    tag: str,
    list_summary: str,
    list_description: str,
    list_serializer: type[serializers.Serializer],
    detail_summary: str,
    detail_description: str,
    detail_serializer: type[serializers.Serializer],
):
    """extend_schema_view for a CatalogueViewSet: summaries, the language header and the problem responses."""
    return extend_schema_view(
        list=extend_schema(
            tags=[tag],
            summary=list_summary,
            description=list_description,
            parameters=[ACCEPT_LANGUAGE],
            responses={200: list_serializer, **problem_responses(400, 406)},
        ),
        retrieve=extend_schema(
            tags=[tag],
            summary=detail_summary,
            description=detail_description,
            parameters=[ID_PARAMETER, ACCEPT_LANGUAGE],
            responses={200: detail_serializer, **problem_responses(404, 406)},
        ),
    )
