"""What the back office's pages show, built from the applications app's selectors and services.

The queue's rows and the case page are put together here so that the views stay thin: parse, call one
selector or service, render.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vikno.applications import casework, selectors
from vikno.applications.constants import DefinitionStatus, EventKind
from vikno.applications.definition import Transition, Workflow
from vikno.applications.models import Application, ServiceDefinition
from vikno.applications.presenting import answer_rows
from vikno.applications.uploads import accepted_kinds
from vikno.catalog.selectors import organisations_public
from vikno.core import clock
from vikno.core.working_days import working_days_between
from vikno.messaging import conversations
from vikno.messaging.selectors import notifications_about
from vikno.payments.refunds import refundable
from vikno.payments.selectors import fee_for_application


def person_name(user) -> str:
    if user is None:
        return ""
    return user.full_name or user.get_full_name() or user.email or user.username


# --- The queue -------------------------------------------------------------------------------------------


class Workflows:
    """The workflow of each definition, loaded once per definition for one page however many rows use it."""

    def __init__(self, known: dict[uuid.UUID, ServiceDefinition] | None = None):
        self._stored = dict(known or {})
        self._loaded: dict[uuid.UUID, Workflow] = {}

    def of(self, application: Application) -> Workflow:
        key = application.definition_id
        if key not in self._loaded:
            stored = self._stored.get(key) or application.definition
            self._loaded[key] = selectors.definition_of(stored).workflow
        return self._loaded[key]


@dataclass(frozen=True)
class FilterChoices:
    services: list[tuple[str, str]]
    states: list[tuple[str, str]]
    officials: list[tuple[str, str]]
    definitions: dict[uuid.UUID, ServiceDefinition]


def filter_choices(*, official) -> FilterChoices:
    services = list(selectors.services_with_cases(official=official).prefetch_related("definitions"))
    definitions: dict[uuid.UUID, ServiceDefinition] = {}
    states: dict[str, str] = {}
    for service in services:
        for stored in service.definitions.all():
            if stored.status == DefinitionStatus.DRAFT:
                continue
            definitions[stored.pk] = stored
            for state in selectors.definition_of(stored).workflow.states.values():
                states.setdefault(state.id, state.title)
    people = selectors.case_handlers(official=official)
    return FilterChoices(
        services=sorted(((str(s.pk), s.title) for s in services), key=lambda choice: choice[1]),
        states=sorted(states.items(), key=lambda choice: choice[1]),
        officials=[(str(p.pk), person_name(p)) for p in people if p.pk != official.pk],
        definitions=definitions,
    )


@dataclass(frozen=True)
class QueueRow:
    case: Application
    applicant: str
    state: str
    overdue: bool
    due_soon: bool
    waiting_for_second_check: bool
    unread_messages: int = 0


def queue_rows(cases, *, workflows: Workflows, today: dt.date) -> list[QueueRow]:
    near = selectors.near_deadline(today)
    rows = []
    for case in cases:
        open_ = case.decided_at is None and case.due_date is not None
        rows.append(
            QueueRow(
                case=case,
                applicant=case.party_name or person_name(case.applicant),
                state=workflows.of(case).state(case.state).title,
                overdue=open_ and case.due_date < today,
                due_soon=open_ and today <= case.due_date <= near,
                waiting_for_second_check=getattr(case, "pending_decision", None) is not None,
                # Counted with the page's query (`conversations.with_unread_for_authority`).
                unread_messages=getattr(case, "unread_messages", 0) or 0,
            )
        )
    return rows


# --- The case page ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    due: dt.date | None
    days_left: int | None = None
    days_over: int | None = None
    paused: bool = False

    @property
    def text(self) -> str:
        if self.days_over is not None:
            return ngettext("Overdue by %(count)d working day", "Overdue by %(count)d working days", self.days_over) % {
                "count": self.days_over
            }
        if self.days_left is not None:
            if self.days_left == 0:
                return _("Due today")
            return ngettext("%(count)d working day left", "%(count)d working days left", self.days_left) % {
                "count": self.days_left
            }
        return ""


def deadline_of(application: Application, today: dt.date) -> Deadline:
    due = application.due_date
    if due is None or application.decided_at is not None:
        return Deadline(due=due)
    paused = application.clock_stopped_on is not None
    if due < today:
        return Deadline(due=due, days_over=working_days_between(due, today), paused=paused)
    return Deadline(due=due, days_left=working_days_between(today, due), paused=paused)


@dataclass
class ActionForm:
    """One of the workflow's actions, as a form; what the official typed comes back after a refusal or a clash."""

    transition: Transition
    danger: bool = False
    reasons: str = ""
    text: str = ""
    organisation: str = ""
    error: str = ""

    @property
    def needs_reasons(self) -> bool:
        return self.transition.requires_reasons

    @property
    def asks_information(self) -> bool:
        return self.transition.effect == "request_information"

    @property
    def forwards(self) -> bool:
        return self.transition.effect == "forward"

    @property
    def anchor(self) -> str:
        for present, suffix in (
            (self.needs_reasons, "reasons"),
            (self.asks_information, "text"),
            (self.forwards, "organisation"),
        ):
            if present:
                return f"{self.transition.id}-{suffix}"
        return f"action-{self.transition.id}"


@dataclass(frozen=True)
class TimelineItem:
    occurred_at: dt.datetime
    what: str
    actor: str
    text: str
    internal: bool


@dataclass
class Typed:
    """What the official sent with a form that was refused or clashed, to give back to them."""

    form: str = ""  # "note", "assign", "confirm", "return" or "action:<transition id>"
    values: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> str:
        return self.values.get(name, "")


def _timeline(application: Application, workflow: Workflow) -> list[TimelineItem]:
    items = []
    for event in application.events.select_related("actor"):
        if event.kind == EventKind.TRANSITION:
            what = f"{workflow.state(event.from_state).title} → {workflow.state(event.to_state).title}"
            transition = workflow.transition(event.transition)
            if transition is not None:
                what = f"{transition.title}: {what}"
        else:
            what = str(event.get_kind_display())
        items.append(
            TimelineItem(
                occurred_at=event.occurred_at,
                what=what,
                actor=person_name(event.actor),
                text=event.text,
                internal=not event.citizen_visible,
            )
        )
    return items


def _transition_title(workflow: Workflow, transition_id: str) -> str:
    transition = workflow.transition(transition_id)
    return transition.title if transition is not None else transition_id


def _action_forms(official, application: Application, workflow: Workflow, typed: Typed, error: str) -> list:
    forms = []
    for transition in casework.transitions_for(official=official, application=application):
        action = ActionForm(
            transition=transition,
            danger=transition.requires_reasons or workflow.outcome_of(transition.target) == "refusal",
        )
        if typed.form == f"action:{transition.id}":
            action.reasons = typed.get("reasons")
            action.text = typed.get("text")
            action.organisation = typed.get("organisation")
            action.error = error
        forms.append(action)
    return forms


def case_context(
    *, official, application: Application, purpose: str, typed: Typed | None = None, error: str = ""
) -> dict[str, Any]:
    typed = typed or Typed()
    definition = selectors.definition_of(application.definition)
    workflow = definition.workflow
    attachments = list(application.attachments.all())
    pending = getattr(application, "pending_decision", None)
    actions = _action_forms(official, application, workflow, typed, error)
    shown_forms = {f"action:{a.transition.id}": a.anchor for a in actions}
    if pending is not None:
        shown_forms.update(
            {"confirm": "confirm-decision", "return": "return-comment"} if pending.proposed_by_id != official.pk else {}
        )
    officials = list(selectors.officials_for_case(application=application))
    anchors = {"note": "note-text", "assign": "assignee", "message": "message-text", **shown_forms}
    # Text typed into a form that the case no longer offers (somebody moved it on) is shown, never lost.
    orphan = ""
    if typed.form not in shown_forms and typed.form not in ("note", "message"):
        orphan = typed.get("reasons") or typed.get("text") or typed.get("comment")
    forwarding = any(a.forwards for a in actions)
    fee = fee_for_application(application=application)
    return {
        "fee": fee,
        # The law returns the fee after this outcome, and some of it is still with the authority.
        "fee_to_return": bool(
            fee
            and definition.fee
            and application.outcome in definition.fee.refund_on
            and any(refundable(payment) for payment in fee.payments.all())
        ),
        "application": application,
        "service": application.service,
        "applicant": application.applicant,
        "definition_version": application.definition.version,
        "state": workflow.state(application.state),
        "deadline": deadline_of(application, clock.today()),
        "rows": answer_rows(definition.form, application.answers, application),
        "documents": [a for a in attachments if a.information_request_id is None],
        "requests": application.information_requests.select_related("requested_by").prefetch_related("attachments"),
        "timeline": _timeline(application, workflow),
        "notes": application.notes.select_related("author"),
        "officials": officials,
        "can_claim": application.assignee_id != official.pk and any(p.pk == official.pk for p in officials),
        "actions": actions,
        "pending": pending,
        "pending_title": _transition_title(workflow, pending.transition) if pending is not None else "",
        "pending_mine": pending is not None and pending.proposed_by_id == official.pk,
        "organisations": (
            organisations_public().exclude(pk=application.organisation_id).order_by("name") if forwarding else []
        ),
        "purpose": purpose,
        "typed": typed,
        "error": error,
        "error_anchor": anchors.get(typed.form, "case-actions"),
        "orphan_text": orphan,
        **_conversation(official, application),
    }


def _conversation(official, application: Application) -> dict[str, Any]:
    """The messages with the applicant (which of theirs are new is read before the view marks them read), and
    what the portal told the applicant about the application, with each delivery's state: whether they were
    reached. Each authority message carries the notification that told the applicant about it."""
    told = list(
        notifications_about(
            subject_type="application", subject_id=str(application.pk), recipient_id=application.applicant_id
        )
    )
    by_key = {notification.key: notification for notification in told}
    thread = list(conversations.messages_for_application(application=application, reader=official))
    for message in thread:
        message.is_new = message.side == "citizen" and message.read_by_authority_at is None  # type: ignore[attr-defined]
        message.notification = by_key.get(conversations.notification_key(message))  # type: ignore[attr-defined]
    return {
        "thread": thread,
        "told": told,
        "message_key": uuid.uuid4(),
        "message_max_files": conversations.MESSAGE_MAX_FILES,
        "upload_kinds": accepted_kinds(),
    }
