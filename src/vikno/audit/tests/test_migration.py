"""Records written before the hash chain existed are chained by the migration, oldest first (by time, then id),
and the chain head starts after them."""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from vikno.audit import chain
from vikno.audit.models import AuditRecord, ChainHead
from vikno.audit.services import record
from vikno.audit.verification import trail_verify

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("audit", "0003_auditrecord_on_behalf_of")]
AFTER = [("audit", "0006_append_only")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_records_are_chained_by_time_then_id():
    try:
        old = migrate(BEFORE).get_model("audit", "AuditRecord")
        noon = dt.datetime(2026, 1, 5, 12, 0, tzinfo=dt.UTC)
        ids = sorted(uuid.uuid4() for _ in range(3))
        old.objects.create(id=ids[2], occurred_at=noon, action="b", object_type="t", object_id="3", details={"k": 1.0})
        old.objects.create(id=ids[0], occurred_at=noon, action="b", object_type="t", object_id="2", source_ip="::1")
        old.objects.create(
            id=ids[1], occurred_at=noon - dt.timedelta(days=1), action="a", object_type="t", object_id="1"
        )
    finally:
        migrate(AFTER)

    stored = list(AuditRecord.objects.order_by("sequence"))
    assert [(r.sequence, r.object_id) for r in stored] == [(1, "1"), (2, "2"), (3, "3")]
    assert stored[0].previous_hash == chain.GENESIS_HASH
    assert all(chain.record_hash(**r.hash_fields()) == r.record_hash for r in stored)
    assert (ChainHead.objects.get().sequence, ChainHead.objects.get().record_hash) == (3, stored[2].record_hash)
    assert record(actor=None, action="c", target_type="t", target_id="4").sequence == 4
    assert trail_verify().intact
