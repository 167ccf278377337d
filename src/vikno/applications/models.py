"""Service definitions (what an authority configures) and the applications filed under them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vikno.applications.constants import DRAFT, DefinitionStatus, EventKind, Outcome
from vikno.core.models import BaseModel
from vikno.privacy.fields import EncryptedJSONField, EncryptedTextField


class ServiceDefinition(BaseModel):
    """One version of how a catalogue service is applied for online: form, documents, workflow and results.

    A published version never changes (a new version is made instead), so every application can pin the one it
    was filed under. The parts are JSON documents; `applications.definition` reads and checks them.
    """

    service = models.ForeignKey(
        "catalog.PublicService", verbose_name=_("service"), on_delete=models.PROTECT, related_name="definitions"
    )
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=20, choices=DefinitionStatus.choices, default=DefinitionStatus.DRAFT
    )
    form = models.JSONField(_("form"), help_text=_("JSON Schema of the answers and the steps that ask for them."))
    documents = models.JSONField(_("required documents"), default=list, blank=True)
    workflow = models.JSONField(_("workflow"))
    results = models.JSONField(_("result documents"), help_text=_("A document template for each outcome."))
    fee = models.JSONField(
        _("fee"), default=dict, blank=True, help_text=_("The state fee's rules; empty when applying is free.")
    )
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)

    class Meta:
        verbose_name = _("service definition")
        verbose_name_plural = _("service definitions")
        ordering = ["service__title", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["service", "version"], name="one_definition_per_version"),
            models.UniqueConstraint(
                fields=["service"],
                condition=models.Q(status=DefinitionStatus.PUBLISHED),
                name="one_published_definition_per_service",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} v{self.version}"

    @property
    def parts(self) -> dict:
        """The JSON parts as `definition.load` takes them."""
        return {part: getattr(self, part) for part in ("form", "documents", "workflow", "results", "fee")}


class Application(BaseModel):
    """A citizen's application: a draft until submitted, then a case that moves through the pinned workflow."""

    reference = models.CharField(_("reference number"), max_length=14, unique=True, null=True, blank=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    # When the applicant acts for a business or a child, the mandate they used and the party at that time.
    on_behalf_of = models.ForeignKey(
        "identity.Mandate", null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    party_name = models.CharField(_("applied for"), max_length=300, blank=True)
    definition = models.ForeignKey(ServiceDefinition, on_delete=models.PROTECT, related_name="applications")
    service = models.ForeignKey("catalog.PublicService", on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey(
        "catalog.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="applications"
    )
    state = models.CharField(_("status"), max_length=40, default=DRAFT)
    answers = EncryptedJSONField(default=dict, blank=True)  # encrypted at rest
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True)
    due_date = models.DateField(_("decision due by"), null=True, blank=True)
    clock_stopped_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    decision_reasons = EncryptedTextField(_("reasons for the decision"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_applications",
    )
    result_document = models.ForeignKey(
        "documents.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Bumped by every change an official or the applicant makes, so two people acting at once cannot
    # overwrite each other: the second is told the case changed (optimistic locking, checked under a row lock).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            models.Index(fields=["organisation", "state", "due_date"], name="app_queue"),
            models.Index(
                fields=["organisation", "due_date", "submitted_at"],
                condition=models.Q(decided_at__isnull=True) & ~models.Q(state=DRAFT),
                name="app_open_queue",
            ),
            models.Index(fields=["applicant", "-created_at"], name="app_applicant"),
            models.Index(fields=["assignee", "due_date"], name="app_assignee"),
        ]

    def __str__(self) -> str:
        return self.reference or str(self.pk)

    @property
    def is_draft(self) -> bool:
        return self.state == DRAFT


class ApplicationEvent(models.Model):
    """One line of a case's timeline. Internal lines are shown to officials only."""

    id = models.BigAutoField(primary_key=True)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField()
    kind = models.CharField(max_length=40, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    from_state = models.CharField(max_length=40, blank=True)
    to_state = models.CharField(max_length=40, blank=True)
    transition = models.CharField(max_length=40, blank=True)
    citizen_visible = models.BooleanField(default=True)
    text = EncryptedTextField(blank=True)  # what the applicant or the authority wrote with the event

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.application} {self.kind} {self.occurred_at:%Y-%m-%d %H:%M}"


class Attachment(BaseModel):
    """An uploaded file, kept in private storage and streamed only to those allowed to see its application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    field = models.CharField(max_length=100, blank=True)  # the question it answers; blank for other uploads
    information_request = models.ForeignKey(
        "InformationRequest", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.CharField(max_length=300)  # the name in private storage
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at"]


class InformationRequest(BaseModel):
    """More information asked of the applicant: a task in their cabinet, with its own deadline."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="information_requests")
    text = EncryptedTextField(_("what is needed"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(_("answer by"))
    answer = EncryptedTextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]


class CaseNote(BaseModel):
    """An internal note on a case, never shown to the applicant."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField(_("note"))

    class Meta:
        ordering = ["created_at"]


class PendingDecision(BaseModel):
    """A decision one official proposed that needs a second official before it takes effect (four eyes)."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="pending_decision")
    transition = models.CharField(max_length=40)
    reasons = EncryptedTextField(blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")


class DeadlineReminder(models.Model):
    """That a reminder was sent, so a retried or repeated reminder task never sends it twice."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reminders")
    due_date = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "due_date", "days_before"], name="one_reminder_each")
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.days_before} days before {self.due_date}"
