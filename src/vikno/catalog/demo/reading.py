"""Reading the demo files: the YAML itself, and the checks that turn a value of the files into a column value
or a clear error."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from django.db import models

LANGUAGES = ("uk", "en")
# libyaml's safe loader when PyYAML was built with it (ten times faster), the pure-Python one otherwise.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DemoDataError(Exception):
    """The demo files are inconsistent: a typo, a missing translation, an unknown reference."""


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


def _lookup(table: dict, key: str, kind: str, where: str):
    try:
        return table[key]
    except KeyError:
        raise DemoDataError(f"{where}: unknown {kind} '{key}'.") from None
