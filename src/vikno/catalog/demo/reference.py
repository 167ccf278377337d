"""The reference lists: organisations, sectors and life events."""

from __future__ import annotations

from vikno.catalog.constants import Audience, EventKind, OrganisationType
from vikno.catalog.demo.reading import DemoDataError, _check_keys, _choice, _text
from vikno.catalog.demo.writing import LoadSummary, _upsert
from vikno.catalog.models import LifeEvent, Organisation, Sector

ORGANISATION_KEYS = {
    "slug", "parent", "org_type", "code", "website", "email", "phone", "name", "short_name", "description",
    "address",
}  # fmt: skip
SECTOR_KEYS = {"slug", "audience", "position", "name", "description"}
EVENT_KEYS = {"slug", "kind", "position", "name", "description"}


def _load_organisations(rows: list[dict], summary: LoadSummary) -> dict[str, Organisation]:
    by_slug: dict[str, Organisation] = {}
    for row in rows:
        where = f"organisations.yaml: {row.get('slug')}"
        _check_keys(row, ORGANISATION_KEYS, where)
        slug = row["slug"]
        if slug in by_slug:
            raise DemoDataError(f"{where}: the slug is used twice.")
        parent_slug = row.get("parent")
        if parent_slug and parent_slug not in by_slug:
            raise DemoDataError(f"{where}: the parent '{parent_slug}' must be listed before its children.")
        values = {
            **_text(row, "name", where, required=True),
            **_text(row, "short_name", where),
            **_text(row, "description", where),
            **_text(row, "address", where),
            "org_type": _choice(row.get("org_type"), OrganisationType, where),
            "parent_id": by_slug[parent_slug].pk if parent_slug else None,
            "code": str(row.get("code") or ""),
            "website": row.get("website") or "",
            "email": row.get("email") or "",
            "phone": str(row.get("phone") or ""),
        }
        by_slug[slug] = _upsert(Organisation, {"slug": slug}, values, summary, where)
    return by_slug


def _load_sectors(rows: list[dict], summary: LoadSummary) -> dict[str, Sector]:
    by_slug: dict[str, Sector] = {}
    for position, row in enumerate(rows, start=1):
        where = f"sectors.yaml: {row.get('slug')}"
        _check_keys(row, SECTOR_KEYS, where)
        values = {
            **_text(row, "name", where, required=True),
            **_text(row, "description", where),
            "audience": _choice(row.get("audience", Audience.CITIZENS), Audience, where),
            "position": int(row.get("position", position * 10)),
        }
        by_slug[row["slug"]] = _upsert(Sector, {"slug": row["slug"]}, values, summary, where)
    return by_slug


def _load_life_events(rows: list[dict], summary: LoadSummary) -> dict[str, LifeEvent]:
    by_slug: dict[str, LifeEvent] = {}
    for position, row in enumerate(rows, start=1):
        where = f"life_events.yaml: {row.get('slug')}"
        _check_keys(row, EVENT_KEYS, where)
        values = {
            **_text(row, "name", where, required=True),
            **_text(row, "description", where),
            "kind": _choice(row.get("kind", EventKind.LIFE), EventKind, where),
            "position": int(row.get("position", position * 10)),
        }
        by_slug[row["slug"]] = _upsert(LifeEvent, {"slug": row["slug"]}, values, summary, where)
    return by_slug
