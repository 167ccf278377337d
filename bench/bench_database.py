"""The PostgreSQL database a bench creates for itself on the server DATABASE_URL names, and drops at the end."""

from __future__ import annotations

import os
import sys
from urllib.parse import urlsplit, urlunsplit

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def database_url(name: str, bench: str) -> str:
    """The URL of database `name` on the server; exits with a message when DATABASE_URL is not PostgreSQL."""
    parts = urlsplit(os.environ.get("DATABASE_URL") or DEFAULT_SERVER)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        print(
            f"The {bench} benchmark needs PostgreSQL, but DATABASE_URL is a {parts.scheme or '?'}:// URL.\n"
            "Unset DATABASE_URL (the bench then uses postgres://postgres@127.0.0.1:5432) or point it at a\n"
            f"PostgreSQL server: the bench creates, uses and drops its own database {name!r} there.",
            file=sys.stderr,
        )
        raise SystemExit(2)
    return urlunsplit(parts._replace(scheme="postgres", path=f"/{name}", query=""))


def _admin_connection(url: str):
    import psycopg

    parts = urlsplit(url)
    try:
        return psycopg.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password or None,
            dbname="postgres",
            autocommit=True,
            connect_timeout=5,
        )
    except psycopg.OperationalError as error:
        where = f"{parts.hostname}:{parts.port or 5432}"
        raise SystemExit(f"The benchmark needs PostgreSQL; {where} does not answer: {error}") from None


def _name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def recreate_database(url: str) -> None:
    """Drop a leftover database of that name (never any other) and create it empty."""
    with _admin_connection(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{_name(url)}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{_name(url)}"')


def drop_database(url: str) -> None:
    with _admin_connection(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{_name(url)}" WITH (FORCE)')


def bench_keys() -> dict[str, str]:
    """Fresh random keys for personal data at rest (vikno.privacy.crypto), as environment variables: a bench runs
    on settings of its own, without the demo keys under var/."""
    import base64

    def key() -> str:
        return base64.b64encode(os.urandom(32)).decode()

    return {"VIKNO_DATA_KEYS": f"bench-1:{key()}", "VIKNO_BLIND_INDEX_KEY": key()}
