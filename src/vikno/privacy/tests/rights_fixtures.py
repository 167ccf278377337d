"""People, records and the clock for the tests of data subjects' rights, consents and retention.

Test modules import the fixtures they use (pytest finds them by name in the module)."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from vikno.applications import casework
from vikno.applications import services as application_services
from vikno.applications.tests import conftest as applications
from vikno.applications.tests.test_services import filled
from vikno.identity.constants import Role
from vikno.identity.tests.factories import citizen, official
from vikno.identity.tests.helpers import sign_in_citizen, sign_in_official
from vikno.messaging.notifications import notify

KYIV = ZoneInfo("Europe/Kyiv")
NOW = dt.datetime(2026, 6, 1, 10, 0, tzinfo=KYIV)

# The applications app's people, authorities and clock.
applicant = applications.applicant
at = applications.at
authority = applications.authority
definition = applications.definition
officer = applications.officer
other_authority = applications.other_authority
service = applications.service
tasks_run_at_once = applications.tasks_run_at_once


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.VIKNO_PRIVATE_STORAGE_DIR = tmp_path / "private"


@pytest.fixture
def now(at):
    at(NOW)
    return NOW


@pytest.fixture
def other_citizen():
    return citizen("Петро", "Іваненко", email="petro@example.com", phone="+380501112233")


@pytest.fixture
def dpo(other_authority):
    return official("dpo@vikno.example", other_authority, Role.DATA_PROTECTION_OFFICER, first_name="Ірина")


@pytest.fixture
def signed_in(client, applicant):
    sign_in_citizen(client, applicant)
    return client


@pytest.fixture
def dpo_client(dpo):
    """A browser of its own, beside the citizen's `client`."""
    browser = Client()
    sign_in_official(browser, dpo)
    return browser


def submitted(person, service):
    """A sent application with one file."""
    return application_services.application_submit(application=filled(person, service), actor=person)


def decided(person, service, officer, *, when: dt.datetime | None = None):
    """A sent application the officer approved (at `when`, if given)."""
    application = submitted(person, service)
    application = casework.case_transition(
        application=application, official=officer, transition_id="start_review", version=application.version
    )
    application = casework.case_transition(
        application=application, official=officer, transition_id="approve", version=application.version
    )
    if when is not None:
        type(application).objects.filter(pk=application.pk).update(decided_at=when)
        application.refresh_from_db()
    return application


def told(person, key: str | None = None):
    """A notification (with a delivery per channel the person chose)."""
    return notify(
        recipient=person,
        event="question_answered",
        key=key or f"test:{uuid.uuid4()}",
        params={"service": "Довідка", "organisation": "ДМС"},
    )
