"""Daily seals: the Merkle root over each Kyiv calendar day's records, published on the transparency page.

Seals cover ranges of the chain. A day's complete seal starts right after the previous day's complete seal and
ends at the last record written before the day ended (so the complete seals of consecutive days cover the whole
chain, without gaps or overlaps, whatever the clocks did). Sealing a day that has not ended yet (on demand)
writes a partial seal over the records so far; the complete seal comes later all the same, and its range
starts with the partial one's.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Max

from vikno.audit import chain
from vikno.audit.models import AuditRecord, DaySeal
from vikno.core import clock

SEAL_ZONE = ZoneInfo("Europe/Kyiv")
CHUNK = 5000


class SealRefused(Exception):
    pass


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=SEAL_ZONE)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=SEAL_ZONE)
    return start, end


def seal_today() -> dt.date:
    return clock.now().astimezone(SEAL_ZONE).date()


def first_day() -> dt.date | None:
    """The day of the chain's first record (nothing is sealed before it)."""
    first = AuditRecord.objects.order_by("sequence").values_list("occurred_at", flat=True).first()
    return None if first is None else first.astimezone(SEAL_ZONE).date()


def _last_complete() -> DaySeal | None:
    return DaySeal.objects.filter(complete=True).order_by("-day").first()


def _hash_at(sequence: int) -> str:
    if sequence == 0:
        return chain.GENESIS_HASH
    return AuditRecord.objects.values_list("record_hash", flat=True).get(sequence=sequence)


def range_root(first_sequence: int, last_sequence: int) -> tuple[str, int]:
    """The Merkle root over the stored record hashes of a range, and how many records it has."""
    builder = chain.MerkleBuilder()
    hashes = (
        AuditRecord.objects.filter(sequence__gte=first_sequence, sequence__lte=last_sequence)
        .order_by("sequence")
        .values_list("record_hash", flat=True)
    )
    for record_hash in hashes.iterator(chunk_size=CHUNK):
        builder.add(record_hash)
    return builder.root(), builder.count


def _seal(*, day: dt.date, complete: bool, first_sequence: int, until: dt.datetime | None) -> tuple[DaySeal, bool]:
    """The seal of the range from `first_sequence` to the last record written before `until` (None: to the last
    record there is); whether it is new."""
    found = AuditRecord.objects.filter(sequence__gte=first_sequence)
    if until is not None:
        found = found.filter(occurred_at__lt=until)
    last_sequence = found.aggregate(last=Max("sequence"))["last"] or first_sequence - 1
    root, count = range_root(first_sequence, last_sequence)
    if count != last_sequence - first_sequence + 1:
        # A gap in the chain: `audit_verify` says where. Publishing a root over it would hide it.
        raise SealRefused(f"sequences {first_sequence}-{last_sequence} have {count} records; run audit_verify")
    existing = DaySeal.objects.filter(day=day, complete=complete, last_sequence=last_sequence).first()
    if existing is not None:
        return existing, False
    seal = DaySeal(
        day=day,
        complete=complete,
        first_sequence=first_sequence,
        last_sequence=last_sequence,
        record_count=count,
        merkle_root=root,
        head_hash=_hash_at(last_sequence),
        computed_at=clock.now(),
    )
    try:
        with transaction.atomic():
            seal.save()
    except IntegrityError:
        # Another worker sealed the same day (or range) a moment ago: that seal stands.
        same = DaySeal.objects.filter(day=day, complete=complete)
        return (same if complete else same.filter(last_sequence=last_sequence)).get(), False
    return seal, True


def days_seal(*, until: dt.date | None = None) -> list[DaySeal]:
    """Seal every finished day not sealed yet, in order, up to `until` (default: yesterday). When `until` is
    today, today's records so far get a partial seal too. Returns the seals written."""
    today = seal_today()
    until = today - dt.timedelta(days=1) if until is None else until
    if until > today:
        raise SealRefused(f"{until} has not begun yet")
    written: list[DaySeal] = []
    previous = _last_complete()
    day = previous.day + dt.timedelta(days=1) if previous else first_day()
    if day is None:
        return written  # an empty trail
    next_sequence = previous.last_sequence + 1 if previous else 1
    while day <= min(until, today - dt.timedelta(days=1)):
        seal, new = _seal(day=day, complete=True, first_sequence=next_sequence, until=day_bounds(day)[1])
        if new:
            written.append(seal)
        next_sequence = seal.last_sequence + 1
        day += dt.timedelta(days=1)
    if until == today and day == today:
        seal, new = _seal(day=today, complete=False, first_sequence=next_sequence, until=None)
        if new:
            written.append(seal)
    return written


def seals_published():
    """Every seal, newest first (the public list)."""
    return DaySeal.objects.order_by("-day", "-complete", "-last_sequence")


def seal_for_leaves(day: dt.date) -> DaySeal | None:
    """The seal whose leaves the day's download lists: the complete one, else the latest partial one."""
    return DaySeal.objects.filter(day=day).order_by("-complete", "-last_sequence").first()


def leaves(seal: DaySeal):
    """The record hashes of a seal's range, in order (the leaves of its tree, before the leaf prefix)."""
    return (
        AuditRecord.objects.filter(sequence__gte=seal.first_sequence, sequence__lte=seal.last_sequence)
        .order_by("sequence")
        .values_list("record_hash", flat=True)
        .iterator(chunk_size=CHUNK)
    )
