"""Fields whose text is kept in each portal language (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from vikno.catalog import models


@register(models.Organisation)
class OrganisationTranslation(TranslationOptions):
    fields = ("name", "short_name", "description", "address")


@register(models.Sector)
class SectorTranslation(TranslationOptions):
    fields = ("name", "description")


@register(models.LifeEvent)
class LifeEventTranslation(TranslationOptions):
    fields = ("name", "description")


@register(models.PublicService)
class PublicServiceTranslation(TranslationOptions):
    fields = (
        "title",
        "summary",
        "description",
        "keywords",
        "eligibility",
        "output",
        "cost_note",
        "processing_note",
    )


@register(models.LegalResource)
class LegalResourceTranslation(TranslationOptions):
    fields = ("title",)


@register(models.Evidence)
class EvidenceTranslation(TranslationOptions):
    fields = ("name", "description")


@register(models.Channel)
class ChannelTranslation(TranslationOptions):
    fields = ("instructions",)


@register(models.ContactPoint)
class ContactPointTranslation(TranslationOptions):
    fields = ("name", "opening_hours")


@register(models.ServiceCentre)
class ServiceCentreTranslation(TranslationOptions):
    fields = ("name", "region", "city", "street_address", "accessibility_notes")


@register(models.SpecialDay)
class SpecialDayTranslation(TranslationOptions):
    fields = ("note",)
