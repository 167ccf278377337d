"""Append-only in the database itself: triggers refuse to change or remove audit records and seals.

PostgreSQL refuses every UPDATE and DELETE, and TRUNCATE unless the session said ``vikno.audit_maintenance``
is on. SQLite refuses every UPDATE, and DELETE unless the connection's ``vikno_audit_maintenance()`` function
(registered by this app on each connection the portal opens; unknown to any other client, where the trigger
then fails and so refuses) answers 1. Only `maintenance()` turns either on: Django's ``flush`` (this app
overrides the command) empties the whole database, the chain head included, so a flushed trail starts again at
sequence 1 — that is how the test suite and a demo reset begin afresh. Nothing else in the portal uses it.

Triggers stop mistakes and the portal's own database role; someone who can drop a trigger can change rows, and
that is what the hash chain and the published daily roots are for.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db.backends.base.base import BaseDatabaseWrapper

TABLES = ("audit_auditrecord", "audit_dayseal")
MAINTENANCE_FLAG = "_vikno_audit_maintenance"
REFUSED = "the audit trail is append-only"

POSTGRESQL_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION vikno_audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '{REFUSED}: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'P0001';
END $$;
CREATE OR REPLACE FUNCTION vikno_audit_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('vikno.audit_maintenance', true), '') = 'on' THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION '{REFUSED}: TRUNCATE on % refused', TG_TABLE_NAME USING ERRCODE = 'P0001';
END $$;
"""


def _postgresql(table: str) -> str:
    return f"""
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
  FOR EACH ROW EXECUTE FUNCTION vikno_audit_refuse_change();
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
  FOR EACH STATEMENT EXECUTE FUNCTION vikno_audit_refuse_truncate();
"""


def _sqlite(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSED}: UPDATE on {table} refused'); END",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} WHEN vikno_audit_maintenance() IS NOT 1 "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSED}: DELETE on {table} refused'); END",
    ]


def install_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [POSTGRESQL_FUNCTIONS, *(_postgresql(table) for table in TABLES)]
    if vendor == "sqlite":
        return [statement for table in TABLES for statement in _sqlite(table)]
    raise NotImplementedError(f"no append-only triggers for {vendor}")


def remove_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        drops = [
            f"DROP TRIGGER IF EXISTS {t}_append_only ON {t}; DROP TRIGGER IF EXISTS {t}_no_truncate ON {t};"
            for t in TABLES
        ]
        return [
            *drops,
            "DROP FUNCTION IF EXISTS vikno_audit_refuse_change()",
            "DROP FUNCTION IF EXISTS vikno_audit_refuse_truncate()",
        ]
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {t}_{kind}" for t in TABLES for kind in ("no_update", "no_delete")]
    raise NotImplementedError(f"no append-only triggers for {vendor}")


def register_sqlite_function(sender, connection: BaseDatabaseWrapper, **kwargs) -> None:
    """connection_created: SQLite's triggers ask this connection whether maintenance is on."""
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function(
        "vikno_audit_maintenance",
        0,
        lambda: 1 if getattr(connection, MAINTENANCE_FLAG, False) else 0,
        deterministic=False,
    )


@contextmanager
def maintenance(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Let this connection empty the audit tables (the flush of the whole database, nothing else)."""
    connection.ensure_connection()
    setattr(connection, MAINTENANCE_FLAG, True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('vikno.audit_maintenance', 'on', false)")
    try:
        yield
    finally:
        setattr(connection, MAINTENANCE_FLAG, False)
        if connection.vendor == "postgresql" and connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('vikno.audit_maintenance', '', false)")
