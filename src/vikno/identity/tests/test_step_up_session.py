"""Signing in again in the same browser replaces the session: the earlier tracked session ends when the new one
starts (a step-up to a higher level with eID, end to end against the demo provider on localhost)."""

# ruff: noqa: F811  (the fixtures are imported from test_eid and named as arguments)

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from vikno.core import clock
from vikno.identity.constants import Assurance
from vikno.identity.models import SignedInSession, User
from vikno.identity.session import ASSURANCE_KEY, SESSION_ID_KEY
from vikno.identity.tests.demo_eid import CITIZENS, HIGH, LOW
from vikno.identity.tests.test_eid import (  # noqa: F401  (pytest fixtures)
    _stop_module_provider,
    provider,
    provider_port,
    sign_in,
)

pytestmark = pytest.mark.django_db


def open_rows(user) -> list[tuple]:
    return list(SignedInSession.objects.filter(user=user, ended_at__isnull=True).values_list("public_id", "assurance"))


def test_a_step_up_ends_the_lower_session_it_replaces(client, settings, provider):
    sign_in(client, settings, acr=LOW)
    person = User.objects.get()
    [(low_id, low_level)] = open_rows(person)
    assert low_level == Assurance.LOW
    low_key = client.session.session_key

    _, _, response = sign_in(client, settings, acr=HIGH)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(person.pk)
    assert client.session[ASSURANCE_KEY] == Assurance.HIGH
    assert client.session.session_key != low_key
    [(high_id, high_level)] = open_rows(person)
    assert (high_level, str(high_id)) == (Assurance.HIGH, client.session[SESSION_ID_KEY])
    # Ended at the moment the new one started.
    assert (
        SignedInSession.objects.get(public_id=low_id).ended_at
        == SignedInSession.objects.get(public_id=high_id).last_seen_at
    )
    # The person's devices page lists this browser once.
    page = client.get(reverse("identity:security")).content.decode()
    assert str(high_id) in page and str(low_id) not in page


def test_another_person_signing_in_in_the_same_browser_ends_the_first_ones_session(client, settings, provider):
    sign_in(client, settings)
    first = User.objects.get()
    sign_in(client, settings, sub=CITIZENS[1]["sub"])
    second = User.objects.exclude(pk=first.pk).get()

    assert client.session[SESSION_KEY] == str(second.pk)
    assert open_rows(first) == []
    [(second_id, _)] = open_rows(second)
    ended = SignedInSession.objects.get(user=first).ended_at
    assert ended is not None and ended == SignedInSession.objects.get(public_id=second_id).last_seen_at


def test_a_first_sign_in_ends_nobody_elses_session(client, settings, provider):
    someone = User.objects.create_user(username="someone")
    elsewhere = SignedInSession.objects.create(
        user=someone, method="password", assurance=Assurance.LOW, last_seen_at=clock.now()
    )
    sign_in(client, settings)
    elsewhere.refresh_from_db()
    assert elsewhere.ended_at is None
