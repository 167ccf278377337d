import datetime
import zoneinfo

import pytest
from django.utils import translation

from vikno.catalog import opening
from vikno.catalog.models import ServiceCentre, SpecialDay
from vikno.catalog.tests.factories import OpeningHoursFactory, ServiceCentreFactory

KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")
MONDAY = datetime.date(2026, 11, 23)


@pytest.fixture
def centre(db):
    centre = ServiceCentreFactory()
    OpeningHoursFactory(
        centre=centre,
        weekday=0,
        opens=datetime.time(9),
        closes=datetime.time(18),
        break_starts=datetime.time(13),
        break_ends=datetime.time(13, 45),
    )
    SpecialDay.objects.create(
        centre=centre,
        date=MONDAY + datetime.timedelta(days=7),
        closed=True,
        note_uk="Інвентаризація",
        note_en="Inventory",
    )
    return ServiceCentre.objects.prefetch_related("opening_hours", "special_days").get(pk=centre.pk)


@pytest.mark.parametrize(
    ("hour", "minute", "is_open"),
    [
        (8, 59, False),
        (9, 0, True),
        (12, 59, True),
        (13, 0, False),
        (13, 44, False),
        (13, 45, True),
        (17, 59, True),
        (18, 0, False),
    ],
)
def test_open_now_respects_hours_and_break(centre, hour, minute, is_open):
    moment = datetime.datetime.combine(MONDAY, datetime.time(hour, minute), tzinfo=KYIV)
    assert opening.is_open_now(centre, moment) is is_open


def test_a_day_without_hours_is_closed(centre):
    tuesday_noon = datetime.datetime.combine(MONDAY + datetime.timedelta(days=1), datetime.time(12), tzinfo=KYIV)
    assert opening.is_open_now(centre, tuesday_noon) is False


def test_a_special_day_overrides_the_weekday(centre):
    day = opening.hours_on(centre, MONDAY + datetime.timedelta(days=7))
    assert day.closed
    assert day.note == "Інвентаризація"
    with translation.override("en"):
        assert opening.hours_on(centre, MONDAY + datetime.timedelta(days=7)).note == "Inventory"


def test_open_now_uses_kyiv_time_for_a_utc_moment(centre):
    # 07:30 UTC on a winter Monday is 09:30 in Kyiv.
    assert opening.is_open_now(centre, datetime.datetime(2026, 11, 23, 7, 30, tzinfo=datetime.UTC)) is True


def test_public_holidays_close_centres_that_say_so(centre, settings):
    settings.HOLIDAYS_COUNTRY = "PL"
    holiday = datetime.date(2027, 1, 6)  # Epiphany, a day off in Poland
    assert opening.hours_on(centre, holiday).closed
    with translation.override("uk"):
        assert opening.hours_on(centre, holiday).note == "Богоявлення"
    with translation.override("en"):
        assert opening.hours_on(centre, holiday).note == "Epiphany"
