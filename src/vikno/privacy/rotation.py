"""Moving personal data at rest to the current data key, while the portal runs.

Every encrypted column of every model, then every private file. A value is rewritten only if it is still the
one read (a conditional UPDATE), so a write made meanwhile (already under the current key) is never undone.
Work goes in batches by primary key, each in its own short statement: no long transaction, no table lock.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.db import connection, transaction

from vikno.audit.services import record
from vikno.core.storage import private_storage
from vikno.privacy import crypto
from vikno.privacy.fields import EncryptedField
from vikno.privacy.storage import EncryptedFileSystemStorage

BATCH = 500


@dataclass
class RotationReport:
    values: Counter = field(default_factory=Counter)  # "app.model.field" -> values moved to the current key
    files: int = 0
    left: Counter = field(default_factory=Counter)  # found under an old key (with dry_run)

    @property
    def total(self) -> int:
        return sum(self.values.values()) + self.files


def encrypted_columns() -> list[tuple[type, list[EncryptedField]]]:
    found = []
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]
        if fields:
            found.append((model, fields))
    return found


def data_keys_rotate(*, dry_run: bool = False) -> RotationReport:
    report = RotationReport()
    current = crypto.keyring().current_id
    for model, fields in encrypted_columns():
        _rotate_model(model, fields, current, report, dry_run)
    _rotate_files(current, report, dry_run)
    if not dry_run and report.total:
        record(
            actor=None,
            action="privacy.data_keys_rotated",
            target_type="privacy.keyring",
            target_id=current,
            details={"values": dict(report.values), "files": report.files},
        )
    return report


def _rotate_model(model, fields: list[EncryptedField], current: str, report: RotationReport, dry_run: bool) -> None:
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    columns = ", ".join(quote(str(f.column)) for f in fields)
    last = None
    while True:
        params: list = [last] if last is not None else []
        where = f"WHERE {pk} > %s" if last is not None else ""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {pk}, {columns} FROM {table} {where} ORDER BY {pk} LIMIT {BATCH}", params)  # noqa: S608
            rows = cursor.fetchall()
        if not rows:
            return
        with transaction.atomic():  # one commit per batch; each row still changes only if unchanged since read
            for row_pk, *tokens in rows:
                for model_field, token in zip(fields, tokens, strict=True):
                    _rotate_value(model, model_field, row_pk, token, current, report, dry_run)
        last = rows[-1][0]


def _rotate_value(model, model_field, row_pk, token, current: str, report: RotationReport, dry_run: bool) -> None:
    if not token or crypto.text_key_id(token) == current:
        return
    name = f"{model._meta.label_lower}.{model_field.name}"
    if dry_run:
        report.left[name] += 1
        return
    fresh = crypto.encrypt_text(crypto.decrypt_text(token, purpose=model_field.purpose), purpose=model_field.purpose)
    quote = connection.ops.quote_name
    table, pk, column = quote(model._meta.db_table), quote(model._meta.pk.column), quote(str(model_field.column))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = %s WHERE {pk} = %s AND {column} = %s",  # noqa: S608 (names, not input)
            [fresh, row_pk, token],
        )
        report.values[name] += cursor.rowcount


def _rotate_files(current: str, report: RotationReport, dry_run: bool) -> None:
    storage = private_storage()
    root = Path(storage.location)
    if not isinstance(storage, EncryptedFileSystemStorage) or not root.is_dir():  # files are not encrypted here
        return
    for directory, _, names in os.walk(root):
        for file_name in names:
            if file_name.endswith(".rotating"):
                continue
            name = str((Path(directory) / file_name).relative_to(root))
            try:
                data = storage.read_raw(name)
            except FileNotFoundError:  # deleted meanwhile (erasure, retention): nothing to rotate
                continue
            if crypto.is_encrypted_bytes(data) and crypto.bytes_key_id(data) == current:
                continue
            if dry_run:
                report.left["files"] += 1
                continue
            plain = crypto.decrypt_bytes(data) if crypto.is_encrypted_bytes(data) else data
            storage.write_raw(name, crypto.encrypt_bytes(plain))
            report.files += 1
