"""A short trail over two sealed days, and the portal's clock, for the audit app's tests."""

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from vikno.audit import sealing
from vikno.audit.models import AuditRecord
from vikno.audit.services import record
from vikno.identity.tests.factories import official

KYIV = ZoneInfo("Europe/Kyiv")
DAY_ONE = dt.date(2026, 11, 20)
DAY_TWO = dt.date(2026, 11, 21)


def kyiv(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=KYIV)


@pytest.fixture
def at(monkeypatch):
    """at(moment): the portal's clock reads that moment from now on."""
    from vikno.core import clock

    def move_to(moment):
        monkeypatch.setattr(clock, "now", lambda: moment)

    return move_to


@pytest.fixture
def trail(at):
    """Five records on 20 November and five on 21 November (Kyiv), both days sealed on the 22nd."""
    clerk = official("clerk@vikno.example")
    for day in (DAY_ONE, DAY_TWO):
        for n in range(5):
            at(kyiv(day, 9 + n))
            record(
                actor=clerk if n % 2 == 0 else None,
                action=f"test.step_{n}",
                target_type="test.thing",
                target_id=f"{day:%d}-{n}",
                source_ip="192.0.2.7" if n % 2 == 0 else None,
                reason="Перевірка" if n == 3 else "",
                details={"n": n, "day": day.isoformat()},
            )
    at(kyiv(dt.date(2026, 11, 22), 1))
    seals = sealing.days_seal()
    return SimpleNamespace(
        clerk=clerk,
        seals=seals,
        records={r.sequence: r for r in AuditRecord.objects.order_by("sequence")},
    )
