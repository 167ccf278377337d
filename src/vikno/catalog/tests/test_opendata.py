"""Open data at stable addresses: CPSV-AP documents, the CSV list of services and the sitemap."""

import csv
import io

import pytest
from django.urls import resolve
from rdflib import Literal, URIRef
from rdflib import namespace as ns
from rdflib.compare import isomorphic

from vikno.catalog.constants import ChannelKind, CostKind, PublicationStatus
from vikno.catalog.cpsv import vocabulary as v
from vikno.catalog.cpsv.formats import parse
from vikno.catalog.models import Organisation
from vikno.catalog.tests import factories
from vikno.core.access import PUBLIC, access_of

SITE = "http://127.0.0.1:8000"
BASE = SITE + "/id/"
CSV_HEADER = [
    "identifier",
    "title_uk",
    "title_en",
    "authority",
    "sector",
    "audience",
    "cost_kind",
    "fee",
    "currency",
    "processing_days",
    "channels",
    "url",
]


@pytest.fixture
def catalogue(settings):
    settings.SITE_URL = SITE
    settings.CATALOG_URI_BASE = BASE
    authority = factories.OrganisationFactory(slug="dms", name_uk="ДМС України", name_en="State Migration Service")
    sector = factories.SectorFactory(slug="documents", name_uk="Документи")
    passport = factories.PublicServiceFactory(
        identifier="DMS-001",
        slug="id-card",
        title_uk="Паспорт у формі ID-картки",
        title_en="ID card",
        competent_authority=authority,
        sector=sector,
        cost_kind=CostKind.FIXED,
        cost_amount=27900,
        processing_days=20,
    )
    factories.ChannelFactory(service=passport, kind=ChannelKind.ONLINE, url="https://diia.gov.ua/")
    factories.ChannelFactory(service=passport, kind=ChannelKind.IN_PERSON)
    dotted = factories.PublicServiceFactory(
        identifier="MIA.7-b",
        slug="dotted",
        title_uk='=HYPERLINK("https://evil.example";"Натисніть")',
        title_en="+1 click here",
        competent_authority=factories.OrganisationFactory(name_uk="-Орган", name_en="Authority"),
        sector=factories.SectorFactory(name_uk="@sector"),
        for_businesses=True,
        processing_days=None,
    )
    draft = factories.PublicServiceFactory(
        identifier="DRAFT-1", slug="draft-service", title_uk="Чернетка", status=PublicationStatus.DRAFT
    )
    in_review = factories.PublicServiceFactory(
        identifier="REVIEW-1", slug="review-service", status=PublicationStatus.IN_REVIEW
    )
    event = factories.LifeEventFactory(slug="turning-14")
    passport.life_events.add(event)
    factories.LifeEventFactory(slug="empty-event")  # no published service: not worth a sitemap entry
    centre = factories.ServiceCentreFactory(slug="boryspil-asc")
    centre.services.add(passport)
    return {"passport": passport, "dotted": dotted, "draft": draft, "in_review": in_review}


OPEN_DATA_URLS = [
    "/open-data/catalogue.jsonld",
    "/open-data/catalogue.ttl",
    "/open-data/services/DMS-001.jsonld",
    "/open-data/services/DMS-001.ttl",
    "/open-data/services.csv",
    "/sitemap.xml",
]


@pytest.mark.parametrize("url", OPEN_DATA_URLS)
def test_open_data_addresses_are_public_and_language_neutral(url):
    match = resolve(url)
    assert access_of(match.func, match.namespaces) == PUBLIC
    assert match.namespaces == ["opendata"]


# --- CPSV-AP documents ------------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "content_type", "filename", "fmt"),
    [
        ("/open-data/catalogue.jsonld", "application/ld+json", "vikno-catalogue.jsonld", "json-ld"),
        ("/open-data/catalogue.ttl", "text/turtle; charset=utf-8", "vikno-catalogue.ttl", "turtle"),
    ],
)
def test_the_whole_catalogue_is_downloadable(client, catalogue, url, content_type, filename, fmt):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response["Cache-Control"] == "public, max-age=300"
    graph = parse(response.content, fmt)
    assert set(graph.subjects(ns.RDF.type, v.CPSV.PublicService)) == {
        URIRef(BASE + "service/DMS-001"),
        URIRef(BASE + "service/MIA.7-b"),
    }
    assert b"DRAFT-1" not in response.content
    assert b"REVIEW-1" not in response.content


@pytest.mark.django_db
def test_both_catalogue_formats_hold_the_same_graph(client, catalogue):
    from_json_ld = parse(client.get("/open-data/catalogue.jsonld").content, "json-ld")
    from_turtle = parse(client.get("/open-data/catalogue.ttl").content, "turtle")
    assert len(from_turtle) > 100
    assert isomorphic(from_json_ld, from_turtle)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("suffix", "content_type", "fmt"),
    [(".jsonld", "application/ld+json", "json-ld"), (".ttl", "text/turtle; charset=utf-8", "turtle")],
)
def test_one_service_has_its_own_document(client, catalogue, suffix, content_type, fmt):
    response = client.get(f"/open-data/services/MIA.7-b{suffix}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert "Content-Disposition" not in response
    graph = parse(response.content, fmt)
    service = URIRef(BASE + "service/MIA.7-b")
    assert list(graph.subjects(ns.RDF.type, v.CPSV.PublicService)) == [service]
    assert graph.value(service, v.DCT.identifier) == Literal("MIA.7-b")
    assert set(graph.objects(service, v.DCT.title)) == {
        Literal('=HYPERLINK("https://evil.example";"Натисніть")', lang="uk"),
        Literal("+1 click here", lang="en"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("identifier", ["NO-SUCH-SERVICE", "DRAFT-1", "REVIEW-1", "dms-001"])
@pytest.mark.parametrize("suffix", [".jsonld", ".ttl"])
def test_an_unknown_or_unpublished_service_is_not_found(client, catalogue, identifier, suffix):
    response = client.get(f"/open-data/services/{identifier}{suffix}")
    assert response.status_code == 404
    assert b"Cache-Control" not in response.serialize_headers()


@pytest.mark.django_db
def test_a_client_that_has_the_document_gets_not_modified(client, catalogue):
    first = client.get("/open-data/catalogue.ttl")
    again = client.get("/open-data/catalogue.ttl", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    catalogue["passport"].title_en = "Identity card"
    catalogue["passport"].save()
    changed = client.get("/open-data/catalogue.ttl", headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200
    assert b'"Identity card"@en' in changed.content


# --- CSV --------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_csv_lists_published_services_for_spreadsheets(client, catalogue):
    response = client.get("/open-data/services.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="vikno-services.csv"'
    assert response["Cache-Control"] == "public, max-age=300"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == CSV_HEADER
    assert len(rows) == 3  # the header and the two published services: no draft, nothing in review
    assert rows[1] == [
        "DMS-001",
        "Паспорт у формі ID-картки",
        "ID card",
        "ДМС України",
        "Документи",
        "citizens",
        "fixed",
        "279.00",
        "UAH",
        "20",
        "in_person;online",
        SITE + "/services/id-card/",
    ]


@pytest.mark.django_db
def test_csv_cells_that_look_like_formulas_are_neutralised(client, catalogue):
    content = client.get("/open-data/services.csv").content.decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(content)))[2]
    assert row[:6] == [
        "MIA.7-b",
        '\'=HYPERLINK("https://evil.example";"Натисніть")',
        "'+1 click here",
        "'-Орган",
        "'@sector",
        "citizens;businesses",
    ]
    assert row[6:10] == ["free", "", "UAH", ""]
    for cell in (cell for line in csv.reader(io.StringIO(content)) for cell in line):
        assert not cell.startswith(("=", "+", "-", "@")), cell


@pytest.mark.django_db
def test_the_csv_takes_the_same_number_of_queries_for_any_number_of_services(
    client, catalogue, django_assert_num_queries
):
    with django_assert_num_queries(2):
        client.get("/open-data/services.csv")
    for _ in range(4):
        factories.ChannelFactory(service=factories.PublicServiceFactory())
    with django_assert_num_queries(2):
        assert client.get("/open-data/services.csv").content.count(b"\r\n") == 7


# --- sitemap ----------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_sitemap_lists_pages_in_both_languages_without_drafts(client, catalogue):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert response["Cache-Control"] == "public, max-age=300"
    xml = response.content.decode()
    for path in (
        "/",
        "/services/",
        "/services/id-card/",
        "/services/dotted/",
        "/authorities/dms/",
        "/life-events/turning-14/",
        "/centres/boryspil-asc/",
    ):
        assert f"<loc>{SITE}{path}</loc>" in xml
        assert f"<loc>{SITE}/en{path}</loc>" in xml
    assert f'hreflang="en" href="{SITE}/en/services/id-card/"' in xml
    assert "draft-service" not in xml
    assert "review-service" not in xml
    assert "empty-event" not in xml
    organisations = Organisation.objects.count()  # every authority has a page, with or without services
    assert xml.count("<url>") == 2 * (6 + 2 + organisations + 1 + 1)  # pages, services, events, centres
