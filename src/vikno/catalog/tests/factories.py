import datetime

import factory

from vikno.catalog import models
from vikno.catalog.constants import ChannelKind, CostKind, OrganisationType, PublicationStatus


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organisation

    slug = factory.Sequence(lambda n: f"organisation-{n}")
    name_uk = factory.Sequence(lambda n: f"Орган влади {n}")
    name_en = factory.Sequence(lambda n: f"Authority {n}")
    org_type = OrganisationType.AGENCY
    website = "https://example.gov.ua/"


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Sector

    slug = factory.Sequence(lambda n: f"sector-{n}")
    name_uk = factory.Sequence(lambda n: f"Тема {n}")
    name_en = factory.Sequence(lambda n: f"Topic {n}")


class LifeEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.LifeEvent

    slug = factory.Sequence(lambda n: f"event-{n}")
    name_uk = factory.Sequence(lambda n: f"Подія {n}")
    name_en = factory.Sequence(lambda n: f"Event {n}")


class PublicServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PublicService
        skip_postgeneration_save = True

    identifier = factory.Sequence(lambda n: f"TEST-{n:05d}")
    slug = factory.Sequence(lambda n: f"service-{n}")
    title_uk = factory.Sequence(lambda n: f"Послуга {n}")
    title_en = factory.Sequence(lambda n: f"Service {n}")
    summary_uk = "Короткий опис послуги."
    summary_en = "A short summary of the service."
    description_uk = "Опис послуги простими словами."
    description_en = "What the service is for, in plain words."
    competent_authority = factory.SubFactory(OrganisationFactory)
    sector = factory.SubFactory(SectorFactory)
    cost_kind = CostKind.FREE
    processing_days = 10
    status = PublicationStatus.PUBLISHED
    last_reviewed_on = factory.LazyFunction(datetime.date.today)


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Channel

    service = factory.SubFactory(PublicServiceFactory)
    kind = ChannelKind.IN_PERSON
    instructions_uk = "Прийдіть до центру надання адміністративних послуг."
    instructions_en = "Come to an administrative service centre."


class ServiceCentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ServiceCentre

    slug = factory.Sequence(lambda n: f"centre-{n}")
    name_uk = factory.Sequence(lambda n: f"ЦНАП {n}")
    name_en = factory.Sequence(lambda n: f"Service centre {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    region_uk = "Київська область"
    region_en = "Kyiv Oblast"
    city_uk = "Бориспіль"
    city_en = "Boryspil"
    street_address_uk = "вул. Київський шлях, 72"
    street_address_en = "72 Kyivskyi Shliakh St"
    latitude = "50.352700"
    longitude = "30.955100"


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.OpeningHours

    centre = factory.SubFactory(ServiceCentreFactory)
    weekday = 0
    opens = datetime.time(9, 0)
    closes = datetime.time(18, 0)
