"""Service definitions as files: import (a new version, checked), publish, export."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from vikno.applications.constants import DefinitionStatus
from vikno.applications.definition import DefinitionError, load
from vikno.applications.models import ServiceDefinition
from vikno.audit.services import record
from vikno.catalog.models import PublicService
from vikno.core import clock

FORMAT = "vikno.service-definition/1"
PARTS = ("form", "documents", "workflow", "results", "fee")
OPTIONAL = {"documents": list, "fee": dict}  # parts a file may leave out


def definition_export(stored: ServiceDefinition) -> dict:
    parts = {part: getattr(stored, part) for part in PARTS if part != "fee" or stored.fee}  # free: no "fee"
    return {"format": FORMAT, "service": stored.service.identifier, **parts}


def same_content(stored: ServiceDefinition, data: dict) -> bool:
    return all(getattr(stored, part) == data.get(part, OPTIONAL.get(part, dict)()) for part in PARTS)


def next_version(service: PublicService) -> int:
    """The number of the service's next definition version; call it inside the transaction that saves it."""
    PublicService.objects.select_for_update().filter(pk=service.pk).first()  # versions are numbered one at a time
    latest = ServiceDefinition.objects.filter(service=service).aggregate(n=Max("version"))["n"]
    return (latest or 0) + 1


@transaction.atomic
def definition_import(*, data: dict, actor=None, publish: bool = False) -> ServiceDefinition:
    """A new draft version from a file's contents (published at once when asked); DefinitionError when wrong."""
    if data.get("format") != FORMAT:
        raise DefinitionError([f"format: expected '{FORMAT}'"])
    service = PublicService.objects.filter(identifier=data.get("service", "")).first()
    if service is None:
        raise DefinitionError([f"service: no catalogue service with the identifier '{data.get('service')}'"])
    load(**{part: data.get(part) for part in PARTS})
    stored = ServiceDefinition.objects.create(
        service=service,
        version=next_version(service),
        form=data["form"],
        documents=data.get("documents", []),
        workflow=data["workflow"],
        results=data["results"],
        fee=data.get("fee") or {},
    )
    record(actor=actor, action="applications.definition_imported", target=stored, details={"version": stored.version})
    if publish:
        definition_publish(definition=stored, actor=actor)
    return stored


@transaction.atomic
def definition_publish(*, definition: ServiceDefinition, actor=None) -> ServiceDefinition:
    """Publish a draft version; the version published before it is retired (its applications keep it)."""
    if definition.status != DefinitionStatus.DRAFT:
        raise DefinitionError(["only a draft version can be published"])
    load(**definition.parts)
    ServiceDefinition.objects.filter(service=definition.service, status=DefinitionStatus.PUBLISHED).update(
        status=DefinitionStatus.RETIRED
    )
    definition.status = DefinitionStatus.PUBLISHED
    definition.published_at = clock.now()
    definition.save(update_fields=["status", "published_at", "updated_at"])
    record(actor=actor, action="applications.definition_published", target=definition)
    return definition
