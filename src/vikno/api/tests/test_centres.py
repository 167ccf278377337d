"""/api/v1/centres/: exact payloads with hours and special days, filters, fixed queries."""

import datetime
import uuid

import pytest

from vikno.api.tests.conftest import refs
from vikno.catalog.constants import PublicationStatus
from vikno.catalog.models import SpecialDay
from vikno.catalog.tests.factories import (
    OpeningHoursFactory,
    OrganisationFactory,
    PublicServiceFactory,
    ServiceCentreFactory,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/centres/"


@pytest.fixture
def boryspil():
    centre = ServiceCentreFactory(
        slug="boryspil-asc",
        name_uk="ЦНАП Борисполя",
        name_en="Boryspil ASC",
        organisation=OrganisationFactory(
            slug="boryspil-council", name_uk="Бориспільська міська рада", name_en="Boryspil City Council"
        ),
        postcode="08301",
        phone="+380 4595 6 22 22",
        email="cnap@boryspil.example.gov.ua",
        step_free_access=True,
        hearing_loop=True,
        accessibility_notes_uk="Пандус біля входу.",
        accessibility_notes_en="A ramp at the entrance.",
    )
    OpeningHoursFactory(
        centre=centre,
        weekday=1,
        opens=datetime.time(8, 0),
        closes=datetime.time(20, 0),
        break_starts=datetime.time(13, 0),
        break_ends=datetime.time(13, 45),
    )
    OpeningHoursFactory(centre=centre, weekday=0)
    SpecialDay.objects.create(
        centre=centre,
        date=datetime.date(2025, 12, 31),
        closed=False,
        opens=datetime.time(9, 0),
        closes=datetime.time(14, 0),
        note_uk="Скорочений день",
        note_en="Short day",
    )
    SpecialDay.objects.create(centre=centre, date=datetime.date(2025, 12, 24), closed=True)
    return centre


def summary_of(centre) -> dict:
    return {
        "id": str(centre.id),
        "slug": "boryspil-asc",
        "name": {"uk": "ЦНАП Борисполя", "en": "Boryspil ASC"},
        "organisation": refs(centre.organisation)[0],
        "address": {
            "street_address": {"uk": "вул. Київський шлях, 72", "en": "72 Kyivskyi Shliakh St"},
            "city": {"uk": "Бориспіль", "en": "Boryspil"},
            "region": {"uk": "Київська область", "en": "Kyiv Oblast"},
            "postcode": "08301",
        },
        "location": {"latitude": 50.3527, "longitude": 30.9551},
        "phone": "+380 4595 6 22 22",
        "email": "cnap@boryspil.example.gov.ua",
        "website": None,
        "accessibility": {
            "step_free_access": True,
            "accessible_toilet": False,
            "hearing_loop": True,
            "accessible_parking": False,
            "notes": {"uk": "Пандус біля входу.", "en": "A ramp at the entrance."},
        },
        "closed_on_public_holidays": True,
        "opening_hours": [
            {"weekday": 0, "opens": "09:00", "closes": "18:00", "break_starts": None, "break_ends": None},
            {
                "weekday": 1,
                "opens": "08:00",
                "closes": "20:00",
                "break_starts": "13:00",
                "break_ends": "13:45",
            },
        ],
        "special_days": [
            {
                "date": "2025-12-24",
                "closed": True,
                "opens": None,
                "closes": None,
                "note": {"uk": None, "en": None},
            },
            {
                "date": "2025-12-31",
                "closed": False,
                "opens": "09:00",
                "closes": "14:00",
                "note": {"uk": "Скорочений день", "en": "Short day"},
            },
        ],
    }


def test_a_centre_is_exact_in_the_list_and_with_its_published_services_in_the_detail(boryspil, get_json):
    passport = PublicServiceFactory(title_uk="Паспорт")
    benefit = PublicServiceFactory(title_uk="Допомога")
    draft = PublicServiceFactory(status=PublicationStatus.DRAFT)
    boryspil.services.add(passport, benefit, draft)

    assert get_json(LIST)["results"] == [summary_of(boryspil)]
    assert get_json(f"{LIST}{boryspil.id}/") == {
        **summary_of(boryspil),
        "services": refs(benefit, passport, name="title"),
    }


def test_an_unknown_centre_is_a_404_problem(get_json):
    assert get_json(f"{LIST}{uuid.uuid4()}/", status=404)["status"] == 404


@pytest.fixture
def centres():
    lviv = ServiceCentreFactory(region_uk="Львівська область", region_en="Lviv Oblast", city_uk="Львів", city_en="Lviv")
    stryi = ServiceCentreFactory(
        region_uk="Львівська область", region_en="Lviv Oblast", city_uk="Стрий", city_en="Stryi"
    )
    kyiv = ServiceCentreFactory(region_uk="Київ", region_en="Kyiv", city_uk="Київ", city_en="Kyiv")
    published, draft = PublicServiceFactory(), PublicServiceFactory(status=PublicationStatus.DRAFT)
    lviv.services.add(published, draft)
    kyiv.services.add(published)
    stryi.services.add(draft)
    return {"lviv": lviv, "stryi": stryi, "kyiv": kyiv, "published": published, "draft": draft}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"lviv", "stryi", "kyiv"}),
        ({"region": "Львівська область"}, {"lviv", "stryi"}),
        ({"region": "Lviv Oblast"}, {"lviv", "stryi"}),
        ({"region": "lviv oblast"}, {"lviv", "stryi"}),
        ({"region": "Lviv"}, set()),
        ({"city": "Львів"}, {"lviv"}),
        ({"city": "Stryi"}, {"stryi"}),
        ({"city": "Kyiv"}, {"kyiv"}),
        ({"region": "Lviv Oblast", "city": "Lviv"}, {"lviv"}),
        ({"service": "published"}, {"lviv", "kyiv"}),
        ({"service": "draft"}, set()),
        ({"service": "published", "city": "Львів"}, {"lviv"}),
    ],
)
def test_each_filter_narrows_the_list_exactly(centres, get_json, params, expected):
    resolved = {key: (centres[value].id if key == "service" else value) for key, value in params.items()}
    body = get_json(LIST, resolved)
    by_id = {str(obj.id): name for name, obj in centres.items()}
    names = {by_id[item["id"]] for item in body["results"]}
    assert body["count"] == len(names) == len(expected)
    assert names == expected


@pytest.mark.parametrize("count", [1, 20])
def test_the_list_takes_a_fixed_number_of_queries(count, client, django_assert_num_queries):
    service = PublicServiceFactory()
    for _ in range(count):
        centre = ServiceCentreFactory()
        OpeningHoursFactory(centre=centre, weekday=0)
        OpeningHoursFactory(centre=centre, weekday=1)
        SpecialDay.objects.create(centre=centre, date=datetime.date(2025, 12, 31))
        centre.services.add(service)
    # The count, the page with the organisation joined, the opening hours, the special days.
    with django_assert_num_queries(4):
        response = client.get(LIST, {"service": service.id})
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [1, 20])
def test_the_detail_takes_a_fixed_number_of_queries(count, client, django_assert_num_queries):
    centre = ServiceCentreFactory()
    centre.services.add(*PublicServiceFactory.create_batch(count))
    with django_assert_num_queries(4):  # the centre, its hours, its special days, its services
        response = client.get(f"{LIST}{centre.id}/")
    assert len(response.json()["services"]) == count
