"""Officials' actions on a case: assign, take a workflow transition, ask for more information, forward, decide.

Every action names the version of the case the official saw; under the row lock a different version means
somebody else acted first, and nothing is written (`CaseChanged`).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from vikno.applications import notices
from vikno.applications.constants import EventKind, Outcome
from vikno.applications.definition import Transition
from vikno.applications.exceptions import ActionRefused
from vikno.applications.models import Application, CaseNote, InformationRequest, PendingDecision
from vikno.applications.selectors import definition_of, officials_for_case, roles_on_case
from vikno.applications.services import add_event, lock
from vikno.audit.services import record
from vikno.core import clock
from vikno.core.working_days import add_working_days


def _require_case_role(official, application: Application) -> set[str]:
    roles = roles_on_case(official=official, application=application)
    if not roles:
        raise ActionRefused(_("You do not handle cases of this organisation."))
    return roles


def _bump(application: Application, *fields: str) -> None:
    application.version += 1
    application.save(update_fields=[*fields, "version", "updated_at"])


@transaction.atomic
def case_assign(*, application: Application, official, assignee, version: int | None, source_ip=None) -> Application:
    """Give the case to an official of its organisation (to oneself: claim it); None leaves it unassigned."""
    application = lock(application, version)
    _require_case_role(official, application)
    if assignee is not None and not officials_for_case(application=application).filter(pk=assignee.pk).exists():
        raise ActionRefused(_("That person does not handle cases of this organisation."))
    if application.decided_at is not None:
        raise ActionRefused(_("A decided case is not assigned any more."))
    application.assignee = assignee
    _bump(application, "assignee")
    text = assignee.get_full_name() or assignee.email if assignee is not None else ""
    add_event(application, EventKind.ASSIGNED, actor=official, citizen_visible=False, text=text)
    record(
        actor=official,
        action="applications.assigned",
        target=application,
        source_ip=source_ip,
        details={"assignee": str(assignee.pk) if assignee else None},
    )
    return application


def cases_assign(*, applications: list[Application], official, assignee, source_ip=None) -> int:
    """Assign many cases at once (each under its own lock, whatever version); returns how many were assigned."""
    done = 0
    for application in applications:
        try:
            case_assign(
                application=application, official=official, assignee=assignee, version=None, source_ip=source_ip
            )
            done += 1
        except ActionRefused:
            continue
    return done


@transaction.atomic
def case_note_add(*, application: Application, official, text: str, source_ip=None) -> CaseNote:
    if not text.strip():
        raise ActionRefused(_("Write the note"))
    _require_case_role(official, application)
    note = CaseNote.objects.create(application=application, author=official, text=text.strip())
    record(actor=official, action="applications.note_added", target=application, source_ip=source_ip)
    return note


def _allowed(transition: Transition, roles: set[str]) -> bool:
    return bool(set(transition.roles) & roles)


def transitions_for(*, official, application: Application) -> list[Transition]:
    """The workflow's actions the official may take on the case now."""
    if hasattr(application, "pending_decision"):
        return []
    roles = roles_on_case(official=official, application=application)
    workflow = definition_of(application.definition).workflow
    return [t for t in workflow.available(application.state, by="official") if _allowed(t, roles)]


@transaction.atomic
def case_transition(
    *,
    application: Application,
    official,
    transition_id: str,
    version: int | None,
    reasons: str = "",
    text: str = "",
    organisation=None,
    source_ip=None,
) -> Application:
    """Take one of the workflow's transitions. A four-eyes transition only proposes the decision."""
    application = lock(application, version)
    roles = _require_case_role(official, application)
    workflow = definition_of(application.definition).workflow
    transition = workflow.transition(transition_id)
    if transition is None or transition.by != "official" or application.state not in transition.sources:
        raise ActionRefused(_("This action is not possible in the case's present state."))
    if not _allowed(transition, roles):
        raise ActionRefused(_("Your role does not allow this action."))
    if PendingDecision.objects.filter(application=application).exists():
        raise ActionRefused(_("A proposed decision waits for a second check."))
    if transition.requires_reasons and not reasons.strip():
        raise ActionRefused(_("Give the reasons for the decision, with the provisions of law it rests on"))
    if transition.effect == "request_information" and not text.strip():
        raise ActionRefused(_("Say what the applicant needs to provide"))
    if transition.effect == "forward" and (organisation is None or organisation.pk == application.organisation_id):
        raise ActionRefused(_("Choose the organisation to forward the case to"))
    if transition.four_eyes:
        PendingDecision.objects.create(
            application=application, transition=transition.id, reasons=reasons.strip(), proposed_by=official
        )
        _bump(application)
        add_event(
            application,
            EventKind.DECISION_PROPOSED,
            actor=official,
            citizen_visible=False,
            transition=transition.id,
            text=reasons.strip(),
        )
        record(
            actor=official,
            action="applications.decision_proposed",
            target=application,
            reason=reasons.strip(),
            source_ip=source_ip,
            details={"transition": transition.id},
        )
        return application
    return _apply(
        application, transition, official, reasons=reasons, text=text, organisation=organisation, source_ip=source_ip
    )


@transaction.atomic
def decision_confirm(*, application: Application, official, version: int | None, source_ip=None) -> Application:
    """The second official confirms a proposed decision; it takes effect under their name."""
    application = lock(application, version)
    roles = _require_case_role(official, application)
    pending = PendingDecision.objects.filter(application=application).first()
    if pending is None:
        raise ActionRefused(_("No decision waits for a second check."))
    if pending.proposed_by_id == official.pk:
        raise ActionRefused(_("A decision you proposed needs another official to confirm it."))
    transition = definition_of(application.definition).workflow.transition(pending.transition)
    if transition is None or application.state not in transition.sources or not _allowed(transition, roles):
        raise ActionRefused(_("Your role does not allow this action."))
    reasons = pending.reasons
    proposer = pending.proposed_by
    pending.delete()
    record(
        actor=official,
        action="applications.decision_confirmed",
        target=application,
        source_ip=source_ip,
        details={"transition": transition.id, "proposed_by": str(proposer.pk)},
    )
    return _apply(application, transition, official, reasons=reasons, source_ip=source_ip)


@transaction.atomic
def decision_return(*, application: Application, official, version: int | None, comment: str, source_ip=None):
    """The second official sends a proposed decision back; the case stays where it was."""
    application = lock(application, version)
    _require_case_role(official, application)
    pending = PendingDecision.objects.filter(application=application).first()
    if pending is None:
        raise ActionRefused(_("No decision waits for a second check."))
    if pending.proposed_by_id == official.pk:
        raise ActionRefused(_("A decision you proposed needs another official to check it."))
    if not comment.strip():
        raise ActionRefused(_("Say why the proposed decision goes back"))
    pending.delete()
    _bump(application)
    add_event(application, EventKind.DECISION_RETURNED, actor=official, citizen_visible=False, text=comment.strip())
    record(
        actor=official,
        action="applications.decision_returned",
        target=application,
        reason=comment.strip(),
        source_ip=source_ip,
    )
    return application


def _apply(
    application: Application,
    transition: Transition,
    official,
    *,
    reasons: str = "",
    text: str = "",
    organisation=None,
    source_ip=None,
) -> Application:
    workflow = definition_of(application.definition).workflow
    previous = application.state
    application.state = transition.target
    fields = ["state"]
    event_kind, event_text = EventKind.TRANSITION, ""
    request = None
    if transition.effect == "request_information":
        due = add_working_days(clock.today(), workflow.information_answer_days)
        request = InformationRequest.objects.create(
            application=application, text=text.strip(), requested_by=official, due_date=due
        )
        if workflow.information_stops_clock:
            application.clock_stopped_on = clock.today()
            fields.append("clock_stopped_on")
        event_kind, event_text = EventKind.INFORMATION_REQUESTED, text.strip()
    elif transition.effect == "forward":
        event_kind, event_text = EventKind.FORWARDED, organisation.name
        application.organisation = organisation
        application.assignee = None
        fields += ["organisation", "assignee"]
    outcome = workflow.outcome_of(application.state)
    if outcome:
        application.outcome = outcome
        application.decided_at = clock.now()
        application.decision_reasons = reasons.strip()
        fields += ["outcome", "decided_at", "decision_reasons"]
    _bump(application, *fields)
    add_event(
        application,
        event_kind,
        actor=official,
        from_state=previous,
        to_state=application.state,
        transition=transition.id,
        text=event_text or reasons.strip(),
    )
    record(
        actor=official,
        action=f"applications.{transition.id}",
        target=application,
        reason=reasons.strip(),
        source_ip=source_ip,
        details={"from": previous, "to": application.state},
    )
    if request is not None:
        notices.information_requested(application, request)
    if outcome:
        notices.decided(application)
    if outcome in (Outcome.APPROVAL, Outcome.REFUSAL):
        from vikno.applications.tasks import issue_result

        application_id = str(application.pk)
        transaction.on_commit(lambda: issue_result.enqueue(application_id))
    return application
