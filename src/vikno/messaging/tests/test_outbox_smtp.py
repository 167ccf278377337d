"""The outbox against a real SMTP server on localhost: nothing lost in an outage, nothing sent twice, dead letters."""

import datetime as dt
import smtplib

import pytest
from django.urls import reverse

from vikno.audit.models import AuditRecord
from vikno.core import clock
from vikno.core.tests.smtp import free_port, smtp_server, subject
from vikno.identity.tests.factories import citizen, platform_admin
from vikno.identity.tests.helpers import sign_in_official
from vikno.messaging import sending, tasks
from vikno.messaging.constants import DeliveryState
from vikno.messaging.models import Delivery
from vikno.messaging.notifications import notify

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)
PARAMS = {"reference": "26-0000-0001-2", "service": "Довідка", "organisation": "МВС", "status": "схвалено"}


@pytest.fixture
def smtp(settings):
    """Point the portal's mail at a localhost port (the test starts and stops the server there)."""
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    return port


def told(recipient, key="decision:1") -> Delivery:
    """A delivery written at the portal's clock (the row's own timestamp is the machine's: START is a fixed day)."""
    notify(recipient=recipient, event="decision_made", key=key, params=PARAMS)
    Delivery.objects.filter(notification__key=key).update(created_at=clock.now())
    return Delivery.objects.get(notification__key=key)


def state_of(delivery: Delivery) -> tuple:
    delivery.refresh_from_db()
    return delivery.state, delivery.attempts


def test_mail_written_during_an_outage_arrives_once_when_the_server_returns(smtp, at, tasks_run_at_once):
    at(START)
    delivery = told(citizen(email="olena@example.com"))
    assert sending.delivery_send(delivery_id=delivery.pk) == DeliveryState.QUEUED  # nobody listens on the port
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.QUEUED, 1)
    assert delivery.next_attempt_at == START + dt.timedelta(seconds=30)
    assert delivery.last_error.startswith("ConnectionRefusedError")
    assert sending.deliveries_due() == []  # not before its time

    at(START + dt.timedelta(seconds=31))
    assert sending.delivery_send(delivery_id=delivery.pk) == DeliveryState.QUEUED  # still down: wait doubles
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.next_attempt_at) == (2, START + dt.timedelta(seconds=31 + 60))

    with smtp_server(port=smtp) as (_port, inbox):
        at(START + dt.timedelta(seconds=92))
        assert tasks.send_due_deliveries.call() == 1  # the scheduled sweep hands it to a worker
        assert tasks.send_due_deliveries.call() == 0
    assert [subject(message) for message in inbox] == [delivery.subject]
    assert inbox[0]["To"] == "olena@example.com"
    assert inbox[0]["Message-ID"] == f"<{delivery.pk}@127.0.0.1>"
    assert [part.get_content_type() for part in inbox[0].walk()] == ["multipart/alternative", "text/plain", "text/html"]
    assert state_of(delivery) == (DeliveryState.SENT, 3)


def test_a_retried_task_sends_the_message_once(smtp):
    delivery = told(citizen(email="olena@example.com"))
    with smtp_server(port=smtp) as (_port, inbox):
        assert tasks.deliver.call(str(delivery.pk)) == DeliveryState.SENT
        assert tasks.deliver.call(str(delivery.pk)) == "skipped"
        assert tasks.send_due_deliveries.call() == 0
    assert len(inbox) == 1
    assert state_of(delivery) == (DeliveryState.SENT, 1)


def test_a_message_held_by_a_worker_is_not_sent_by_another_until_the_claim_expires(smtp, at):
    at(START)
    delivery = told(citizen(email="olena@example.com"))
    Delivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.SENDING, claimed_until=START + dt.timedelta(seconds=120)
    )
    with smtp_server(port=smtp) as (_port, inbox):
        assert sending.delivery_send(delivery_id=delivery.pk) == "skipped"
        assert sending.deliveries_due() == []
        at(START + dt.timedelta(seconds=121))  # the worker died: its claim runs out...
        assert sending.deliveries_due() == []  # ...but a new delivery is left to its own task for a while
        at(START + dt.timedelta(seconds=sending.NEW_DELIVERY_GRACE_SECONDS + 1))
        assert sending.deliveries_due() == [delivery.pk]
        assert sending.delivery_send(delivery_id=delivery.pk) == DeliveryState.SENT
    assert len(inbox) == 1


def test_an_address_the_server_refuses_is_dead_at_once(smtp):
    delivery = told(citizen(email="olena@nowhere.example"))
    with smtp_server(port=smtp) as (_port, inbox):
        assert sending.delivery_send(delivery_id=delivery.pk) == DeliveryState.DEAD
    assert inbox == []
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.DEAD, 1)
    assert delivery.last_error == "the mail server refused the address (550)"


def test_after_the_last_attempt_a_message_is_dead_and_an_operator_sends_it_again(
    smtp, settings, at, client, tasks_run_at_once, django_capture_on_commit_callbacks
):
    settings.DELIVERY_MAX_ATTEMPTS = 3
    at(START)
    delivery = told(citizen(email="olena@example.com"))
    for attempt in range(3):
        at(START + dt.timedelta(hours=attempt))
        sending.delivery_send(delivery_id=delivery.pk)
    assert state_of(delivery) == (DeliveryState.DEAD, 3)
    at(START + dt.timedelta(days=1))
    assert sending.deliveries_due() == []  # a dead letter waits for a person

    operator = platform_admin()
    sign_in_official(client, operator)
    listing = client.get(reverse("admin:messaging_delivery_changelist") + "?state__exact=dead")
    assert listing.status_code == 200
    assert str(delivery.pk) in listing.content.decode()
    assert "olena@example.com" not in listing.content.decode()  # operators see states and errors, not addresses
    with smtp_server(port=smtp) as (_port, inbox), django_capture_on_commit_callbacks(execute=True):
        sent_again = client.post(
            reverse("admin:messaging_delivery_changelist"),
            {"action": "send_again", "_selected_action": [str(delivery.pk)]},
        )
    assert sent_again.status_code == 302
    assert len(inbox) == 1
    assert state_of(delivery) == (DeliveryState.SENT, 1)
    retried = AuditRecord.objects.get(action="messaging.deliveries_retried")
    assert (retried.actor, retried.details) == (operator, {"count": 1})
    assert clock.now() == START + dt.timedelta(days=1)


def test_a_worker_whose_claim_ran_out_does_not_overwrite_the_next_one(smtp, at):
    """A slow worker finishes after its claim expired and another worker took the delivery: the first one's
    result is not written over the second's claim."""
    at(START)
    delivery = told(citizen(email="olena@example.com"))
    slow = sending._claim(delivery.pk)
    at(START + dt.timedelta(seconds=sending.claim_seconds() + 1))
    second = sending._claim(delivery.pk)
    assert second is not None and second.claimed_until != slow.claimed_until
    assert sending._finish(slow, DeliveryState.SENT, attempted=True) == DeliveryState.SENDING
    assert state_of(delivery) == (DeliveryState.SENDING, 0)  # still the second worker's
    assert sending._finish(second, DeliveryState.SENT, attempted=True) == DeliveryState.SENT
    assert state_of(delivery) == (DeliveryState.SENT, 1)


def test_the_sweep_leaves_a_new_delivery_to_its_own_task_for_a_minute(at):
    at(START)
    delivery = told(citizen(email="olena@example.com"))
    assert sending.deliveries_due() == []
    at(START + dt.timedelta(seconds=sending.NEW_DELIVERY_GRACE_SECONDS + 1))  # its task was lost
    assert sending.deliveries_due() == [delivery.pk]


def test_an_error_text_never_carries_the_address():
    refused = smtplib.SMTPRecipientsRefused({"olena@example.com": (450, b"mailbox busy")})
    assert sending._error_text(refused) == "SMTPRecipientsRefused: 450"
    assert sending._error_text(smtplib.SMTPDataError(451, b"olena@example.com later")) == "SMTPDataError: 451"
