"""Reads of appeals, always scoped to the person asking: the citizen who wrote, or an official of the authority."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, IntegerField, QuerySet, Value, When

from vikno.catalog.models import Organisation
from vikno.catalog.selectors import organisations_public
from vikno.core import clock
from vikno.core.identifiers import uuid_or_none
from vikno.core.working_days import add_working_days
from vikno.identity.constants import Role
from vikno.identity.selectors import organisation_ids_for_role, users_with_role_for
from vikno.messaging.appeals.models import Appeal, AppealAttachment
from vikno.privacy.services import data_access_record

# Who handles the appeals of an authority: its case officers and supervisors. Supervisors alone extend a term
# (the law gives that to the head of the authority or a deputy).
HANDLER_ROLES = (Role.CASE_OFFICER, Role.SUPERVISOR)
EXTENDING_ROLES = (Role.SUPERVISOR,)

ALL = "all"  # the state filter that shows answered appeals too, open ones first
OVERDUE = "overdue"
NEAR = "near"
ME = "me"
NOBODY = "none"


# --- Writing to an authority -----------------------------------------------------------------------------


def organisations_to_write_to() -> QuerySet[Organisation]:
    return organisations_public().order_by("name")


def organisation_get(*, organisation_id) -> Organisation | None:
    key = uuid_or_none(organisation_id)
    return organisations_public().filter(pk=key).first() if key is not None else None


# --- The citizen -----------------------------------------------------------------------------------------


def appeals_for_citizen(*, citizen) -> QuerySet[Appeal]:
    if not citizen.is_authenticated:
        return Appeal.objects.none()
    return Appeal.objects.filter(citizen=citizen).select_related("organisation").order_by("-received_at")


def appeal_get_for_citizen(*, citizen, appeal_id) -> Appeal | None:
    key = uuid_or_none(appeal_id)
    if key is None:
        return None
    return appeals_for_citizen(citizen=citizen).filter(pk=key).first()


def appeal_for_submission(*, citizen, submission_key: str) -> Appeal | None:
    """The appeal a form with this one-time key already registered, if any."""
    if not submission_key or not citizen.is_authenticated:
        return None
    return Appeal.objects.filter(citizen=citizen, submission_key=submission_key).first()


def attachment_get_for_citizen(*, citizen, appeal: Appeal, attachment_id) -> AppealAttachment | None:
    key = uuid_or_none(attachment_id)
    if key is None or appeal.citizen_id != citizen.pk:
        return None
    return appeal.attachments.filter(pk=key).first()


# --- Officials -------------------------------------------------------------------------------------------


def appeal_organisation_ids(*, official) -> set:
    return organisation_ids_for_role(user=official, roles=HANDLER_ROLES)


def handles(*, official, appeal: Appeal) -> bool:
    return appeal.organisation_id in appeal_organisation_ids(official=official)


def may_extend(*, official, appeal: Appeal) -> bool:
    return appeal.organisation_id in organisation_ids_for_role(user=official, roles=EXTENDING_ROLES)


def roles_on_appeal(*, official, appeal: Appeal) -> set[str]:
    held = {role: organisation_ids_for_role(user=official, roles=(role,)) for role in HANDLER_ROLES}
    return {role for role, ids in held.items() if appeal.organisation_id in ids}


@dataclass(frozen=True)
class QueueFilters:
    state: str = ""  # "" (open), a state, or ALL
    kind: str = ""
    assignee: str = ""  # ME or NOBODY
    deadline: str = ""  # OVERDUE or NEAR


def near_deadline(today: dt.date) -> dt.date:
    return add_working_days(today, settings.VIKNO_NEAR_DEADLINE_DAYS)


def _official_appeals(official) -> QuerySet[Appeal]:
    return Appeal.objects.filter(organisation_id__in=appeal_organisation_ids(official=official)).select_related(
        "organisation", "assignee"
    )


def appeals_for_official(*, official, filters: QueueFilters | None = None) -> QuerySet[Appeal]:
    """The appeals of the authorities where the official handles them: open ones, soonest due first.

    Answered appeals appear when their state (or all) is asked for, after the open ones. (The partial index
    `appeal_open_queue` serves the open queue in due-date order.)"""
    filters = filters or QueueFilters()
    appeals = _official_appeals(official)
    if filters.state == ALL:
        rank = Case(When(answered_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField())
        appeals = appeals.annotate(open_rank=rank).order_by("open_rank", "due_date", "received_at")
    else:
        appeals = appeals.order_by("due_date", "received_at")
        # Without a state asked for, the open appeals.
        open_or_chosen = {"state": filters.state} if filters.state else {"answered_at__isnull": True}
        appeals = appeals.filter(**open_or_chosen)
    if filters.kind:
        appeals = appeals.filter(kind=filters.kind)
    if filters.assignee == ME:
        appeals = appeals.filter(assignee=official)
    elif filters.assignee == NOBODY:
        appeals = appeals.filter(assignee__isnull=True)
    today = clock.today()
    if filters.deadline == OVERDUE:
        appeals = appeals.filter(answered_at__isnull=True, due_date__lt=today)
    elif filters.deadline == NEAR:
        appeals = appeals.filter(answered_at__isnull=True, due_date__gte=today, due_date__lte=near_deadline(today))
    return appeals


def appeal_find_for_official(*, official, appeal_id) -> Appeal | None:
    """The appeal if the official may handle it; nothing is logged (use `appeal_open` to show its contents)."""
    key = uuid_or_none(appeal_id)
    if key is None:
        return None
    return _official_appeals(official).select_related("citizen", "extended_by", "answered_by").filter(pk=key).first()


def appeal_open(*, official, appeal: Appeal, purpose: str) -> Appeal:
    """Hand the appeal's personal data to the official, writing the access with its purpose to the access log."""
    data_access_record(
        official=official,
        subject=appeal.citizen,
        target=appeal,
        purpose=purpose,
        organisation=appeal.organisation,
        role=",".join(sorted(roles_on_appeal(official=official, appeal=appeal))),
    )
    return appeal


def attachment_get_for_official(*, official, appeal: Appeal, attachment_id) -> AppealAttachment | None:
    key = uuid_or_none(attachment_id)
    if key is None or not handles(official=official, appeal=appeal):
        return None
    return appeal.attachments.filter(pk=key).first()


def appeal_handlers(*, appeal: Appeal) -> QuerySet:
    """Who an appeal may be assigned to: the case officers and supervisors of its authority."""
    officers = users_with_role_for(organisation=appeal.organisation, role=Role.CASE_OFFICER)
    supervisors = users_with_role_for(organisation=appeal.organisation, role=Role.SUPERVISOR)
    return (officers | supervisors).distinct().order_by("last_name", "first_name", "email")
