"""Reads of the catalogue. The public only ever sees published services."""

import uuid
from collections import defaultdict
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.utils.translation import get_language

from vikno.catalog.constants import PublicationStatus
from vikno.catalog.models import (
    LifeEvent,
    OpeningHours,
    Organisation,
    PublicService,
    Sector,
    ServiceCentre,
)

PUBLISHED = Q(status=PublicationStatus.PUBLISHED)


def organisation_descendant_ids(organisation_id: uuid.UUID) -> set[uuid.UUID]:
    """Ids of every organisation below the given one (not including it), in one query."""
    children: dict = defaultdict(list)
    for pk, parent_id in Organisation.objects.values_list("id", "parent_id"):
        children[parent_id].append(pk)
    found: set[uuid.UUID] = set()
    stack = list(children[organisation_id])
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children[pk])
    return found


def published_services() -> QuerySet[PublicService]:
    return PublicService.objects.filter(PUBLISHED)


def service_list_public() -> QuerySet[PublicService]:
    return published_services().select_related("competent_authority", "sector").order_by("title")


def popular_services(*, limit: int = 8) -> QuerySet[PublicService]:
    return published_services().order_by("-popularity", "title")[:limit]


def service_get_public(*, slug: str) -> PublicService | None:
    """A published service with everything its page shows, or None."""
    centres = ServiceCentre.objects.prefetch_related("opening_hours", "special_days").order_by("city", "name")
    return (
        published_services()
        .select_related("competent_authority", "sector", "competent_authority__parent")
        .prefetch_related(
            "legal_resources",
            "evidence",
            "channels",
            "contact_points",
            "life_events",
            Prefetch("related_services", queryset=published_services().order_by("title")),
            Prefetch("centres", queryset=centres),
        )
        .filter(slug=slug)
        .first()
    )


def sectors_with_services(*, audience: str) -> QuerySet[Sector]:
    return (
        Sector.objects.filter(audience=audience)
        .annotate(service_count=Count("services", filter=Q(services__status=PublicationStatus.PUBLISHED)))
        .filter(service_count__gt=0)
    )


def sector_get_public(*, slug: str) -> Sector | None:
    return Sector.objects.filter(slug=slug).first()


def life_events_public() -> QuerySet[LifeEvent]:
    return LifeEvent.objects.annotate(
        service_count=Count("services", filter=Q(services__status=PublicationStatus.PUBLISHED))
    ).filter(service_count__gt=0)


def life_event_get_public(*, slug: str) -> LifeEvent | None:
    return LifeEvent.objects.filter(slug=slug).first()


def organisations_public() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("parent").annotate(
        service_count=Count("services", filter=Q(services__status=PublicationStatus.PUBLISHED))
    )


def organisation_get_public(*, slug: str) -> Organisation | None:
    return Organisation.objects.select_related("parent").filter(slug=slug).first()


def centres_public() -> QuerySet[ServiceCentre]:
    return ServiceCentre.objects.select_related("organisation").prefetch_related(
        Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday")), "special_days"
    )


def centre_get_public(*, slug: str) -> ServiceCentre | None:
    return (
        centres_public()
        .prefetch_related(Prefetch("services", queryset=published_services().order_by("title")))
        .filter(slug=slug)
        .first()
    )


def services_due_for_review(*, today) -> QuerySet[PublicService]:
    """Published services not reviewed for CATALOG_REVIEW_INTERVAL_MONTHS (never reviewed counts as due)."""
    cutoff = today - relativedelta(months=settings.CATALOG_REVIEW_INTERVAL_MONTHS)
    return (
        published_services()
        .filter(Q(last_reviewed_on__lt=cutoff) | Q(last_reviewed_on__isnull=True))
        .order_by("last_reviewed_on", "title")
    )


def city_centroid(*, city: str) -> tuple[Decimal, Decimal] | None:
    """The middle of the service centres of a city (in the active language), as a stand-in for its location."""
    field = f"city_{get_language()}"
    found = ServiceCentre.objects.filter(**{field: city}).aggregate(lat=Avg("latitude"), lon=Avg("longitude"))
    if found["lat"] is None:
        return None
    return found["lat"], found["lon"]
