"""Changing the e-mail address puts no address in the task queue: the link to the new address and the note to
the old one wait in the outbox (encrypted at rest), the task carries the delivery's id only, and a retried task
sends each message once."""

# ruff: noqa: F811  (the fixtures are imported from rights_fixtures and named as arguments)

import json
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django_tasks_db.models import DBTaskResult

from vikno.identity.models import User
from vikno.identity.tests.helpers import sign_in_citizen
from vikno.messaging.constants import DeliveryState
from vikno.messaging.models import Delivery
from vikno.privacy.rights.correction import EMAIL_CHANGE_KEYS
from vikno.privacy.tests.rights_fixtures import _private_files, at, now  # noqa: F401  (pytest fixtures)
from vikno.privacy.tests.test_encryption import raw

pytestmark = pytest.mark.django_db

OLD, NEW = "olha@example.com", "olha.new@example.com"
ADDRESS_PARTS = ("olha", "example.com", "@")


@pytest.fixture
def queued_in_the_database(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def portal_account():
    return User.objects.create_user(
        username=OLD,
        email=OLD,
        password="a long enough password",
        first_name="Ольга",
        last_name="Кравець",
        language="en",
    )


def task_rows() -> list[tuple[str, dict]]:
    return list(DBTaskResult.objects.order_by("enqueued_at").values_list("task_path", "args_kwargs"))


def run(row_args: dict, times: int = 1) -> None:
    """Run the queued `deliver` task as a worker would, `times` times (a retry runs it again)."""
    from vikno.messaging.tasks import deliver

    for _ in range(times):
        deliver.call(*row_args["args"], **row_args["kwargs"])


def stored_address(delivery: Delivery) -> str:
    """The `to` column as the database holds it."""
    return raw(Delivery, delivery.pk, "to")


def test_the_queue_holds_ids_only_and_each_message_is_sent_once(
    client, portal_account, now, queued_in_the_database, django_capture_on_commit_callbacks
):
    sign_in_citizen(client, portal_account, method="password")
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(reverse("privacy:correct"), {"form": "email", "email-email": "Olha.New@Example.com"})
    assert asked.status_code == 302

    [link] = Delivery.objects.all()
    assert task_rows() == [("vikno.messaging.tasks.deliver", {"args": [str(link.pk)], "kwargs": {}})]
    assert link.key.startswith(EMAIL_CHANGE_KEYS.format(person=portal_account.pk) + "link:")
    assert link.to == NEW
    assert stored_address(link).startswith("vk1.") and NEW not in stored_address(link)  # encrypted at rest
    assert mail.outbox == []  # nothing leaves before a worker takes the task

    run(task_rows()[0][1], times=2)  # the task, and a retry of it

    [message] = mail.outbox
    assert message.to == [NEW]
    assert message.subject == "Confirm your new e-mail address for Vikno"
    link.refresh_from_db()
    assert (link.state, link.attempts) == (DeliveryState.SENT, 1)

    path = re.search(r"/cabinet/my-data/email/\S+", message.body).group(0)
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.get(path)
    assert confirmed.status_code == 302
    portal_account.refresh_from_db()
    assert portal_account.email == NEW

    notice = Delivery.objects.exclude(pk=link.pk).get()
    assert notice.key.startswith(EMAIL_CHANGE_KEYS.format(person=portal_account.pk) + "notice:")
    assert task_rows()[1] == ("vikno.messaging.tasks.deliver", {"args": [str(notice.pk)], "kwargs": {}})
    run(task_rows()[1][1], times=2)

    assert [m.to for m in mail.outbox] == [[NEW], [OLD]]  # the old address is told, once
    assert mail.outbox[1].subject == "The e-mail address of your Vikno account was changed"
    # No row of the queue names either address, or any part of one.
    queued = json.dumps(task_rows(), ensure_ascii=False).lower()
    assert [part for part in ADDRESS_PARTS if part in queued] == []


def test_the_messages_are_written_in_the_persons_language(
    client, portal_account, now, queued_in_the_database, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=portal_account.pk).update(language="uk")
    sign_in_citizen(client, portal_account, method="password")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:correct"), {"form": "email", "email-email": NEW})  # an English page
    run(task_rows()[0][1])
    with translation.override("uk"):
        expected = gettext("Confirm your new e-mail address for Vikno")
    assert [m.subject for m in mail.outbox] == [expected]


def test_asking_for_the_same_address_again_queues_nothing(
    client, portal_account, now, queued_in_the_database, django_capture_on_commit_callbacks
):
    sign_in_citizen(client, portal_account, method="password")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:correct"), {"form": "email", "email-email": "OLHA@example.com"})
    assert task_rows() == []
    assert not Delivery.objects.exists()
