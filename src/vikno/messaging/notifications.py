"""Telling a person about an event: the notification in their inbox, and a delivery per channel they chose.

Call `notify` inside the transaction that changed the state: the notification is written with it, and the
deliveries are handed to the workers only once it commits (a rolled-back change tells nobody).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation

from vikno.audit.services import record
from vikno.core import clock, phone
from vikno.messaging.constants import Channel, DeliveryState
from vikno.messaging.events import EVENTS
from vikno.messaging.models import Delivery, Notification
from vikno.messaging.sms import segments
from vikno.messaging.sms.optout import sms_opted_out
from vikno.messaging.tasks import deliver


def notify(
    *,
    recipient,
    event: str,
    key: str,
    params: Mapping[str, Any],
    link: tuple[str, list] | None = None,
    subject: tuple[str, str] = ("", ""),
) -> Notification:
    """Tell `recipient` about `event` once: the same `key` again returns the first notification, sending nothing.

    `params` fill the event's texts in the recipient's language (dates are written out, callables are called
    there); `link` is a view name and its arguments, the page the notification points to.
    """
    existing = Notification.objects.filter(key=key).first()
    if existing is not None:
        return existing
    spec = EVENTS[event]
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        values = {name: _written(value) for name, value in params.items()}
        path = reverse(link[0], args=link[1]) if link else ""
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=recipient,
                    event=event,
                    key=key,
                    subject_type=subject[0],
                    subject_id=subject[1],
                    title=str(spec.title).format_map(values),
                    body=str(spec.body).format_map(values),
                    url=path,
                    action=str(spec.action),
                )
                deliveries = _deliveries(notification, str(spec.sms).format_map(values), always_email=spec.security)
        except IntegrityError:  # another transaction told the same event at the same moment
            return Notification.objects.get(key=key)
    for delivery in deliveries:
        enqueue_on_commit(delivery)
    return notification


def _written(value: Any) -> str:
    if callable(value):
        value = value()
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return formats.date_format(value, "j E Y")
    return str(value)


def _deliveries(notification: Notification, sms_text: str, *, always_email: bool = False) -> list[Delivery]:
    recipient = notification.recipient
    made = []
    if (recipient.notify_by_email or always_email) and recipient.email:
        made.append(
            _delivery(
                notification,
                Channel.EMAIL,
                recipient.email,
                subject=notification.title,
                text=render_to_string("messaging/email/notification.txt", _email_context(notification)),
                html=render_to_string("messaging/email/notification.html", _email_context(notification)),
            )
        )
    number = phone.normalise(recipient.phone)
    if recipient.notify_by_sms and number and not sms_opted_out(phone_number=number):
        made.append(_delivery(notification, Channel.SMS, number, text=sms_text))
    return made


def _email_context(notification: Notification) -> dict:
    return {
        "notification": notification,
        "language": translation.get_language(),
        "paragraphs": notification.body.split("\n\n"),
        "url": settings.SITE_URL + notification.url if notification.url else "",
        "settings_url": settings.SITE_URL + reverse("identity:notifications"),
    }


def _delivery(notification: Notification | None, channel: str, to: str, *, text: str, **fields) -> Delivery:
    if channel == Channel.SMS:
        measured = segments.measure(text)
        fields.update(encoding=measured.encoding, segments=measured.segments)
    key = fields.pop("key", None) or f"{notification.key if notification else ''}:{channel}"
    return Delivery.objects.create(
        notification=notification, channel=channel, to=to, text=text, key=key, next_attempt_at=clock.now(), **fields
    )


def sms_direct(*, to: str, text: str, key: str) -> Delivery:
    """An SMS the person asked for just now (an answer to their own SMS, a confirmation code): not a notification,
    so neither quiet hours nor STOP hold it back."""
    if (existing := Delivery.objects.filter(key=key).first()) is not None:
        return existing
    try:
        with transaction.atomic():
            delivery = _delivery(None, Channel.SMS, to, text=text, key=key, is_notification=False)
    except IntegrityError:
        return Delivery.objects.get(key=key)
    enqueue_on_commit(delivery)
    return delivery


def email_direct(*, to: str, subject: str, text: str, key: str) -> Delivery:
    """An e-mail about the person's own account to an address that is not (or no longer) the account's: the link
    that proves a new address, the note to the old one. Kept in the outbox like any message (the address and the
    text encrypted at rest; the task is given the delivery's id only) and sent once; the same `key` again sends
    nothing more."""
    if (existing := Delivery.objects.filter(key=key).first()) is not None:
        return existing
    try:
        with transaction.atomic():
            delivery = _delivery(None, Channel.EMAIL, to, text=text, subject=subject, key=key, is_notification=False)
    except IntegrityError:
        return Delivery.objects.get(key=key)
    enqueue_on_commit(delivery)
    return delivery


def enqueue_on_commit(delivery: Delivery) -> None:
    delivery_id = str(delivery.pk)
    # robust: a queue that cannot take the task now must not fail a change already committed; the sweep
    # (`send_due_deliveries`) sends the delivery a minute later all the same.
    transaction.on_commit(lambda: deliver.enqueue(delivery_id), robust=True)


@transaction.atomic
def deliveries_retry(*, delivery_ids: list, actor) -> int:
    """An operator sends dead (or undelivered) messages again, from the admin: they start over with fresh attempts."""
    retried = list(
        Delivery.objects.select_for_update()
        .filter(pk__in=delivery_ids, state__in=[DeliveryState.DEAD, DeliveryState.FAILED])
        .values_list("pk", flat=True)
    )
    Delivery.objects.filter(pk__in=retried).update(
        state=DeliveryState.QUEUED, attempts=0, next_attempt_at=clock.now(), claimed_until=None, updated_at=clock.now()
    )
    record(actor=actor, action="messaging.deliveries_retried", details={"count": len(retried)})
    for delivery in Delivery.objects.filter(pk__in=retried):
        enqueue_on_commit(delivery)
    return len(retried)
