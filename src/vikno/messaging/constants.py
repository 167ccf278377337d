from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("waiting to be sent")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("not delivered")
    DEAD = "dead", _("could not be sent")
    SUPPRESSED = "suppressed", _("not sent: unsubscribed")


# A delivery in one of these states may be (re)tried by a worker.
SENDABLE = (DeliveryState.QUEUED, DeliveryState.SENDING)
