import datetime

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from vikno.core.money import Money
from vikno.core.working_days import add_working_days, is_working_day


@pytest.mark.parametrize(
    ("language", "minor", "text"),
    [
        ("uk", 27900, "279 грн"),
        ("uk", 123450, "1\xa0234,50 грн"),
        ("en", 123450, "1,234.50 грн"),
        ("en", 5, "0.05 грн"),
        ("en", -100, "-1 грн"),
    ],
)
def test_money_is_formatted_by_language(language, minor, text):
    with translation.override(language):
        assert Money(minor).format() == text


def test_money_refuses_floats():
    with pytest.raises(TypeError):
        Money(279.0)  # type: ignore[arg-type]


def test_working_days_skip_weekends(settings):
    settings.HOLIDAYS_COUNTRY = "UA"
    friday = datetime.date(2026, 11, 20)
    assert add_working_days(friday, 1) == datetime.date(2026, 11, 23)  # Monday
    assert add_working_days(friday, 0) == friday
    assert add_working_days(friday, 10) == datetime.date(2026, 12, 4)


def test_working_days_skip_public_holidays(settings):
    # Poland keeps its public holidays as days off: 11 November 2025 (Independence Day) is not a working day.
    settings.HOLIDAYS_COUNTRY = "PL"
    assert not is_working_day(datetime.date(2025, 11, 11))
    assert add_working_days(datetime.date(2025, 11, 10), 1) == datetime.date(2025, 11, 12)


@given(st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2030, 12, 31)), st.integers(0, 60))
def test_the_result_is_a_working_day_after_the_start(start, days):
    result = add_working_days(start, days)
    assert result >= start
    if days:
        assert is_working_day(result)
        assert (result - start).days >= days
