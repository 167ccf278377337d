"""What the person is told about their requests (through messaging's `notify`, inside the service's transaction)."""

from __future__ import annotations

from vikno.messaging.notifications import notify
from vikno.privacy.models import DataSubjectRequest


def _subject(request: DataSubjectRequest) -> tuple[str, str]:
    return ("data_subject_request", str(request.pk))


def request_received(request: DataSubjectRequest) -> None:
    notify(
        recipient=request.person,
        event="privacy_request_received",
        key=f"privacy_request:{request.pk}:received",
        params={"reference": request.reference, "kind": request.get_kind_display, "due_date": request.due_date},
        link=("privacy:request", [request.pk]),
        subject=_subject(request),
    )


def request_answered(request: DataSubjectRequest) -> None:
    notify(
        recipient=request.person,
        event="privacy_request_answered",
        key=f"privacy_request:{request.pk}:answered",
        params={"reference": request.reference, "kind": request.get_kind_display, "outcome": request.get_state_display},
        link=("privacy:request", [request.pk]),
        subject=_subject(request),
    )


def account_erased(request: DataSubjectRequest) -> None:
    """The answer itself travels in the message: the account it would be read in is closed. Called while the
    person's address and phone are still there; the copies sent are purged with the outbox (retention)."""
    notify(
        recipient=request.person,
        event="privacy_account_erased",
        key=f"privacy_request:{request.pk}:erased",
        params={"reference": request.reference, "answer": request.answer},
        subject=_subject(request),
    )
