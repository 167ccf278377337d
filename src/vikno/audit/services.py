"""`record()` is the only way into the audit trail. Call it inside the transaction that makes the change.

The target is a model instance, or, for events with no row of their own (a refused sign-in), a type and id.
"""

from typing import Any

from django.db import models

from vikno.audit.models import AuditRecord
from vikno.core import clock


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
    return AuditRecord.objects.create(
        occurred_at=clock.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=target._meta.label_lower if target is not None else target_type,
        object_id=str(target.pk) if target is not None else target_id,
        source_ip=source_ip,
        reason=reason,
        details=details or {},
        on_behalf_of=on_behalf_of,
    )
