"""The applicant's side: start a draft, save answers step by step, upload, submit, withdraw, answer a request.

Officials' actions on a case are in `casework`; both share `lock` and `add_event` from here.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from vikno.applications import answers as answer_rules
from vikno.applications import notices, uploads
from vikno.applications.constants import AWAITING_PAYMENT, SUBMITTED, EventKind, Outcome
from vikno.applications.definition import Definition, Question, Step
from vikno.applications.exceptions import ActionRefused, AnswersIncomplete, CaseChanged
from vikno.applications.fees import fee_due
from vikno.applications.models import Application, ApplicationEvent, Attachment, InformationRequest
from vikno.applications.selectors import definition_of, draft_for, published_definition
from vikno.audit.services import record
from vikno.catalog.models import PublicService
from vikno.core import clock, reference
from vikno.core.identifiers import uuid_or_none
from vikno.core.working_days import add_working_days, working_days_between


def lock(application: Application, version: int | None = None) -> Application:
    """The application's row, locked for this transaction; CaseChanged when someone changed it meanwhile."""
    locked = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    if version is not None and locked.version != version:
        raise CaseChanged
    return locked


def add_event(application: Application, kind: str, *, actor=None, text: str = "", citizen_visible: bool = True, **kw):
    return ApplicationEvent.objects.create(
        application=application,
        occurred_at=clock.now(),
        kind=kind,
        actor=actor,
        text=text,
        citizen_visible=citizen_visible,
        **kw,
    )


def _party(on_behalf_of) -> str:
    return str(on_behalf_of.pk) if on_behalf_of is not None else ""


def _profile(user) -> dict:
    return {
        "full_name": user.full_name,
        "last_name": user.last_name,
        "first_name": user.first_name,
        "middle_name": user.middle_name,
        "birth_date": user.birth_date.isoformat() if user.birth_date else "",
        "rnokpp": user.rnokpp,
        "email": user.email,
        "phone": user.phone,
    }


@transaction.atomic
def application_start(*, applicant, service: PublicService, on_behalf_of=None, source_ip=None) -> Application:
    """The applicant's draft for this service and party: the one they left, or a new one prefilled from the profile."""
    existing = draft_for(citizen=applicant, service=service, on_behalf_of=on_behalf_of)
    if existing is not None:
        return existing
    stored = published_definition(service=service)
    if stored is None:
        raise ActionRefused(_("This service cannot be applied for online yet."))
    definition = definition_of(stored)
    application = Application.objects.create(
        applicant=applicant,
        on_behalf_of=on_behalf_of,
        party_name=on_behalf_of.party_name if on_behalf_of is not None else "",
        definition=stored,
        service=service,
        organisation_id=service.competent_authority_id,
        # A representative's own details are not the party's: prefill only for people applying for themselves.
        answers=answer_rules.prefill(definition.form, _profile(applicant)) if on_behalf_of is None else {},
    )
    record(
        actor=applicant,
        action="applications.draft_started",
        target=application,
        source_ip=source_ip,
        on_behalf_of=_party(on_behalf_of),
    )
    return application


@transaction.atomic
def application_save_step(*, application: Application, values: dict) -> Application:
    """Keep a step's answers on the draft (a blank answer removes an earlier one)."""
    application = lock(application)
    if not application.is_draft:
        raise ActionRefused(_("This application has been sent; its answers can no longer change."))
    application.answers = _merged(application.answers, values)
    application.save(update_fields=["answers", "updated_at"])
    return application


def _merged(answers: dict, values: dict) -> dict:
    return {k: v for k, v in {**answers, **values}.items() if v is not None}


@transaction.atomic
def application_answer_step(*, application: Application, step: Step, values: dict) -> list[answer_rules.Problem]:
    """Keep a step's answers when they keep the form's rules; otherwise keep nothing and say what is wrong."""
    definition = definition_of(application.definition)
    problems = step_problems(definition, step, _merged(application.answers, values))
    if not problems:
        application_save_step(application=application, values=values)
    return problems


@transaction.atomic
def attachment_add(*, application: Application, question: Question, upload: UploadedFile, actor) -> Attachment:
    checked = uploads.check(upload)  # before the lock: reading and sniffing a file takes a while
    application = lock(application)
    if not application.is_draft:
        raise ActionRefused(_("This application has been sent; its answers can no longer change."))
    kept = list(application.answers.get(question.name) or [])
    if question.max_items is not None and len(kept) >= question.max_items:
        raise uploads.UploadRefused(
            _("You can upload no more than %(n)s files here. Remove one to add another.") % {"n": question.max_items}
        )
    _check_total(application)
    attachment = _keep(application, checked, actor, field=question.name)
    application.answers = {**application.answers, question.name: [*kept, str(attachment.pk)]}
    application.save(update_fields=["answers", "updated_at"])
    return attachment


def _check_total(application: Application) -> None:
    if application.attachments.count() >= settings.VIKNO_UPLOAD_MAX_FILES:
        raise uploads.UploadRefused(
            _("An application can carry no more than %(n)s files.") % {"n": settings.VIKNO_UPLOAD_MAX_FILES}
        )


def _keep(application: Application, checked: uploads.CheckedFile, actor, **fields) -> Attachment:
    stored = uploads.keep(checked, folder=f"applications/{application.pk.hex}")
    # The file is written before the row: if the transaction rolls back, an orphan file is left, never a row
    # pointing at nothing.
    return Attachment.objects.create(
        application=application,
        name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        file=stored,
        uploaded_by=actor,
        **fields,
    )


@transaction.atomic
def attachment_remove(*, application: Application, question: Question, attachment_id: str) -> None:
    application = lock(application)
    if not application.is_draft:
        raise ActionRefused(_("This application has been sent; its answers can no longer change."))
    kept = [a for a in application.answers.get(question.name) or [] if a != attachment_id]
    application.answers = {**application.answers, question.name: kept or None}
    application.answers = {k: v for k, v in application.answers.items() if v is not None}
    application.save(update_fields=["answers", "updated_at"])
    if key := uuid_or_none(attachment_id):
        _forget(application.attachments.filter(pk=key, field=question.name))


def _forget(attachments) -> None:
    """Delete the rows now and their stored files once the transaction commits (a rollback keeps both)."""
    names = list(attachments.values_list("file", flat=True))
    attachments.delete()
    transaction.on_commit(lambda: uploads.discard(names))


def step_problems(definition: Definition, step: Step, answers: dict) -> list[answer_rules.Problem]:
    return answer_rules.check(step.visible_questions(answers), definition.form, answers)


def first_incomplete_step(definition: Definition, answers: dict) -> tuple[Step, list[answer_rules.Problem]] | None:
    """The first step the applicant still has to answer (or correct), with its problems; None when all are done."""
    for step in definition.form.visible_steps(answers):
        if problems := step_problems(definition, step, answers):
            return step, problems
    return None


@transaction.atomic
def application_submit(*, application: Application, actor, source_ip=None) -> Application:
    """Send the draft. Sending it again (a double click, a retried request) returns the application as it is."""
    application = lock(application)
    if not application.is_draft:
        return application
    definition = definition_of(application.definition)
    answers = answer_rules.visible_answers(definition.form, application.answers)
    if incomplete := first_incomplete_step(definition, answers):
        raise AnswersIncomplete(incomplete[0].id, incomplete[1])
    with translation.override("uk"):  # the payment purpose goes to banks and the treasury in Ukrainian
        fee = fee_due(application, answers)
    application.answers = answers
    application.state = AWAITING_PAYMENT if fee else SUBMITTED
    application.submitted_at = clock.now()
    if not fee:
        application.due_date = add_working_days(clock.today(), definition.workflow.deadline_days)
    application.version += 1
    _give_reference(application)
    # Files for questions the applicant no longer answers are not sent with the application.
    kept_files = {str(a) for v in answers.values() if isinstance(v, list) for a in v}
    _forget(application.attachments.filter(information_request=None).exclude(pk__in=_uuids(kept_files)))
    add_event(application, EventKind.SUBMITTED, actor=actor, to_state=application.state)
    record(
        actor=actor,
        action="applications.submitted",
        target=application,
        source_ip=source_ip,
        on_behalf_of=_party(application.on_behalf_of),
        details={"reference": application.reference, "definition_version": application.definition.version},
    )
    if fee:
        # Payments build on applications; this is the one call back into them (imported here, not at the top).
        from vikno.payments.services import fee_open

        fee_open(application=application, amount=fee.amount, currency=fee.currency, purpose=fee.purpose)
    else:
        notices.submitted(application)
    return application


@transaction.atomic
def application_paid(*, application: Application) -> Application:
    """The fee is paid: the application reaches the authority now, and its deadline starts today."""
    application = lock(application)
    if application.state != AWAITING_PAYMENT:
        return application
    definition = definition_of(application.definition)
    application.state = SUBMITTED
    application.due_date = add_working_days(clock.today(), definition.workflow.deadline_days)
    application.version += 1
    application.save(update_fields=["state", "due_date", "version", "updated_at"])
    add_event(application, EventKind.PAYMENT_RECEIVED, from_state=AWAITING_PAYMENT, to_state=SUBMITTED)
    record(actor=None, action="applications.paid", target=application)
    notices.submitted(application)
    return application


def _uuids(values: set[str]) -> list[uuid.UUID]:
    return [u for u in (uuid_or_none(v) for v in values) if u is not None]


def _give_reference(application: Application) -> None:
    """A fresh random reference; on the rare clash with an existing one, draw again."""
    for _attempt in range(10):
        application.reference = reference.make(clock.local_now().year)
        try:
            with transaction.atomic():
                application.save()
            return
        except IntegrityError:
            continue
    raise RuntimeError("could not draw a free reference number")


@transaction.atomic
def application_withdraw(*, application: Application, actor, reason: str = "", source_ip=None) -> Application:
    application = lock(application)
    withdraw = definition_of(application.definition).workflow.withdrawal(application.state)
    if withdraw is None:
        raise ActionRefused(_("This application can no longer be withdrawn."))
    if application.state == AWAITING_PAYMENT:
        from vikno.payments.selectors import card_payment_in_progress  # payments build on applications

        if card_payment_in_progress(application=application):
            raise ActionRefused(
                _("A card payment for this application is still with the bank. Withdraw it once the bank has answered.")
            )
    previous = application.state
    application.state = withdraw.target
    application.outcome = Outcome.WITHDRAWN
    application.decided_at = clock.now()
    application.decision_reasons = reason
    application.version += 1
    application.save()
    add_event(
        application,
        EventKind.TRANSITION,
        actor=actor,
        from_state=previous,
        to_state=withdraw.target,
        transition=withdraw.id,
        text=reason,
    )
    record(actor=actor, action="applications.withdrawn", target=application, source_ip=source_ip, reason=reason)
    return application


@transaction.atomic
def draft_discard(*, application: Application, actor) -> None:
    """Delete a draft the applicant no longer wants (with its files' rows; nothing was sent)."""
    application = lock(application)
    if not application.is_draft:
        raise ActionRefused(_("This application has been sent; withdraw it instead."))
    record(actor=actor, action="applications.draft_discarded", target=application)
    _forget(application.attachments.all())
    application.delete()


@transaction.atomic
def information_provide(
    *,
    application: Application,
    request: InformationRequest,
    answer: str,
    files: list[UploadedFile],
    actor,
    source_ip=None,
) -> InformationRequest:
    """The applicant answers a request for more information; the case goes back to the official."""
    checked = [uploads.check(f) for f in files]
    if not answer.strip() and not checked:
        raise ActionRefused(_("Write an answer or upload a file"))
    application = lock(application)
    request = InformationRequest.objects.select_for_update().get(pk=request.pk, application=application)
    if request.answered_at is not None:
        raise ActionRefused(_("You have already answered this request."))
    back = definition_of(application.definition).workflow.answering(application.state)
    if back is None:
        raise ActionRefused(_("This application is not waiting for more information."))
    for file in checked:
        _check_total(application)
        _keep(application, file, actor, information_request=request)
    request.answer = answer.strip()
    request.answered_at = clock.now()
    request.save(update_fields=["answer", "answered_at", "updated_at"])
    previous = application.state
    application.state = back.target
    if application.clock_stopped_on is not None and application.due_date is not None:
        # The days spent waiting for the applicant do not count against the authority's deadline.
        paused = working_days_between(application.clock_stopped_on, clock.today())
        application.due_date = add_working_days(application.due_date, paused)
        application.clock_stopped_on = None
    application.version += 1
    application.save()
    add_event(
        application,
        EventKind.INFORMATION_PROVIDED,
        actor=actor,
        from_state=previous,
        to_state=back.target,
        transition=back.id,
    )
    record(actor=actor, action="applications.information_provided", target=application, source_ip=source_ip)
    return request
