"""Load the demo catalogue from the YAML files of this package, idempotently, in one transaction.

Rows are matched by slug (organisations, sectors, life events, centres) or by identifier (services). A row is
saved only when one of its values differs from the files, and the child rows of a service or a centre (legal
basis, documents, channels, contact points, opening hours, special days) are replaced only when they differ.
A second run therefore writes nothing, and every count stays the same.

The files:

- ``organisations.yaml``, ``sectors.yaml``, ``life_events.yaml``: the reference lists;
- ``laws.yaml``, ``documents.yaml``, ``contacts.yaml``, ``channels.yaml``: shared entries that services name
  by key (a service may also give an entry inline, or ``use`` a shared one and override some of its fields);
- ``services_*.yaml``: the services, one file per authority, each with ``defaults`` and ``services``;
- ``centres.yaml``: ``service_sets`` (named lists of service slugs, written ``@name`` in a centre's list) and
  ``centres``.

Every translated text is a mapping with both ``uk`` and ``en``; a text given in one language only is an error,
so the portal never shows an English page with Ukrainian holes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import translation

from vikno.catalog.constants import (
    Audience,
    ChannelKind,
    CostKind,
    EventKind,
    OrganisationType,
    PublicationStatus,
)
from vikno.catalog.models import (
    LifeEvent,
    Organisation,
    PublicService,
    Sector,
    ServiceCentre,
)

DEMO_DIR = Path(__file__).resolve().parent
LANGUAGES = ("uk", "en")
WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
# libyaml's safe loader when PyYAML was built with it (ten times faster), the pure-Python one otherwise.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Services are published at this hour (local time) of their ``published`` date.
PUBLISHED_AT_HOUR = dt.time(9, 0)

# The child rows of each parent, compared field by field (in primary-key order) to decide whether to replace.
CHILD_FIELDS: dict[str, tuple[str, ...]] = {
    "legal_resources": ("title_uk", "title_en", "url", "position"),
    "evidence": ("name_uk", "name_en", "description_uk", "description_en", "position"),
    "channels": ("kind", "instructions_uk", "instructions_en", "url", "phone"),
    "contact_points": ("name_uk", "name_en", "email", "phone", "url", "opening_hours_uk", "opening_hours_en"),
    "opening_hours": ("weekday", "opens", "closes", "break_starts", "break_ends"),
    "special_days": ("date", "closed", "opens", "closes", "note_uk", "note_en"),
}

ORGANISATION_KEYS = {
    "slug", "parent", "org_type", "code", "website", "email", "phone", "name", "short_name", "description",
    "address",
}  # fmt: skip
SECTOR_KEYS = {"slug", "audience", "position", "name", "description"}
EVENT_KEYS = {"slug", "kind", "position", "name", "description"}
SERVICE_KEYS = {
    "identifier", "slug", "authority", "sector", "audience", "popularity", "reviewed", "published",
    "life_events", "related", "cost", "days", "days_note", "legal", "evidence", "channels", "contacts",
    "title", "summary", "description", "keywords", "eligibility", "output",
}  # fmt: skip
CENTRE_KEYS = {
    "slug", "organisation", "name", "region", "city", "street_address", "postcode", "latitude", "longitude",
    "phone", "email", "website", "access", "accessibility_notes", "closed_on_public_holidays", "hours",
    "special_days", "services",
}  # fmt: skip
ACCESS_FLAGS = {
    "step_free": "step_free_access",
    "toilet": "accessible_toilet",
    "hearing_loop": "hearing_loop",
    "parking": "accessible_parking",
}


class DemoDataError(Exception):
    """The demo files are inconsistent: a typo, a missing translation, an unknown reference."""


@dataclass
class LoadSummary:
    """What is in the database after loading, and what this run had to write."""

    counts: dict[str, int] = field(default_factory=dict)
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    replaced: Counter = field(default_factory=Counter)

    @property
    def writes(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values()) + sum(self.replaced.values())

    def line(self) -> str:
        c = self.counts
        return (
            f"Demo catalogue: {c['organisations']} organisations, {c['sectors']} sectors, "
            f"{c['life_events']} life events, {c['services']} services from {c['authorities']} authorities, "
            f"{c['centres']} service centres in {c['cities']} cities; this run created "
            f"{sum(self.created.values())}, updated {sum(self.updated.values())} and rewrote the details of "
            f"{sum(self.replaced.values())} rows."
        )


# --- reading ---------------------------------------------------------------------------------------------


def _read(directory: Path, name: str) -> Any:
    path = directory / name
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader, only faster
    except FileNotFoundError as exc:
        raise DemoDataError(f"The demo file {name} is missing.") from exc
    except yaml.YAMLError as exc:
        raise DemoDataError(f"The demo file {name} is not valid YAML: {exc}") from exc


def _check_keys(row: Any, allowed: set[str], where: str) -> None:
    if not isinstance(row, dict):
        raise DemoDataError(f"{where}: expected a mapping, found {type(row).__name__}.")
    unknown = set(row) - allowed
    if unknown:
        raise DemoDataError(f"{where}: unknown keys {sorted(unknown)}.")


def _text(data: dict, key: str, where: str, *, required: bool = False, column: str | None = None) -> dict:
    """``{column_uk: ..., column_en: ...}`` from ``data[key]``, which must hold both languages or neither."""
    column = column or key
    value = data.get(key)
    if value is None:
        if required:
            raise DemoDataError(f"{where}: '{key}' is required.")
        return {f"{column}_{lang}": "" for lang in LANGUAGES}
    if not isinstance(value, dict) or set(value) != set(LANGUAGES):
        raise DemoDataError(f"{where}: '{key}' must be a mapping with exactly the keys {list(LANGUAGES)}.")
    texts = {lang: str(value[lang] or "").strip() for lang in LANGUAGES}
    if not all(texts.values()):
        raise DemoDataError(f"{where}: '{key}' must be written in both Ukrainian and English.")
    return {f"{column}_{lang}": texts[lang] for lang in LANGUAGES}


def _choice(value: Any, choices: type[models.Choices], where: str) -> str:
    if value not in choices.values:
        raise DemoDataError(f"{where}: '{value}' is not one of {list(choices.values)}.")
    return value


def _time(value: str, where: str) -> dt.time:
    try:
        return dt.time.fromisoformat(value.strip())
    except (AttributeError, ValueError) as exc:
        raise DemoDataError(f"{where}: '{value}' is not a time (HH:MM).") from exc


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    raise DemoDataError(f"{where}: '{value}' is not a date (YYYY-MM-DD).")


# --- writing ---------------------------------------------------------------------------------------------


def _validate(obj: models.Model, where: str, *, child_of: str = "") -> None:
    """Run the model's field checks and ``clean()``. Database constraints are left to the database (checking
    them in Python costs a query each); for a child row, so are its parent link and uniqueness, which the
    loader builds correct."""
    try:
        if child_of:
            obj.full_clean(exclude=[child_of], validate_unique=False, validate_constraints=False)
        else:
            obj.full_clean(validate_constraints=False)
    except ValidationError as exc:
        raise DemoDataError(f"{where}: {exc.message_dict if hasattr(exc, 'error_dict') else exc.messages}") from exc


def _upsert(model: type[models.Model], lookup: dict, values: dict, summary: LoadSummary, where: str):
    """Create the row, or update only the fields that differ; return it."""
    label = model._meta.model_name or model.__name__
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        _validate(obj, where)
        obj.save()
        summary.created[label] += 1
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        _validate(obj, where)
        # modeltranslation keeps the original column equal to the default language: save it along.
        concrete = {f.name for f in model._meta.concrete_fields}
        originals = [name[:-3] for name in changed if name.endswith("_uk") and name[:-3] in concrete]
        update_fields = changed + originals + (["updated_at"] if "updated_at" in concrete else [])
        obj.save(update_fields=update_fields)
        summary.updated[label] += 1
    return obj


def _sync_children(parent: models.Model, related_name: str, rows: list[dict], summary: LoadSummary, where: str):
    """Make the parent's child rows equal to ``rows`` (same values, same order); touch nothing if they are."""
    fields = CHILD_FIELDS[related_name]
    for row in rows:
        if set(row) != set(fields):
            raise DemoDataError(f"{where}: {related_name} row has fields {sorted(row)}, expected {sorted(fields)}.")
    manager = getattr(parent, related_name)
    current = list(manager.order_by("pk").values(*fields))
    if current == rows:
        return
    manager.all().delete()
    model = manager.model
    fk_name = manager.field.name
    objs = []
    for number, row in enumerate(rows, start=1):
        obj = model(**{fk_name: parent}, **row)
        _validate(obj, f"{where}, {related_name} #{number}", child_of=fk_name)
        objs.append(obj)
    model._default_manager.bulk_create(objs)
    summary.replaced[related_name] += max(len(rows), 1)


# --- reference lists -------------------------------------------------------------------------------------


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


# --- services --------------------------------------------------------------------------------------------


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


def _lookup(table: dict, key: str, kind: str, where: str):
    try:
        return table[key]
    except KeyError:
        raise DemoDataError(f"{where}: unknown {kind} '{key}'.") from None


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


# --- service centres -------------------------------------------------------------------------------------


def _hours_rows(hours: dict, where: str) -> list[dict]:
    """``{"mon-fri": "09:00-18:00 break 13:00-13:45", "sat": "09:00-16:00"}``; later keys override earlier."""
    by_day: dict[int, dict] = {}
    for days, spec in (hours or {}).items():
        here = f"{where}, hours '{days}'"
        first, _, last = str(days).partition("-")
        if first not in WEEKDAYS or (last and last not in WEEKDAYS):
            raise DemoDataError(f"{here}: use mon..sun or a range such as mon-fri.")
        span = range(WEEKDAYS[first], WEEKDAYS[last or first] + 1)
        open_part, _, break_part = str(spec).partition(" break ")
        opens, _, closes = open_part.partition("-")
        row = {"opens": _time(opens, here), "closes": _time(closes, here), "break_starts": None, "break_ends": None}
        if break_part:
            starts, _, ends = break_part.partition("-")
            row["break_starts"], row["break_ends"] = _time(starts, here), _time(ends, here)
        for weekday in span:
            by_day[weekday] = {"weekday": weekday, **row}
    return [by_day[day] for day in sorted(by_day)]


def _special_rows(items: list, where: str) -> list[dict]:
    rows = []
    for item in items or []:
        here = f"{where}, special day {item.get('date') if isinstance(item, dict) else item}"
        _check_keys(item, {"date", "closed", "hours", "note"}, here)
        row = {"date": _date(item.get("date"), here), "closed": True, "opens": None, "closes": None}
        if item.get("hours"):
            opens, _, closes = str(item["hours"]).partition("-")
            row.update(closed=False, opens=_time(opens, here), closes=_time(closes, here))
        elif item.get("closed") is False:
            raise DemoDataError(f"{here}: give the hours of a day that is not closed.")
        rows.append({**row, **_text(item, "note", here, required=True)})
    dates = [row["date"] for row in rows]
    if len(dates) != len(set(dates)):
        raise DemoDataError(f"{where}: a special day is listed twice.")
    return sorted(rows, key=lambda row: row["date"])


def _expand_sets(items: list[str], sets: dict[str, list[str]], where: str, seen: tuple[str, ...] = ()) -> list[str]:
    """Service slugs, with every ``@set`` replaced by its members (sets may include other sets)."""
    slugs: list[str] = []
    for item in items:
        if not item.startswith("@"):
            slugs.append(item)
            continue
        name = item[1:]
        if name in seen:
            raise DemoDataError(f"{where}: the service set '{name}' includes itself.")
        slugs.extend(_expand_sets(_lookup(sets, name, "service set", where), sets, where, (*seen, name)))
    return slugs


def _coordinate(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.000001"))


def _load_centres(
    content: dict,
    organisations: dict[str, Organisation],
    services: dict[str, PublicService],
    summary: LoadSummary,
) -> dict[str, ServiceCentre]:
    _check_keys(content, {"service_sets", "centres"}, "centres.yaml")
    sets: dict[str, list[str]] = content.get("service_sets") or {}
    by_slug: dict[str, ServiceCentre] = {}
    for row in content.get("centres") or []:
        where = f"centres.yaml: {row.get('slug') if isinstance(row, dict) else row}"
        _check_keys(row, CENTRE_KEYS, where)
        access = row.get("access") or {}
        _check_keys(access, set(ACCESS_FLAGS), f"{where}, access")
        postcode = row.get("postcode") or ""
        if not isinstance(postcode, str):
            raise DemoDataError(f"{where}: quote the postcode so that its leading zero survives.")
        values = {
            **_text(row, "name", where, required=True),
            **_text(row, "region", where, required=True),
            **_text(row, "city", where, required=True),
            **_text(row, "street_address", where, required=True),
            **_text(row, "accessibility_notes", where),
            "organisation_id": _lookup(organisations, row.get("organisation"), "organisation", where).pk,
            "postcode": postcode,
            "latitude": _coordinate(row["latitude"]),
            "longitude": _coordinate(row["longitude"]),
            "phone": str(row.get("phone") or ""),
            "email": row.get("email") or "",
            "website": row.get("website") or "",
            "closed_on_public_holidays": bool(row.get("closed_on_public_holidays", True)),
            **{column: bool(access.get(flag, False)) for flag, column in ACCESS_FLAGS.items()},
        }
        centre = _upsert(ServiceCentre, {"slug": row["slug"]}, values, summary, where)
        hours = _hours_rows(row.get("hours") or {}, where)
        if not hours:
            raise DemoDataError(f"{where}: give the opening hours.")
        _sync_children(centre, "opening_hours", hours, summary, where)
        _sync_children(centre, "special_days", _special_rows(row.get("special_days") or [], where), summary, where)
        slugs = _expand_sets(row.get("services") or [], sets, where)
        centre.services.set([_lookup(services, slug, "service", where) for slug in dict.fromkeys(slugs)])
        by_slug[row["slug"]] = centre
    return by_slug


# --- entry point -----------------------------------------------------------------------------------------


def load_demo(*, directory: Path = DEMO_DIR) -> LoadSummary:
    """Write the demo catalogue to the database (one transaction) and say what is there."""
    summary = LoadSummary()
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE), transaction.atomic():
        organisations = _load_organisations(_read(directory, "organisations.yaml"), summary)
        sectors = _load_sectors(_read(directory, "sectors.yaml"), summary)
        events = _load_life_events(_read(directory, "life_events.yaml"), summary)
        shared = Shared(
            laws=_read(directory, "laws.yaml"),
            documents=_read(directory, "documents.yaml"),
            contacts=_read(directory, "contacts.yaml"),
            channels=_read(directory, "channels.yaml"),
        )
        services = _load_services(directory, shared, organisations, sectors, events, summary)
        centres = _load_centres(_read(directory, "centres.yaml"), organisations, services, summary)
    summary.counts = {
        "organisations": len(organisations),
        "sectors": len(sectors),
        "life_events": len(events),
        "services": len(services),
        "authorities": len({service.competent_authority_id for service in services.values()}),
        "centres": len(centres),
        "cities": len({getattr(centre, "city_en") for centre in centres.values()}),  # noqa: B009 - a column django-stubs cannot see
    }
    return summary
