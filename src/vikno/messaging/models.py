"""Notifications (the cabinet inbox) and their deliveries by e-mail and SMS (the outbox), and the SMS gateway's
incoming side: opt-outs and commands received."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vikno.core.models import BaseModel
from vikno.messaging.constants import Channel, DeliveryState
from vikno.privacy.fields import BlindIndexField, EncryptedTextField


class Notification(BaseModel):
    """One event told to one person: kept in their cabinet inbox, and sent on the channels they chose.

    `key` says which event it was (for example ``application:<id>:submitted``): telling the same event twice, as a
    retried task would, finds the first notification and sends nothing more.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(_("event"), max_length=50)
    key = models.CharField(max_length=200, unique=True)
    # What the notification is about, so the case page can list what its applicant was told.
    subject_type = models.CharField(max_length=50, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    title = models.CharField(_("title"), max_length=300)
    body = EncryptedTextField(_("text"))  # may quote what an official wrote to the person: encrypted at rest
    url = models.CharField(max_length=500, blank=True)
    action = models.CharField(max_length=100, blank=True)
    read_at = models.DateTimeField(_("read on"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(fields=["subject_type", "subject_id"], name="notification_subject"),
            models.Index(fields=["recipient"], condition=models.Q(read_at=None), name="notification_unread"),
        ]

    def __str__(self) -> str:
        # The title may name the person's case or what happened to them: the admin and its log show this instead.
        return f"{self.event} {self.created_at:%Y-%m-%d %H:%M}" if self.created_at else self.event


class Delivery(BaseModel):
    """One message to send on one channel: the outbox row a worker claims, sends, retries and finally marks.

    The content is rendered when the notification is made, so what the row holds is what was sent.
    """

    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    key = models.CharField(max_length=220, unique=True)
    # The address and the texts are encrypted at rest (a phone, an e-mail, a confirmation code, a decision).
    to = EncryptedTextField(_("to"), max_length=254)
    to_index = BlindIndexField(source="to", db_index=True)  # counts codes sent to one number
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    text = EncryptedTextField(_("text"))
    html = EncryptedTextField(blank=True)
    # SMS only: how the text travels (GSM-7 or UCS-2) and in how many parts.
    encoding = models.CharField(max_length=10, blank=True)
    segments = models.PositiveSmallIntegerField(default=0)
    state = models.CharField(_("state"), max_length=12, choices=DeliveryState.choices, default=DeliveryState.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    # A worker sending the message holds it until then; a worker that died lets it go when the time passes.
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent on"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered on"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    # A notification (held by SMS quiet hours, never sent to a number that sent STOP), or an SMS the person asked
    # for just now (an answer to their own SMS, a confirmation code), which neither holds back.
    is_notification = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state__in=["queued", "sending"]),
                name="delivery_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.subject or self.text[:40]}"


class SmsOptOut(models.Model):
    """A phone number that sent STOP: no notification goes to it by SMS until its owner turns SMS on again."""

    # Only the number's blind index is kept (vikno.messaging.sms.optout): the opt-out is found, never read back.
    phone_index = models.CharField(max_length=64, primary_key=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("SMS opt-out")
        verbose_name_plural = _("SMS opt-outs")

    def __str__(self) -> str:
        return self.phone_index[:12]


class IncomingSms(BaseModel):
    """An SMS received through the gateway, once (the gateway's message id is unique)."""

    gateway_id = models.CharField(max_length=100, unique=True)
    phone = EncryptedTextField(max_length=20)  # encrypted at rest, with the text
    # The account that held the number when the SMS came (only when exactly one did): its download and erasure.
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = EncryptedTextField(max_length=1000)
    command = models.CharField(max_length=20, blank=True)
    reply = models.OneToOneField(Delivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("incoming SMS")
        verbose_name_plural = _("incoming SMS")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.command or "?"


# --- Messages on an application (vikno.messaging.conversations) ------------------------------------------


class MessageSide(models.TextChoices):
    CITIZEN = "citizen", _("applicant")
    AUTHORITY = "authority", _("authority")


class ApplicationMessage(BaseModel):
    """A message on a sent application, from its applicant to the authority or back.

    Authority messages keep the organisation that wrote them (a case may later be forwarded elsewhere). A message
    from the applicant is unread for the authority until an official of the application's organisation opens the
    case; one from the authority is unread for the applicant until they open the application.
    """

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(_("written by"), max_length=10, choices=MessageSide.choices)
    organisation = models.ForeignKey(
        "catalog.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = EncryptedTextField(_("message"), blank=True)  # encrypted at rest
    # The key of the form that sent it: the same form sent twice (a double click, a retried request) is one message.
    request_key = models.UUIDField(null=True, blank=True)
    read_by_citizen_at = models.DateTimeField(_("read by the applicant on"), null=True, blank=True)
    read_by_authority_at = models.DateTimeField(_("read by the authority on"), null=True, blank=True)
    read_by_official = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("message on an application")
        verbose_name_plural = _("messages on applications")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "request_key"],
                condition=models.Q(request_key__isnull=False),
                name="message_once_per_form",
            ),
            models.CheckConstraint(
                condition=models.Q(side="citizen") | models.Q(organisation__isnull=False),
                name="message_authority_has_organisation",
            ),
        ]
        indexes = [
            models.Index(fields=["application", "created_at"], name="message_thread"),
            models.Index(
                fields=["application"],
                condition=models.Q(side="citizen", read_by_authority_at=None),
                name="message_unread_by_authority",
            ),
            models.Index(
                fields=["application"],
                condition=models.Q(side="authority", read_by_citizen_at=None),
                name="message_unread_by_citizen",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.side} {self.created_at:%Y-%m-%d %H:%M}"


class MessageAttachment(BaseModel):
    """A file sent with a message: checked like an application's uploads, kept in the private store under a random
    name, streamed only to the applicant and the officials of the application's organisation."""

    message = models.ForeignKey(ApplicationMessage, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.CharField(max_length=300)  # the name in private storage

    class Meta:
        verbose_name = _("file sent with a message")
        verbose_name_plural = _("files sent with messages")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name
