"""Reads of applications, always scoped to the person asking: the applicant, or an official of the authority."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db.models import Q, QuerySet

from vikno.applications.constants import DRAFT, NOT_YET_CASES, DefinitionStatus
from vikno.applications.definition import Definition, load
from vikno.applications.models import Application, Attachment, ServiceDefinition
from vikno.catalog.models import PublicService
from vikno.core import clock, phone
from vikno.core.identifiers import uuid_or_none
from vikno.core.working_days import add_working_days
from vikno.identity.constants import Role
from vikno.identity.selectors import organisation_ids_for_role, organisations_for_role, users_with_role_for
from vikno.privacy.services import data_access_record

CASE_ROLES = (Role.CASE_OFFICER, Role.SUPERVISOR)


def published_definition(*, service: PublicService) -> ServiceDefinition | None:
    return ServiceDefinition.objects.filter(service=service, status=DefinitionStatus.PUBLISHED).first()


def definition_of(stored: ServiceDefinition) -> Definition:
    """The checked definition. A published version never changes, so it is read once per process."""
    if stored.status == DefinitionStatus.DRAFT:
        return load(**stored.parts)
    return _cached(stored.pk)


@lru_cache(maxsize=256)
def _cached(pk: uuid.UUID) -> Definition:
    stored = ServiceDefinition.objects.get(pk=pk)
    return load(**stored.parts)


# --- The applicant ---------------------------------------------------------------------------------------


def applications_for_citizen(*, citizen) -> QuerySet[Application]:
    return (
        Application.objects.filter(applicant=citizen)
        .select_related("service", "organisation", "definition")
        .order_by("-updated_at")
    )


def application_get_for_citizen(*, citizen, application_id) -> Application | None:
    key = uuid_or_none(application_id)
    if key is None or not citizen.is_authenticated:
        return None
    return applications_for_citizen(citizen=citizen).filter(pk=key).first()


def attachment_get_for_citizen(*, citizen, application: Application, attachment_id) -> Attachment | None:
    key = uuid_or_none(attachment_id)
    if key is None or application.applicant_id != citizen.pk:
        return None
    return application.attachments.filter(pk=key).first()


# --- Officials -------------------------------------------------------------------------------------------


def case_organisation_ids(*, official) -> set:
    return organisation_ids_for_role(user=official, roles=CASE_ROLES)


def roles_on_case(*, official, application: Application) -> set[str]:
    """The case roles the official holds for the application's organisation."""
    return {
        role
        for role in CASE_ROLES
        if application.organisation_id in organisation_ids_for_role(user=official, roles=(role,))
    }


def _official_cases(official) -> QuerySet[Application]:
    """Every sent application of the organisations where the official handles cases, decided or not."""
    return (
        Application.objects.filter(organisation_id__in=case_organisation_ids(official=official))
        .exclude(state__in=NOT_YET_CASES)
        .select_related("service", "assignee", "applicant", "organisation")
    )


@dataclass(frozen=True)
class QueueFilters:
    service: str = ""
    state: str = ""
    assignee: str = ""  # "me", "none", or an official's id
    deadline: str = ""  # "overdue", "near"


def cases_for_official(*, official, filters: QueueFilters | None = None) -> QuerySet[Application]:
    """The cases of the organisations where the official handles cases, soonest deadline first.

    The queue shows open cases; decided ones appear when their state is asked for. (The partial index
    `app_open_queue` serves the open queue in due-date order, a million applications or not.)"""
    filters = filters or QueueFilters()
    cases = _official_cases(official).order_by("due_date", "submitted_at")
    if key := uuid_or_none(filters.service):
        cases = cases.filter(service_id=key)
    # Decided cases are shown only when their state is asked for.
    cases = cases.filter(state=filters.state) if filters.state else cases.filter(decided_at__isnull=True)
    if filters.assignee == "me":
        cases = cases.filter(assignee=official)
    elif filters.assignee == "none":
        cases = cases.filter(assignee__isnull=True)
    elif key := uuid_or_none(filters.assignee):
        cases = cases.filter(assignee_id=key)
    today = clock.today()
    if filters.deadline == "overdue":
        cases = cases.filter(due_date__lt=today, decided_at__isnull=True)
    elif filters.deadline == "near":
        cases = cases.filter(due_date__gte=today, due_date__lte=near_deadline(today), decided_at__isnull=True)
    return cases


def open_cases(cases: QuerySet[Application]) -> QuerySet[Application]:
    return cases.filter(decided_at__isnull=True)


def near_deadline(today: dt.date) -> dt.date:
    return add_working_days(today, settings.VIKNO_NEAR_DEADLINE_DAYS)


def case_find_for_official(*, official, application_id) -> Application | None:
    """The case if the official may handle it; nothing is logged (use `case_open` to show its contents)."""
    key = uuid_or_none(application_id)
    if key is None:
        return None
    return _official_cases(official).filter(pk=key).first()


def case_open(*, official, application: Application, purpose: str) -> Application:
    """Hand the case's personal data to the official, writing the access with its purpose to the access log."""
    roles = roles_on_case(official=official, application=application)
    data_access_record(
        official=official,
        subject=application.applicant,
        target=application,
        purpose=purpose,
        organisation=application.organisation,
        role=",".join(sorted(roles)),
    )
    return application


def attachment_get_for_official(*, official, application: Application, attachment_id) -> Attachment | None:
    key = uuid_or_none(attachment_id)
    if key is None or application.organisation_id not in case_organisation_ids(official=official):
        return None
    return application.attachments.filter(pk=key).first()


def officials_for_case(*, application: Application) -> QuerySet:
    """Who a case may be assigned to: the case officers and supervisors of its organisation."""
    officers = users_with_role_for(organisation=application.organisation, role=Role.CASE_OFFICER)
    supervisors = users_with_role_for(organisation=application.organisation, role=Role.SUPERVISOR)
    return (officers | supervisors).distinct().order_by("last_name", "first_name", "email")


def case_handlers(*, official) -> list:
    """The case officers and supervisors of every organisation where the official handles cases."""
    ids = case_organisation_ids(official=official)
    people = None
    for organisation in organisations_for_role(user=official, roles=CASE_ROLES).filter(pk__in=ids):
        for role in CASE_ROLES:
            found = users_with_role_for(organisation=organisation, role=role)
            people = found if people is None else people | found
    if people is None:
        return []
    return list(people.distinct().order_by("last_name", "first_name", "email"))


def services_with_cases(*, official) -> QuerySet[PublicService]:
    return PublicService.objects.filter(
        Q(definitions__status=DefinitionStatus.PUBLISHED) | Q(definitions__status=DefinitionStatus.RETIRED),
        competent_authority_id__in=case_organisation_ids(official=official),
    ).distinct()


def draft_for(*, citizen, service: PublicService, on_behalf_of=None) -> Application | None:
    return (
        Application.objects.filter(applicant=citizen, service=service, state=DRAFT, on_behalf_of=on_behalf_of)
        .order_by("-updated_at")
        .first()
    )


def application_for_phone(*, reference: str, phone_number: str) -> Application | None:
    """The sent application with this reference, if the phone is its applicant's (an SMS asking for its status);
    None otherwise, whether the reference exists or not."""
    application = (
        Application.objects.exclude(state=DRAFT)
        .select_related("applicant", "definition")
        .filter(reference=reference)
        .first()
    )
    if application is None or not phone_number or phone.normalise(application.applicant.phone) != phone_number:
        return None
    return application
