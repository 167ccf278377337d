"""Reading notifications, always for the person they were sent to (or for a case an official may already see)."""

from django.db.models import Prefetch, QuerySet

from vikno.messaging.models import Delivery, Notification
from vikno.privacy.fields import blind_index_for


def _with_deliveries(notifications: QuerySet[Notification]) -> QuerySet[Notification]:
    return notifications.prefetch_related(Prefetch("deliveries", queryset=Delivery.objects.order_by("channel")))


def inbox_for(*, citizen) -> QuerySet[Notification]:
    return _with_deliveries(Notification.objects.filter(recipient=citizen))


def unread_count(*, citizen) -> int:
    return Notification.objects.filter(recipient=citizen, read_at=None).count()


def notification_get_for_citizen(*, citizen, notification_id) -> Notification | None:
    return _with_deliveries(Notification.objects.filter(recipient=citizen, pk=notification_id)).first()


def notifications_about(*, subject_type: str, subject_id: str, recipient_id) -> QuerySet[Notification]:
    """What the portal told one person about one thing (the applicant about their application; officials' own
    reminders about the case are not among them). The caller has checked the reader may see that thing: the back
    office calls it for a case the official has opened."""
    return _with_deliveries(
        Notification.objects.filter(subject_type=subject_type, subject_id=subject_id, recipient_id=recipient_id)
    )


def direct_sms_count(*, key_prefix: str, since, to: str = "") -> int:
    """How many SMS a person asked for (keys starting with `key_prefix`, to `to` if given) since then: the limit on
    confirmation codes counts them."""
    sms = Delivery.objects.filter(key__startswith=key_prefix, created_at__gte=since, is_notification=False)
    return (sms.filter(to_index=blind_index_for(Delivery, "to", to)) if to else sms).count()
