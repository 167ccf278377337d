"""Encrypting columns that held plain text, for data migrations (identity, applications, messaging).

Works on raw rows so that the historical model's encrypted fields never try to decrypt plain text. Run after
the column's type became text and before anything reads it through the model.
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


def _seal(value, *, purpose: str):
    if value is None or value == "":
        return value
    text = value if isinstance(value, str) else str(value)
    if text.startswith(crypto.TEXT_PREFIX):
        return text  # already encrypted (a migration run again)
    return crypto.encrypt_text(text, purpose=purpose)
