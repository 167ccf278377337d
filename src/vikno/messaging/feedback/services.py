"""Every change to feedback: rating a decided application, answering "was this page useful?", asking a public
question, and moderating it (publish with an answer, reject with a reason, promote into the common questions).

Each checks who acts and what they send, writes, and records it in the audit trail in the same transaction; the
asker is told of a publication or a rejection with `notifications.notify` (sent once the change commits).
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import formats
from django.utils.translation import gettext as _

from vikno.applications.models import Application
from vikno.audit.services import record
from vikno.catalog.models import PublicService
from vikno.core import clock
from vikno.messaging.feedback import personal_data
from vikno.messaging.feedback.constants import (
    PAGE_COMMENT_MAX_CHARS,
    RATING_COMMENT_MAX_CHARS,
    REJECT_REASON_MAX_CHARS,
    QuestionState,
    Score,
)
from vikno.messaging.feedback.exceptions import FeedbackRefused, PersonalDataFound
from vikno.messaging.feedback.models import PageVote, PublicQuestion, Rating
from vikno.messaging.feedback.selectors import decided_by_authority, moderator_organisation_ids
from vikno.messaging.notifications import notify
from vikno.privacy.rights import consents
from vikno.privacy.rights.constants import ConsentKey, ConsentMethod


def _limit(limit: int) -> str:
    return formats.number_format(limit, force_grouping=True)


def _check_length(text: str, limit: int, message: str) -> None:
    if len(text) > limit:
        raise FeedbackRefused(message % {"limit": _limit(limit)})


# --- Rating a completed service ---------------------------------------------------------------------------


@transaction.atomic
def rating_give(
    *, application: Application, citizen, score: int, comment: str = "", source_ip: str | None = None
) -> Rating:
    """The applicant rates the service they received, once, after the authority decided (approved or refused)."""
    if application.applicant_id != citizen.pk:
        raise FeedbackRefused(_("Only the applicant can rate this service."))
    if not decided_by_authority(application):
        raise FeedbackRefused(_("You can rate the service once the authority has decided on your application."))
    if score not in Score.values:
        raise FeedbackRefused(_("Choose how satisfied you were, from 1 to 5"))
    comment = comment.strip()
    _check_length(comment, RATING_COMMENT_MAX_CHARS, _("Your comment must be %(limit)s characters or fewer"))
    already = _("You have already rated the service for this application. Thank you.")
    if Rating.objects.filter(application=application).exists():
        raise FeedbackRefused(already)
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                application=application,
                service_id=application.service_id,
                organisation_id=application.organisation_id,
                score=score,
                comment=comment,
            )
    except IntegrityError:  # a second submit that arrived at the same moment
        raise FeedbackRefused(already) from None
    record(
        actor=citizen,
        action="feedback.rating_given",
        target=rating,
        source_ip=source_ip,
        details={"score": score, "with_comment": bool(comment)},
    )
    return rating


# --- "Was this page useful?" ------------------------------------------------------------------------------


@transaction.atomic
def page_vote_record(*, service: PublicService, useful: bool) -> PageVote:
    """One anonymous answer. Nothing about the person is kept (no user, no address), so there is nothing to audit;
    the caller keeps the answer to one per page per browser session."""
    return PageVote.objects.create(service=service, useful=useful)


@transaction.atomic
def page_vote_comment(*, service: PublicService, vote_id, comment: str) -> PageVote | None:
    """What was wrong, added to a "no" the same session gave for the same page (once; None when there is no such
    answer any more, or it already has a comment)."""
    comment = comment.strip()
    _check_length(comment, PAGE_COMMENT_MAX_CHARS, _("What was wrong must be %(limit)s characters or fewer"))
    vote = PageVote.objects.select_for_update().filter(pk=vote_id, service=service, useful=False, comment="").first()
    if vote is None or not comment:
        return vote
    vote.comment = comment
    vote.save(update_fields=["comment", "updated_at"])
    return vote


# --- Public questions -------------------------------------------------------------------------------------


def _question_text(text: str, *, empty: str) -> str:
    text = text.strip()
    if not text:
        raise FeedbackRefused(empty)
    _check_length(text, settings.MESSAGE_MAX_CHARS, _("The question must be %(limit)s characters or fewer"))
    return text


@transaction.atomic
def question_ask(
    *,
    service: PublicService,
    citizen,
    text: str,
    consent_version: int | None = None,
    source_ip: str | None = None,
) -> PublicQuestion:
    """A signed-in person asks in public about a published service; it waits for moderation. The same question
    sent twice (a double click) is kept once.

    Sending the question is agreeing to its publication: the consent to the text the form showed
    (`consent_version`; None: the current one) is recorded with the question, once however many are asked. When
    that text has been replaced since, nothing is kept and the person is asked to read the new one."""
    text = _question_text(text, empty=_("Enter your question"))
    pending = PublicQuestion.objects.filter(service=service, asked_by=citizen, state=QuestionState.PENDING)
    # Compared here, not in SQL: the text is encrypted at rest (a person has few questions waiting).
    existing = next((question for question in pending if question.asked_text == text), None)
    if existing is not None:
        return existing
    try:
        consents.consent_give(
            person=citizen,
            key=ConsentKey.PUBLIC_QUESTIONS,
            how=ConsentMethod.QUESTION_FORM,
            source_ip=source_ip,
            version=consent_version,
        )
    except consents.TextChanged as changed:
        raise FeedbackRefused(changed.message, conflict=True) from changed
    question = PublicQuestion.objects.create(service=service, asked_by=citizen, asked_text=text, text=text)
    record(actor=citizen, action="feedback.question_asked", target=question, source_ip=source_ip)
    return question


def _lock_for_moderation(question: PublicQuestion, official) -> PublicQuestion:
    locked = PublicQuestion.objects.select_for_update().select_related("service").get(pk=question.pk)
    if locked.service.competent_authority_id not in moderator_organisation_ids(official=official):
        raise FeedbackRefused(_("Only officials of the service's authority can moderate its questions."))
    return locked


def _pending(question: PublicQuestion) -> None:
    if question.state != QuestionState.PENDING:
        raise FeedbackRefused(_("Someone has already moderated this question. Look at it as it is now."), conflict=True)


def _tell_asker(question: PublicQuestion, event: str, **params) -> None:
    if question.asked_by is None:
        return
    service = question.service
    notify(
        recipient=question.asked_by,
        event=event,
        key=f"public_question:{question.pk}:{event}",
        params={
            "service": lambda: service.title,
            "organisation": lambda: service.competent_authority.name,
            **params,
        },
        link=("catalog:service-detail", [service.slug]),
        subject=("public_question", str(question.pk)),
    )


@transaction.atomic
def question_publish(
    *, question: PublicQuestion, official, text: str, answer: str, source_ip: str | None = None
) -> PublicQuestion:
    """Publish a waiting question with the authority's answer. The question's text is what the moderator left of
    it; while it still looks like it holds personal data (a phone number, an e-mail address, a tax, passport or
    card number) it is not published. The answer is the authority's own text (it may give the authority's phone)."""
    question = _lock_for_moderation(question, official)
    _pending(question)
    text = _question_text(text, empty=_("Enter the question as it will be published"))
    answer = answer.strip()
    if not answer:
        raise FeedbackRefused(_("Enter the answer"))
    _check_length(answer, settings.MESSAGE_MAX_CHARS, _("The answer must be %(limit)s characters or fewer"))
    found = personal_data.kinds(text)
    if found:
        raise PersonalDataFound(
            _(
                "The question still seems to hold personal data (%(kinds)s). Take it out of the question before "
                "publishing."
            )
            % {"kinds": personal_data.labels(found)},
            kinds=found,
        )
    now = clock.now()
    question.text = text
    question.answer = answer
    question.state = QuestionState.PUBLISHED
    question.answered_by = official
    question.moderated_by = official
    question.moderated_at = now
    question.published_at = now
    question.save()
    record(
        actor=official,
        action="feedback.question_published",
        target=question,
        source_ip=source_ip,
        details={"edited": text != question.asked_text},
    )
    _tell_asker(question, "question_answered")
    return question


@transaction.atomic
def question_reject(*, question: PublicQuestion, official, reason: str, source_ip: str | None = None) -> PublicQuestion:
    """Do not publish a waiting question; the asker is told why."""
    question = _lock_for_moderation(question, official)
    _pending(question)
    reason = reason.strip()
    if not reason:
        raise FeedbackRefused(_("Enter the reason for rejecting the question"))
    _check_length(reason, REJECT_REASON_MAX_CHARS, _("The reason must be %(limit)s characters or fewer"))
    question.state = QuestionState.REJECTED
    question.reject_reason = reason
    question.moderated_by = official
    question.moderated_at = clock.now()
    question.save()
    record(actor=official, action="feedback.question_rejected", target=question, source_ip=source_ip, reason=reason)
    _tell_asker(question, "question_rejected", reason=reason)
    return question


@transaction.atomic
def question_promote(
    *, question: PublicQuestion, official, promoted: bool, source_ip: str | None = None
) -> PublicQuestion:
    """Put a published question among the service's common questions (part of its guidance), or take it out."""
    question = _lock_for_moderation(question, official)
    if question.state != QuestionState.PUBLISHED:
        raise FeedbackRefused(_("Only a published question can be among the common questions."))
    if question.promoted == promoted:
        return question
    question.promoted = promoted
    question.save(update_fields=["promoted", "updated_at"])
    record(
        actor=official,
        action="feedback.question_promoted" if promoted else "feedback.question_unpromoted",
        target=question,
        source_ip=source_ip,
    )
    return question
