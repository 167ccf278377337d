"""Feedback on services: the applicant's rating of a completed service, "was this page useful?" on a service
page, and public questions on a service, moderated and answered by its authority."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vikno.core.models import BaseModel
from vikno.messaging.feedback.constants import QuestionState, Score
from vikno.privacy.fields import EncryptedTextField


class Rating(BaseModel):
    """How satisfied an applicant was with a service the authority decided on, once per application.

    The authority reads the score and the comment with the service and the date, never who wrote them. The link to
    the application only keeps a second rating out; when the application is erased the rating stays, anonymous.
    """

    application = models.OneToOneField(
        "applications.Application", null=True, blank=True, on_delete=models.SET_NULL, related_name="rating"
    )
    service = models.ForeignKey(
        "catalog.PublicService", verbose_name=_("service"), on_delete=models.PROTECT, related_name="ratings"
    )
    organisation = models.ForeignKey(
        "catalog.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="ratings"
    )
    score = models.PositiveSmallIntegerField(
        _("score"), choices=Score.choices, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = EncryptedTextField(_("comment"), blank=True)  # may name the person: encrypted at rest

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organisation", "service"], name="rating_by_organisation"),
            models.Index(fields=["service", "-created_at"], name="rating_by_service"),
        ]
        constraints = [models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_score_1_to_5")]

    def __str__(self) -> str:
        return f"{self.service_id} {self.score}"


class PageVote(BaseModel):
    """One answer to "was this page useful?" on a service page: nothing about who gave it (no user, no address)."""

    service = models.ForeignKey(
        "catalog.PublicService", verbose_name=_("service"), on_delete=models.CASCADE, related_name="page_votes"
    )
    useful = models.BooleanField(_("useful"))
    comment = models.TextField(_("what was wrong"), blank=True)

    class Meta:
        verbose_name = _("page vote")
        verbose_name_plural = _("page votes")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["service", "useful"], name="page_vote_by_service")]

    def __str__(self) -> str:
        return f"{self.service_id} {'yes' if self.useful else 'no'}"


class PublicQuestion(BaseModel):
    """A question a signed-in person asked in public about a service.

    It appears on the service page only once an official of the service's authority has taken any personal data
    out of it (`text` is what is published; `asked_text` is what was asked, never published), answered it and
    published it. The asker is never shown: not on the page, not in the back office.
    """

    service = models.ForeignKey(
        "catalog.PublicService", verbose_name=_("service"), on_delete=models.CASCADE, related_name="public_questions"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="public_questions"
    )
    asked_text = EncryptedTextField(_("question as asked"))  # before personal data is edited out: encrypted
    text = EncryptedTextField(_("question as published"))  # as asked until moderated: encrypted too
    state = models.CharField(_("status"), max_length=20, choices=QuestionState.choices, default=QuestionState.PENDING)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    promoted = models.BooleanField(_("among the common questions"), default=False)
    reject_reason = models.TextField(_("reason for rejecting"), blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    moderated_at = models.DateTimeField(_("moderated on"), null=True, blank=True)

    class Meta:
        verbose_name = _("public question")
        verbose_name_plural = _("public questions")
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["service", "state", "-published_at"], name="question_public"),
            models.Index(fields=["state", "created_at"], name="question_queue"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=QuestionState.PUBLISHED) | (Q(published_at__isnull=False) & ~Q(answer="")),
                name="published_question_has_answer",
            ),
            models.CheckConstraint(
                condition=Q(promoted=False) | Q(state=QuestionState.PUBLISHED), name="only_published_promoted"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]
