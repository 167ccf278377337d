"""Deadline reminders: at the workflow's points, to the assignee, once however often the task runs."""

import datetime as dt

import pytest
from django.core import mail

from vikno.applications import casework, services
from vikno.applications.models import DeadlineReminder
from vikno.applications.tasks import remind_applicants, send_deadline_reminders
from vikno.applications.tests.test_services import filled
from vikno.messaging.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_run_at_once")]


def test_reminders_at_three_and_one_working_days_before_once_each(
    applicant, service, officer, at, django_capture_on_commit_callbacks
):
    at(dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC))
    case = services.application_submit(application=filled(applicant, service), actor=applicant)
    assert case.due_date == dt.date(2026, 12, 15)
    casework.case_assign(application=case, official=officer, assignee=officer, version=case.version)
    assert send_deadline_reminders.call() == 0
    at(dt.datetime(2026, 12, 10, 8, 0, tzinfo=dt.UTC))  # Thursday: three working days before Tuesday the 15th
    with django_capture_on_commit_callbacks(execute=True):
        assert send_deadline_reminders.call() == 1
        assert send_deadline_reminders.call() == 0
    assert [m.to for m in mail.outbox] == [["officer@vikno.example"]]
    assert mail.outbox[0].subject == f"Справа {case.reference}: рішення до 15 грудня 2026"
    assert f"/office/cases/{case.pk}/" in mail.outbox[0].body
    at(dt.datetime(2026, 12, 14, 8, 0, tzinfo=dt.UTC))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_deadline_reminders.call() == 1
    assert list(DeadlineReminder.objects.order_by("days_before").values_list("days_before", flat=True)) == [1, 3]
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(recipient=officer, event="case_due_soon").count() == 2


def test_an_unassigned_case_reminds_its_supervisors(
    applicant, service, officer, supervisor, at, django_capture_on_commit_callbacks
):
    at(dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC))
    services.application_submit(application=filled(applicant, service), actor=applicant)
    at(dt.datetime(2026, 12, 10, 8, 0, tzinfo=dt.UTC))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_deadline_reminders.call() == 1
    assert [m.to for m in mail.outbox] == [["supervisor@vikno.example"]]


def test_an_applicant_who_has_not_answered_a_request_is_reminded_once(
    applicant, service, officer, at, django_capture_on_commit_callbacks
):
    at(dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC))
    case = services.application_submit(application=filled(applicant, service), actor=applicant)
    casework.case_transition(application=case, official=officer, transition_id="start_review", version=case.version)
    case.refresh_from_db()
    casework.case_transition(
        application=case, official=officer, transition_id="request_information", version=case.version, text="Ще."
    )
    request = case.information_requests.get()
    assert remind_applicants.call() == 0  # not yet
    day_before = request.due_date - dt.timedelta(days=1)
    at(dt.datetime.combine(day_before, dt.time(8), tzinfo=dt.UTC))
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_applicants.call() == 1
        remind_applicants.call()
    reminded = Notification.objects.filter(event="information_due_soon")
    assert list(reminded.values_list("recipient", "key")) == [
        (applicant.pk, f"application:{case.pk}:request:{request.pk}:due-soon")
    ]
    assert [m.to for m in mail.outbox if "Відповідь" in m.subject] == [["olena@example.com"]]


def test_no_reminder_while_the_clock_is_stopped_or_after_a_decision(applicant, service, officer, at):
    at(dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC))
    case = services.application_submit(application=filled(applicant, service), actor=applicant)
    casework.case_transition(application=case, official=officer, transition_id="start_review", version=case.version)
    case.refresh_from_db()
    casework.case_transition(
        application=case, official=officer, transition_id="request_information", version=case.version, text="Ще."
    )
    at(dt.datetime(2026, 12, 14, 8, 0, tzinfo=dt.UTC))
    assert send_deadline_reminders.call() == 0
    assert mail.outbox == []
