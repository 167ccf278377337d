import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnly(Exception):
    """Something tried to change or remove a row of the audit trail."""


class AppendOnlyQuerySet(models.QuerySet):
    """No bulk change or removal through the ORM (the database's triggers refuse them too)."""

    def update(self, **kwargs):
        raise AppendOnly(f"{self.model.__name__} rows are never changed")

    def delete(self):
        raise AppendOnly(f"{self.model.__name__} rows are never removed")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnly(f"{self.model.__name__} rows are never changed")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly(f"{type(self).__name__} rows are never changed")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly(f"{type(self).__name__} rows are never removed")


class AuditRecord(AppendOnlyModel):
    """One change of state that matters: who, what, when, from where and why. Append-only, hash-chained.

    `sequence` numbers the records without gaps; `record_hash` is SHA-256 over every field and `previous_hash`,
    the hash of the record before (see `chain.py` for the exact serialisation). Written by `services.record()`
    only, under the lock of the chain head."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sequence = models.BigIntegerField(_("number in the chain"), unique=True)
    occurred_at = models.DateTimeField(_("when"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("what"), max_length=100, db_index=True)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64, db_index=True)
    source_ip = models.GenericIPAddressField(_("from where"), null=True, blank=True)
    reason = models.TextField(_("why"), blank=True)
    # The mandate under which the actor acted for someone else (a business, a child), if they did.
    on_behalf_of = models.CharField(_("on behalf of"), max_length=64, blank=True, db_index=True)
    details = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    record_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ["-occurred_at", "-sequence"]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"

    def hash_fields(self) -> dict:
        """The values `chain.record_hash` is computed over."""
        return {
            "sequence": self.sequence,
            "id": self.id,
            "occurred_at": self.occurred_at,
            "actor": self.actor_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "source_ip": self.source_ip,
            "reason": self.reason,
            "on_behalf_of": self.on_behalf_of,
            "details": self.details,
            "previous_hash": self.previous_hash,
        }


class ChainHead(models.Model):
    """The one row every append locks: the last sequence and its hash. Two transactions appending at once
    queue on it, so the chain never forks and the sequence has no gaps (a rolled-back append rolls this back)."""

    ONLY = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=ONLY)
    sequence = models.BigIntegerField(default=0)
    record_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain head")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_chain_head_is_one_row")]

    def __str__(self) -> str:
        return f"{self.sequence} {self.record_hash[:12]}"


class DaySeal(AppendOnlyModel):
    """The published Merkle root over a range of the chain: one Kyiv calendar day, or the part of it that had
    passed when it was sealed on demand (`complete` false).

    A day's complete seal covers the sequences after the previous day's complete seal up to the last record
    written before the day ended; a partial seal covers a prefix of the same range, so sealing "today so far"
    never stands in the way of the full day's seal. `head_hash` is the record hash at `last_sequence` (for an
    empty range, the one before it): the chain head when the range ended."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    day = models.DateField(_("day"), db_index=True)
    complete = models.BooleanField(_("whole day"))
    first_sequence = models.BigIntegerField()
    last_sequence = models.BigIntegerField()
    record_count = models.BigIntegerField(_("records"))
    merkle_root = models.CharField(_("Merkle root"), max_length=64)
    head_hash = models.CharField(_("chain head"), max_length=64)
    computed_at = models.DateTimeField(_("sealed at"))

    class Meta:
        verbose_name = _("audit seal")
        verbose_name_plural = _("audit seals")
        ordering = ["-day", "-last_sequence"]
        constraints = [
            models.UniqueConstraint(fields=["day"], condition=models.Q(complete=True), name="audit_one_day_seal"),
            models.UniqueConstraint(fields=["day", "last_sequence", "complete"], name="audit_one_seal_per_range"),
            models.CheckConstraint(
                condition=models.Q(record_count=models.F("last_sequence") - models.F("first_sequence") + 1),
                name="audit_seal_count_is_its_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.first_sequence}-{self.last_sequence} {self.merkle_root[:12]}"


class TrailCheck(models.Model):
    """The outcome of one scheduled check of the whole trail (`verification.trail_check`), shown on the
    transparency page: evidence that somebody looks, and the first place the chain broke if it did."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    checked_at = models.DateTimeField(_("checked at"), db_index=True)
    records = models.BigIntegerField(_("records"))
    last_sequence = models.BigIntegerField()
    intact = models.BooleanField(_("intact"))
    broken_sequence = models.BigIntegerField(null=True, blank=True)
    problem = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("check of the audit trail")
        verbose_name_plural = _("checks of the audit trail")
        ordering = ["-checked_at"]

    def __str__(self) -> str:
        return f"{self.checked_at:%Y-%m-%d %H:%M} {'intact' if self.intact else f'broken at {self.broken_sequence}'}"
