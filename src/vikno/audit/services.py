"""`record()` is the only way into the audit trail. Call it inside the transaction that makes the change.

The target is a model instance, or, for events with no row of their own (a refused sign-in), a type and id.

Each record is appended to the hash chain (see `chain.py`) under the lock of the one chain-head row: a second
transaction appending at the same time waits at that lock until the first commits or rolls back, then reads the
new head. So the sequence has no gaps and the chain never forks; the price is that audited transactions commit
one after another from their `record()` call on (ADR 0010).
"""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

from django.db import models, transaction

from vikno.audit import chain
from vikno.audit.models import AuditRecord, ChainHead
from vikno.core import clock

if TYPE_CHECKING:
    from vikno.audit.selectors import Filters

_IP_FIELD = AuditRecord._meta.get_field("source_ip")


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    source_ip: str | None = None,
    reason: str = "",
    details: dict | None = None,
    on_behalf_of: str = "",
) -> AuditRecord:
    # The values as the database will give them back, so that the hash computed now is the one read later.
    entry = AuditRecord(
        id=uuid.uuid4(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=target._meta.label_lower if target is not None else target_type,
        object_id=str(target.pk) if target is not None else target_id,
        source_ip=_IP_FIELD.get_prep_value(source_ip) or None,
        reason=reason,
        details=json.loads(json.dumps(details or {})),
        on_behalf_of=on_behalf_of,
    )
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        entry.sequence = head.sequence + 1
        entry.previous_hash = head.record_hash
        # Read after the lock: times follow the sequence, so a day's records are one run of it.
        entry.occurred_at = clock.now()
        entry.record_hash = chain.record_hash(**entry.hash_fields())
        entry.save()
        ChainHead.objects.filter(pk=ChainHead.ONLY).update(sequence=entry.sequence, record_hash=entry.record_hash)
    return entry


def _locked_head() -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(pk=ChainHead.ONLY).first()
    if head is not None:
        return head
    # No head row: a new or flushed database. Start it from the last record there is (none: the genesis), and
    # let only one of two transactions doing this at once insert it.
    last = AuditRecord.objects.order_by("-sequence").values_list("sequence", "record_hash").first()
    sequence, record_hash = last or (0, chain.GENESIS_HASH)
    ChainHead.objects.bulk_create(
        [ChainHead(pk=ChainHead.ONLY, sequence=sequence, record_hash=record_hash)], ignore_conflicts=True
    )
    return ChainHead.objects.select_for_update().get(pk=ChainHead.ONLY)


def trail_search_record(
    *, auditor: Any, filters: Filters, shown: int | None, exported: bool, source_ip: str | None = None
) -> AuditRecord:
    """An auditor read the trail (a page of it, or the CSV export): who, with which filters, how much.

    The record is about the person searched for when there is one (so it shows among the records about them),
    else the case, else the organisation. (The look at the person's data goes into their "who looked" log too:
    the back office's view writes that, as the audit app reaches into no other app.)"""
    target: models.Model | None = filters.person or filters.case or filters.organisation
    details: dict[str, Any] = {"filters": filters.described()}
    if shown is not None:
        details["shown"] = shown
    return record(
        actor=auditor,
        action="audit.trail_exported" if exported else "audit.trail_viewed",
        target=target,
        target_type="" if target is not None else "audit.trail",
        target_id="",
        source_ip=source_ip,
        details=details,
    )
