"""What the applicant is told, and when: each function is called by the service that made the change, inside its
transaction, and tells once (the key names the event of this application)."""

from __future__ import annotations

from vikno.applications.definition import Definition
from vikno.applications.models import Application, InformationRequest
from vikno.applications.selectors import definition_of
from vikno.messaging.notifications import notify


def _tell(application: Application, event: str, key: str, **params) -> None:
    notify(
        recipient=application.applicant,
        event=event,
        key=f"application:{application.pk}:{key}",
        params={
            "reference": application.reference,
            "service": lambda: application.service.title,
            "organisation": lambda: application.organisation.name,
            **params,
        },
        link=("applications:detail", [application.pk]),
        subject=("application", str(application.pk)),
    )


def submitted(application: Application) -> None:
    _tell(application, "application_submitted", "submitted", due_date=application.due_date)


def information_requested(application: Application, request: InformationRequest) -> None:
    _tell(application, "information_requested", f"request:{request.pk}", answer_due=request.due_date)


def information_due_soon(application: Application, request: InformationRequest) -> None:
    _tell(application, "information_due_soon", f"request:{request.pk}:due-soon", answer_due=request.due_date)


def decided(application: Application) -> None:
    definition: Definition = definition_of(application.definition)
    state = definition.workflow.states[application.state]
    _tell(application, "decision_made", "decision", status=lambda: state.citizen_title)


def result_ready(application: Application) -> None:
    document = application.result_document
    assert document is not None  # called once the result is issued
    _tell(application, "result_ready", "result", document=document.title, code=document.display_code)


def deadline_near(application: Application, days_before: int, officials) -> None:
    """Remind the officials of a case that its decision is due within `days_before` working days."""
    for official in officials:
        notify(
            recipient=official,
            event="case_due_soon",
            key=f"application:{application.pk}:reminder:{application.due_date}:{days_before}:{official.pk}",
            params={
                "reference": application.reference,
                "service": lambda: application.service.title,
                "due_date": application.due_date,
                "days": days_before,
            },
            link=("backoffice:case", [application.pk]),
            subject=("application", str(application.pk)),
        )
