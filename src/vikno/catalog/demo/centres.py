"""Service centres (``centres.yaml``): address, access, opening hours, special days and the services offered."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from vikno.catalog.demo.reading import DemoDataError, _check_keys, _date, _lookup, _text, _time
from vikno.catalog.demo.writing import LoadSummary, _sync_children, _upsert
from vikno.catalog.models import Organisation, PublicService, ServiceCentre

WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}

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
