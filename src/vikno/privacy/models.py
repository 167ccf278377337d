"""Personal data: the access log (every time an official opens a citizen's data, and why), the consents people
gave to versioned texts, and their requests to the data protection officer."""

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vikno.core.models import BaseModel
from vikno.privacy.fields import EncryptedTextField
from vikno.privacy.rights.constants import OPEN_STATES, ConsentKey, ConsentMethod, RequestKind, RequestState


class DataAccess(models.Model):
    """One look at a person's data by an official. Written only by `privacy.services.data_access_record`."""

    id = models.BigAutoField(primary_key=True)
    # The entry's address in the citizen's pages: the key above is sequential, so never shown.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    occurred_at = models.DateTimeField(_("when"), db_index=True)
    official = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("catalog.Organisation", null=True, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=200, blank=True)  # the roles held there, comma-separated
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="data_accesses", verbose_name=_("whose data")
    )
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    purpose = models.CharField(_("purpose"), max_length=300)

    class Meta:
        verbose_name = _("personal-data access")
        verbose_name_plural = _("personal-data accesses")
        indexes = [models.Index(fields=["subject", "-occurred_at"], name="access_by_subject")]

    def __str__(self) -> str:
        return f"{self.official} → {self.object_type} {self.object_id} ({self.occurred_at:%Y-%m-%d %H:%M})"


# --- Consents ---------------------------------------------------------------------------------------------


class ConsentText(BaseModel):
    """One version of a text a person agrees to. A published version never changes: a new version is added, so
    every consent points at the exact words that were agreed to."""

    key = models.CharField(_("consent"), max_length=40, choices=ConsentKey.choices)
    version = models.PositiveIntegerField(_("version"))
    text_uk = models.TextField(_("text in Ukrainian"))
    text_en = models.TextField(_("text in English"))
    published_at = models.DateTimeField(_("published on"))

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        ordering = ["key", "-version"]
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="one_consent_text_per_version")]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"

    def text_in(self, language: str) -> str:
        return self.text_en if language == "en" else self.text_uk


class Consent(BaseModel):
    """A person's consent to one version of a text: when and how it was given, and when and how withdrawn.

    Withdrawing keeps the row (it proves what was agreed while it lasted); giving again adds a row for the version
    current then. At most one consent per person and kind is in force.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="consents"
    )
    key = models.CharField(_("consent"), max_length=40, choices=ConsentKey.choices)
    text = models.ForeignKey(ConsentText, verbose_name=_("text agreed to"), on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField(_("given on"))
    given_how = models.CharField(_("given"), max_length=30, choices=ConsentMethod.choices)
    withdrawn_at = models.DateTimeField(_("withdrawn on"), null=True, blank=True)
    withdrawn_how = models.CharField(_("withdrawn"), max_length=30, choices=ConsentMethod.choices, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at"]
        indexes = [models.Index(fields=["person", "-given_at"], name="consent_by_person")]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "key"], condition=models.Q(withdrawn_at__isnull=True), name="one_consent_in_force"
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True) | ~models.Q(withdrawn_how=""),
                name="consent_withdrawal_says_how",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.given_at:%Y-%m-%d}"

    @property
    def in_force(self) -> bool:
        return self.withdrawn_at is None


# --- Requests of data subjects -----------------------------------------------------------------------------


class DataSubjectRequest(BaseModel):
    """A person's request about their data (correction or erasure), answered by the data protection officer
    within the legal term, counted in calendar days from receipt (`settings.PRIVACY_REQUEST_TERM_DAYS`)."""

    reference = models.CharField(_("request number"), max_length=14, unique=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="data_subject_requests",
    )
    kind = models.CharField(_("request"), max_length=20, choices=RequestKind.choices)
    text = EncryptedTextField(_("what the person wrote"), blank=True)  # often the corrected personal data itself
    received_at = models.DateTimeField(_("received on"))
    due_date = models.DateField(_("answer due by"))
    state = models.CharField(_("status"), max_length=20, choices=RequestState.choices, default=RequestState.RECEIVED)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answer = EncryptedTextField(_("answer"), blank=True)
    handled_at = models.DateTimeField(_("answered on"), null=True, blank=True)
    # What an erasure removed and what it kept, and until when (counts, references and dates; no names).
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        ordering = ["-received_at"]
        indexes = [
            models.Index(
                fields=["due_date", "received_at"],
                condition=models.Q(state=RequestState.RECEIVED),
                name="privacy_request_open_queue",
            ),
            models.Index(fields=["person", "-received_at"], name="privacy_request_person"),
        ]
        constraints = [
            # A second click, or a second tab, does not file the same request twice while the first is open.
            models.UniqueConstraint(
                fields=["person", "kind"],
                condition=models.Q(state=RequestState.RECEIVED),
                name="one_open_request_per_kind",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(state=RequestState.RECEIVED, handled_at__isnull=True)
                    | (~models.Q(state=RequestState.RECEIVED) & models.Q(handled_at__isnull=False))
                ),
                name="privacy_request_handled_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def overdue_on(self, today: dt.date) -> bool:
        return self.is_open and self.due_date < today
