"""Public pages of the catalogue: exact content, drafts never shown, hostile input never a 500."""

import datetime
import json
import re

import pytest

from vikno.catalog.constants import ChannelKind, CostKind, PublicationStatus
from vikno.catalog.models import Evidence, LegalResource
from vikno.catalog.tests.factories import (
    ChannelFactory,
    LifeEventFactory,
    OpeningHoursFactory,
    OrganisationFactory,
    PublicServiceFactory,
    SectorFactory,
    ServiceCentreFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def passport():
    authority = OrganisationFactory(slug="dms", name_uk="Державна міграційна служба", name_en="State Migration Service")
    service = PublicServiceFactory(
        slug="id-card",
        identifier="UA-DMS-0001",
        title_uk="Оформлення паспорта громадянина України у формі ID-картки",
        title_en="Getting an ID card passport",
        summary_uk="Паспорт у формі картки.",
        summary_en="The passport as a card.",
        competent_authority=authority,
        sector=SectorFactory(slug="documents", name_uk="Документи", name_en="Documents"),
        cost_kind=CostKind.FIXED,
        cost_amount=27900,
        processing_days=20,
        popularity=100,
    )
    LegalResource.objects.create(
        service=service,
        title_uk="Закон про ЄДДР",
        title_en="Law on the register",
        url="https://zakon.rada.gov.ua/laws/show/5492-17",
    )
    Evidence.objects.create(service=service, name_uk="Свідоцтво про народження", name_en="Birth certificate")
    ChannelFactory(
        service=service,
        kind=ChannelKind.ONLINE,
        url="https://diia.gov.ua/",
        instructions_uk="Через Дію.",
        instructions_en="Through Diia.",
    )
    centre = ServiceCentreFactory(slug="kyiv-asc", name_uk="ЦНАП Києва", name_en="Kyiv ASC")
    for weekday in range(7):
        OpeningHoursFactory(centre=centre, weekday=weekday, opens=datetime.time(0, 0), closes=datetime.time(23, 59))
    centre.services.add(service)
    event = LifeEventFactory(slug="moving", name_uk="Переїзд", name_en="Moving home")
    service.life_events.add(event)
    return service


def test_home_lists_popular_services_and_life_events_but_no_drafts(client, passport):
    PublicServiceFactory(title_uk="Чернетка", status=PublicationStatus.DRAFT, popularity=1000)
    html = client.get("/").content.decode()
    assert "Оформлення паспорта громадянина України у формі ID-картки" in html
    assert 'href="/life-events/moving/"' in html
    assert "Чернетка" not in html
    assert '<html lang="uk" class="govuk-template">' in html


def test_service_page_tells_cost_time_documents_channels_and_centres(client, passport):
    response = client.get("/services/id-card/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "279 грн" in html
    assert "Свідоцтво про народження" in html
    # "Apply online" goes through the portal's sign-in (at the service's level of assurance) to the online channel.
    assert 'href="/services/id-card/apply/"' in html
    assert 'href="https://diia.gov.ua/"' not in html
    assert 'href="https://zakon.rada.gov.ua/laws/show/5492-17"' in html
    assert 'href="/centres/kyiv-asc/"' in html
    assert "UA-DMS-0001" in html


def test_service_page_carries_schema_org_government_service(client, passport):
    html = client.get("/services/id-card/").content.decode()
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match is not None
    data = json.loads(match.group(1))
    assert data["@type"] == "GovernmentService"
    assert data["identifier"] == "UA-DMS-0001"
    assert data["provider"]["name"] == "Державна міграційна служба"
    assert data["offers"] == {"@type": "Offer", "price": "279.00", "priceCurrency": "UAH"}
    assert data["url"] == "http://testserver/services/id-card/"


def test_markup_in_content_cannot_break_out_of_the_json_ld(client, passport):
    passport.summary_uk = "</script><script>alert(1)</script>"
    passport.save()
    html = client.get("/services/id-card/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "\\u003c/script>" in html


def test_english_page_is_under_en_with_a_switch_back(client, passport):
    html = client.get("/en/services/id-card/").content.decode()
    assert '<h1 class="govuk-heading-l">Getting an ID card passport</h1>' in html
    assert 'href="/services/id-card/" rel="alternate" lang="uk" hreflang="uk"' in html
    assert '<html lang="en" class="govuk-template">' in html


@pytest.mark.parametrize("status", [PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW])
def test_unpublished_services_are_not_found(client, status):
    PublicServiceFactory(slug="secret", status=status)
    response = client.get("/services/secret/")
    assert response.status_code == 404
    assert '<h1 class="govuk-heading-xl">Сторінку не знайдено</h1>' in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/services/nope/",
        "/authorities/nope/",
        "/life-events/nope/",
        "/centres/nope/",
        "/topics/nope/",
        "/nowhere",
    ],
)
def test_unknown_addresses_get_the_styled_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "govuk-template" in response.content.decode()


def test_a_z_groups_services_by_first_letter(client, passport):
    PublicServiceFactory(title_uk="Будівництво будинку", slug="house")
    html = client.get("/services/").content.decode()
    assert html.index('id="letter-1">Б<') < html.index('id="letter-2">О<')


def test_organisation_page_lists_its_services_and_children(client, passport):
    child = OrganisationFactory(parent=passport.competent_authority, slug="dms-kyiv", name_uk="ГУ ДМС у м. Києві")
    html = client.get("/authorities/dms/").content.decode()
    assert 'href="/services/id-card/"' in html
    assert 'href="/authorities/dms-kyiv/"' in html
    assert child.name_uk in html


def test_centre_finder_filters_by_region_and_city(client, passport):
    ServiceCentreFactory(slug="lviv-asc", region_uk="Львівська область", city_uk="Львів", name_uk="ЦНАП Львова")
    response = client.get("/centres/", {"region": "Львівська область"})
    assert response.status_code == 200
    assert [row["centre"].slug for row in response.context["rows"]] == ["lviv-asc"]
    all_rows = client.get("/centres/").context["rows"]
    assert {row["centre"].slug for row in all_rows} == {"lviv-asc", "kyiv-asc"}


def test_centre_finder_refuses_unknown_values_with_an_error_summary(client, passport):
    response = client.get("/centres/", {"region": "'; DROP TABLE catalog_servicecentre; --"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert 'href="#id_region"' in html
    assert response.context["rows"] == []


def test_centre_page_shows_open_now_and_the_week(client, passport):
    response = client.get("/centres/kyiv-asc/")
    assert response.status_code == 200
    assert response.context["open_now"] is True
    assert len(response.context["week"]) == 7


def test_a_very_long_search_gets_a_clear_400(client):
    response = client.get("/search/", {"q": "паспорт " * 1250})
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert 'href="#id_q"' in html


@pytest.mark.parametrize("query", ["<script>alert(1)</script>", "' OR 1=1 --", "title:(a AND", "🙂", "%00%27"])
def test_hostile_searches_are_answered_safely(client, passport, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_a_null_character_in_a_search_is_a_400(client):
    response = client.get("/search/", {"q": "пас\x00порт"})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()


def test_an_unknown_audience_filter_is_a_400(client):
    assert client.get("/search/", {"q": "паспорт", "audience": "aliens"}).status_code == 400


@pytest.mark.parametrize("accept", ["application/json", "image/png", "*/*", "garbage/;;"])
def test_odd_accept_headers_still_get_the_page(client, passport, accept):
    assert client.get("/services/id-card/", HTTP_ACCEPT=accept).status_code == 200


def test_nearest_centres_come_first_with_their_distance(client, passport):
    lviv = ServiceCentreFactory(slug="lviv", city_uk="Львів", latitude="49.839700", longitude="24.029700")
    lviv.services.add(passport)
    # The Kyiv centre of the fixture sits in Boryspil (about 470 km from Lviv).
    response = client.get("/services/id-card/", {"near": "Львів"})
    assert response.status_code == 200
    rows = response.context["centres"]
    assert [row["centre"].slug for row in rows] == ["lviv", "kyiv-asc"]
    assert rows[0]["distance"] == 0
    assert 450 < rows[1]["distance"] < 500


def test_an_unknown_city_for_nearest_centres_is_a_400(client, passport):
    response = client.get("/services/id-card/", {"near": "Атлантида"})
    assert response.status_code == 400
    assert 'href="#id_near"' in response.content.decode()
