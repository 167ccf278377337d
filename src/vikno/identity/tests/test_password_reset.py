"""A forgotten password: the link, once; every session ends; the second factor is still needed."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from vikno.audit.models import AuditRecord
from vikno.identity.models import SignedInSession
from vikno.identity.tests.test_accounts import PASSWORD, SIGN_IN, citizen, official
from vikno.identity.tests.test_security_page import CHROME, signed_in

pytestmark = pytest.mark.django_db

FORGOTTEN = reverse("identity:forgotten-password")
NEW_PASSWORD = "seven silver owls at dawn"


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def ask(client, email, capture):
    with capture(execute=True):
        response = client.post(FORGOTTEN, {"email": email})
    assert response.status_code == 302 and response["Location"] == reverse("identity:check-email")


def link_in_mail() -> str:
    return (
        re.search(r"http://\S+/account/reset/\S+/", mail.outbox[-1].body).group(0).removeprefix("http://127.0.0.1:8000")
    )


def test_the_link_sets_a_new_password_once_and_ends_every_session(client, django_capture_on_commit_callbacks):
    user = citizen(totp=True)
    elsewhere = signed_in(user, CHROME, "198.51.100.7")
    ask(client, "OLENA@example.org", django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["olena@example.org"]]
    link = link_in_mail()

    landing = client.get(link)
    assert landing.status_code == 302 and link.split("/")[-2] not in landing["Location"]  # token out of the URL
    assert client.get(landing["Location"]).status_code == 200
    weak = client.post(landing["Location"], {"password": "short", "password_again": "short"})
    assert weak.status_code == 400
    done = client.post(landing["Location"], {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert done.status_code == 200
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD) and not user.check_password(PASSWORD)
    assert not SignedInSession.objects.filter(user=user, ended_at__isnull=True).exists()
    assert elsewhere.get(reverse("identity:cabinet")).status_code == 302
    assert AuditRecord.objects.filter(action="identity.password_reset", actor=user).count() == 1

    again = client.get(link)
    assert client.get(again["Location"]).status_code == 400  # used: keyed to the old password

    # The second factor is still asked for.
    assert client.post(SIGN_IN, {"email": "olena@example.org", "password": NEW_PASSWORD})["Location"] == reverse(
        "identity:second-factor"
    )
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize("who", ["nobody", "official", "eid-only"])
def test_no_link_goes_out_where_there_is_no_citizen_password_but_the_page_is_the_same(
    client, django_capture_on_commit_callbacks, who
):
    if who == "official":
        official("editor@dms.example")
        email = "editor@dms.example"
    elif who == "eid-only":
        person = citizen("eid@example.org")
        person.set_unusable_password()
        person.save()
        email = "eid@example.org"
    else:
        email = "nobody@example.org"
    ask(client, email, django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_a_forged_link_is_refused(client):
    citizen()
    response = client.get(reverse("identity:reset-password", kwargs={"uidb64": "MQ", "token": "forged-token"}))
    assert client.get(response["Location"]).status_code == 400
