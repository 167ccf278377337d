"""When a service centre is open: regular hours, breaks, special days and public holidays."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from vikno.catalog.models import ServiceCentre
from vikno.core.working_days import public_holiday_name


@dataclass(frozen=True)
class DayHours:
    date: datetime.date
    opens: datetime.time | None = None
    closes: datetime.time | None = None
    break_starts: datetime.time | None = None
    break_ends: datetime.time | None = None
    note: str = ""

    @property
    def closed(self) -> bool:
        return self.opens is None

    def is_open_at(self, moment: datetime.time) -> bool:
        if self.opens is None or self.closes is None:
            return False
        if not (self.opens <= moment < self.closes):
            return False
        return not (self.break_starts and self.break_ends and self.break_starts <= moment < self.break_ends)


def hours_on(centre: ServiceCentre, day: datetime.date) -> DayHours:
    """The hours of the centre on a date. Uses prefetched opening_hours and special_days when present."""
    for special in centre.special_days.all():
        if special.date == day:
            if special.closed:
                return DayHours(day, note=special.note)
            return DayHours(day, special.opens, special.closes, note=special.note)
    if centre.closed_on_public_holidays:
        holiday = public_holiday_name(day)
        if holiday:
            return DayHours(day, note=holiday)
    for regular in centre.opening_hours.all():
        if regular.weekday == day.weekday():
            return DayHours(day, regular.opens, regular.closes, regular.break_starts, regular.break_ends)
    return DayHours(day)


def is_open_now(centre: ServiceCentre, now: datetime.datetime) -> bool:
    local = timezone.localtime(now)
    return hours_on(centre, local.date()).is_open_at(local.time())


def week_ahead(centre: ServiceCentre, start: datetime.date) -> list[DayHours]:
    return [hours_on(centre, start + datetime.timedelta(days=offset)) for offset in range(7)]
