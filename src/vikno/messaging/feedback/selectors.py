"""Reads of feedback, each scoped to who asks: the applicant for their own application's rating, the public for
published questions only, officials for their own organisations' services."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from vikno.applications.constants import Outcome
from vikno.applications.models import Application
from vikno.catalog.models import Organisation, PublicService
from vikno.core.identifiers import uuid_or_none
from vikno.identity.selectors import organisation_ids_for_role
from vikno.messaging.feedback.constants import (
    FEEDBACK_READER_ROLES,
    LATEST_COMMENTS_SHOWN,
    MODERATOR_ROLES,
    PUBLIC_QUESTIONS_SHOWN,
    QuestionState,
    Score,
)
from vikno.messaging.feedback.models import PageVote, PublicQuestion, Rating
from vikno.privacy.selectors import LookPurpose
from vikno.privacy.services import data_access_record

SCORES = tuple(Score.values)


# --- Ratings, for the applicant ---------------------------------------------------------------------------


def decided_by_authority(application: Application) -> bool:
    """An application the authority approved or refused: the only kind the applicant may rate (not a draft, not
    one still in progress, not one the applicant withdrew)."""
    return application.decided_at is not None and application.outcome in (Outcome.APPROVAL, Outcome.REFUSAL)


def rating_for_application(*, application: Application) -> Rating | None:
    """The rating given for the application, if any. The caller has the application from a selector scoped to the
    applicant (`applications.selectors.application_get_for_citizen`)."""
    return Rating.objects.filter(application=application).first()


@dataclass(frozen=True)
class RatingPrompt:
    """What the application's page says about rating: ask for one, thank for one, or nothing."""

    can_rate: bool
    rating: Rating | None

    @property
    def shown(self) -> bool:
        return self.can_rate or self.rating is not None


def rating_prompt(*, application: Application) -> RatingPrompt:
    if not decided_by_authority(application):
        return RatingPrompt(can_rate=False, rating=None)
    rating = rating_for_application(application=application)
    return RatingPrompt(can_rate=rating is None, rating=rating)


# --- Public questions, for the public ---------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceQuestions:
    common: list[PublicQuestion]  # promoted into the service's guidance
    published: list[PublicQuestion]  # the other published ones, newest first (at most PUBLIC_QUESTIONS_SHOWN)


def _public(service: PublicService) -> QuerySet[PublicQuestion]:
    """Published questions only, and only what may be shown: never the asker, never the question as asked."""
    return PublicQuestion.objects.filter(service=service, state=QuestionState.PUBLISHED).only(
        "id", "service_id", "text", "answer", "published_at", "promoted"
    )


def questions_for_service_page(*, service: PublicService) -> ServiceQuestions:
    common = list(_public(service).filter(promoted=True).order_by("published_at"))
    published = list(_public(service).filter(promoted=False).order_by("-published_at")[:PUBLIC_QUESTIONS_SHOWN])
    return ServiceQuestions(common=common, published=published)


# --- Public questions, for moderators ---------------------------------------------------------------------


def moderator_organisation_ids(*, official) -> set:
    return organisation_ids_for_role(user=official, roles=MODERATOR_ROLES)


def questions_for_moderator(*, official) -> QuerySet[PublicQuestion]:
    """The questions on the services of the official's organisations: waiting ones first, the oldest first. What
    was asked is left out: a list shows no question's words (its own page does, logging the look)."""
    return (
        PublicQuestion.objects.filter(service__competent_authority_id__in=moderator_organisation_ids(official=official))
        .defer("asked_text")
        .select_related("service")
        .annotate(
            waiting=Case(
                When(state=QuestionState.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("waiting", "created_at")
    )


def question_get_for_moderator(*, official, question_id) -> PublicQuestion | None:
    key = uuid_or_none(question_id)
    if key is None:
        return None
    return (
        PublicQuestion.objects.filter(
            pk=key, service__competent_authority_id__in=moderator_organisation_ids(official=official)
        )
        .select_related("service", "service__competent_authority")
        .first()
    )


def question_open(*, official, question: PublicQuestion) -> PublicQuestion:
    """Hand the question as asked (where people write their phone or name) to the moderator, logging the look
    for the asker."""
    organisation = question.service.competent_authority
    held = {role: organisation_ids_for_role(user=official, roles=(role,)) for role in MODERATOR_ROLES}
    data_access_record(
        official=official,
        subject=question.asked_by,
        target=question,
        purpose=LookPurpose.QUESTION_MODERATION,
        organisation=organisation,
        role=",".join(sorted(role for role, ids in held.items() if organisation.pk in ids)),
    )
    return question


def pending_question_count(*, official) -> int:
    return questions_for_moderator(official=official).filter(state=QuestionState.PENDING).count()


# --- Ratings and page votes, for the authority (and the statistics) ----------------------------------------


def feedback_organisation_ids(*, official) -> set:
    return organisation_ids_for_role(user=official, roles=FEEDBACK_READER_ROLES)


@dataclass(frozen=True)
class RatingSummary:
    """Ratings of one service or one organisation: how many, the average (one decimal) and how many of each score
    (`distribution[0]` is the number of 1s, `distribution[4]` of 5s)."""

    key: uuid.UUID
    count: int
    distribution: tuple[int, int, int, int, int]

    @property
    def average(self) -> Decimal | None:
        if not self.count:
            return None
        total = sum(score * number for score, number in zip(SCORES, self.distribution, strict=True))
        return (Decimal(total) / Decimal(self.count)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def share(self, score: int) -> int:
        """The share of the ratings that gave `score`, in whole per cent."""
        if not self.count:
            return 0
        return round(100 * self.distribution[score - 1] / self.count)


def _ratings(organisation_ids: Collection, since: dt.datetime | None, until: dt.datetime | None) -> QuerySet[Rating]:
    ratings = Rating.objects.filter(organisation_id__in=list(organisation_ids))
    if since is not None:
        ratings = ratings.filter(created_at__gte=since)
    if until is not None:
        ratings = ratings.filter(created_at__lt=until)
    return ratings


def _summaries(ratings: QuerySet[Rating], field: str) -> dict[uuid.UUID, RatingSummary]:
    counts = {f"n{score}": Count("id", filter=Q(score=score)) for score in SCORES}
    rows = ratings.order_by().values(field).annotate(total=Count("id"), **counts)
    return {
        row[field]: RatingSummary(
            key=row[field],
            count=row["total"],
            distribution=tuple(row[f"n{score}"] for score in SCORES),  # type: ignore[arg-type]
        )
        for row in rows
    }


def ratings_by_service(
    *, organisation_ids: Collection, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> dict[uuid.UUID, RatingSummary]:
    """The ratings given to the organisations, per service (by service id), optionally within [since, until).
    One query."""
    return _summaries(_ratings(organisation_ids, since, until), "service_id")


def ratings_by_organisation(
    *, organisation_ids: Collection, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> dict[uuid.UUID, RatingSummary]:
    """The ratings given to the organisations, per organisation (by organisation id). One query."""
    return _summaries(_ratings(organisation_ids, since, until), "organisation_id")


@dataclass(frozen=True)
class PageVotes:
    yes: int
    no: int


def page_votes_by_service(
    *, organisation_ids: Collection, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> dict[uuid.UUID, PageVotes]:
    """Answers to "was this page useful?" on the pages of the organisations' services, per service id. One query."""
    votes = PageVote.objects.filter(service__competent_authority_id__in=list(organisation_ids))
    if since is not None:
        votes = votes.filter(created_at__gte=since)
    if until is not None:
        votes = votes.filter(created_at__lt=until)
    rows = (
        votes.order_by()
        .values("service_id")
        .annotate(yes=Count("id", filter=Q(useful=True)), no=Count("id", filter=Q(useful=False)))
    )
    return {row["service_id"]: PageVotes(yes=row["yes"], no=row["no"]) for row in rows}


def latest_rating_comments(*, organisation_ids: Collection, limit: int = LATEST_COMMENTS_SHOWN) -> list[Rating]:
    """The latest ratings with a comment: score, comment, service and date; nothing about who wrote them."""
    return list(
        Rating.objects.filter(organisation_id__in=list(organisation_ids))
        .exclude(comment="")
        .select_related("service")
        .order_by("-created_at")[:limit]
    )


def latest_page_comments(*, organisation_ids: Collection, limit: int = LATEST_COMMENTS_SHOWN) -> list[PageVote]:
    """The latest "what was wrong with this page" comments on the organisations' service pages."""
    return list(
        PageVote.objects.filter(service__competent_authority_id__in=list(organisation_ids))
        .exclude(comment="")
        .select_related("service")
        .order_by("-created_at")[:limit]
    )


def services_of(*, organisation_ids: Collection, also: Collection = ()) -> QuerySet[PublicService]:
    """The organisations' services (and `also`, services rated while a case was with them), by title."""
    return (
        PublicService.objects.filter(Q(competent_authority_id__in=list(organisation_ids)) | Q(id__in=list(also)))
        .select_related("competent_authority")
        .order_by("title")
    )


def organisations_named(*, organisation_ids: Collection) -> QuerySet[Organisation]:
    return Organisation.objects.filter(id__in=list(organisation_ids)).order_by("name")
