"""Deadlines counted in working days: weekends and the country's public holidays do not count."""

import datetime
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils import translation

# The `holidays` package names holidays in these locales; other portal languages get its default.
_HOLIDAY_LOCALES = {"uk": "uk", "en": "en_US"}


@lru_cache(maxsize=64)
def _public_holidays(country: str, year: int, language: str | None = None) -> holidays.HolidayBase:
    calendar = holidays.country_holidays(country, years=year)
    if language in calendar.supported_languages:
        return holidays.country_holidays(country, years=year, language=language)
    return calendar


def is_public_holiday(day: datetime.date) -> bool:
    return day in _public_holidays(settings.HOLIDAYS_COUNTRY, day.year)


def public_holiday_name(day: datetime.date) -> str | None:
    """The holiday's name in the active portal language, or None on an ordinary day."""
    locale = _HOLIDAY_LOCALES.get(translation.get_language() or "")
    return _public_holidays(settings.HOLIDAYS_COUNTRY, day.year, locale).get(day)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and not is_public_holiday(day)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (the start day itself is not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """How many working days come after `start` up to and including `end` (0 when `end` is not later)."""
    count = 0
    current = start
    while current < end:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count
