"""The published catalogue as a CPSV-AP 3.2.0 graph (rdflib): services and what they reference.

A document holds published services only, with the organisations (and their parents), sectors, life events
and service centres they point at, and the concepts those use. ``cv:relatedService`` is written only when
the related service is described in the same document (the shapes require its target to be a
``cpsv:PublicService``); ``dct:relation``, its super-property, is always written.
"""

from collections.abc import Iterable

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import translation
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from vikno.catalog import selectors
from vikno.catalog.constants import CostKind, EventKind
from vikno.catalog.cpsv.centres import add_centre
from vikno.catalog.cpsv.vocabulary import (
    ADMS,
    CODE_LISTS,
    COUNTRY,
    CPSV,
    CV,
    DCAT,
    DCT,
    ELI,
    EU_CURRENCY,
    FIXED_TITLES,
    FOAF,
    LOCN,
    ORG,
    SKOS,
    TIME,
    Uris,
    bind_prefixes,
    languages,
    sub,
)
from vikno.catalog.models import ContactPoint, Organisation, PublicService, ServiceCentre


def fee_text(kopiyky: int) -> str:
    """Hryvnias with two decimals from a whole number of kopiyky, in integer arithmetic: 27900 -> "279.00"."""
    if kopiyky < 0:
        raise ValueError("a fee is never negative")
    major, minor = divmod(kopiyky, 100)
    return f"{major}.{minor:02d}"


def page_urls(url_name: str, *args: str) -> list[str]:
    """The absolute address of a portal page in every language (Ukrainian without a prefix, /en/...)."""
    urls = []
    for code in languages():
        with translation.override(code):
            urls.append(settings.SITE_URL + reverse(url_name, args=args))
    return urls


def published_services_for_export() -> QuerySet[PublicService]:
    return (
        selectors.published_services()
        .select_related("sector")
        .prefetch_related(
            "legal_resources",
            "evidence",
            "channels",
            "life_events",
            Prefetch("contact_points", queryset=ContactPoint.objects.order_by("id")),
            Prefetch("related_services", queryset=selectors.published_services()),
            Prefetch("centres", queryset=ServiceCentre.objects.prefetch_related("opening_hours", "special_days")),
        )
        .order_by("identifier")
    )


def catalogue_graph() -> Graph:
    """Every published service and what it references."""
    return GraphBuilder(list(published_services_for_export())).graph


def service_graph(*, identifier: str) -> Graph | None:
    """One published service and what it references, or None when there is no such published service."""
    service = published_services_for_export().filter(identifier=identifier).first()
    return GraphBuilder([service]).graph if service else None


class GraphBuilder:
    def __init__(self, services: Iterable[PublicService]):
        self.graph = Graph()
        bind_prefixes(self.graph)
        self.uris = Uris()
        self.languages = languages()
        self.services = list(services)
        self.described = {service.pk for service in self.services}
        self._organisations: dict | None = None
        self._done: set[URIRef] = set()
        for service in self.services:
            self.add_service(service)

    # --- small helpers -------------------------------------------------------------------------------
    def add(self, subject, predicate, obj) -> None:
        self.graph.add((subject, predicate, obj))

    def text(self, subject, predicate, instance, field: str) -> bool:
        """One language-tagged literal per language that has text; False when none has."""
        found = False
        for code in self.languages:
            value = getattr(instance, f"{field}_{code}", None)
            if value and value.strip():
                self.add(subject, predicate, Literal(value, lang=code))
                found = True
        return found

    def labels(self, subject, predicate, labels: dict[str, str]) -> None:
        for code in self.languages:
            if labels.get(code):
                self.add(subject, predicate, Literal(labels[code], lang=code))

    def first_time(self, node: URIRef) -> bool:
        if node in self._done:
            return False
        self._done.add(node)
        return True

    def concept(self, scheme: str, code: str) -> URIRef:
        node = self.uris.concept(scheme, code)
        if self.first_time(node):
            scheme_labels, codes = CODE_LISTS[scheme]
            scheme_node = self.uris.scheme(scheme)
            if self.first_time(scheme_node):
                self.add(scheme_node, RDF.type, SKOS.ConceptScheme)
                self.labels(scheme_node, SKOS.prefLabel, scheme_labels)
            self.add(node, RDF.type, SKOS.Concept)
            self.add(node, SKOS.inScheme, scheme_node)
            self.add(node, SKOS.notation, Literal(code))
            self.labels(node, SKOS.prefLabel, codes.get(code) or dict.fromkeys(self.languages, code))
        return node

    def external_concept(self, node: URIRef, notation: str) -> URIRef:
        if self.first_time(node):
            self.add(node, RDF.type, SKOS.Concept)
            self.add(node, SKOS.notation, Literal(notation))
        return node

    def pages(self, node: URIRef, url_name: str, slug: str) -> None:
        for url in page_urls(url_name, slug):
            self.add(node, FOAF.page, URIRef(url))

    # --- public services -----------------------------------------------------------------------------
    def add_service(self, service: PublicService) -> None:
        s = self.uris.service(service.identifier)
        self.add(s, RDF.type, CPSV.PublicService)
        self.add(s, DCT.identifier, Literal(service.identifier))
        self.text(s, DCT.title, service, "title")
        self.text(s, DCT.abstract, service, "summary")
        self.text(s, DCT.description, service, "description")
        for code in self.languages:
            for keyword in (getattr(service, f"keywords_{code}") or "").split(","):
                if keyword.strip():
                    self.add(s, DCAT.keyword, Literal(keyword.strip(), lang=code))
        for audience in service.audiences:
            self.add(s, DCT.audience, self.concept("audience", audience))
        if service.sector_id:
            self.add(s, CV.sector, self.sector(service.sector))
        self.add(s, CV.hasCompetentAuthority, self.organisation(service.competent_authority_id))
        if service.processing_days is not None:
            self.add(s, CV.processingTime, Literal(f"P{service.processing_days}D", datatype=XSD.duration))
        if service.published_at:
            self.add(s, DCT.issued, Literal(service.published_at, datatype=XSD.dateTime))
        self.pages(s, "catalog:service-detail", service.slug)
        self.add_legal_resources(s, service)
        self.add_requirement_and_output(s, service)
        self.add_evidence(s, service)
        self.add_cost(s, service)
        self.add_channels(s, service)
        self.add_contact_points(s, service)
        for event in service.life_events.all():
            event_node = self.event(event)
            self.add(s, CV.isGroupedBy, event_node)
            self.add(event_node, CV.hasRelatedService, s)
        for related in service.related_services.all():
            target = self.uris.service(related.identifier)
            self.add(s, DCT.relation, target)
            if related.pk in self.described:
                self.add(s, CV.relatedService, target)
        for centre in service.centres.all():
            self.add(s, CV.hasChannel, add_centre(self, centre))

    def local_id(self, service: PublicService, *parts: object) -> Literal:
        return Literal("/".join([service.identifier, *(str(part) for part in parts)]))

    def add_legal_resources(self, s: URIRef, service: PublicService) -> None:
        for number, law in enumerate(service.legal_resources.all(), start=1):
            node = sub(s, "legal", number)
            self.add(s, CV.hasLegalResource, node)
            self.add(node, RDF.type, ELI.LegalResource)
            self.add(node, DCT.identifier, self.local_id(service, "legal", number))
            self.text(node, DCT.title, law, "title")
            if law.url:
                self.add(node, FOAF.page, URIRef(law.url))

    def add_requirement_and_output(self, s: URIRef, service: PublicService) -> None:
        for field, predicate, rdf_class, name in (
            ("eligibility", CV.holdsRequirement, CV.Requirement, "requirement"),
            ("output", CPSV.produces, CV.Output, "output"),
        ):
            node = sub(s, name)
            if self.text(node, DCT.description, service, field):
                self.add(s, predicate, node)
                self.add(node, RDF.type, rdf_class)
                self.add(node, DCT.identifier, self.local_id(service, name))
                self.labels(node, DCT.title, FIXED_TITLES[name])

    def add_evidence(self, s: URIRef, service: PublicService) -> None:
        for number, evidence in enumerate(service.evidence.all(), start=1):
            node = sub(s, "evidence", number)
            self.add(s, CPSV.hasInput, node)
            self.add(node, RDF.type, CV.Evidence)
            self.add(node, DCT.identifier, self.local_id(service, "evidence", number))
            self.text(node, DCT.title, evidence, "name")
            self.text(node, DCT.description, evidence, "description")

    def add_cost(self, s: URIRef, service: PublicService) -> None:
        node = sub(s, "cost")
        self.add(s, CV.hasCost, node)
        self.add(node, RDF.type, CV.Cost)
        self.add(node, DCT.identifier, self.local_id(service, "cost"))
        self.add(node, DCT.type, self.concept("cost-kind", service.cost_kind))
        if service.cost_kind in (CostKind.FIXED, CostKind.FREE):
            amount = service.cost_amount if service.cost_kind == CostKind.FIXED else 0
            # The shapes type cv:hasValue as xsd:double; the lexical form is exact and never passes a float.
            self.add(node, CV.hasValue, Literal(fee_text(amount or 0), datatype=XSD.double, normalize=False))
        currency = service.cost_currency
        self.add(node, CV.currency, self.external_concept(EU_CURRENCY[currency], currency))
        self.text(node, DCT.description, service, "cost_note")

    def add_channels(self, s: URIRef, service: PublicService) -> None:
        for channel in service.channels.all():
            node = sub(s, "channel", channel.kind)
            self.add(s, CV.hasChannel, node)
            self.add(node, RDF.type, CV.Channel)
            self.add(node, DCT.identifier, self.local_id(service, "channel", channel.kind))
            self.add(node, DCT.type, self.concept("channel-type", channel.kind))
            self.text(node, DCT.description, channel, "instructions")
            if channel.url:
                self.add(node, FOAF.page, URIRef(channel.url))
            if channel.phone:
                self.add(node, CV.telephone, Literal(channel.phone))

    def add_contact_points(self, s: URIRef, service: PublicService) -> None:
        for number, contact in enumerate(service.contact_points.all(), start=1):
            node = sub(s, "contact", number)
            self.add(s, CV.contactPoint, node)
            self.contact_point(node, email=contact.email, phone=contact.phone, page=contact.url)
            self.add(node, DCT.identifier, self.local_id(service, "contact", number))
            self.text(node, DCT.title, contact, "name")
            hours = sub(node, "hours")
            if self.text(hours, DCT.description, contact, "opening_hours"):
                self.add(node, CV.openingHours, hours)
                self.add(hours, RDF.type, TIME.TemporalEntity)

    def contact_point(self, node: URIRef, *, email: str, phone: str, page: str) -> None:
        self.add(node, RDF.type, CV.ContactPoint)
        if email:
            self.add(node, CV.email, Literal(email))
        if phone:
            self.add(node, CV.telephone, Literal(phone))
        if page:
            self.add(node, CV.contactPage, URIRef(page))
            self.add(URIRef(page), RDF.type, FOAF.Document)

    # --- what services reference ---------------------------------------------------------------------
    def sector(self, sector) -> URIRef:
        node = self.uris.sector(sector.slug)
        if self.first_time(node):
            scheme = self.uris.scheme("sector")
            if self.first_time(scheme):
                self.add(scheme, RDF.type, SKOS.ConceptScheme)
                self.labels(scheme, SKOS.prefLabel, {"uk": "Сфери послуг", "en": "Sectors"})
            self.add(node, RDF.type, SKOS.Concept)
            self.add(node, SKOS.inScheme, scheme)
            self.add(node, SKOS.notation, Literal(sector.slug))
            self.text(node, SKOS.prefLabel, sector, "name")
            self.text(node, SKOS.definition, sector, "description")
            self.add(node, DCT.audience, self.concept("audience", sector.audience))
        return node

    def event(self, event) -> URIRef:
        node = self.uris.event(event.slug)
        if self.first_time(node):
            self.add(node, RDF.type, CV.Event)
            self.add(node, RDF.type, CV.BusinessEvent if event.kind == EventKind.BUSINESS else CV.LifeEvent)
            self.add(node, DCT.identifier, Literal(event.slug))
            self.text(node, DCT.title, event, "name")
            self.text(node, DCT.description, event, "description")
            self.pages(node, "catalog:life-event-detail", event.slug)
        return node

    def organisation(self, organisation_id) -> URIRef:
        if self._organisations is None:
            self._organisations = {o.pk: o for o in Organisation.objects.all()}
        organisation = self._organisations[organisation_id]
        node = self.uris.organisation(organisation.slug)
        if not self.first_time(node):
            return node
        self.add(node, RDF.type, CV.PublicOrganisation)
        self.add(node, RDF.type, ORG.Organization)
        self.add(node, DCT.identifier, Literal(organisation.slug))
        self.text(node, SKOS.prefLabel, organisation, "name")
        self.text(node, DCT.title, organisation, "name")
        self.text(node, SKOS.altLabel, organisation, "short_name")
        self.text(node, DCT.description, organisation, "description")
        self.add(node, ORG.classification, self.concept("organisation-type", organisation.org_type))
        self.add(node, DCT.spatial, COUNTRY)
        if self.first_time(COUNTRY):
            self.add(COUNTRY, RDF.type, DCT.Location)
        if organisation.code:
            code = sub(node, "edrpou")
            self.add(node, ADMS.identifier, code)
            self.add(code, RDF.type, ADMS.Identifier)
            self.add(code, SKOS.notation, Literal(organisation.code))
            self.add(code, ADMS.schemaAgency, Literal("ЄДРПОУ (EDRPOU)"))
        if organisation.website:
            self.add(node, FOAF.homepage, URIRef(organisation.website))
        if organisation.email or organisation.phone:
            contact = sub(node, "contact")
            self.add(node, CV.contactPoint, contact)
            self.contact_point(contact, email=organisation.email, phone=organisation.phone, page="")
        address = sub(node, "address")
        if self.text(address, LOCN.fullAddress, organisation, "address"):
            self.add(node, LOCN.address, address)
            self.add(address, RDF.type, LOCN.Address)
        self.pages(node, "catalog:organisation-detail", organisation.slug)
        if organisation.parent_id:
            self.add(node, ORG.subOrganizationOf, self.organisation(organisation.parent_id))
        return node
