"""Reading requests: the person's own, and the data protection officer's queue. Scoped to the reader: another
person's request is not found, whether it exists or not."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, IntegerField, QuerySet, Value, When

from vikno.core import clock
from vikno.core.identifiers import uuid_or_none
from vikno.identity.constants import Role
from vikno.privacy.models import DataSubjectRequest
from vikno.privacy.rights.constants import OPEN_STATES, RequestState
from vikno.privacy.rights.requests import check_officer, officer_organisation
from vikno.privacy.selectors import LookPurpose
from vikno.privacy.services import data_access_record

OPEN = ""
ALL = "all"


def requests_for_person(*, person) -> QuerySet[DataSubjectRequest]:
    return DataSubjectRequest.objects.filter(person=person).order_by("-received_at")


def request_get_for_person(*, person, request_id) -> DataSubjectRequest | None:
    key = uuid_or_none(request_id)
    if key is None or not getattr(person, "is_authenticated", False):
        return None
    return requests_for_person(person=person).filter(pk=key).first()


def requests_for_officer(*, officer, state: str = OPEN) -> QuerySet[DataSubjectRequest]:
    """The officer's queue: open requests, the soonest due first (overdue ones on top); or every request, open
    ones first. Raises NotDataProtectionOfficer for anyone else."""
    check_officer(officer)
    requests = DataSubjectRequest.objects.select_related("person", "handled_by")
    if state == ALL:
        still_open = Case(When(state__in=OPEN_STATES, then=Value(0)), default=Value(1), output_field=IntegerField())
        return requests.order_by(still_open, "due_date", "received_at")
    wanted = [state] if state in RequestState.values else list(OPEN_STATES)
    return requests.filter(state__in=wanted).order_by("due_date", "received_at")


def request_open_for_officer(*, officer, request_id) -> DataSubjectRequest | None:
    """One request for the officer, its opening written to the person's data-access log."""
    check_officer(officer)
    key = uuid_or_none(request_id)
    if key is None:
        return None
    request = DataSubjectRequest.objects.select_related("person", "handled_by").filter(pk=key).first()
    if request is not None:
        # The person reads in their log which organisation's officer opened it, in that role, and why.
        data_access_record(
            official=officer,
            subject=request.person,
            target=request,
            purpose=LookPurpose.DATA_SUBJECT_REQUEST,
            organisation=officer_organisation(officer),
            role=Role.DATA_PROTECTION_OFFICER,
        )
    return request


@dataclass(frozen=True)
class QueueRow:
    request: DataSubjectRequest
    overdue: bool
    due_soon: bool


def queue_rows(requests, *, near_days: int = 5) -> list[QueueRow]:
    today = clock.today()
    return [
        QueueRow(
            request=request,
            overdue=request.overdue_on(today),
            due_soon=request.is_open and not request.overdue_on(today) and (request.due_date - today).days <= near_days,
        )
        for request in requests
    ]
