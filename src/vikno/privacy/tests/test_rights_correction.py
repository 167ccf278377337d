"""Correcting what the person entered: the name of a portal account, the e-mail address through a link sent to
the new one (the login name follows; the old address is told); data from eID goes to the officer instead."""

# ruff: noqa: F811  (the fixtures are imported from rights_fixtures and named as arguments)

import base64
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from vikno.audit.models import AuditRecord
from vikno.identity.models import User
from vikno.identity.tests.factories import citizen
from vikno.identity.tests.helpers import sign_in_citizen
from vikno.privacy.rights.correction import email_change_token
from vikno.privacy.tests.rights_fixtures import (  # noqa: F401  (pytest fixtures)
    _private_files,
    applicant,
    at,
    now,
    other_citizen,
    tasks_run_at_once,
)

pytestmark = pytest.mark.django_db

CORRECT = reverse("privacy:correct")


@pytest.fixture
def portal_account():
    """A portal account (e-mail and password): its name was typed at registration, not confirmed by eID."""
    return User.objects.create_user(
        username="olha@example.com", email="olha@example.com", password="a long enough password", first_name="Ольга",
        last_name="Кравець",
    )  # fmt: skip


def _link(message) -> str:
    """The path of the link in the e-mail (the site's address before it is the setting's)."""
    return re.search(r"/cabinet/my-data/email/\S+", message.body).group(0)


def test_a_portal_account_corrects_its_name(client, portal_account, now):
    sign_in_citizen(client, portal_account, method="password")
    response = client.post(CORRECT, {"form": "name", "name-first_name": "Ольга", "name-last_name": "Кравченко"})
    assert response.status_code == 302
    portal_account.refresh_from_db()
    assert portal_account.last_name == "Кравченко"
    assert AuditRecord.objects.filter(action="privacy.name_corrected", actor=portal_account).count() == 1


def test_a_name_from_eid_is_not_edited_here(client, applicant, now):
    User.objects.filter(pk=applicant.pk).update(identity_source="Дія")
    sign_in_citizen(client, applicant)
    page = client.get(CORRECT).content.decode()
    assert 'id="name-form"' not in page
    refused = client.post(CORRECT, {"form": "name", "name-first_name": "Інна", "name-last_name": "Інша"})
    assert refused.status_code == 400
    applicant.refresh_from_db()
    assert applicant.first_name == "Олена"


def test_a_new_e_mail_address_counts_once_its_link_is_followed(
    client, portal_account, now, tasks_run_at_once, django_capture_on_commit_callbacks
):
    sign_in_citizen(client, portal_account, method="password")
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(CORRECT, {"form": "email", "email-email": "Olha.New@Example.com"})
    assert asked.status_code == 302
    portal_account.refresh_from_db()
    assert portal_account.email == "olha@example.com"  # nothing changes before the link is followed
    [message] = mail.outbox
    assert message.to == ["olha.new@example.com"]
    link = _link(message)
    assert link.startswith("/cabinet/my-data/email/")
    # The link is a URL (proxies and browsers log those): neither address can be read from it.
    token = link.removeprefix("/cabinet/my-data/email/").strip("/")
    for readable in (token, base64.urlsafe_b64decode(token.split(":")[0] + "==").decode("latin-1")):
        assert "olha" not in readable.lower() and "example" not in readable.lower()

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.get(link)

    assert confirmed.status_code == 302
    portal_account.refresh_from_db()
    assert portal_account.email == portal_account.username == "olha.new@example.com"
    assert portal_account.email_verified_at == now
    assert [m.to for m in mail.outbox[1:]] == [["olha@example.com"]]  # the old address is told
    assert AuditRecord.objects.filter(action="privacy.email_changed").count() == 1
    # The link worked once: the account's address is no longer the one it was made for.
    again = client.get(link)
    assert again.status_code == 400


@translation.override("en")
def test_links_that_are_forged_or_someone_elses_or_for_a_taken_address_change_nothing(
    client, applicant, other_citizen, now
):
    sign_in_citizen(client, applicant)
    forged = client.get(reverse("privacy:email-confirm", args=["forged"]))
    assert forged.status_code == 400 and "This link does not work" in forged.content.decode()

    someone_elses = client.get(
        reverse("privacy:email-confirm", args=[email_change_token(other_citizen, "x@example.com")])
    )
    assert someone_elses.status_code == 400

    taken = client.get(reverse("privacy:email-confirm", args=[email_change_token(applicant, "petro@example.com")]))
    assert taken.status_code == 400 and "Another account uses this address" in taken.content.decode()
    applicant.refresh_from_db()
    other_citizen.refresh_from_db()
    assert (applicant.email, other_citizen.email) == ("olena@example.com", "petro@example.com")
    assert not AuditRecord.objects.filter(action="privacy.email_changed").exists()


@translation.override("en")
def test_a_bad_address_is_a_400_in_words(client, applicant):
    sign_in_citizen(client, applicant)
    response = client.post(reverse("privacy:correct"), {"form": "email", "email-email": "not an address"})
    assert response.status_code == 400
    assert "Enter an e-mail address like name@example.com" in response.content.decode()
    assert mail.outbox == []


def test_an_eid_account_keeps_its_login_name_when_its_address_changes(client, now):
    person = citizen(email="old@example.com")
    login = person.username
    sign_in_citizen(client, person)
    client.get(reverse("privacy:email-confirm", args=[email_change_token(person, "new@example.com")]))
    person.refresh_from_db()
    assert (person.username, person.email) == (login, "new@example.com")
