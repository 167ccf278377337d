"""The statutory terms of an appeal, in calendar days from the day it was received (settings `APPEAL_*_DAYS`)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings


def term_due(received_on: dt.date) -> dt.date:
    """The ordinary term: a month (30 days by default)."""
    return received_on + dt.timedelta(days=settings.APPEAL_TERM_DAYS)


def short_due(received_on: dt.date) -> dt.date:
    """The term when no further study is needed (15 days by default)."""
    return received_on + dt.timedelta(days=settings.APPEAL_SHORT_TERM_DAYS)


def latest_due(received_on: dt.date) -> dt.date:
    """The furthest an extension may reach (45 days in all by default)."""
    return received_on + dt.timedelta(days=settings.APPEAL_MAX_TERM_DAYS)
