"""The one place the current time is read, so tests and services agree on "now"."""

import datetime

from django.utils import timezone


def now() -> datetime.datetime:
    return timezone.now()


def local_now() -> datetime.datetime:
    return timezone.localtime(now())


def today() -> datetime.date:
    return local_now().date()
