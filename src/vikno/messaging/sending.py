"""The outbox: a worker claims a delivery, sends it on its channel and records what happened.

Claiming is one UPDATE that only one worker can win, so a delivery enqueued twice (a retried task, the sweep and
the first task at once) is sent once. A failure that may pass (SMTP or Kannel down) is retried with exponential
backoff; after `DELIVERY_MAX_ATTEMPTS` the delivery is dead and waits in the admin for an operator to send it again.
A worker that dies while sending leaves its claim to expire; the sweep then sends the message again (the one case
where a message can arrive twice: e-mail carries a Message-ID made from the delivery, so mail clients see one).
"""

from __future__ import annotations

import datetime as dt
import smtplib
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Q

from vikno.core import clock
from vikno.messaging.constants import SENDABLE, Channel, DeliveryState
from vikno.messaging.models import Delivery
from vikno.messaging.sms.base import SmsRejected, gateway
from vikno.messaging.sms.optout import sms_opted_out


def claim_seconds() -> int:
    """How long a worker holds a delivery: well past the longest a send may take (an SMTP exchange is several
    socket operations, each allowed EMAIL_TIMEOUT)."""
    return max(120, 6 * max(settings.EMAIL_TIMEOUT, settings.SMS_HTTP_TIMEOUT))


# A new delivery's own `deliver` task has this long to run before the sweep queues it again (only a task that was
# never queued is lost; under a backlog a new delivery may wait minutes for its task, which must not be doubled).
NEW_DELIVERY_GRACE_SECONDS = 600


class PermanentFailure(Exception):
    pass


def delivery_send(*, delivery_id: str) -> str:
    """Send one delivery if it is due and nobody else is sending it; returns the state it was left in."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return "skipped"
    if delivery.channel == Channel.SMS and delivery.is_notification:
        if sms_opted_out(phone_number=delivery.to):
            return _finish(delivery, DeliveryState.SUPPRESSED)
        if (resume := quiet_hours_end(clock.local_now())) is not None:
            _mine(delivery).update(state=DeliveryState.QUEUED, next_attempt_at=resume, claimed_until=None)
            return DeliveryState.QUEUED
    try:
        SENDERS[delivery.channel](delivery)
    except PermanentFailure as error:
        return _finish(delivery, DeliveryState.DEAD, error=str(error), attempted=True)
    except Exception as error:  # anything else may pass: the message stays in the outbox
        return _retry_later(delivery, _error_text(error))
    return _finish(delivery, DeliveryState.SENT, attempted=True, sent_at=clock.now())


def _claim(delivery_id: str) -> Delivery | None:
    now = clock.now()
    won = (
        Delivery.objects.filter(pk=delivery_id, state__in=SENDABLE, next_attempt_at__lte=now)
        .filter(Q(claimed_until=None) | Q(claimed_until__lt=now))
        .update(state=DeliveryState.SENDING, claimed_until=now + dt.timedelta(seconds=claim_seconds()))
    )
    return Delivery.objects.get(pk=delivery_id) if won else None


def _mine(delivery: Delivery):
    """The row while this worker's claim holds: a worker whose claim ran out (and another took the delivery)
    changes nothing. The claim's end, written by `_claim`, tells the claims apart."""
    return Delivery.objects.filter(pk=delivery.pk, claimed_until=delivery.claimed_until)


def _finish(delivery: Delivery, state: str, *, error: str = "", attempted: bool = False, **fields) -> str:
    changes = dict(claimed_until=None, attempts=delivery.attempts + int(attempted), updated_at=clock.now(), **fields)
    if not _mine(delivery).filter(state=DeliveryState.SENDING).update(state=state, last_error=error[:500], **changes):
        # The gateway's delivery report came in before we finished noting the send: keep what it said.
        _mine(delivery).update(**changes)
        return Delivery.objects.values_list("state", flat=True).get(pk=delivery.pk)
    return state


def _error_text(error: Exception) -> str:
    """What went wrong, without what the servers echo back (an SMTP refusal names the address)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return f"{type(error).__name__}: " + ", ".join(str(code) for code, _text in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__}: {error.smtp_code}"
    return f"{type(error).__name__}: {error}"[:500]


def _retry_later(delivery: Delivery, error: str) -> str:
    attempts = delivery.attempts + 1
    if attempts >= settings.DELIVERY_MAX_ATTEMPTS:
        return _finish(delivery, DeliveryState.DEAD, error=error, attempted=True)
    wait = min(settings.DELIVERY_RETRY_SECONDS * 2 ** (attempts - 1), settings.DELIVERY_RETRY_MAX_SECONDS)
    _mine(delivery).filter(state=DeliveryState.SENDING).update(
        state=DeliveryState.QUEUED,
        attempts=attempts,
        next_attempt_at=clock.now() + dt.timedelta(seconds=wait),
        claimed_until=None,
        last_error=error[:500],
        updated_at=clock.now(),
    )
    return DeliveryState.QUEUED


def quiet_hours_end(local_now: dt.datetime) -> dt.datetime | None:
    """When the SMS quiet hours that `local_now` falls in end; None outside quiet hours (or with none set)."""
    if not settings.SMS_QUIET_HOURS:
        return None
    start, end = settings.SMS_QUIET_HOURS
    time = local_now.time()
    inside = start <= time < end if start < end else (time >= start or time < end)
    if not inside:
        return None
    resume = local_now.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return resume if resume > local_now else resume + dt.timedelta(days=1)


def deliveries_due(limit: int = 1000) -> list[uuid.UUID]:
    """Deliveries a worker should try now: retries whose time came, claims of workers that died, and new ones whose
    task was lost (a new one keeps its own task for ten minutes: the sweep does not queue it a second time)."""
    now = clock.now()
    return list(
        Delivery.objects.filter(state__in=SENDABLE, next_attempt_at__lte=now)
        .filter(Q(claimed_until=None) | Q(claimed_until__lt=now))
        .exclude(attempts=0, created_at__gt=now - dt.timedelta(seconds=NEW_DELIVERY_GRACE_SECONDS))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def _send_email(delivery: Delivery) -> None:
    message = EmailMultiAlternatives(
        subject=delivery.subject,
        body=delivery.text,
        to=[delivery.to],
        headers={"Message-ID": f"<{delivery.pk}@{settings.EMAIL_MESSAGE_ID_DOMAIN}>"},
        connection=get_connection(timeout=settings.EMAIL_TIMEOUT),
    )
    if delivery.html:
        message.attach_alternative(delivery.html, "text/html")
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _text in error.recipients.values()]
        if all(500 <= code < 600 for code in codes):
            raise PermanentFailure(f"the mail server refused the address ({codes[0]})") from error
        raise


def _send_sms(delivery: Delivery) -> None:
    try:
        gateway().send(to=delivery.to, text=delivery.text, delivery_id=str(delivery.pk))
    except SmsRejected as error:
        raise PermanentFailure(str(error)) from error


SENDERS: dict[str, Callable[[Delivery], None]] = {Channel.EMAIL: _send_email, Channel.SMS: _send_sms}


def delivery_report(*, delivery_id: uuid.UUID, delivered: bool | None) -> bool:
    """The gateway reports that an SMS reached the phone (True), finally did not (False) or is on its way (None).
    Returns False for a delivery that is not an SMS we handed to the gateway.

    A report may also come for a delivery waiting for a retry (the gateway took it but its answer never reached us):
    the report settles it, and it is not sent again."""
    sms = Delivery.objects.filter(pk=delivery_id, channel=Channel.SMS).exclude(state=DeliveryState.QUEUED, attempts=0)
    if delivered is None:
        return sms.exists()
    now = clock.now()
    state = DeliveryState.DELIVERED if delivered else DeliveryState.FAILED
    changes = {"delivered_at": now} if delivered else {}
    updated = sms.filter(state__in=[DeliveryState.SENT, DeliveryState.SENDING, DeliveryState.QUEUED]).update(
        state=state, updated_at=now, **changes
    )
    return bool(updated) or sms.exists()
