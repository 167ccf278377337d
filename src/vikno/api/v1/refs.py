"""Short references from one resource to another: UUID, address name and the name in every language."""

from rest_framework import serializers

from vikno.api.v1.fields import TranslatedField
from vikno.catalog.models import LifeEvent, Organisation, PublicService, Sector, ServiceCentre


class OrganisationRefSerializer(serializers.ModelSerializer):
    name = TranslatedField()

    class Meta:
        model = Organisation
        fields = ["id", "slug", "name"]
        read_only_fields = fields


class SectorRefSerializer(serializers.ModelSerializer):
    name = TranslatedField()

    class Meta:
        model = Sector
        fields = ["id", "slug", "name"]
        read_only_fields = fields


class LifeEventRefSerializer(serializers.ModelSerializer):
    name = TranslatedField()

    class Meta:
        model = LifeEvent
        fields = ["id", "slug", "name"]
        read_only_fields = fields


class ServiceRefSerializer(serializers.ModelSerializer):
    title = TranslatedField()

    class Meta:
        model = PublicService
        fields = ["id", "slug", "title"]
        read_only_fields = fields


class CentreRefSerializer(serializers.ModelSerializer):
    name = TranslatedField()
    city = TranslatedField()

    class Meta:
        model = ServiceCentre
        fields = ["id", "slug", "name", "city"]
        read_only_fields = fields
