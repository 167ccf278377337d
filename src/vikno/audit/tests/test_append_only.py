"""record() appends to one chain; nothing changes or removes a record: not the model, not the ORM, not SQL."""

import inspect

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from vikno.audit import chain, guards, services
from vikno.audit.models import AppendOnly, AuditRecord, ChainHead, DaySeal
from vikno.audit.services import record
from vikno.audit.verification import trail_verify
from vikno.identity.tests.factories import official

pytestmark = pytest.mark.django_db


def test_records_are_numbered_linked_and_hashed_over_what_the_database_gives_back():
    clerk = official("clerk@vikno.example")
    first = record(actor=clerk, action="test.one", target=clerk, source_ip="2001:DB8::1", details={"x": (1, 2.0)})
    second = record(actor=None, action="test.two", target_type="test.thing", target_id="7", source_ip="")

    stored = list(AuditRecord.objects.order_by("sequence"))
    assert [r.sequence for r in stored] == [1, 2]
    assert stored[0].previous_hash == chain.GENESIS_HASH
    assert stored[1].previous_hash == stored[0].record_hash == first.record_hash
    for entry in stored:
        assert chain.record_hash(**entry.hash_fields()) == entry.record_hash
    assert (stored[0].details, stored[0].object_type, stored[0].object_id) == (
        {"x": [1, 2]},
        "identity.user",
        str(clerk.pk),
    )
    assert (stored[1].actor, stored[1].source_ip) == (None, None)
    head = ChainHead.objects.get()
    assert (head.sequence, head.record_hash) == (2, second.record_hash)


def test_the_signature_of_record_is_unchanged():
    assert str(inspect.signature(services.record)) == (
        "(*, actor: 'Any', action: 'str', target: 'models.Model | None' = None, target_type: 'str' = '', "
        "target_id: 'str' = '', source_ip: 'str | None' = None, reason: 'str' = '', details: 'dict | None' = None, "
        "on_behalf_of: 'str' = '') -> 'AuditRecord'"
    )


def test_a_rolled_back_change_takes_its_record_and_its_number_with_it():
    record(actor=None, action="test.kept", target_type="test.thing", target_id="1")
    with pytest.raises(RuntimeError), transaction.atomic():
        record(actor=None, action="test.undone", target_type="test.thing", target_id="2")
        raise RuntimeError("the change failed")
    record(actor=None, action="test.kept", target_type="test.thing", target_id="3")

    assert list(AuditRecord.objects.order_by("sequence").values_list("sequence", "object_id")) == [(1, "1"), (2, "3")]
    assert trail_verify().intact


def test_a_missing_head_row_starts_again_from_the_last_record():
    record(actor=None, action="test.one", target_type="test.thing", target_id="1")
    ChainHead.objects.all().delete()
    entry = record(actor=None, action="test.two", target_type="test.thing", target_id="2")
    assert entry.sequence == 2
    assert trail_verify().intact


def test_the_model_and_the_orm_refuse_to_change_or_remove_records_and_seals(trail):
    entry = trail.records[1]
    entry.reason = "rewritten"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AuditRecord.objects.filter(sequence=1).update(reason="rewritten")
    with pytest.raises(AppendOnly):
        AuditRecord.objects.filter(sequence=1).delete()
    with pytest.raises(AppendOnly):
        AuditRecord.objects.bulk_update([entry], ["reason"])
    with pytest.raises(AppendOnly):
        DaySeal.objects.all().delete()
    assert AuditRecord.objects.get(sequence=1).reason == ""
    assert trail_verify().intact


def _emptying(table: str) -> str:
    return f"TRUNCATE {table}" if connection.vendor == "postgresql" else f"DELETE FROM {table}"  # noqa: S608


@pytest.mark.parametrize("table", guards.TABLES)
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE {table} SET id = id",
        "DELETE FROM {table}",
        "DELETE FROM {table} WHERE {where}",
        "emptying",
    ],
)
def test_the_database_refuses_update_delete_and_truncate(trail, table, statement):
    where = "sequence = 10" if table == "audit_auditrecord" else "complete"
    sql = _emptying(table) if statement == "emptying" else statement.format(table=table, where=where)
    refused = pytest.raises(DatabaseError, match="the audit trail is append-only")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The test's own inserts left foreign-key checks pending, which TRUNCATE would trip on first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(sql)
    assert AuditRecord.objects.count() == 10
    assert DaySeal.objects.count() == 2
    assert trail_verify().intact


def test_inserting_stays_possible_and_the_triggers_are_there_after_all_migrations(trail):
    record(actor=None, action="test.more", target_type="test.thing", target_id="x")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid IN ('audit_auditrecord'::regclass, "
                "'audit_dayseal'::regclass) AND NOT tgisinternal ORDER BY tgname"
            )
            expected = [f"{t}_{kind}" for t in guards.TABLES for kind in ("append_only", "no_truncate")]
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'audit_%' ORDER BY name"
            )
            expected = [f"{t}_{kind}" for t in guards.TABLES for kind in ("no_delete", "no_update")]
        assert [row[0] for row in cursor.fetchall()] == sorted(expected)


@pytest.mark.django_db(transaction=True)
def test_only_a_flush_of_the_whole_database_empties_the_trail_and_the_chain_starts_again():
    record(actor=None, action="test.before", target_type="test.thing", target_id="1")
    record(actor=None, action="test.before", target_type="test.thing", target_id="2")
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute(_emptying("audit_auditrecord"))

    call_command("flush", interactive=False, verbosity=0)

    assert not AuditRecord.objects.exists() and not ChainHead.objects.exists()
    assert record(actor=None, action="test.after", target_type="test.thing", target_id="3").sequence == 1
    assert trail_verify().intact
    # Maintenance ended with the flush.
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute(_emptying("audit_auditrecord"))
    assert AuditRecord.objects.count() == 1


def test_other_tests_mark_the_trail_and_read_after_the_mark():
    from vikno.audit.tests.helpers import records_after, trail_mark

    assert trail_mark() == 0
    record(actor=None, action="test.before", target_type="test.thing", target_id="1")
    mark = trail_mark()
    record(actor=None, action="test.after", target_type="test.thing", target_id="2")
    assert (mark, list(records_after(mark).values_list("action", flat=True))) == (1, ["test.after"])
