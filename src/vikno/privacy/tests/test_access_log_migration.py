"""Looks logged before entries had a public id each get their own (random, distinct), batch by batch; afterwards the
column is required and unique, and new looks get one too."""

import datetime as dt
import importlib

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from vikno.identity.tests.factories import citizen, official
from vikno.privacy.models import DataAccess

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("privacy", "0003_consent_texts")]
AFTER = [("privacy", "0004_dataaccess_public_id")]
MIGRATION = importlib.import_module("vikno.privacy.migrations.0004_dataaccess_public_id")


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_looks_get_distinct_public_ids(monkeypatch):
    monkeypatch.setattr(MIGRATION, "BATCH", 2)  # five rows: three batches
    officer, person = official("officer@vikno.example"), citizen()
    noon = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    try:
        old = migrate(BEFORE).get_model("privacy", "DataAccess")
        assert "public_id" not in {field.name for field in old._meta.fields}
        old.objects.bulk_create(
            old(
                occurred_at=noon + dt.timedelta(minutes=n),
                official_id=officer.pk,
                subject_id=person.pk,
                object_type="identity.user",
                object_id=str(person.pk),
                purpose="supervision",
            )
            for n in range(5)
        )
    finally:
        migrate(AFTER)

    ids = list(DataAccess.objects.order_by("pk").values_list("public_id", flat=True))
    assert len(ids) == 5 and len(set(ids)) == 5
    assert all(public_id is not None and public_id.version == 4 for public_id in ids)
    # Required and unique from now on.
    first = DataAccess.objects.order_by("pk").first()
    assert first is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        DataAccess.objects.filter(pk__gt=first.pk).update(public_id=first.public_id)
    with pytest.raises(IntegrityError), transaction.atomic():
        DataAccess.objects.filter(pk=first.pk).update(public_id=None)
    added = DataAccess.objects.create(
        occurred_at=noon, official=officer, subject=person, object_type="x", object_id="1", purpose="x"
    )
    assert added.public_id not in ids
