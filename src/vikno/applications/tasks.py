"""Background work on applications. Each task calls one service and is safe to retry."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from vikno.applications import reminders, results
from vikno.applications.models import DeadlineReminder
from vikno.applications.selectors import officials_for_case
from vikno.identity.constants import Role


@task()
def issue_result(application_id: str) -> str:
    application = results.result_issue(application_id=application_id)
    return application.result_document.code if application and application.result_document else ""


@task()
def issue_missing_results() -> int:
    """Issue the results a failed or lost `issue_result` left undone (scheduled: nothing decided stays without
    its document). Returns how many were issued."""
    issued = 0
    for application_id in results.results_missing():
        application = results.result_issue(application_id=str(application_id))
        issued += int(application is not None and application.result_document_id is not None)
    return issued


@task()
def send_deadline_reminders() -> int:
    """Record and mail the reminders due now; run by the worker's scheduler (several workers: still once each)."""
    count = 0
    for application, days in reminders.reminders_due():
        reminder = reminders.reminder_record(application=application, days_before=days)
        if reminder is not None:
            mail_deadline_reminder.enqueue(reminder.pk)
            count += 1
    return count


@task()
def remind_applicants() -> int:
    """Scheduled: tell applicants whose answer to a request is due soon."""
    return reminders.applicants_remind()


@task()
def mail_deadline_reminder(reminder_id: int) -> int:
    """Mail the assignee (or, for an unassigned case, its supervisors). Retried by the queue if mail is down."""
    reminder = DeadlineReminder.objects.select_related("application__service", "application__assignee").get(
        pk=reminder_id
    )
    application = reminder.application
    if application.assignee is not None:
        recipients = [application.assignee.email]
    else:
        supervisors = officials_for_case(application=application).filter(role_assignments__role=Role.SUPERVISOR)
        recipients = [u.email for u in supervisors if u.email]
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "application": application,
            "days": reminder.days_before,
            "url": settings.SITE_URL + reverse("backoffice:case", args=[application.pk]),
        }
        subject = render_to_string("applications/email/reminder_subject.txt", context).strip()
        body = render_to_string("applications/email/reminder.txt", context)
    return send_mail(subject, body, None, recipients)
