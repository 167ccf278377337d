"""Every record numbered; then the triggers that refuse UPDATE and DELETE (see vikno.audit.guards).

The triggers come last: on SQLite, altering a table rebuilds it and drops its triggers, so any later migration
that alters these tables must install them again (guards.install_sql); the tests fail until it does."""

from django.db import migrations, models

from vikno.audit import guards


def install(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for statement in guards.install_sql(schema_editor.connection.vendor):
            cursor.execute(statement)


def remove(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for statement in guards.remove_sql(schema_editor.connection.vendor):
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_chain_existing_records"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditrecord",
            name="sequence",
            field=models.BigIntegerField(unique=True, verbose_name="number in the chain"),
        ),
        migrations.RunPython(install, remove),
    ]
