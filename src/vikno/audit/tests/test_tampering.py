"""An attacker with rights on the database drops the triggers and rewrites the trail; `audit_verify` names the
first broken record each time, and says the trail is intact when it is."""

import datetime as dt
import io
import uuid

import pytest
from django.core.management import call_command
from django.db import connection

from vikno.audit import chain, guards, tasks
from vikno.audit.models import AuditRecord, ChainHead, DaySeal, TrailCheck
from vikno.audit.verification import Break, trail_verify
from vikno.identity.tests.factories import official

pytestmark = pytest.mark.django_db

# Bypassing the model's and the queryset's refusals, as SQL would.
RAW = AuditRecord._base_manager


@pytest.fixture
def attacker(trail):
    """The trail, with the append-only triggers dropped (the test's transaction puts them back)."""
    with connection.cursor() as cursor:
        for statement in guards.remove_sql(connection.vendor):
            cursor.execute(statement)
    return trail


def verify_command() -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit_verify", "--chunk-size=3", stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def rewritten(number: int, /, **changes) -> None:
    RAW.filter(sequence=number).update(**changes)


def rehash_from(sequence: int) -> None:
    """What a careful attacker does next: recompute every hash from there on, and the head."""
    previous = RAW.get(sequence=sequence - 1).record_hash if sequence > 1 else chain.GENESIS_HASH
    for entry in RAW.filter(sequence__gte=sequence).order_by("sequence"):
        entry.previous_hash = previous
        previous = chain.record_hash(**entry.hash_fields())
        RAW.filter(pk=entry.pk).update(previous_hash=entry.previous_hash, record_hash=previous)
    last = RAW.order_by("-sequence").first()
    ChainHead.objects.update(sequence=last.sequence, record_hash=last.record_hash)


REWRITTEN_DAY_ONE = (
    "its hash is not the chain head the seal of 2026-11-20 (sequences 1-5) published: the chain was rewritten up "
    "to here after the day was sealed"
)
CHANGED = "its contents do not match its hash: it was changed after it was written"


def test_an_intact_trail_verifies(trail):
    result = trail_verify(chunk_size=3)
    assert (result.intact, result.records, result.last_sequence, result.seals, result.complete_days) == (
        True,
        10,
        10,
        2,
        2,
    )
    assert result.head_hash == trail.records[10].record_hash
    code, out, err = verify_command()
    assert (code, err) == (0, "")
    assert out == (
        f"Intact: 10 records (sequences 1-10), chain head {trail.records[10].record_hash}; "
        "2 seals checked (2 whole days, days 2026-11-20 to 2026-11-21).\n"
    )


@pytest.mark.parametrize(
    "change",
    [
        {"details": {"n": 3, "day": "2026-11-20", "extra": "forged"}},
        {"reason": "Інша причина"},
        {"occurred_at": dt.datetime(2026, 11, 20, 10, 0, 1, tzinfo=dt.UTC)},
        {"source_ip": "198.51.100.1"},
        {"action": "test.something_else"},
    ],
    ids=lambda change: next(iter(change)),
)
def test_a_changed_field_breaks_the_record(attacker, change):
    rewritten(4, **change)
    assert trail_verify().broken == Break(4, str(attacker.records[4].id), CHANGED)
    code, out, err = verify_command()
    assert (code, out) == (1, "")
    assert err.splitlines()[0] == f"BROKEN at sequence 4 (record {attacker.records[4].id}): {CHANGED}"


def test_another_actor_breaks_the_record(attacker):
    rewritten(3, actor=official("someone-else@vikno.example"))
    assert trail_verify().broken == Break(3, str(attacker.records[3].id), CHANGED)


def test_a_removed_record_leaves_a_gap(attacker):
    RAW.filter(sequence=6).delete()
    assert trail_verify().broken == Break(7, str(attacker.records[7].id), "sequence 6 is missing before it")


def test_a_removed_record_with_the_chain_renumbered_and_rehashed_is_caught_by_the_seal(attacker):
    RAW.filter(sequence=2).delete()
    for sequence in range(3, 11):
        rewritten(sequence, sequence=sequence - 1)
    rehash_from(2)
    assert trail_verify().broken == Break(5, str(attacker.records[6].id), REWRITTEN_DAY_ONE)


def test_two_records_swapped(attacker):
    rewritten(8, sequence=-8)
    rewritten(7, sequence=8)
    rewritten(-8, sequence=7)
    # Record 8 now stands at 7: its hash covered its old number.
    assert trail_verify().broken == Break(7, str(attacker.records[8].id), CHANGED)


def test_a_forged_record_inserted_in_the_middle(attacker):
    for sequence in range(10, 5, -1):
        rewritten(sequence, sequence=sequence + 1)
    forged = AuditRecord(
        id=uuid.uuid4(),
        sequence=6,
        occurred_at=dt.datetime(2026, 11, 21, 6, 30, tzinfo=dt.UTC),
        action="identity.signed_in",
        object_type="identity.user",
        object_id="x",
        details={},
        previous_hash=attacker.records[5].record_hash,
    )
    forged.record_hash = chain.record_hash(**forged.hash_fields())
    RAW.bulk_create([forged])
    # The forged record links up; the one after it no longer does (its number and link changed).
    assert trail_verify().broken == Break(7, str(attacker.records[6].id), CHANGED)


def test_a_forged_record_with_the_whole_chain_rehashed_is_caught_by_the_seal(attacker):
    for sequence in range(10, 3, -1):
        rewritten(sequence, sequence=sequence + 1)
    RAW.bulk_create(
        [
            AuditRecord(
                id=uuid.uuid4(),
                sequence=4,
                occurred_at=dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC),
                action="identity.signed_in",
                object_type="identity.user",
                object_id="x",
                details={},
                previous_hash="",
                record_hash="",
            )
        ]
    )
    rehash_from(4)
    # What stands at 5 now is the old record 4, rehashed.
    assert trail_verify().broken == Break(5, str(attacker.records[4].id), REWRITTEN_DAY_ONE)


def test_a_forged_record_appended_past_the_head(attacker):
    last = attacker.records[10]
    forged = AuditRecord(
        id=uuid.uuid4(),
        sequence=11,
        occurred_at=dt.datetime(2026, 11, 22, 0, 30, tzinfo=dt.UTC),
        action="identity.signed_in",
        object_type="identity.user",
        object_id="x",
        details={},
        previous_hash=last.record_hash,
    )
    forged.record_hash = chain.record_hash(**forged.hash_fields())
    RAW.bulk_create([forged])
    assert trail_verify().broken == Break(
        11, str(forged.id), "it lies past the chain head: it was not written by record()"
    )


def test_the_tail_cut_after_a_seal(attacker):
    RAW.filter(sequence__gte=9).delete()
    assert trail_verify().broken == Break(9, None, "records 9-10 are missing (the chain head is at 10)")


def test_the_tail_cut_after_a_seal_with_the_head_moved_back(attacker):
    RAW.filter(sequence__gte=9).delete()
    ChainHead.objects.update(sequence=8, record_hash=attacker.records[8].record_hash)
    assert trail_verify().broken == Break(
        9,
        None,
        "the seal of 2026-11-21 (sequences 6-10) covers records up to 10, but the chain ends at 8",
    )
    code, _, err = verify_command()
    assert code == 1
    assert err.splitlines()[0] == (
        "BROKEN at sequence 9: the seal of 2026-11-21 (sequences 6-10) covers records up to 10, but the chain ends at 8"
    )


def test_a_rewritten_hash_breaks_the_link_of_the_next_record(attacker):
    entry = attacker.records[5]
    entry.reason = "Переписано"
    rewritten(5, reason=entry.reason, record_hash=chain.record_hash(**entry.hash_fields()))
    # The seal of the day remembers record 5's hash (the day's chain head).
    assert trail_verify().broken == Break(5, str(entry.id), REWRITTEN_DAY_ONE)


def test_a_rewritten_hash_in_the_middle_of_a_day_breaks_the_link_of_the_next_record(attacker):
    entry = attacker.records[3]
    entry.reason = "Переписано"
    rewritten(3, reason=entry.reason, record_hash=chain.record_hash(**entry.hash_fields()))
    assert trail_verify().broken == Break(
        4,
        str(attacker.records[4].id),
        "its previous hash does not match the hash of record 3: the chain is broken here",
    )


def test_only_the_first_break_is_named_and_the_others_counted(attacker):
    rewritten(2, reason="x")
    rewritten(9, reason="y")
    RAW.filter(sequence=10).delete()
    result = trail_verify()
    assert result.broken == Break(2, str(attacker.records[2].id), CHANGED)
    assert result.records == 1


def test_a_published_root_changed_in_the_database(attacker):
    DaySeal._base_manager.filter(day=dt.date(2026, 11, 20)).update(merkle_root="0" * 64)
    assert trail_verify().broken == Break(
        1,
        None,
        "the seal of 2026-11-20 (sequences 1-5): the Merkle root over these records is not the published one; "
        "records in this range were changed, added or removed after it was sealed",
    )


def test_a_seal_removed_from_the_database(attacker):
    DaySeal._base_manager.filter(day=dt.date(2026, 11, 20)).delete()
    assert trail_verify().broken == Break(1, None, "the seal of 2026-11-21 (sequences 6-10) should start at sequence 1")


def test_a_record_numbered_before_the_start(attacker):
    rewritten(1, sequence=0)
    assert trail_verify().broken == Break(
        0, str(attacker.records[1].id), "its number is out of place: the chain starts at 1 and goes on at 1"
    )


def test_the_daily_check_keeps_the_outcome_and_the_transparency_page_shows_it(trail, at, client, caplog):
    at(dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC))
    assert tasks.verify_trail.call() is True
    check = TrailCheck.objects.get()
    assert (check.records, check.last_sequence, check.intact, check.broken_sequence, check.problem) == (
        10,
        10,
        True,
        None,
        "",
    )
    assert [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "vikno.audit.verification"] == [
        ("INFO", "audit trail intact")
    ]
    page = client.get("/transparency/").content.decode()
    assert "Остання перевірка 22 листопада 2026, 05:00 (за київським часом) показала, що всі 10 записів цілі." in page
    # Another worker starting an hour later: the morning's check stands; the next day's is made anew.
    at(dt.datetime(2026, 11, 22, 4, 0, tzinfo=dt.UTC))
    assert tasks.verify_trail.call() is True and TrailCheck.objects.count() == 1
    at(dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC))
    assert tasks.verify_trail.call() is True and TrailCheck.objects.count() == 2


def test_the_daily_check_of_a_rewritten_trail_alerts_the_operators_and_says_so_publicly(attacker, at, client, caplog):
    rewritten(4, action="identity.nothing_happened")
    at(dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC))
    assert tasks.verify_trail.call() is False
    check = TrailCheck.objects.get()
    assert (check.intact, check.broken_sequence, check.problem) == (False, 4, CHANGED)
    alerts = [r for r in caplog.records if r.name == "vikno.audit.verification"]
    assert [(r.levelname, r.getMessage(), r.sequence, r.problem) for r in alerts] == [
        ("CRITICAL", "audit trail broken", 4, CHANGED)
    ]
    page = client.get("/transparency/").content.decode()
    assert '<strong class="govuk-tag govuk-tag--red">Порушено</strong>' in page
    assert "ланцюг порушено на записі № 4" in page
