"""/api/v1/services/: exact payloads, published services only, filters, a fixed number of queries."""

import datetime
import uuid

import pytest

from vikno.api.tests.conftest import refs
from vikno.catalog.constants import ChannelKind, CostKind, PublicationStatus
from vikno.catalog.models import ContactPoint, Evidence, LegalResource, ServiceRevision
from vikno.catalog.tests.factories import (
    ChannelFactory,
    LifeEventFactory,
    OrganisationFactory,
    PublicServiceFactory,
    SectorFactory,
    ServiceCentreFactory,
)
from vikno.identity.models import User

pytestmark = pytest.mark.django_db

LIST = "/api/v1/services/"


def detail(service) -> str:
    return f"/api/v1/services/{service.id}/"


@pytest.fixture
def passport():
    """A published service with every part filled in, next to a draft related service."""
    authority = OrganisationFactory(slug="dms", name_uk="Державна міграційна служба", name_en="State Migration Service")
    service = PublicServiceFactory(
        identifier="UA-DMS-0001",
        slug="id-card",
        title_uk="Оформлення паспорта у формі ID-картки",
        title_en="Getting an ID card passport",
        summary_uk="Паспорт у формі картки.",
        summary_en="The passport as a card.",
        description_uk="Паспорт громадянина України з безконтактним чипом.",
        description_en="The passport of a citizen of Ukraine with a contactless chip.",
        keywords_uk="паспорт, id-картка",
        keywords_en="passport, id card",
        eligibility_uk="Громадяни України від 14 років.",
        eligibility_en="Citizens of Ukraine aged 14 or over.",
        output_uk="Паспорт у формі картки.",
        output_en="",
        competent_authority=authority,
        sector=SectorFactory(slug="documents", name_uk="Документи", name_en="Documents"),
        for_citizens=True,
        for_businesses=False,
        cost_kind=CostKind.FIXED,
        cost_amount=27900,
        cost_currency="UAH",
        cost_note_uk="Плата за бланк.",
        cost_note_en="The fee for the blank.",
        processing_days=20,
        processing_note_uk="",
        processing_note_en="",
        published_at=datetime.datetime(2025, 1, 15, 8, 30, tzinfo=datetime.UTC),
        last_reviewed_on=datetime.date(2025, 6, 1),
    )
    ChannelFactory(
        service=service,
        kind=ChannelKind.ONLINE,
        url="https://diia.gov.ua/",
        instructions_uk="Через Дію.",
        instructions_en="Through Diia.",
    )
    ChannelFactory(service=service, kind=ChannelKind.IN_PERSON, phone="0 800 330 237")
    Evidence.objects.create(
        service=service, name_uk="Свідоцтво про народження", name_en="Birth certificate", position=1
    )
    Evidence.objects.create(service=service, name_uk="Фотокартка", name_en="", description_uk="Кольорова.")
    LegalResource.objects.create(
        service=service,
        title_uk="Закон про ЄДДР",
        title_en="Law on the register",
        url="https://zakon.rada.gov.ua/laws/show/5492-17",
    )
    ContactPoint.objects.create(
        service=service,
        name_uk="Контакт-центр ДМС",
        name_en="DMS contact centre",
        email="info@dmsu.gov.ua",
        phone="0 800 330 237",
        opening_hours_uk="Пн–Пт 9:00–18:00",
        opening_hours_en="Mon–Fri 9:00–18:00",
    )
    birth = LifeEventFactory(slug="birth", name_uk="Народження дитини", name_en="Birth of a child")
    service.life_events.add(birth)
    related = PublicServiceFactory(slug="passport-abroad", title_uk="Закордонний паспорт", title_en="Passport")
    draft = PublicServiceFactory(status=PublicationStatus.DRAFT, title_uk="Чернетка", title_en="Draft")
    service.related_services.add(related, draft)
    centre = ServiceCentreFactory(
        slug="kyiv-asc", name_uk="ЦНАП Києва", name_en="Kyiv ASC", city_uk="Київ", city_en="Kyiv"
    )
    centre.services.add(service)
    editor = User.objects.create_user(username="editor", password="not-a-real-password-1")
    ServiceRevision.objects.create(service=service, number=1, status="published", author=editor, comment="Secret")
    return service


def summary_of(service) -> dict:
    """What every list shows of the passport service."""
    return {
        "id": str(service.id),
        "identifier": "UA-DMS-0001",
        "slug": "id-card",
        "title": {"uk": "Оформлення паспорта у формі ID-картки", "en": "Getting an ID card passport"},
        "summary": {"uk": "Паспорт у формі картки.", "en": "The passport as a card."},
        "audiences": ["citizens"],
        "sector": refs(service.sector)[0],
        "competent_authority": refs(service.competent_authority)[0],
        "cost": {
            "kind": "fixed",
            "amount_minor": 27900,
            "currency": "UAH",
            "note": {"uk": "Плата за бланк.", "en": "The fee for the blank."},
        },
        "processing_time": {"working_days": 20, "note": {"uk": None, "en": None}},
    }


def test_the_detail_of_a_service_is_exact(passport, get_json):
    related = passport.related_services.get(slug="passport-abroad")
    centre = passport.centres.get()
    birth = passport.life_events.get()

    body = get_json(detail(passport))

    assert body == {
        **summary_of(passport),
        "description": {
            "uk": "Паспорт громадянина України з безконтактним чипом.",
            "en": "The passport of a citizen of Ukraine with a contactless chip.",
        },
        "keywords": {"uk": "паспорт, id-картка", "en": "passport, id card"},
        "eligibility": {
            "uk": "Громадяни України від 14 років.",
            "en": "Citizens of Ukraine aged 14 or over.",
        },
        "output": {"uk": "Паспорт у формі картки.", "en": None},
        "channels": [
            {
                "kind": "online",
                "instructions": {"uk": "Через Дію.", "en": "Through Diia."},
                "url": "https://diia.gov.ua/",
                "phone": None,
            },
            {
                "kind": "in_person",
                "instructions": {
                    "uk": "Прийдіть до центру надання адміністративних послуг.",
                    "en": "Come to an administrative service centre.",
                },
                "url": None,
                "phone": "0 800 330 237",
            },
        ],
        "evidence": [
            {"name": {"uk": "Фотокартка", "en": None}, "description": {"uk": "Кольорова.", "en": None}},
            {
                "name": {"uk": "Свідоцтво про народження", "en": "Birth certificate"},
                "description": {"uk": None, "en": None},
            },
        ],
        "legal_resources": [
            {
                "title": {"uk": "Закон про ЄДДР", "en": "Law on the register"},
                "url": "https://zakon.rada.gov.ua/laws/show/5492-17",
            }
        ],
        "contact_points": [
            {
                "name": {"uk": "Контакт-центр ДМС", "en": "DMS contact centre"},
                "email": "info@dmsu.gov.ua",
                "phone": "0 800 330 237",
                "url": None,
                "opening_hours": {"uk": "Пн–Пт 9:00–18:00", "en": "Mon–Fri 9:00–18:00"},
            }
        ],
        "life_events": refs(birth),
        "related_services": refs(related, name="title"),
        "centres": [
            {
                "id": str(centre.id),
                "slug": "kyiv-asc",
                "name": {"uk": "ЦНАП Києва", "en": "Kyiv ASC"},
                "city": {"uk": "Київ", "en": "Kyiv"},
            }
        ],
        "published_at": "2025-01-15T10:30:00+02:00",
        "last_reviewed_on": "2025-06-01",
    }


def test_nothing_about_revisions_officials_or_internal_state_is_shown(passport, client):
    content = client.get(detail(passport)).content.decode()
    for secret in ("Secret", "editor", "revision", "status", "popularity", "Чернетка"):
        assert secret not in content


def test_the_list_shows_the_summary_of_each_published_service(passport, get_json):
    body = get_json(LIST)

    assert body["count"] == 2
    assert body["next"] is None
    assert body["previous"] is None
    # Alphabetical by the Ukrainian title (the default language): "Закордонний…" before "Оформлення…".
    assert [item["slug"] for item in body["results"]] == ["passport-abroad", "id-card"]
    assert body["results"][1] == summary_of(passport)


def test_the_list_is_ordered_by_title_in_the_request_language(passport, get_json):
    body = get_json(LIST, HTTP_ACCEPT_LANGUAGE="en")
    # "Getting…" before "Passport" in English.
    assert [item["slug"] for item in body["results"]] == ["id-card", "passport-abroad"]


def test_costs_other_than_a_fixed_fee(get_json):
    free = PublicServiceFactory(cost_kind=CostKind.FREE)
    variable = PublicServiceFactory(
        cost_kind=CostKind.VARIABLE, cost_note_uk="Залежить від площі.", cost_note_en="Depends on the area."
    )
    assert get_json(detail(free))["cost"] == {
        "kind": "free",
        "amount_minor": None,
        "currency": None,
        "note": {"uk": None, "en": None},
    }
    assert get_json(detail(variable))["cost"] == {
        "kind": "variable",
        "amount_minor": None,
        "currency": None,
        "note": {"uk": "Залежить від площі.", "en": "Depends on the area."},
    }


def test_a_service_for_both_audiences_and_without_a_term_or_sector(get_json):
    service = PublicServiceFactory(for_citizens=True, for_businesses=True, processing_days=None, sector=None)
    body = get_json(detail(service))
    assert body["audiences"] == ["citizens", "businesses"]
    assert body["processing_time"] == {"working_days": None, "note": {"uk": None, "en": None}}
    assert body["sector"] is None


@pytest.mark.parametrize("status", [PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW])
def test_unpublished_services_do_not_exist_in_the_api(status, get_json):
    hidden = PublicServiceFactory(status=status)
    shown = PublicServiceFactory()

    assert [item["id"] for item in get_json(LIST)["results"]] == [str(shown.id)]
    problem = get_json(detail(hidden), status=404)
    assert problem["status"] == 404
    assert problem["instance"] == detail(hidden)
    # Not even through a filter that would select it.
    assert get_json(LIST, {"organisation": hidden.competent_authority_id})["count"] == 0


def test_an_unknown_id_is_a_404_problem(get_json):
    problem = get_json(f"/api/v1/services/{uuid.uuid4()}/", status=404)
    assert problem["type"].endswith("/api/v1/problems/not-found/")


# --- Filters --------------------------------------------------------------------------------------------


@pytest.fixture
def catalogue():
    """Five published services that each filter tells apart, and a draft that matches every filter."""
    dms, tax = OrganisationFactory(), OrganisationFactory()
    documents, business = SectorFactory(), SectorFactory()
    birth, company = LifeEventFactory(), LifeEventFactory()
    services = {
        "passport": PublicServiceFactory(competent_authority=dms, sector=documents),
        "birth_certificate": PublicServiceFactory(competent_authority=dms, sector=documents),
        "register_company": PublicServiceFactory(
            competent_authority=tax, sector=business, for_citizens=False, for_businesses=True
        ),
        "tax_number": PublicServiceFactory(competent_authority=tax, sector=documents, for_businesses=True),
        "child_benefit": PublicServiceFactory(competent_authority=tax, sector=None),
    }
    services["passport"].life_events.add(birth)
    services["birth_certificate"].life_events.add(birth)
    services["register_company"].life_events.add(company)
    ChannelFactory(service=services["passport"], kind=ChannelKind.ONLINE)
    ChannelFactory(service=services["passport"], kind=ChannelKind.IN_PERSON)
    ChannelFactory(service=services["register_company"], kind=ChannelKind.ONLINE)
    ChannelFactory(service=services["tax_number"], kind=ChannelKind.POST)
    draft = PublicServiceFactory(
        status=PublicationStatus.DRAFT, competent_authority=dms, sector=documents, for_businesses=True
    )
    draft.life_events.add(birth, company)
    for kind in ChannelKind.values:
        ChannelFactory(service=draft, kind=kind)
    return {
        **services,
        "dms": dms,
        "tax": tax,
        "documents": documents,
        "business": business,
        "birth": birth,
        "company": company,
    }


def _names(get_json, catalogue, params) -> set[str]:
    body = get_json(LIST, params)
    by_id = {str(obj.id): name for name, obj in catalogue.items()}
    names = {by_id[item["id"]] for item in body["results"]}
    assert body["count"] == len(names)  # no duplicates from joins
    return names


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"passport", "birth_certificate", "register_company", "tax_number", "child_benefit"}),
        ({"organisation": "dms"}, {"passport", "birth_certificate"}),
        ({"organisation": "tax"}, {"register_company", "tax_number", "child_benefit"}),
        ({"life_event": "birth"}, {"passport", "birth_certificate"}),
        ({"life_event": "company"}, {"register_company"}),
        ({"sector": "documents"}, {"passport", "birth_certificate", "tax_number"}),
        ({"sector": "business"}, {"register_company"}),
        ({"channel": "online"}, {"passport", "register_company"}),
        ({"channel": "in_person"}, {"passport"}),
        ({"channel": "post"}, {"tax_number"}),
        ({"channel": "sms"}, set()),
        ({"audience": "citizens"}, {"passport", "birth_certificate", "tax_number", "child_benefit"}),
        ({"audience": "businesses"}, {"register_company", "tax_number"}),
        ({"organisation": "tax", "audience": "citizens"}, {"tax_number", "child_benefit"}),
        ({"life_event": "birth", "channel": "online", "sector": "documents"}, {"passport"}),
        ({"organisation": "dms", "sector": "business"}, set()),
    ],
)
def test_each_filter_narrows_the_list_exactly(catalogue, get_json, params, expected):
    resolved = {
        key: (catalogue[value].id if key in {"organisation", "life_event", "sector"} else value)
        for key, value in params.items()
    }
    assert _names(get_json, catalogue, resolved) == expected


def test_a_well_formed_unknown_id_in_a_filter_finds_nothing(catalogue, get_json):
    for name in ("organisation", "life_event", "sector"):
        assert get_json(LIST, {name: str(uuid.uuid4())})["count"] == 0


def test_a_life_event_slug_is_not_accepted(catalogue, get_json):
    problem = get_json(LIST, {"life_event": catalogue["birth"].slug}, status=400)
    assert list(problem["errors"]) == ["life_event"]


def test_an_empty_filter_value_is_no_filter(catalogue, get_json):
    assert get_json(LIST, {"channel": "", "audience": "", "organisation": ""})["count"] == 5


def test_filters_do_not_apply_to_the_detail(catalogue, get_json):
    passport = catalogue["passport"]
    assert get_json(detail(passport), {"channel": "sms"})["id"] == str(passport.id)


# --- Queries --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 20])
def test_the_list_takes_a_fixed_number_of_queries(count, client, django_assert_num_queries):
    for _ in range(count):
        service = PublicServiceFactory()
        ChannelFactory(service=service)
        service.life_events.add(LifeEventFactory())
    with django_assert_num_queries(2):  # the count and the page, with authority and sector joined
        response = client.get(LIST, {"page_size": 20})
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [1, 20])
def test_a_filtered_list_takes_a_fixed_number_of_queries(count, client, django_assert_num_queries):
    event = LifeEventFactory()
    for _ in range(count):
        service = PublicServiceFactory()
        ChannelFactory(service=service, kind=ChannelKind.ONLINE)
        service.life_events.add(event)
    with django_assert_num_queries(2):
        response = client.get(LIST, {"life_event": event.id, "channel": "online", "audience": "citizens"})
    assert response.json()["count"] == count


@pytest.mark.parametrize("count", [1, 20])
def test_the_detail_takes_a_fixed_number_of_queries(count, client, django_assert_num_queries):
    service = PublicServiceFactory()
    for n in range(count):
        related = PublicServiceFactory()
        service.related_services.add(related)
        service.life_events.add(LifeEventFactory())
        ServiceCentreFactory().services.add(service)
        Evidence.objects.create(service=service, name_uk=f"Документ {n}")
        LegalResource.objects.create(service=service, title_uk=f"Закон {n}")
        ContactPoint.objects.create(service=service, name_uk=f"Контакт {n}")
    ChannelFactory(service=service)
    # The service; its channels, evidence, legal basis, contact points, life events, related, centres.
    with django_assert_num_queries(8):
        response = client.get(detail(service))
    assert len(response.json()["related_services"]) == count
