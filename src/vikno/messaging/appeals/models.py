"""Appeals of citizens to an authority (inquiries, complaints, proposals) and the files sent with them."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vikno.core.models import BaseModel
from vikno.messaging.appeals.constants import (
    OPEN_STATES,
    SUBJECT_MAX_CHARS,
    AppealKind,
    AppealState,
    AttachmentPart,
)
from vikno.privacy.fields import EncryptedTextField


class Appeal(BaseModel):
    """One appeal: registered with a reference number on receipt, answered by the authority within its term.

    The term runs in calendar days from the day of receipt (`due_date`); it may be shortened once an official
    finds no further study is needed (`short_term`) and extended once, with a reason told to the citizen.
    """

    reference = models.CharField(_("reference number"), max_length=14, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AppealKind.choices)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("citizen"), on_delete=models.PROTECT, related_name="appeals"
    )
    # The name the citizen wrote under, as it was then (an appeal without a name is not considered).
    citizen_name = models.CharField(_("from"), max_length=460)
    organisation = models.ForeignKey(
        "catalog.Organisation", verbose_name=_("authority"), on_delete=models.PROTECT, related_name="appeals"
    )
    subject = models.CharField(_("summary"), max_length=SUBJECT_MAX_CHARS)
    text = EncryptedTextField(_("appeal"))  # encrypted at rest, as is the answer
    state = models.CharField(_("status"), max_length=20, choices=AppealState.choices, default=AppealState.REGISTERED)
    received_at = models.DateTimeField(_("received on"))
    due_date = models.DateField(_("answer due by"))
    short_term = models.BooleanField(_("no further study needed"), default=False)
    extended_at = models.DateTimeField(_("term extended on"), null=True, blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_appeals",
    )
    answer = EncryptedTextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered on"), null=True, blank=True)
    # The form's one-time key: the same form sent twice (a double click, a retried request) registers one appeal.
    submission_key = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-received_at"]
        indexes = [
            # The officials' queue of open appeals, soonest due first, however many were answered before.
            models.Index(
                fields=["organisation", "due_date", "received_at"],
                condition=models.Q(answered_at__isnull=True),
                name="appeal_open_queue",
            ),
            models.Index(fields=["organisation", "state", "due_date"], name="appeal_queue"),
            models.Index(fields=["citizen", "-received_at"], name="appeal_citizen"),
            models.Index(fields=["assignee", "due_date"], name="appeal_assignee"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen", "submission_key"],
                condition=~models.Q(submission_key=""),
                name="appeal_submitted_once",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(state=AppealState.ANSWERED, answered_at__isnull=False)
                    | (~models.Q(state=AppealState.ANSWERED) & models.Q(answered_at__isnull=True))
                ),
                name="appeal_answered_when_answer_time",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def received_on(self) -> dt.date:
        """The day of receipt in the portal's time zone, from which the term is counted."""
        return timezone.localtime(self.received_at).date()

    @property
    def extended(self) -> bool:
        return self.extended_at is not None

    @property
    def answered_late(self) -> bool:
        return self.answered_at is not None and timezone.localtime(self.answered_at).date() > self.due_date

    def overdue_on(self, today: dt.date) -> bool:
        return self.is_open and self.due_date < today


class AppealAttachment(BaseModel):
    """A file sent with an appeal or with its answer, kept in private storage and streamed only to those allowed."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="attachments")
    part = models.CharField(max_length=10, choices=AttachmentPart.choices, default=AttachmentPart.APPEAL)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.CharField(max_length=300)  # the name in private storage
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("file of an appeal")
        verbose_name_plural = _("files of appeals")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name
