"""The services (``services_*.yaml``), their child rows, and the shared entries they name by key."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from vikno.catalog.constants import ChannelKind, CostKind, PublicationStatus
from vikno.catalog.demo.reading import DemoDataError, _check_keys, _choice, _date, _lookup, _read, _text
from vikno.catalog.demo.writing import LoadSummary, _sync_children, _upsert
from vikno.catalog.models import LifeEvent, Organisation, PublicService, Sector

# Services are published at this hour (local time) of their ``published`` date.
PUBLISHED_AT_HOUR = dt.time(9, 0)

SERVICE_KEYS = {
    "identifier", "slug", "authority", "sector", "audience", "popularity", "reviewed", "published",
    "life_events", "related", "cost", "days", "days_note", "legal", "evidence", "channels", "contacts",
    "title", "summary", "description", "keywords", "eligibility", "output",
}  # fmt: skip


@dataclass
class Shared:
    """The entries services name by key."""

    laws: dict[str, dict]
    documents: dict[str, dict]
    contacts: dict[str, dict]
    channels: dict[str, dict]

    def entry(self, kind: str, item: Any, where: str) -> dict:
        """A shared entry by key, an inline entry, or ``{use: key, ...overrides}``."""
        table: dict[str, dict] = getattr(self, kind)
        if isinstance(item, str):
            if item not in table:
                raise DemoDataError(f"{where}: no {kind} entry '{item}'.")
            return dict(table[item])
        if isinstance(item, dict):
            if "use" in item:
                key = item["use"]
                if key not in table:
                    raise DemoDataError(f"{where}: no {kind} entry '{key}'.")
                return {**table[key], **{k: v for k, v in item.items() if k != "use"}}
            return dict(item)
        raise DemoDataError(f"{where}: a {kind} entry must be a key or a mapping.")


def _legal_rows(shared: Shared, items: list, where: str) -> list[dict]:
    rows = []
    for position, item in enumerate(items, start=1):
        entry = shared.entry("laws", item, where)
        _check_keys(entry, {"title", "url"}, f"{where}, law #{position}")
        rows.append(
            {**_text(entry, "title", where, required=True), "url": entry.get("url") or "", "position": position}
        )
    return rows


def _evidence_rows(shared: Shared, items: list, where: str) -> list[dict]:
    rows = []
    for position, item in enumerate(items, start=1):
        entry = shared.entry("documents", item, where)
        _check_keys(entry, {"name", "description"}, f"{where}, document #{position}")
        rows.append(
            {**_text(entry, "name", where, required=True), **_text(entry, "description", where), "position": position}
        )
    return rows


def _channel_rows(shared: Shared, items: list, where: str) -> list[dict]:
    rows = []
    for number, item in enumerate(items, start=1):
        entry = shared.entry("channels", item, where)
        here = f"{where}, channel #{number}"
        _check_keys(entry, {"kind", "url", "phone", "text"}, here)
        rows.append(
            {
                "kind": _choice(entry.get("kind"), ChannelKind, here),
                **_text(entry, "text", here, required=True, column="instructions"),
                "url": entry.get("url") or "",
                "phone": str(entry.get("phone") or ""),
            }
        )
    kinds = [row["kind"] for row in rows]
    if len(kinds) != len(set(kinds)):
        raise DemoDataError(f"{where}: at most one channel of each kind.")
    return rows


def _contact_rows(shared: Shared, items: list, where: str) -> list[dict]:
    rows = []
    for number, item in enumerate(items, start=1):
        entry = shared.entry("contacts", item, where)
        here = f"{where}, contact #{number}"
        _check_keys(entry, {"name", "email", "phone", "url", "hours"}, here)
        rows.append(
            {
                **_text(entry, "name", here, required=True),
                **_text(entry, "hours", here, column="opening_hours"),
                "email": entry.get("email") or "",
                "phone": str(entry.get("phone") or ""),
                "url": entry.get("url") or "",
            }
        )
    return rows


def _cost_values(cost: Any, where: str) -> dict:
    if cost is None or cost == CostKind.FREE:
        return {"cost_kind": CostKind.FREE, "cost_amount": None, **_text({}, "note", where, column="cost_note")}
    _check_keys(cost, {"kind", "amount", "note"}, where)
    kind = _choice(cost.get("kind"), CostKind, where)
    amount = cost.get("amount")
    if kind == CostKind.FIXED:
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            raise DemoDataError(f"{where}: a fixed fee needs a whole number of kopiyky above zero.")
    elif amount is not None:
        raise DemoDataError(f"{where}: only a fixed fee has an amount.")
    note = _text(cost, "note", where, required=kind == CostKind.VARIABLE, column="cost_note")
    return {"cost_kind": kind, "cost_amount": amount, **note}


def _published_at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, PUBLISHED_AT_HOUR, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _service_files(directory: Path) -> list[str]:
    names = sorted(path.name for path in directory.glob("services_*.yaml"))
    if not names:
        raise DemoDataError("No services_*.yaml files were found.")
    return names


def _load_services(
    directory: Path,
    shared: Shared,
    organisations: dict[str, Organisation],
    sectors: dict[str, Sector],
    events: dict[str, LifeEvent],
    summary: LoadSummary,
) -> dict[str, PublicService]:
    by_slug: dict[str, PublicService] = {}
    identifiers: set[str] = set()
    related: dict[str, set[str]] = {}
    for name in _service_files(directory):
        content = _read(directory, name) or {}
        _check_keys(content, {"defaults", "services"}, name)
        defaults = content.get("defaults") or {}
        _check_keys(defaults, SERVICE_KEYS, f"{name}: defaults")
        for raw in content.get("services") or []:
            _check_keys(raw, SERVICE_KEYS, f"{name}: {raw.get('identifier') if isinstance(raw, dict) else raw}")
            row = {**defaults, **raw}
            identifier, slug = row["identifier"], row["slug"]
            where = f"{name}: {identifier}"
            if identifier in identifiers or slug in by_slug:
                raise DemoDataError(f"{where}: the identifier or slug '{slug}' is used twice.")
            identifiers.add(identifier)
            service = _load_service(row, where, shared, organisations, sectors, summary)
            service.life_events.set([_lookup(events, key, "life event", where) for key in row.get("life_events") or []])
            by_slug[slug] = service
            related[slug] = set(row.get("related") or [])
    # Related services are symmetric: a link declared on either side appears on both.
    symmetric: dict[str, set[str]] = {slug: set() for slug in by_slug}
    for slug, others in related.items():
        for other in others:
            _lookup(by_slug, other, "related service", f"service {slug}")
            if other == slug:
                raise DemoDataError(f"service {slug}: a service cannot be related to itself.")
            symmetric[slug].add(other)
            symmetric[other].add(slug)
    for slug, others in symmetric.items():
        by_slug[slug].related_services.set([by_slug[other] for other in sorted(others)])
    return by_slug


def _load_service(row, where, shared, organisations, sectors, summary) -> PublicService:
    audience = row.get("audience", "citizens")
    if audience not in {"citizens", "businesses", "both"}:
        raise DemoDataError(f"{where}: audience must be citizens, businesses or both.")
    if "days" not in row:
        raise DemoDataError(f"{where}: give 'days' (working days, 0 for the same day, null when the law sets none).")
    days = row["days"]
    if days is not None and (not isinstance(days, int) or isinstance(days, bool) or days < 0):
        raise DemoDataError(f"{where}: 'days' must be a whole number of working days or null.")
    sector_slug = row.get("sector")
    values = {
        **_text(row, "title", where, required=True),
        **_text(row, "summary", where, required=True),
        **_text(row, "description", where, required=True),
        **_text(row, "keywords", where, required=True),
        **_text(row, "eligibility", where, required=True),
        **_text(row, "output", where, required=True),
        **_text(row, "days_note", where, column="processing_note"),
        **_cost_values(row.get("cost"), f"{where}, cost"),
        "slug": row["slug"],
        "sector_id": _lookup(sectors, sector_slug, "sector", where).pk if sector_slug else None,
        "for_citizens": audience in {"citizens", "both"},
        "for_businesses": audience in {"businesses", "both"},
        "competent_authority_id": _lookup(organisations, row.get("authority"), "organisation", where).pk,
        "cost_currency": "UAH",
        "processing_days": days,
        "popularity": int(row.get("popularity", 0)),
        "status": PublicationStatus.PUBLISHED,
        "published_at": _published_at(_date(row.get("published"), f"{where}, published")),
        "last_reviewed_on": _date(row.get("reviewed"), f"{where}, reviewed"),
    }
    service = _upsert(PublicService, {"identifier": row["identifier"]}, values, summary, where)
    children = {
        "legal_resources": _legal_rows(shared, row.get("legal") or [], where),
        "evidence": _evidence_rows(shared, row.get("evidence") or [], where),
        "channels": _channel_rows(shared, row.get("channels") or [], where),
        "contact_points": _contact_rows(shared, row.get("contacts") or [], where),
    }
    if not children["legal_resources"] or not children["channels"]:
        raise DemoDataError(f"{where}: every service needs at least one legal basis and one channel.")
    for related_name, rows in children.items():
        _sync_children(service, related_name, rows, summary, where)
    return service
