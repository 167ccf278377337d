"""Reminders of deadlines: officials N working days before a case is due (as its workflow says), applicants
before their answer to a request is due."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction

from vikno.applications import notices
from vikno.applications.constants import NOT_YET_CASES, DefinitionStatus, EventKind
from vikno.applications.models import Application, DeadlineReminder, InformationRequest, ServiceDefinition
from vikno.applications.selectors import definition_of, officials_for_case
from vikno.applications.services import add_event
from vikno.core import clock
from vikno.core.working_days import add_working_days, working_days_between
from vikno.identity.constants import Role


def reminders_due() -> list[tuple[Application, int]]:
    """Open cases reaching one of their workflow's reminder points today (or past it, not yet reminded)."""
    today = clock.today()
    due = []
    cases = (
        Application.objects.filter(decided_at__isnull=True, clock_stopped_on__isnull=True)
        .filter(due_date__lte=add_working_days(today, _furthest_reminder()))
        .exclude(state__in=NOT_YET_CASES)
        .select_related("definition")
    )
    sent = set(
        DeadlineReminder.objects.filter(application__in=cases).values_list("application_id", "due_date", "days_before")
    )
    for case in cases.iterator(chunk_size=500):
        due_date = case.due_date or today
        left = working_days_between(today, due_date)
        for days in definition_of(case.definition).workflow.reminder_days:
            if left <= days and (case.pk, case.due_date, days) not in sent:
                due.append((case, days))
                break  # one reminder per case per run: the nearest point passed
    return due


def _furthest_reminder() -> int:
    """The most working days before a deadline any definition in use reminds (only such cases are looked at)."""
    days = [0]
    for stored in ServiceDefinition.objects.exclude(status=DefinitionStatus.DRAFT).only("pk", "status"):
        days += definition_of(stored).workflow.reminder_days
    return max(days)


def _officials_to_remind(application: Application) -> list:
    """The assignee; for an unassigned case, its supervisors."""
    if application.assignee is not None:
        return [application.assignee]
    return list(officials_for_case(application=application).filter(role_assignments__role=Role.SUPERVISOR).distinct())


def reminder_record(*, application: Application, days_before: int) -> DeadlineReminder | None:
    """Note the reminder once; None when it was already noted (a repeated or concurrent run)."""
    try:
        with transaction.atomic():
            reminder = DeadlineReminder.objects.create(
                application=application,
                due_date=application.due_date or clock.today(),
                days_before=days_before,
                sent_at=clock.now(),
            )
            add_event(application, EventKind.REMINDER, citizen_visible=False, text=str(days_before))
            notices.deadline_near(application, days_before, _officials_to_remind(application))
            return reminder
    except IntegrityError:
        return None


def applicants_remind() -> int:
    """Tell applicants whose answer to a request is due within APPLICANT_REMINDER_DAYS working days (once each:
    the notification's key is the request's). Returns how many requests were looked at."""
    today = clock.today()
    requests = InformationRequest.objects.filter(
        answered_at=None,
        application__decided_at=None,
        due_date__gte=today,
        due_date__lte=add_working_days(today, settings.APPLICANT_REMINDER_DAYS),
    ).select_related("application__applicant", "application__service", "application__organisation")
    count = 0
    for request in requests.iterator(chunk_size=500):
        with transaction.atomic():
            notices.information_due_soon(request.application, request)
        count += 1
    return count
