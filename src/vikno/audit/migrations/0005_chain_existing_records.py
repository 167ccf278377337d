"""Chain the records written before the hash chain, oldest first (by time, then id), and start the head there."""

from django.db import migrations

from vikno.audit import chain

BATCH = 2000


def chain_existing(apps, schema_editor):
    AuditRecord = apps.get_model("audit", "AuditRecord")
    ChainHead = apps.get_model("audit", "ChainHead")
    sequence, previous_hash = 0, chain.GENESIS_HASH
    batch = []
    for record in AuditRecord.objects.order_by("occurred_at", "id").iterator(chunk_size=BATCH):
        sequence += 1
        record.sequence = sequence
        record.previous_hash = previous_hash
        record.record_hash = chain.record_hash(
            sequence=sequence,
            id=record.id,
            occurred_at=record.occurred_at,
            actor=record.actor_id,
            action=record.action,
            object_type=record.object_type,
            object_id=record.object_id,
            source_ip=record.source_ip,
            reason=record.reason,
            on_behalf_of=record.on_behalf_of,
            details=record.details,
            previous_hash=previous_hash,
        )
        previous_hash = record.record_hash
        batch.append(record)
        if len(batch) == BATCH:
            AuditRecord.objects.bulk_update(batch, ["sequence", "previous_hash", "record_hash"])
            batch = []
    if batch:
        AuditRecord.objects.bulk_update(batch, ["sequence", "previous_hash", "record_hash"])
    ChainHead.objects.create(id=1, sequence=sequence, record_hash=previous_hash)


def unchain(apps, schema_editor):
    apps.get_model("audit", "ChainHead").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_hash_chain"),
    ]

    operations = [migrations.RunPython(chain_existing, unchain)]
