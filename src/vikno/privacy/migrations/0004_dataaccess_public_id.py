"""Each entry of the access log gets a random public id, the one its address in the citizen's pages carries (the
sequential key is never shown). Existing rows each get their own: the column is added empty, filled row by row,
and only then made unique and required."""

import uuid

from django.db import migrations, models

BATCH = 1000


def fill_public_ids(apps, schema_editor):
    DataAccess = apps.get_model("privacy", "DataAccess")
    empty = DataAccess.objects.using(schema_editor.connection.alias).filter(public_id__isnull=True)
    while keys := list(empty.order_by("pk").values_list("pk", flat=True)[:BATCH]):
        # A column default would be worked out once and give every row the same id: one per row instead.
        rows = [DataAccess(pk=key, public_id=uuid.uuid4()) for key in keys]
        DataAccess.objects.using(schema_editor.connection.alias).bulk_update(rows, ["public_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0003_consent_texts"),
    ]

    operations = [
        migrations.AddField(
            model_name="dataaccess",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="dataaccess",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
