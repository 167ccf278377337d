"""Reading notifications, always for the person they were sent to (or for a case an official may already see)."""

from django.db.models import Prefetch, QuerySet

from vikno.messaging.models import Delivery, Notification


def _with_deliveries(notifications: QuerySet[Notification]) -> QuerySet[Notification]:
    return notifications.prefetch_related(Prefetch("deliveries", queryset=Delivery.objects.order_by("channel")))


def inbox_for(*, citizen) -> QuerySet[Notification]:
    return _with_deliveries(Notification.objects.filter(recipient=citizen))


def unread_count(*, citizen) -> int:
    return Notification.objects.filter(recipient=citizen, read_at=None).count()


def notification_get_for_citizen(*, citizen, notification_id) -> Notification | None:
    return _with_deliveries(Notification.objects.filter(recipient=citizen, pk=notification_id)).first()


def notifications_about(*, subject_type: str, subject_id: str) -> QuerySet[Notification]:
    """What the portal told people about one thing (an application...). The caller has checked the reader may see
    that thing: the back office calls it for a case the official has opened."""
    return _with_deliveries(Notification.objects.filter(subject_type=subject_type, subject_id=subject_id))
