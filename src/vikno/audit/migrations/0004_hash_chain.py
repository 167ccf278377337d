import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_auditrecord_on_behalf_of"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditrecord",
            name="sequence",
            field=models.BigIntegerField(null=True, verbose_name="number in the chain"),
        ),
        migrations.AddField(
            model_name="auditrecord",
            name="previous_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditrecord",
            name="record_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AlterModelOptions(
            name="auditrecord",
            options={
                "ordering": ["-occurred_at", "-sequence"],
                "verbose_name": "audit record",
                "verbose_name_plural": "audit records",
            },
        ),
        migrations.CreateModel(
            name="ChainHead",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("sequence", models.BigIntegerField(default=0)),
                ("record_hash", models.CharField(max_length=64)),
            ],
            options={
                "verbose_name": "audit chain head",
                "constraints": [models.CheckConstraint(condition=models.Q(("id", 1)), name="audit_chain_head_is_one_row")],
            },
        ),
        migrations.CreateModel(
            name="DaySeal",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("day", models.DateField(db_index=True, verbose_name="day")),
                ("complete", models.BooleanField(verbose_name="whole day")),
                ("first_sequence", models.BigIntegerField()),
                ("last_sequence", models.BigIntegerField()),
                ("record_count", models.BigIntegerField(verbose_name="records")),
                ("merkle_root", models.CharField(max_length=64, verbose_name="Merkle root")),
                ("head_hash", models.CharField(max_length=64, verbose_name="chain head")),
                ("computed_at", models.DateTimeField(verbose_name="sealed at")),
            ],
            options={
                "verbose_name": "audit seal",
                "verbose_name_plural": "audit seals",
                "ordering": ["-day", "-last_sequence"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("complete", True)), fields=("day",), name="audit_one_day_seal"
                    ),
                    models.UniqueConstraint(
                        fields=("day", "last_sequence", "complete"), name="audit_one_seal_per_range"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("record_count", models.F("last_sequence") - models.F("first_sequence") + 1)
                        ),
                        name="audit_seal_count_is_its_range",
                    ),
                ],
            },
        ),
    ]
