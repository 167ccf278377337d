"""Checking the whole trail: every record's place, link and hash, the chain head, and every seal's root.

One pass in sequence order, in chunks (memory does not grow with the trail). The first break is reported with
the record where it shows (its sequence and id; no id when the record is missing) and what is wrong with it.
Records appended while the check runs are left for the next one: the check reads the chain head first and
covers the chain up to it.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Subquery

from vikno.audit import chain
from vikno.audit.models import AuditRecord, ChainHead, DaySeal, TrailCheck
from vikno.core import clock

logger = logging.getLogger(__name__)

CHUNK = 5000
COLUMNS = (
    "sequence",
    "id",
    "occurred_at",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "source_ip",
    "reason",
    "on_behalf_of",
    "details",
    "previous_hash",
    "record_hash",
)


@dataclass(frozen=True)
class Break:
    sequence: int
    record_id: str | None  # None: no record to name (it is missing, or the problem is a seal's)
    problem: str

    def __str__(self) -> str:
        where = f" (record {self.record_id})" if self.record_id else ""
        return f"sequence {self.sequence}{where}: {self.problem}"


@dataclass
class Verification:
    records: int = 0
    last_sequence: int = 0
    head_hash: str = chain.GENESIS_HASH
    seals: int = 0
    complete_days: int = 0
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    broken: Break | None = None
    problems: list[Break] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return self.broken is None


def _seal_name(seal: DaySeal) -> str:
    kind = "seal" if seal.complete else "partial seal"
    return f"the {kind} of {seal.day.isoformat()} (sequences {seal.first_sequence}-{seal.last_sequence})"


def _structure(seals: list[DaySeal]) -> list[Break]:
    """Complete seals cover the chain from 1 on, day after day, with neither gap nor overlap; a partial seal
    starts where its day's range starts."""
    found = []
    expected_first = 1
    starts: dict[dt.date, int] = {}
    previous_day = None
    for seal in sorted((s for s in seals if s.complete), key=lambda s: s.day):
        if previous_day is not None and seal.day != previous_day + dt.timedelta(days=1):
            found.append(Break(seal.first_sequence, None, f"{_seal_name(seal)} does not follow the day before"))
        if seal.first_sequence != expected_first:
            found.append(
                Break(
                    min(seal.first_sequence, expected_first),
                    None,
                    f"{_seal_name(seal)} should start at sequence {expected_first}",
                )
            )
        starts[seal.day] = seal.first_sequence
        expected_first = seal.last_sequence + 1
        previous_day = seal.day
    for seal in seals:
        if not seal.complete and seal.day in starts and seal.first_sequence != starts[seal.day]:
            found.append(Break(seal.first_sequence, None, f"{_seal_name(seal)} does not start where its day starts"))
    return found


def trail_verify(*, chunk_size: int = CHUNK) -> Verification:
    # Seals first, then the head: every seal read then covers records at or below the head read after it.
    seals = list(DaySeal.objects.order_by("first_sequence", "last_sequence", "day"))
    head = ChainHead.objects.filter(pk=ChainHead.ONLY).first()
    result = Verification(seals=len(seals), complete_days=sum(s.complete for s in seals))
    complete = [s.day for s in seals if s.complete]
    result.first_day, result.last_day = (min(complete), max(complete)) if complete else (None, None)
    problems = _structure(seals)

    if head is None:
        first = AuditRecord.objects.order_by("sequence").values_list("sequence", "id").first()
        if first is not None:
            problems.append(Break(first[0], str(first[1]), "the chain head is missing"))
        head_sequence, head_hash = 0, chain.GENESIS_HASH
    else:
        head_sequence, head_hash = head.sequence, head.record_hash

    stream_break = _stream(seals, head_sequence, head_hash, chunk_size, result)
    if stream_break is not None:
        problems.append(stream_break)
    else:
        # Past the head, in one statement (one snapshot), so that an append happening now is not taken for one.
        stray = (
            AuditRecord.objects.filter(
                sequence__gt=Subquery(ChainHead.objects.filter(pk=ChainHead.ONLY).values("sequence"))
            )
            .order_by("sequence")
            .values_list("sequence", "id")
            .first()
            if head is not None
            else None
        )
        if stray is not None:
            problems.append(
                Break(stray[0], str(stray[1]), "it lies past the chain head: it was not written by record()")
            )
    result.problems = sorted(problems, key=lambda b: b.sequence)
    result.broken = result.problems[0] if result.problems else None
    return result


def _stream(
    seals: list[DaySeal], head_sequence: int, head_hash: str, chunk_size: int, result: Verification
) -> Break | None:
    expected, previous_hash, last_id = 1, chain.GENESIS_HASH, None
    waiting = sorted(seals, key=lambda s: (s.first_sequence, s.last_sequence))
    position = 0
    open_: list[tuple[DaySeal, chain.MerkleBuilder]] = []

    def close_empty(after: int, hash_then: str) -> Break | None:
        """Seals of a range with no records, which ends at `after`."""
        nonlocal position
        while position < len(waiting) and waiting[position].first_sequence == after + 1:
            seal = waiting[position]
            if seal.last_sequence != after:
                break
            position += 1
            if seal.merkle_root != chain.EMPTY_ROOT or seal.head_hash != hash_then:
                return Break(after + 1, None, f"{_seal_name(seal)} has no records but not the root of none")
        return None

    found = close_empty(0, chain.GENESIS_HASH)
    if found:
        return found
    rows = (
        AuditRecord.objects.filter(sequence__lte=head_sequence)
        .order_by("sequence")
        .values_list(*COLUMNS)
        .iterator(chunk_size=chunk_size)
    )
    for row in rows:
        values = dict(zip(COLUMNS, row, strict=True))
        sequence, record_id = values["sequence"], str(values["id"])
        if sequence < expected:
            return Break(
                sequence, record_id, f"its number is out of place: the chain starts at 1 and goes on at {expected}"
            )
        if sequence != expected:
            missing = f"{expected}" if sequence == expected + 1 else f"{expected}-{sequence - 1}"
            return Break(sequence, record_id, f"sequence {missing} is missing before it")
        stored = values.pop("record_hash")
        values["actor"] = values.pop("actor_id")
        if chain.record_hash(**values) != stored:
            return Break(sequence, record_id, "its contents do not match its hash: it was changed after it was written")
        if values["previous_hash"] != previous_hash:
            return Break(
                sequence,
                record_id,
                f"its previous hash does not match the hash of record {sequence - 1}: the chain is broken here",
            )
        while position < len(waiting) and waiting[position].first_sequence == sequence:
            open_.append((waiting[position], chain.MerkleBuilder()))
            position += 1
        still_open = []
        for seal, builder in open_:
            builder.add(stored)
            if seal.last_sequence != sequence:
                still_open.append((seal, builder))
            elif seal.head_hash != stored:
                return Break(
                    sequence,
                    record_id,
                    f"its hash is not the chain head {_seal_name(seal)} published: the chain was rewritten up to "
                    "here after the day was sealed",
                )
            elif builder.root() != seal.merkle_root:
                return Break(
                    seal.first_sequence,
                    None,
                    f"{_seal_name(seal)}: the Merkle root over these records is not the published one; "
                    "records in this range were changed, added or removed after it was sealed",
                )
        open_ = still_open
        found = close_empty(sequence, stored)
        if found:
            return found
        expected, previous_hash, last_id = sequence + 1, stored, record_id
        result.records += 1
        result.last_sequence, result.head_hash = sequence, stored

    if expected - 1 < head_sequence:
        return Break(
            expected, None, f"records {expected}-{head_sequence} are missing (the chain head is at {head_sequence})"
        )
    if head_sequence and previous_hash != head_hash:
        return Break(head_sequence, last_id, "the chain head's hash is not this record's")
    unclosed = [seal for seal, _ in open_] + waiting[position:]
    if unclosed:
        seal = min(unclosed, key=lambda s: s.last_sequence)
        return Break(
            expected,
            None,
            f"{_seal_name(seal)} covers records up to {seal.last_sequence}, but the chain ends at {expected - 1}",
        )
    return None


def trail_check_due() -> TrailCheck:
    """The latest check if it is recent enough, else a new one."""
    recent = clock.now() - dt.timedelta(seconds=settings.AUDIT_VERIFY_INTERVAL_SECONDS / 2)
    latest = TrailCheck.objects.filter(checked_at__gt=recent).order_by("-checked_at").first()
    return latest if latest is not None else trail_check()


def trail_check() -> TrailCheck:
    """Verify the whole trail and keep the outcome (scheduled daily). A break is logged as CRITICAL for the
    operators' alerting; it names a sequence and what is wrong, never a record's contents."""
    result = trail_verify()
    broken = result.broken
    check = TrailCheck.objects.create(
        checked_at=clock.now(),
        records=result.records,
        last_sequence=result.last_sequence,
        intact=broken is None,
        broken_sequence=broken.sequence if broken else None,
        problem=broken.problem[:300] if broken else "",
    )
    if broken is None:
        logger.info("audit trail intact", extra={"records": result.records, "last_sequence": result.last_sequence})
    else:
        logger.critical(
            "audit trail broken",
            extra={"sequence": broken.sequence, "record": broken.record_id, "problem": broken.problem},
        )
    return check
