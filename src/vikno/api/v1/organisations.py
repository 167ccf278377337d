"""/api/v1/organisations/: public organisations (competent authorities and operators of service centres)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from vikno.api.v1.base import CatalogueViewSet, catalogue_schema, stable_order
from vikno.api.v1.fields import OptionalCharField, OptionalEmailField, OptionalURLField, TranslatedField
from vikno.api.v1.refs import OrganisationRefSerializer
from vikno.catalog import selectors
from vikno.catalog.constants import OrganisationType
from vikno.catalog.models import Organisation


class OrganisationSerializer(serializers.ModelSerializer):
    name = TranslatedField()
    short_name = TranslatedField()
    description = TranslatedField()
    address = TranslatedField()
    org_type = serializers.ChoiceField(choices=OrganisationType.choices, read_only=True)
    parent = OrganisationRefSerializer(read_only=True, allow_null=True, help_text="The organisation above it.")
    code = OptionalCharField(help_text="The registration code (EDRPOU, 8 digits); null when unknown.")
    website = OptionalURLField()
    email = OptionalEmailField()
    phone = OptionalCharField()
    service_count = serializers.SerializerMethodField(
        help_text="How many published services it is the competent authority for."
    )

    class Meta:
        model = Organisation
        fields = [
            "id",
            "slug",
            "name",
            "short_name",
            "description",
            "org_type",
            "parent",
            "code",
            "website",
            "email",
            "phone",
            "address",
            "service_count",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(min_value=0))
    def get_service_count(self, organisation: Organisation) -> int:
        return organisation.service_count  # type: ignore[attr-defined]  # annotated by the selector


@catalogue_schema(
    tag="organisations",
    list_summary="List organisations",
    list_description="Public organisations in the alphabetical order of their names in the request's "
    "language, 20 a page by default.",
    list_serializer=OrganisationSerializer,
    detail_summary="Get one organisation",
    detail_description="One organisation by its UUID.",
    detail_serializer=OrganisationSerializer,
)
class OrganisationViewSet(CatalogueViewSet):
    list_serializer_class = OrganisationSerializer
    detail_serializer_class = OrganisationSerializer

    def get_queryset(self):
        return stable_order(selectors.organisations_public())
