"""Changes to a person's inbox."""

from django.db import transaction

from vikno.core import clock
from vikno.messaging.models import Notification


@transaction.atomic
def notification_read(*, citizen, notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk, recipient=citizen, read_at=None).update(read_at=clock.now())


@transaction.atomic
def notifications_read_all(*, citizen) -> int:
    return Notification.objects.filter(recipient=citizen, read_at=None).update(read_at=clock.now())
