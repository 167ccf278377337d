"""Every change of the catalogue's editorial state: check permission, write, audit, enqueue on commit."""

from django.db import transaction
from django.forms.models import model_to_dict

from vikno.audit.services import record
from vikno.catalog.constants import PublicationStatus
from vikno.catalog.exceptions import InvalidTransition, NotPermitted
from vikno.catalog.models import PublicService, ServiceRevision
from vikno.catalog.permissions import can_edit_service, can_publish_service
from vikno.core import clock

# Fields whose change is not editorial content and so never appears in "what changed".
_NOT_CONTENT = {"id", "created_at", "updated_at", "status", "published_at", "last_reviewed_on"}


def service_snapshot(service: PublicService) -> dict:
    """The editorial content of a service as plain JSON: its own fields and its child rows."""
    data = model_to_dict(service, exclude=["related_services", "life_events"])
    data["related_services"] = sorted(str(pk) for pk in service.related_services.values_list("pk", flat=True))
    data["life_events"] = sorted(str(pk) for pk in service.life_events.values_list("pk", flat=True))
    for relation in ("legal_resources", "evidence", "channels", "contact_points"):
        data[relation] = [
            {k: v for k, v in model_to_dict(row).items() if k not in ("id", "service")}
            for row in getattr(service, relation).all()
        ]
    return {
        key: value if isinstance(value, (str, int, bool, list, type(None))) else str(value)
        for key, value in data.items()
    }


def _changed_fields(before: dict, after: dict) -> list[str]:
    return sorted(
        key for key in after.keys() | before.keys() if key not in _NOT_CONTENT and before.get(key) != after.get(key)
    )


def _add_revision(service: PublicService, *, actor, comment: str = "") -> ServiceRevision:
    last = service.revisions.order_by("-number").first()
    snapshot = service_snapshot(service)
    return ServiceRevision.objects.create(
        service=service,
        number=(last.number + 1) if last else 1,
        status=service.status,
        author=actor,
        changed_fields=_changed_fields(last.snapshot if last else {}, snapshot),
        snapshot=snapshot,
        comment=comment,
    )


@transaction.atomic
def service_record_edit(*, service: PublicService, actor, source_ip: str | None = None) -> ServiceRevision:
    """Record a saved edit (made through the editors' admin) as a revision and in the audit trail."""
    if not can_edit_service(actor, service):
        raise NotPermitted()
    revision = _add_revision(service, actor=actor)
    record(
        actor=actor,
        action="catalog.service.edited",
        target=service,
        source_ip=source_ip,
        details={"revision": revision.number, "changed": revision.changed_fields, "status": service.status},
    )
    return revision


def _transition(
    *,
    service: PublicService,
    actor,
    allowed_from: set[str],
    to: str,
    action: str,
    source_ip,
    reason: str = "",
) -> PublicService:
    locked = PublicService.objects.select_for_update().get(pk=service.pk)
    previous = locked.status
    if previous not in allowed_from:
        raise InvalidTransition()
    locked.status = to
    update = ["status", "updated_at"]
    if to == PublicationStatus.PUBLISHED:
        locked.last_reviewed_on = clock.today()
        update.append("last_reviewed_on")
        if locked.published_at is None:
            locked.published_at = clock.now()
            update.append("published_at")
    locked.save(update_fields=update)
    revision = _add_revision(locked, actor=actor, comment=reason)
    record(
        actor=actor,
        action=action,
        target=locked,
        source_ip=source_ip,
        reason=reason,
        details={"from": previous, "to": to, "revision": revision.number},
    )
    return locked


@transaction.atomic
def service_submit_for_review(*, service: PublicService, actor, source_ip: str | None = None) -> PublicService:
    if not can_edit_service(actor, service):
        raise NotPermitted()
    updated = _transition(
        service=service,
        actor=actor,
        allowed_from={PublicationStatus.DRAFT},
        to=PublicationStatus.IN_REVIEW,
        action="catalog.service.submitted_for_review",
        source_ip=source_ip,
    )
    from vikno.catalog.tasks import notify_reviewers

    service_id = str(updated.pk)
    transaction.on_commit(lambda: notify_reviewers.enqueue(service_id=service_id))
    return updated


@transaction.atomic
def service_publish(*, service: PublicService, actor, source_ip: str | None = None) -> PublicService:
    if not can_publish_service(actor, service):
        raise NotPermitted()
    return _transition(
        service=service,
        actor=actor,
        allowed_from={PublicationStatus.IN_REVIEW},
        to=PublicationStatus.PUBLISHED,
        action="catalog.service.published",
        source_ip=source_ip,
    )


@transaction.atomic
def service_return_to_draft(
    *, service: PublicService, actor, reason: str, source_ip: str | None = None
) -> PublicService:
    """Send a service in review back to its editors, or withdraw a published one from the public site."""
    if not can_publish_service(actor, service):
        raise NotPermitted()
    return _transition(
        service=service,
        actor=actor,
        allowed_from={PublicationStatus.IN_REVIEW, PublicationStatus.PUBLISHED},
        to=PublicationStatus.DRAFT,
        action="catalog.service.returned_to_draft",
        source_ip=source_ip,
        reason=reason,
    )


@transaction.atomic
def service_mark_reviewed(*, service: PublicService, actor, source_ip: str | None = None) -> PublicService:
    """Confirm that a published service is still accurate, without changing it."""
    if not can_publish_service(actor, service):
        raise NotPermitted()
    locked = PublicService.objects.select_for_update().get(pk=service.pk)
    if locked.status != PublicationStatus.PUBLISHED:
        raise InvalidTransition()
    locked.last_reviewed_on = clock.today()
    locked.save(update_fields=["last_reviewed_on"])
    record(actor=actor, action="catalog.service.reviewed", target=locked, source_ip=source_ip)
    return locked
