"""CPSV-AP 3.2.0 export and import: the official SHACL shapes, exact content, drafts, the round trip."""

import datetime
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from vikno.audit.models import AuditRecord
from vikno.catalog import models
from vikno.catalog.constants import (
    Audience,
    ChannelKind,
    CostKind,
    EventKind,
    OrganisationType,
    PublicationStatus,
)
from vikno.catalog.cpsv import vocabulary as v
from vikno.catalog.cpsv.export import catalogue_graph, fee_text, service_graph
from vikno.catalog.cpsv.formats import parse, serialize
from vikno.catalog.cpsv.importer import CpsvImportError, catalogue_import
from vikno.catalog.tests import factories

STANDARD_DIR = Path(__file__).resolve().parents[1] / "cpsv" / "standard"  # official files, see its README
BASE = "http://127.0.0.1:8000/id/"


def _standard_file(name: str) -> Path:
    path = STANDARD_DIR / name
    if not path.is_file():
        pytest.fail(
            f"The CPSV-AP 3.2.0 standard file {path} is missing: the export is validated against the official "
            "shapes kept in src/vikno/catalog/cpsv/standard/ (see its README)."
        )
    return path


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(_standard_file("cpsv-ap-SHACL.ttl"))


@pytest.fixture(scope="module")
def vocabulary() -> Graph:
    return Graph().parse(_standard_file("cpsv-ap.ttl"))


def violations(data: Graph, shapes: Graph, **options) -> list[str]:
    """Every SHACL result (any severity), as readable lines; the export must have none."""
    _conforms, report, _text = validate(data, shacl_graph=shapes, **options)
    return sorted(
        f"{report.value(result, ns.SH.focusNode)} {report.value(result, ns.SH.resultPath)}: "
        f"{report.value(result, ns.SH.resultMessage)}"
        for result in report.subjects(ns.RDF.type, ns.SH.ValidationResult)
    )


def wipe_catalogue() -> None:
    models.ServiceCentre.objects.all().delete()
    models.PublicService.objects.all().delete()
    models.LifeEvent.objects.all().delete()
    models.Sector.objects.all().delete()
    models.Organisation.objects.update(parent=None)
    models.Organisation.objects.all().delete()


def explain(first: Graph, second: Graph) -> str:
    _both, only_first, only_second = graph_diff(to_isomorphic(first), to_isomorphic(second))
    return f"only before:\n{only_first.serialize(format='nt')}\nonly after:\n{only_second.serialize(format='nt')}"


def uri(path: str) -> URIRef:
    return URIRef(BASE + path)


@pytest.fixture
def catalogue(settings):
    """Two published services with every kind of detail, a related draft and things only the draft uses."""
    settings.CATALOG_URI_BASE = BASE
    settings.SITE_URL = "http://127.0.0.1:8000"
    ministry = factories.OrganisationFactory(
        slug="ministry-of-interior",
        name_uk="Міністерство внутрішніх справ України",
        name_en="Ministry of Internal Affairs of Ukraine",
        short_name_uk="МВС",
        short_name_en="MIA",
        org_type=OrganisationType.MINISTRY,
        code="00032684",
        email="info@mvs.gov.ua",
        phone="+380 44 254 93 33",
        address_uk="вул. Академіка Богомольця, 10, Київ",
        address_en="10 Akademika Bohomoltsia St, Kyiv",
    )
    agency = factories.OrganisationFactory(
        slug="migration-service", name_uk="Державна міграційна служба", name_en="State Migration Service",
        parent=ministry,
    )  # fmt: skip
    sector = factories.SectorFactory(slug="documents", name_uk="Документи", name_en="Documents")
    passport = factories.PublicServiceFactory(
        identifier="DMS-001",
        slug="id-card",
        title_uk="Оформлення паспорта у формі ID-картки",
        title_en="Getting an ID card",
        keywords_uk="паспорт, ID-картка",
        keywords_en="passport, ID card",
        competent_authority=agency,
        sector=sector,
        for_businesses=True,
        eligibility_uk="Громадяни України з 14 років.",
        eligibility_en="Citizens of Ukraine aged 14 or over.",
        output_uk="Паспорт у формі ID-картки.",
        output_en="An ID card.",
        cost_kind=CostKind.FIXED,
        cost_amount=27900,
        cost_note_uk="Адміністративний збір.",
        cost_note_en="Administrative fee.",
        processing_days=20,
        published_at=datetime.datetime(2024, 5, 1, 7, 30, tzinfo=datetime.UTC),
    )
    certificate = factories.PublicServiceFactory(
        identifier="DMS-002",
        slug="certificate",
        competent_authority=ministry,
        sector=sector,
        cost_kind=CostKind.VARIABLE,
        cost_note_uk="Залежить від терміновості.",
        cost_note_en="Depends on urgency.",
        processing_days=None,
    )
    draft_only_authority = factories.OrganisationFactory(slug="draft-only-authority")
    draft = factories.PublicServiceFactory(
        identifier="DRAFT-999",
        slug="secret-draft",
        title_uk="Чернетка",
        title_en="Unfinished draft",
        competent_authority=draft_only_authority,
        sector=factories.SectorFactory(slug="draft-only-sector"),
        status=PublicationStatus.DRAFT,
    )
    passport.related_services.add(certificate, draft)
    draft_event = factories.LifeEventFactory(slug="draft-only-event")
    draft.life_events.add(draft_event)
    models.LegalResource.objects.create(
        service=passport, title_uk="Закон про ЄДДР", title_en="Law on the Register", position=5,
        url="https://zakon.rada.gov.ua/laws/show/5492-17",
    )  # fmt: skip
    models.LegalResource.objects.create(service=passport, title_uk="Постанова КМУ № 302", position=9)
    models.Evidence.objects.create(service=passport, name_uk="Свідоцтво про народження", name_en="Birth certificate")
    models.Evidence.objects.create(
        service=passport, name_uk="Фото", name_en="Photo", description_uk="Не потрібне.", position=2
    )
    factories.ChannelFactory(service=passport)
    factories.ChannelFactory(
        service=passport, kind=ChannelKind.ONLINE, url="https://diia.gov.ua/services/id-card",
        instructions_uk="Подайте заяву в Дії.", instructions_en="Apply in Diia.",
    )  # fmt: skip
    factories.ChannelFactory(service=certificate, kind=ChannelKind.PHONE, phone="1548")
    models.ContactPoint.objects.create(
        service=passport, name_uk="Контакт-центр ДМС", name_en="SMS contact centre", phone="0 800 330 860",
        email="info@dmsu.gov.ua", url="https://dmsu.gov.ua/contacts", opening_hours_uk="Пн–Пт 9:00–18:00",
        opening_hours_en="Mon–Fri 9:00–18:00",
    )  # fmt: skip
    event = factories.LifeEventFactory(slug="turning-14", name_uk="Мені 14", name_en="Turning 14")
    business_event = factories.LifeEventFactory(slug="opening-a-business", kind=EventKind.BUSINESS)
    passport.life_events.add(event, business_event)
    certificate.life_events.add(event)
    centre = factories.ServiceCentreFactory(
        slug="boryspil-asc", postcode="08300", phone="+380 4595 6 19 21", email="cnap@boryspil.gov.ua",
        website="https://boryspil.gov.ua/cnap", step_free_access=True, hearing_loop=True,
        accessibility_notes_uk="Пандус біля входу.", accessibility_notes_en="A ramp at the entrance.",
        organisation=factories.OrganisationFactory(slug="boryspil-council", org_type=OrganisationType.LOCAL_COUNCIL),
    )  # fmt: skip
    factories.OpeningHoursFactory(
        centre=centre, weekday=0, break_starts=datetime.time(13, 0), break_ends=datetime.time(13, 45)
    )
    factories.OpeningHoursFactory(centre=centre, weekday=5, opens=datetime.time(9, 0), closes=datetime.time(15, 0))
    models.SpecialDay.objects.create(
        centre=centre, date=datetime.date(2025, 1, 7), note_uk="Різдво", note_en="Christmas"
    )
    models.SpecialDay.objects.create(
        centre=centre, date=datetime.date(2025, 7, 1), closed=False, opens=datetime.time(10), closes=datetime.time(15)
    )
    centre.services.add(passport, draft)
    draft_centre = factories.ServiceCentreFactory(slug="draft-only-centre", closed_on_public_holidays=False)
    draft_centre.services.add(draft)
    return {"passport": passport, "certificate": certificate, "draft": draft, "centre": centre}


# --- the official shapes ------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_whole_catalogue_conforms_to_the_cpsv_ap_shapes(catalogue, shapes):
    graph = catalogue_graph()
    assert len(list(graph.subjects(ns.RDF.type, v.CPSV.PublicService))) == 2
    assert violations(graph, shapes) == []


@pytest.mark.django_db
def test_a_single_service_conforms_to_the_shapes(catalogue, shapes):
    assert violations(service_graph(identifier="DMS-001"), shapes) == []
    assert violations(service_graph(identifier="DMS-002"), shapes) == []


@pytest.mark.django_db
def test_the_export_still_conforms_with_the_vocabulary_s_class_hierarchy(catalogue, shapes, vocabulary):
    """With RDFS inference a public organisation is also a foaf:Agent, and the Agent shape applies too."""
    assert violations(catalogue_graph(), shapes, ont_graph=vocabulary, inference="rdfs") == []


@pytest.mark.django_db
def test_a_violation_would_be_reported(catalogue, shapes):
    """The check can fail: a service without its competent authority is caught."""
    graph = catalogue_graph()
    graph.remove((uri("service/DMS-001"), v.CV.hasCompetentAuthority, None))
    assert any("hasCompetentAuthority" in line for line in violations(graph, shapes))


# --- content ------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_service_is_described_in_both_languages(catalogue):
    graph = catalogue_graph()
    service = uri("service/DMS-001")
    assert set(graph.objects(service, v.DCT.identifier)) == {Literal("DMS-001")}
    assert set(graph.objects(service, v.DCT.title)) == {
        Literal("Оформлення паспорта у формі ID-картки", lang="uk"),
        Literal("Getting an ID card", lang="en"),
    }
    assert {literal.language for literal in graph.objects(service, v.DCT.description)} == {"uk", "en"}
    assert set(graph.objects(service, v.DCAT.keyword)) == {
        Literal("паспорт", lang="uk"),
        Literal("ID-картка", lang="uk"),
        Literal("passport", lang="en"),
        Literal("ID card", lang="en"),
    }
    assert set(graph.objects(service, v.DCT.audience)) == {uri("audience/citizens"), uri("audience/businesses")}
    assert graph.value(service, v.CV.sector) == uri("sector/documents")
    assert graph.value(service, v.CV.processingTime) == Literal("P20D", datatype=ns.XSD.duration)
    assert graph.value(service, v.DCT.issued) == Literal("2024-05-01T07:30:00+00:00", datatype=ns.XSD.dateTime)
    assert set(graph.objects(service, URIRef("http://xmlns.com/foaf/0.1/page"))) == {
        URIRef("http://127.0.0.1:8000/services/id-card/"),
        URIRef("http://127.0.0.1:8000/en/services/id-card/"),
    }


@pytest.mark.django_db
def test_the_fee_is_exact_hryvnias_from_kopiyky(catalogue):
    graph = catalogue_graph()
    cost = uri("service/DMS-001/cost")
    assert graph.value(uri("service/DMS-001"), v.CV.hasCost) == cost
    value = graph.value(cost, v.CV.hasValue)
    assert (str(value), value.datatype) == ("279.00", ns.XSD.double)
    assert graph.value(cost, v.CV.currency) == URIRef("http://publications.europa.eu/resource/authority/currency/UAH")
    assert graph.value(cost, v.DCT.type) == uri("cost-kind/fixed")
    assert '"279.00"^^xsd:double' in serialize(graph, "turtle").decode()
    document = json.loads(serialize(graph, "json-ld"))
    node = next(n for n in document["@graph"] if n["@id"] == str(cost))
    assert node["cv:hasValue"] == [{"@type": "xsd:double", "@value": "279.00"}]
    variable = uri("service/DMS-002/cost")
    assert graph.value(variable, v.CV.hasValue) is None
    assert graph.value(variable, v.DCT.type) == uri("cost-kind/variable")


@pytest.mark.parametrize(
    ("kopiyky", "text"), [(0, "0.00"), (5, "0.05"), (27900, "279.00"), (12345678901, "123456789.01")]
)
def test_fee_text_uses_integer_arithmetic(kopiyky, text):
    assert fee_text(kopiyky) == text


@pytest.mark.django_db
def test_a_large_fee_survives_turtle_and_json_ld_digit_for_digit(catalogue):
    models.PublicService.objects.filter(identifier="DMS-001").update(cost_amount=12345678901)
    graph = catalogue_graph()
    assert '"123456789.01"^^xsd:double' in serialize(graph, "turtle").decode()
    assert '"@value": "123456789.01"' in serialize(graph, "json-ld").decode()


@pytest.mark.django_db
def test_what_the_service_references(catalogue):
    graph = catalogue_graph()
    service = uri("service/DMS-001")
    agency, ministry = uri("organisation/migration-service"), uri("organisation/ministry-of-interior")
    assert graph.value(service, v.CV.hasCompetentAuthority) == agency
    assert (agency, ns.RDF.type, v.CV.PublicOrganisation) in graph
    assert graph.value(agency, v.ORG.subOrganizationOf) == ministry
    assert Literal("Міністерство внутрішніх справ України", lang="uk") in set(graph.objects(ministry, v.SKOS.prefLabel))
    assert graph.value(
        graph.value(ministry, URIRef("http://www.w3.org/ns/adms#identifier")), v.SKOS.notation
    ) == Literal("00032684")
    laws = list(graph.objects(service, v.CV.hasLegalResource))
    assert sorted(laws) == [uri("service/DMS-001/legal/1"), uri("service/DMS-001/legal/2")]
    assert graph.value(uri("service/DMS-001/legal/1"), v.DCT.title, any=True) in {
        Literal("Закон про ЄДДР", lang="uk"),
        Literal("Law on the Register", lang="en"),
    }
    requirement = graph.value(service, v.CV.holdsRequirement)
    assert (requirement, ns.RDF.type, v.CV.Requirement) in graph
    assert Literal("Citizens of Ukraine aged 14 or over.", lang="en") in set(
        graph.objects(requirement, v.DCT.description)
    )
    assert (graph.value(service, v.CPSV.produces), ns.RDF.type, v.CV.Output) in graph
    assert len(list(graph.objects(service, v.CPSV.hasInput))) == 2
    channels = set(graph.objects(service, v.CV.hasChannel))
    assert channels == {
        uri("service/DMS-001/channel/in_person"),
        uri("service/DMS-001/channel/online"),
        uri("centre/boryspil-asc"),
    }
    assert graph.value(uri("service/DMS-001/channel/online"), v.DCT.type) == uri("channel-type/online")
    contact = graph.value(service, v.CV.contactPoint)
    assert graph.value(contact, v.CV.telephone) == Literal("0 800 330 860")
    assert set(graph.objects(service, v.CV.isGroupedBy)) == {uri("event/turning-14"), uri("event/opening-a-business")}
    assert (uri("event/opening-a-business"), ns.RDF.type, v.CV.BusinessEvent) in graph
    assert set(graph.objects(uri("event/turning-14"), v.CV.hasRelatedService)) == {service, uri("service/DMS-002")}


@pytest.mark.django_db
def test_a_centre_is_a_channel_with_a_place_and_opening_hours(catalogue):
    graph = catalogue_graph()
    centre = uri("centre/boryspil-asc")
    assert graph.value(centre, v.DCT.type) == uri("channel-type/service-centre")
    assert graph.value(centre, v.CV.ownedBy) == uri("organisation/boryspil-council")
    location = graph.value(centre, v.DCT.spatial)
    assert str(graph.value(location, URIRef("http://www.w3.org/ns/locn#geometry"))) == "POINT(30.955100 50.352700)"
    hours = sorted(graph.objects(centre, v.CV.openingHours))
    days = ("2025-07-01", "monday/1", "monday/2", "saturday/1")
    assert hours == [uri(f"centre/boryspil-asc/hours/{day}") for day in days]
    assert set(graph.objects(hours[1], v.DCT.description)) == {
        Literal("Понеділок 09:00–13:00", lang="uk"),
        Literal("Monday 09:00–13:00", lang="en"),
    }
    begins = graph.value(graph.value(hours[2], v.TIME.hasBeginning), v.TIME.inDateTime)
    assert (
        graph.value(begins, v.TIME.dayOfWeek),
        int(graph.value(begins, v.TIME.hour)),
        int(graph.value(begins, v.TIME.minute)),
    ) == (
        v.TIME.Monday,
        13,
        45,
    )
    summer = uri("centre/boryspil-asc/hours/2025-07-01")
    assert summer in set(graph.objects(centre, v.CV.openingHours))
    begins = graph.value(graph.value(summer, v.TIME.hasBeginning), v.TIME.inXSDDateTimeStamp)
    assert begins == Literal("2025-07-01T10:00:00+03:00", datatype=ns.XSD.dateTimeStamp)
    christmas = uri("centre/boryspil-asc/closed/2025-01-07")
    assert set(graph.objects(centre, v.CV.specialOpeningHoursSpecification)) == {
        christmas,
        uri("centre/boryspil-asc/public-holidays"),
    }
    assert graph.value(graph.value(christmas, v.TIME.hasBeginning), v.TIME.inXSDDate) == Literal(
        "2025-01-07", datatype=ns.XSD.date
    )
    assert Literal("Christmas", lang="en") in set(graph.objects(christmas, v.DCT.description))
    assert set(graph.objects(centre, v.CV.isClassifiedBy)) == {
        uri("accessibility/step_free_access"),
        uri("accessibility/hearing_loop"),
    }


@pytest.mark.django_db
def test_drafts_are_never_exported(catalogue):
    graph = catalogue_graph()
    text = serialize(graph, "turtle").decode() + serialize(graph, "json-ld").decode()
    for secret in ("DRAFT-999", "secret-draft", "Unfinished draft", "draft-only"):
        assert secret not in text
    draft = uri("service/DRAFT-999")
    assert (draft, None, None) not in graph
    assert (None, None, draft) not in graph
    assert service_graph(identifier="DRAFT-999") is None
    assert service_graph(identifier="NO-SUCH-SERVICE") is None


@pytest.mark.django_db
def test_related_services_link_within_the_document_only_with_cv_related_service(catalogue):
    whole = catalogue_graph()
    assert set(whole.objects(uri("service/DMS-001"), v.CV.relatedService)) == {uri("service/DMS-002")}
    single = service_graph(identifier="DMS-001")
    assert set(single.objects(uri("service/DMS-001"), v.CV.relatedService)) == set()
    assert set(single.objects(uri("service/DMS-001"), v.DCT.relation)) == {uri("service/DMS-002")}
    assert len(list(single.subjects(ns.RDF.type, v.CPSV.PublicService))) == 1


@pytest.mark.django_db
def test_json_ld_and_turtle_parse_to_the_same_graph(catalogue):
    graph = catalogue_graph()
    from_turtle = parse(serialize(graph, "turtle"), "turtle")
    from_json_ld = parse(serialize(graph, "json-ld"), "json-ld")
    assert len(from_turtle) == len(graph) > 300
    assert isomorphic(from_turtle, from_json_ld), explain(from_turtle, from_json_ld)


@pytest.mark.django_db
def test_the_export_takes_the_same_number_of_queries_for_any_number_of_services(catalogue, django_assert_num_queries):
    with django_assert_num_queries(11) as few:
        catalogue_graph()
    for number in range(5):
        service = factories.PublicServiceFactory()
        factories.ChannelFactory(service=service)
        models.Evidence.objects.create(service=service, name_uk=f"Документ {number}")
        catalogue["centre"].services.add(service)
    with django_assert_num_queries(len(few.captured_queries)):
        catalogue_graph()


def test_every_code_has_labels_in_both_languages():
    for scheme, choices in (
        ("audience", Audience),
        ("channel-type", ChannelKind),
        ("cost-kind", CostKind),
        ("organisation-type", OrganisationType),
    ):
        labels = v.CODE_LISTS[scheme][1]
        assert set(choices.values) <= set(labels), scheme
        assert all(set(label) == {"uk", "en"} for label in labels.values()), scheme


def test_uris_sit_under_the_configured_base(settings):
    settings.CATALOG_URI_BASE = "https://data.example.gov.ua/catalogue"
    uris = v.Uris()
    assert uris.service("DMS-001") == URIRef("https://data.example.gov.ua/catalogue/service/DMS-001")
    assert uris.organisation("mia") == URIRef("https://data.example.gov.ua/catalogue/organisation/mia")
    assert uris.service_identifier(uris.service("DMS-001")) == "DMS-001"
    assert uris.service_identifier(URIRef("https://elsewhere.example/service/DMS-001")) is None


# --- import and the round trip ------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["turtle", "json-ld"])
def test_export_import_export_gives_the_same_graph(catalogue, fmt):
    before = catalogue_graph()
    document = serialize(before, fmt)
    wipe_catalogue()
    assert models.PublicService.objects.count() == 0

    result = catalogue_import(graph=parse(document, fmt))

    after = catalogue_graph()
    assert isomorphic(before, after), explain(before, after)
    assert (result.services, result.organisations, result.centres, result.life_events) == (2, 3, 1, 2)
    assert result.warnings == []


@pytest.mark.django_db
def test_imported_rows_are_published_and_exact(catalogue):
    document = serialize(catalogue_graph(), "turtle")
    wipe_catalogue()
    catalogue_import(graph=parse(document, "turtle"))

    passport = models.PublicService.objects.get(identifier="DMS-001")
    assert passport.status == PublicationStatus.PUBLISHED
    assert passport.last_reviewed_on is None  # importing is not reviewing: due for review
    assert (passport.slug, passport.cost_kind, passport.cost_amount, passport.cost_currency) == (
        "id-card",
        CostKind.FIXED,
        27900,
        "UAH",
    )
    assert (passport.for_citizens, passport.for_businesses, passport.processing_days) == (True, True, 20)
    assert passport.competent_authority.parent.slug == "ministry-of-interior"
    assert [e.name_uk for e in passport.evidence.all()] == ["Свідоцтво про народження", "Фото"]
    assert [law.position for law in passport.legal_resources.all()] == [1, 2]
    assert passport.keywords_en == "ID card, passport"
    assert list(passport.related_services.values_list("identifier", flat=True)) == ["DMS-002"]
    centre = models.ServiceCentre.objects.get(slug="boryspil-asc")
    monday = centre.opening_hours.get(weekday=0)
    assert (monday.opens, monday.break_starts, monday.break_ends, monday.closes) == (
        datetime.time(9),
        datetime.time(13),
        datetime.time(13, 45),
        datetime.time(18),
    )
    assert (centre.step_free_access, centre.hearing_loop, centre.accessible_toilet) == (True, True, False)
    assert [(d.date.isoformat(), d.closed, d.opens, d.closes, d.note_en) for d in centre.special_days.all()] == [
        ("2025-01-07", True, None, None, "Christmas"),
        ("2025-07-01", False, datetime.time(10), datetime.time(15), None),
    ]
    assert centre.closed_on_public_holidays is True
    assert str(centre.latitude) == "50.352700"
    assert models.PublicService.objects.filter(status=PublicationStatus.DRAFT).count() == 0
    assert AuditRecord.objects.filter(action="catalog.service.imported").count() == 2


@pytest.mark.django_db
def test_importing_twice_changes_nothing_and_keeps_drafts_links(catalogue):
    before = catalogue_graph()
    counted = [model.objects.count() for model in (models.PublicService, models.Organisation, models.Channel)]
    document = parse(serialize(before, "turtle"), "turtle")
    catalogue_import(graph=document)
    catalogue_import(graph=document)
    assert isomorphic(before, catalogue_graph())
    assert [model.objects.count() for model in (models.PublicService, models.Organisation, models.Channel)] == counted
    assert set(catalogue["centre"].services.values_list("identifier", flat=True)) == {"DMS-001", "DRAFT-999"}
    passport = models.PublicService.objects.get(identifier="DMS-001")
    assert set(passport.related_services.values_list("identifier", flat=True)) == {"DMS-002", "DRAFT-999"}
    assert models.PublicService.objects.get(identifier="DRAFT-999").status == PublicationStatus.DRAFT


@pytest.mark.django_db
def test_a_bad_document_changes_nothing(catalogue):
    graph = catalogue_graph()
    cost = uri("service/DMS-002/cost")
    graph.add((cost, v.CV.hasValue, Literal("12.345", datatype=ns.XSD.double, normalize=False)))
    wipe_catalogue()
    with pytest.raises(CpsvImportError, match="whole number of kopiyky"):
        catalogue_import(graph=graph)
    assert models.Organisation.objects.count() == 0
    assert models.PublicService.objects.count() == 0


def test_a_json_ld_document_may_not_fetch_a_remote_context():
    document = json.dumps({"@context": "https://example.org/context.jsonld", "@id": "https://example.org/x"})
    with pytest.raises(ValueError, match="Remote JSON-LD contexts"):
        parse(document, "json-ld")


def test_a_document_that_is_not_turtle_is_refused():
    with pytest.raises(ValueError, match="not a valid turtle document"):
        parse(b"@prefix broken <", "turtle")


# --- management commands ----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_commands_export_and_import_files(catalogue, tmp_path, capsys):
    path = tmp_path / "catalogue.jsonld"
    call_command("export_cpsv", "--format", "json-ld", "--output", str(path))
    before = parse(path.read_bytes(), "json-ld")
    assert len(before) > 300
    wipe_catalogue()

    call_command("import_cpsv", str(path))

    summary = "Imported 2 services, 3 organisations, 1 sectors, 2 life events and 1 service centres."
    assert summary in capsys.readouterr().out
    call_command("export_cpsv")
    assert isomorphic(parse(capsys.readouterr().out, "turtle"), before)


@pytest.mark.django_db
def test_the_import_command_explains_a_bad_file(tmp_path):
    path = tmp_path / "broken.ttl"
    path.write_text("this is not turtle", encoding="utf-8")
    with pytest.raises(CommandError, match=r"broken\.ttl"):
        call_command("import_cpsv", str(path))
    with pytest.raises(CommandError, match="Name the file"):
        call_command("import_cpsv", str(tmp_path / "catalogue.xml"))


# --- the demo catalogue -------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_demo_catalogue_conforms_and_survives_the_round_trip(settings, shapes):
    loader = pytest.importorskip("vikno.catalog.demo.loader", reason="the demo catalogue is not in this checkout")
    settings.CATALOG_URI_BASE = BASE
    loader.load_demo()
    published = models.PublicService.objects.filter(status=PublicationStatus.PUBLISHED).count()
    before = catalogue_graph()
    assert len(list(before.subjects(ns.RDF.type, v.CPSV.PublicService))) == published > 0
    assert violations(before, shapes) == []

    document = serialize(before, "turtle")
    wipe_catalogue()
    catalogue_import(graph=parse(document, "turtle"))
    after = catalogue_graph()
    assert isomorphic(before, after), explain(before, after)
