"""/api/v1/organisations/ and /api/v1/life-events/: exact payloads, published counts, fixed queries."""

import uuid

import pytest

from vikno.api.tests.conftest import refs
from vikno.catalog.constants import EventKind, OrganisationType, PublicationStatus
from vikno.catalog.tests.factories import LifeEventFactory, OrganisationFactory, PublicServiceFactory

pytestmark = pytest.mark.django_db


def test_an_organisation_is_exact(get_json):
    ministry = OrganisationFactory(
        slug="mvs", name_uk="Міністерство внутрішніх справ", name_en="Ministry of Internal Affairs"
    )
    dms = OrganisationFactory(
        slug="dms",
        name_uk="Державна міграційна служба",
        name_en="State Migration Service",
        short_name_uk="ДМС",
        short_name_en="SMS",
        description_uk="Центральний орган виконавчої влади.",
        description_en="",
        org_type=OrganisationType.AGENCY,
        parent=ministry,
        code="37508470",
        website="https://dmsu.gov.ua/",
        email="info@dmsu.gov.ua",
        phone="0 800 330 237",
        address_uk="Київ, вул. Володимирська, 9",
        address_en="9 Volodymyrska St, Kyiv",
    )
    PublicServiceFactory.create_batch(2, competent_authority=dms)
    PublicServiceFactory(competent_authority=dms, status=PublicationStatus.DRAFT)

    assert get_json(f"/api/v1/organisations/{dms.id}/") == {
        "id": str(dms.id),
        "slug": "dms",
        "name": {"uk": "Державна міграційна служба", "en": "State Migration Service"},
        "short_name": {"uk": "ДМС", "en": "SMS"},
        "description": {"uk": "Центральний орган виконавчої влади.", "en": None},
        "org_type": "agency",
        "parent": refs(ministry)[0],
        "code": "37508470",
        "website": "https://dmsu.gov.ua/",
        "email": "info@dmsu.gov.ua",
        "phone": "0 800 330 237",
        "address": {"uk": "Київ, вул. Володимирська, 9", "en": "9 Volodymyrska St, Kyiv"},
        "service_count": 2,
    }
    body = get_json("/api/v1/organisations/")
    assert [(item["slug"], item["service_count"]) for item in body["results"]] == [("dms", 2), ("mvs", 0)]
    assert body["results"][1]["parent"] is None


def test_an_unknown_organisation_is_a_404_problem(get_json):
    assert get_json(f"/api/v1/organisations/{uuid.uuid4()}/", status=404)["status"] == 404


@pytest.mark.parametrize("count", [1, 20])
def test_the_organisation_list_takes_a_fixed_number_of_queries(count, client, django_assert_num_queries):
    parent = OrganisationFactory()
    for _ in range(count):
        PublicServiceFactory(competent_authority=OrganisationFactory(parent=parent))
    with django_assert_num_queries(2):  # the count and the page, parents joined, services counted
        response = client.get("/api/v1/organisations/", {"page_size": 21})
    assert len(response.json()["results"]) == count + 1


def test_a_life_event_is_exact(get_json):
    event = LifeEventFactory(
        slug="birth",
        name_uk="Народження дитини",
        name_en="Birth of a child",
        description_uk="Що зробити після народження дитини.",
        description_en="What to do after a child is born.",
        kind=EventKind.LIFE,
    )
    for service in PublicServiceFactory.create_batch(2):
        service.life_events.add(event)
    PublicServiceFactory(status=PublicationStatus.DRAFT).life_events.add(event)

    expected = {
        "id": str(event.id),
        "slug": "birth",
        "name": {"uk": "Народження дитини", "en": "Birth of a child"},
        "description": {
            "uk": "Що зробити після народження дитини.",
            "en": "What to do after a child is born.",
        },
        "kind": "life",
        "service_count": 2,
    }
    assert get_json(f"/api/v1/life-events/{event.id}/") == expected
    assert get_json("/api/v1/life-events/")["results"] == [expected]


def test_a_life_event_without_published_services_is_not_listed(get_json):
    empty = LifeEventFactory()
    only_drafts = LifeEventFactory()
    PublicServiceFactory(status=PublicationStatus.DRAFT).life_events.add(only_drafts)
    assert get_json("/api/v1/life-events/")["results"] == []
    for event in (empty, only_drafts):
        assert get_json(f"/api/v1/life-events/{event.id}/", status=404)["status"] == 404


def test_life_events_come_in_the_portal_order(get_json):
    second = LifeEventFactory(position=2, name_uk="А")
    first = LifeEventFactory(position=1, name_uk="Я")
    for event in (second, first):
        PublicServiceFactory().life_events.add(event)
    assert [item["id"] for item in get_json("/api/v1/life-events/")["results"]] == [
        str(first.id),
        str(second.id),
    ]


@pytest.mark.parametrize("count", [1, 20])
def test_the_life_event_list_takes_a_fixed_number_of_queries(count, client, django_assert_num_queries):
    for _ in range(count):
        PublicServiceFactory().life_events.add(LifeEventFactory())
    with django_assert_num_queries(2):
        response = client.get("/api/v1/life-events/")
    assert len(response.json()["results"]) == count
