"""What the citizen is told about their appeal, and when: each function is called by the service that made the
change, inside its transaction, and tells once (the key names the event of this appeal)."""

from __future__ import annotations

from vikno.messaging.appeals.models import Appeal
from vikno.messaging.notifications import notify


def _tell(appeal: Appeal, event: str, key: str, **params) -> None:
    notify(
        recipient=appeal.citizen,
        event=event,
        key=f"appeal:{appeal.pk}:{key}",
        params={
            "reference": appeal.reference,
            "subject": appeal.subject,
            "kind": appeal.get_kind_display,  # called in the citizen's language
            "organisation": lambda: appeal.organisation.name,
            **params,
        },
        link=("appeals:detail", [appeal.pk]),
        subject=("appeal", str(appeal.pk)),
    )


def registered(appeal: Appeal) -> None:
    _tell(appeal, "appeal_registered", "registered", due_date=appeal.due_date)


def extended(appeal: Appeal) -> None:
    _tell(appeal, "appeal_extended", "extended", due_date=appeal.due_date, reason=appeal.extension_reason)


def answered(appeal: Appeal) -> None:
    _tell(appeal, "appeal_answered", "answered")
