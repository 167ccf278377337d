"""Reads a CPSV-AP 3.2.0 graph, as the exporter writes it, back into the catalogue.

Rows are matched by their keys (services by ``dct:identifier``; organisations, life events and centres by
their ``dct:identifier`` slug; sectors by ``skos:notation``), then created or updated, validated with
``full_clean`` and audited, all in one transaction: a document that fails anywhere changes nothing. The
document is authoritative for what it describes, so a service's documents, channels, contact points,
legal basis, life events and centres are replaced by the document's.

Imported services are **published**: an export holds published services only. They keep the publication
date of the document (``dct:issued``) and are due for review (``last_reviewed_on`` stays empty on new
services): importing is not reviewing. No editorial revision is written; the audit trail records the import.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from rdflib import Graph, Literal
from rdflib.namespace import RDF

from vikno.audit.services import record
from vikno.catalog.constants import Audience, CostKind, EventKind, OrganisationType, PublicationStatus
from vikno.catalog.cpsv.centres import is_centre, read_centre
from vikno.catalog.cpsv.reading import CpsvImportError, Reader, create_all, save
from vikno.catalog.cpsv.vocabulary import ADMS, CPSV, CV, DCAT, DCT, FOAF, LOCN, ORG, SKOS
from vikno.catalog.models import (
    Channel,
    ContactPoint,
    Evidence,
    LegalResource,
    LifeEvent,
    OpeningHours,
    Organisation,
    PublicService,
    Sector,
    ServiceCentre,
    SpecialDay,
)

__all__ = ["CpsvImportError", "ImportResult", "catalogue_import"]

_DAYS = re.compile(r"^P(\d+)([DW])$")


@dataclass
class ImportResult:
    organisations: int = 0
    sectors: int = 0
    life_events: int = 0
    services: int = 0
    centres: int = 0
    warnings: list[str] = field(default_factory=list)


def catalogue_import(*, graph: Graph, actor=None) -> ImportResult:
    """Import every service, organisation, sector, life event and centre a CPSV-AP graph describes."""
    try:
        with transaction.atomic():
            return _Importer(graph, actor).run()
    except IntegrityError as error:  # e.g. two channels of one kind: the database keeps its constraints
        raise CpsvImportError(f"the document breaks a rule of the catalogue: {error}") from error


class _Importer:
    def __init__(self, graph: Graph, actor):
        self.r = Reader(graph)
        self.graph = graph
        self.actor = actor
        self.result = ImportResult()
        self.organisations: dict = {}
        self.sectors: dict = {}
        self.events: dict = {}
        self.centres: dict = {}

    def audit(self, instance, kind: str, created: bool) -> None:
        details = {"created": created, "source": "cpsv-ap"}
        record(actor=self.actor, action=f"catalog.{kind}.imported", target=instance, details=details)

    def run(self) -> ImportResult:
        for node in sorted(self.graph.subjects(RDF.type, CV.PublicOrganisation), key=str):
            self.organisation(node)
        for node, organisation in self.organisations.items():
            parent = self.r.value(node, ORG.subOrganizationOf)
            if parent is not None and parent not in self.organisations:
                raise self.r.error(node, "its parent organisation is not described in the document")
            save(Organisation, {"pk": organisation.pk}, {"parent": self.organisations.get(parent)})
        services = {
            node: self.service(node) for node in sorted(self.graph.subjects(RDF.type, CPSV.PublicService), key=str)
        }
        for node, service in services.items():
            self.links(node, service, services)
        self.result.services = len(services)
        return self.result

    # --- what services reference ---------------------------------------------------------------------
    def organisation(self, node) -> None:
        r = self.r
        contact = r.value(node, CV.contactPoint)
        org_type = r.code(node, ORG.classification)
        values = {
            **r.texts(node, SKOS.prefLabel, "name", required=True),
            **r.texts(node, SKOS.altLabel, "short_name"),
            **r.texts(node, DCT.description, "description"),
            **r.texts(r.value(node, LOCN.address), LOCN.fullAddress, "address"),
            "org_type": org_type if org_type in OrganisationType.values else OrganisationType.OTHER,
            "code": r.plain(r.value(node, ADMS.identifier), SKOS.notation),
            "website": r.plain(node, FOAF.homepage),
            "email": r.plain(contact, CV.email),
            "phone": r.plain(contact, CV.telephone),
        }
        organisation, created = save(Organisation, {"slug": r.key(node)}, values)
        self.audit(organisation, "organisation", created)
        self.organisations[node] = organisation
        self.result.organisations += 1

    def sector(self, node) -> Sector:
        if node not in self.sectors:
            audience = self.r.code(node, DCT.audience)
            values = {
                **self.r.texts(node, SKOS.prefLabel, "name", required=True),
                **self.r.texts(node, SKOS.definition, "description"),
                "audience": audience if audience in Audience.values else Audience.CITIZENS,
            }
            self.sectors[node], created = save(Sector, {"slug": self.r.key(node, SKOS.notation)}, values)
            self.audit(self.sectors[node], "sector", created)
            self.result.sectors += 1
        return self.sectors[node]

    def event(self, node) -> LifeEvent:
        if node not in self.events:
            values = {
                **self.r.texts(node, DCT.title, "name", required=True),
                **self.r.texts(node, DCT.description, "description"),
                "kind": EventKind.BUSINESS if (node, RDF.type, CV.BusinessEvent) in self.graph else EventKind.LIFE,
            }
            self.events[node], created = save(LifeEvent, {"slug": self.r.key(node)}, values)
            self.audit(self.events[node], "life_event", created)
            self.result.life_events += 1
        return self.events[node]

    def centre(self, node) -> ServiceCentre:
        if node not in self.centres:
            owner = self.r.value(node, CV.ownedBy)
            if owner not in self.organisations:
                raise self.r.error(node, "the centre's organisation (cv:ownedBy) is not described in the document")
            fields, hours, special_days = read_centre(self.r, node)
            centre, created = save(
                ServiceCentre, {"slug": self.r.key(node)}, {**fields, "organisation": self.organisations[owner]}
            )
            centre.opening_hours.all().delete()
            centre.special_days.all().delete()
            create_all(OpeningHours, "centre", [{"centre": centre, **row} for row in hours])
            create_all(SpecialDay, "centre", [{"centre": centre, **row} for row in special_days])
            self.audit(centre, "centre", created)
            self.centres[node] = centre
            self.result.centres += 1
        return self.centres[node]

    # --- services -------------------------------------------------------------------------------------
    def service(self, node) -> PublicService:
        r = self.r
        identifier = r.key(node)
        authority = r.value(node, CV.hasCompetentAuthority)
        if authority not in self.organisations:
            raise r.error(node, "its competent authority is not described in the document")
        audiences = r.codes(node, DCT.audience)
        sector = r.value(node, CV.sector)
        existing = PublicService.objects.filter(identifier=identifier).first()
        slug = r.slug_from_pages(node, "catalog:service-detail") or (existing.slug if existing else None)
        values = {
            **r.texts(node, DCT.title, "title", required=True),
            **r.texts(node, DCT.description, "description", required=True),
            **self.summary(node),
            **self.keywords(node),
            **r.texts(r.value(node, CV.holdsRequirement), DCT.description, "eligibility"),
            **r.texts(r.value(node, CPSV.produces), DCT.description, "output"),
            **self.cost(r.value(node, CV.hasCost)),
            "slug": slug or slugify(identifier),
            "sector": self.sector(sector) if sector is not None else None,
            "competent_authority": self.organisations[authority],
            "for_citizens": Audience.CITIZENS in audiences or not audiences,
            "for_businesses": Audience.BUSINESSES in audiences,
            "processing_days": self.processing_days(node),
            "status": PublicationStatus.PUBLISHED,
            "published_at": self.published_at(r.value(node, DCT.issued), existing),
        }
        service, created = save(PublicService, {"identifier": identifier}, values)
        self.children(node, service)
        self.audit(service, "service", created)
        return service

    def summary(self, node) -> dict:
        summary = self.r.texts(node, DCT.abstract, "summary")
        if not any(summary.values()):  # CPSV-AP has no summary: other publishers' documents lack one
            described = self.r.texts(node, DCT.description, "summary")
            summary = {key: value[:300] if value else value for key, value in described.items()}
        return summary

    def keywords(self, node) -> dict:
        words: dict[str, set[str]] = {code: set() for code in self.r.languages}
        for value in self.r.objects(node, DCAT.keyword):
            code = value.language if value.language in words else self.r.languages[0]
            words[code].add(str(value).replace(",", " ").strip())
        return {f"keywords_{code}": ", ".join(sorted(found)) or None for code, found in words.items()}

    def cost(self, cost) -> dict:
        """cv:hasValue is read as a decimal from its lexical form, never through a float."""
        r, value, amount = self.r, self.r.value(cost, CV.hasValue), None
        if value is not None:
            try:
                minor = Decimal(str(value)) * 100
            except InvalidOperation as error:
                raise r.error(cost, f"the cost {value!s} is not a number") from error
            if minor < 0 or minor != minor.to_integral_value():
                raise r.error(cost, f"the cost {value!s} is not a whole number of kopiyky")
            amount = int(minor)
        kind = r.code(cost, DCT.type)
        if kind not in CostKind.values:
            kind = CostKind.VARIABLE if amount is None else CostKind.FIXED if amount else CostKind.FREE
        return {
            **r.texts(cost, DCT.description, "cost_note"),
            "cost_kind": kind,
            "cost_amount": amount if kind == CostKind.FIXED else None,
            "cost_currency": r.code(cost, CV.currency) or "UAH",
        }

    def processing_days(self, node) -> int | None:
        value = self.r.value(node, CV.processingTime)
        match = _DAYS.match(str(value)) if value is not None else None
        if value is not None and not match:
            self.result.warnings.append(f"<{node}>: processing time {value} is not in days; left empty")
        return int(match.group(1)) * (7 if match.group(2) == "W" else 1) if match else None

    def published_at(self, issued, existing: PublicService | None) -> datetime.datetime | None:
        """dct:issued; without it the date stays as it was (a document is not a publication here)."""
        moment = issued.toPython() if isinstance(issued, Literal) else None
        if isinstance(moment, datetime.datetime):
            return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
        return existing.published_at if existing else None

    def children(self, node, service: PublicService) -> None:
        r = self.r
        for relation in ("legal_resources", "evidence", "channels", "contact_points"):
            getattr(service, relation).all().delete()
        laws = [
            {"position": position, "url": r.plain(law, FOAF.page), **r.texts(law, DCT.title, "title", required=True)}
            for position, law in enumerate(r.ordered(node, CV.hasLegalResource), start=1)
        ]
        evidence = [
            {
                "position": position,
                **r.texts(item, DCT.title, "name", required=True),
                **r.texts(item, DCT.description, "description"),
            }
            for position, item in enumerate(r.ordered(node, CPSV.hasInput), start=1)
        ]
        channels = [
            {
                "kind": r.code(channel, DCT.type),
                "url": r.plain(channel, FOAF.page),
                "phone": r.plain(channel, CV.telephone),
                **r.texts(channel, DCT.description, "instructions", required=True),
            }
            for channel in r.ordered(node, CV.hasChannel)
            if not is_centre(r, channel)
        ]
        contacts = [
            {
                "email": r.plain(contact, CV.email),
                "phone": r.plain(contact, CV.telephone),
                "url": r.plain(contact, CV.contactPage),
                **r.texts(contact, DCT.title, "name", required=True),
                **r.texts(r.value(contact, CV.openingHours), DCT.description, "opening_hours"),
            }
            for contact in r.ordered(node, CV.contactPoint)
        ]
        for model, rows in ((LegalResource, laws), (Evidence, evidence), (Channel, channels), (ContactPoint, contacts)):
            create_all(model, "service", [{"service": service, **row} for row in rows])

    def links(self, node, service: PublicService, services: dict) -> None:
        r = self.r
        related = []
        for target in {*r.objects(node, CV.relatedService), *r.objects(node, DCT.relation)}:
            if target in services:
                related.append(services[target])
                continue
            identifier = r.plain(target, DCT.identifier) or r.uris.service_identifier(target)
            other = PublicService.objects.filter(identifier=identifier).first() if identifier else None
            if other is not None:
                related.append(other)
        # Links to unpublished services never reach a document, so a document does not remove them.
        kept = service.related_services.exclude(status=PublicationStatus.PUBLISHED)
        service.related_services.set([*related, *kept])
        service.life_events.set([self.event(event) for event in r.objects(node, CV.isGroupedBy)])
        channels = r.objects(node, CV.hasChannel)
        service.centres.set([self.centre(channel) for channel in channels if is_centre(r, channel)])
