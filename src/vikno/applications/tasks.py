"""Background work on applications. Each task calls one service and is safe to retry."""

from django_tasks import task

from vikno.applications import reminders, results


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
    """Note the reminders due now and tell the officials (through the outbox); run by the worker's scheduler
    (several workers: still once each)."""
    return sum(
        reminders.reminder_record(application=application, days_before=days) is not None
        for application, days in reminders.reminders_due()
    )


@task()
def remind_applicants() -> int:
    """Scheduled: tell applicants whose answer to a request is due soon."""
    return reminders.applicants_remind()
