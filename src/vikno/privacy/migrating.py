"""Encrypting columns that held plain text, for data migrations (identity, applications, messaging, ...).

Works on raw rows so that the historical model's encrypted fields never try to decrypt plain text. Run after
the column's type became text and before anything reads it through the model. `encryption_step` is the
operation to put in a migration: backwards it decrypts, so the column's type can go back too.
"""

from __future__ import annotations

from vikno.privacy import crypto


def encrypt_columns(model_label: str, columns: list[str], indexes: dict[str, str] | None = None):
    """A RunPython function encrypting each listed column of every row, and filling blind indexes
    (``{"rnokpp_index": "rnokpp"}``) from the plain values."""
    indexes = indexes or {}

    def forwards(apps, schema_editor):
        model = apps.get_model(model_label)
        table = schema_editor.quote_name(model._meta.db_table)
        pk = schema_editor.quote_name(model._meta.pk.column)
        label = model._meta.label_lower
        quoted = [schema_editor.quote_name(column) for column in columns]
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"SELECT {pk}, {', '.join(quoted)} FROM {table}")  # noqa: S608 (names, not input)
            rows = cursor.fetchall()
        assignments = ", ".join(f"{name} = %s" for name in [*quoted, *map(schema_editor.quote_name, indexes)])
        with schema_editor.connection.cursor() as cursor:
            for row_pk, *values in rows:
                plain = dict(zip(columns, values, strict=True))
                sealed = [_seal(value, purpose=f"{label}.{column}") for column, value in plain.items()]
                index_values = [
                    crypto.blind_index(str(plain[source] or "").strip(), purpose=f"{label}.{source}")
                    for source in indexes.values()
                ]
                cursor.execute(
                    f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608 (names, not input)
                    [*sealed, *index_values, row_pk],
                )

    return forwards


def decrypt_columns(model_label: str, columns: list[str]):
    """The reverse of `encrypt_columns`: every listed column back to plain text (blind indexes are left as they are;
    reversing the migration that added them drops them)."""

    def backwards(apps, schema_editor):
        model = apps.get_model(model_label)
        table = schema_editor.quote_name(model._meta.db_table)
        pk = schema_editor.quote_name(model._meta.pk.column)
        label = model._meta.label_lower
        quoted = [schema_editor.quote_name(column) for column in columns]
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"SELECT {pk}, {', '.join(quoted)} FROM {table}")  # noqa: S608 (names, not input)
            rows = cursor.fetchall()
        assignments = ", ".join(f"{name} = %s" for name in quoted)
        with schema_editor.connection.cursor() as cursor:
            for row_pk, *values in rows:
                plain = [
                    crypto.decrypt_text(value, purpose=f"{label}.{column}")
                    if isinstance(value, str) and value.startswith(crypto.TEXT_PREFIX)
                    else value
                    for column, value in zip(columns, values, strict=True)
                ]
                cursor.execute(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", [*plain, row_pk])  # noqa: S608

    return backwards


def encryption_step(model_label: str, columns: list[str], indexes: dict[str, str] | None = None):
    """The migration operation: encrypt the columns (and fill the indexes) forwards, decrypt them backwards."""
    from django.db import migrations

    return migrations.RunPython(encrypt_columns(model_label, columns, indexes), decrypt_columns(model_label, columns))


def _seal(value, *, purpose: str):
    if value is None or value == "":
        return value
    text = value if isinstance(value, str) else str(value)
    if text.startswith(crypto.TEXT_PREFIX):
        return text  # already encrypted (a migration run again)
    return crypto.encrypt_text(text, purpose=purpose)
