"""Every change to an appeal: the citizen registers it; officials of the authority assign it, shorten its term
when no further study is needed, extend it once (supervisors) and answer it.

Each service checks who acts, validates, locks the row, writes, adds an audit record and tells the citizen in
the same transaction (the notification's deliveries leave once it commits).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import formats
from django.utils.translation import gettext as _

from vikno.applications import uploads
from vikno.audit.services import record
from vikno.catalog.models import Organisation
from vikno.core import clock, reference
from vikno.messaging.appeals import notices, selectors, terms
from vikno.messaging.appeals.constants import (
    ANSWER_MAX_CHARS,
    MAX_FILES,
    REASON_MAX_CHARS,
    SUBJECT_MAX_CHARS,
    AppealKind,
    AppealState,
    AttachmentPart,
)
from vikno.messaging.appeals.exceptions import AppealInvalid, AppealRefused
from vikno.messaging.appeals.models import Appeal, AppealAttachment


def _number(value: int) -> str:
    return formats.number_format(value, force_grouping=True)


def _date(value: dt.date) -> str:
    return formats.date_format(value, "j E Y")


# Control characters nobody types (NUL among them, which PostgreSQL refuses to store); tabs and line breaks stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(value: str) -> str:
    """What was written, with browsers' line endings (CR LF) as one character each, as counted on the page, and
    without control characters."""
    return _CONTROL.sub("", (value or "").replace("\r\n", "\n").replace("\r", "\n")).strip()


def _lock(appeal: Appeal) -> Appeal:
    return Appeal.objects.select_for_update(of=("self",)).select_related("organisation", "citizen").get(pk=appeal.pk)


def _checked_files(files: Sequence[UploadedFile]) -> tuple[list[uploads.CheckedFile], str]:
    """The files, checked by their content; or the first problem, in words the sender understands."""
    if len(files) > MAX_FILES:
        return [], _("You can attach no more than %(n)s files") % {"n": MAX_FILES}
    checked = []
    for upload in files:
        try:
            checked.append(uploads.check(upload))
        except uploads.UploadRefused as refused:
            return [], _("“%(name)s”: %(problem)s") % {"name": uploads.safe_name(upload.name or ""), "problem": refused}
    return checked, ""


def _keep(appeal: Appeal, files: list[uploads.CheckedFile], *, part: str, actor) -> None:
    for checked in files:
        stored = uploads.keep(checked, folder=f"appeals/{appeal.pk.hex}")
        # The file is written before its row: a rollback leaves an orphan file, never a row pointing at nothing.
        AppealAttachment.objects.create(
            appeal=appeal,
            part=part,
            name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            file=stored,
            uploaded_by=actor,
        )


# --- The citizen -----------------------------------------------------------------------------------------


def _problems(*, organisation, kind: str, subject: str, text: str) -> dict[str, str]:
    problems = {}
    if organisation is None:
        problems["organisation"] = _("Choose the authority you are writing to")
    if kind not in AppealKind.values:
        problems["kind"] = _("Choose what kind of appeal this is")
    if not subject:
        problems["subject"] = _("Enter a short summary of your appeal")
    elif len(subject) > SUBJECT_MAX_CHARS:
        problems["subject"] = _("The summary must be %(n)s characters or fewer") % {"n": _number(SUBJECT_MAX_CHARS)}
    if not text:
        problems["text"] = _("Enter your appeal")
    elif len(text) > settings.MESSAGE_MAX_CHARS:
        problems["text"] = _("Your appeal must be %(n)s characters or fewer") % {
            "n": _number(settings.MESSAGE_MAX_CHARS)
        }
    return problems


@transaction.atomic
def appeal_submit(
    *,
    citizen,
    organisation: Organisation | None,
    kind: str,
    subject: str,
    text: str,
    files: Sequence[UploadedFile] = (),
    submission_key: str = "",
    source_ip: str | None = None,
) -> Appeal:
    """Register the citizen's appeal with a reference number and the statutory term, and tell them.

    The same form sent again (the same `submission_key`) returns the appeal it registered, registering nothing.
    """
    if not citizen.is_authenticated or citizen.is_staff:
        raise AppealRefused(_("Only a signed-in citizen can write an appeal."))
    submission_key = (submission_key or "")[:64]
    if existing := selectors.appeal_for_submission(citizen=citizen, submission_key=submission_key):
        return existing
    name = citizen.full_name.strip()
    if not name:
        # The law does not consider an appeal without the name of the person who wrote it.
        raise AppealRefused(_("Your account has no name. Appeals without a name are not considered."))
    subject, text = " ".join(_text(subject).split()), _text(text)
    problems = _problems(organisation=organisation, kind=kind, subject=subject, text=text)
    checked, file_problem = _checked_files(files)  # read and sniffed before anything is written
    if file_problem:
        problems["files"] = file_problem
    if problems:
        raise AppealInvalid(problems)
    assert organisation is not None
    received_at = clock.now()
    appeal = Appeal(
        kind=kind,
        citizen=citizen,
        citizen_name=name,
        organisation=organisation,
        subject=subject,
        text=text,
        received_at=received_at,
        submission_key=submission_key,
    )
    appeal.due_date = terms.term_due(appeal.received_on)
    if not _give_reference(appeal):
        # The same form, sent twice at once: the other request registered it first.
        again = selectors.appeal_for_submission(citizen=citizen, submission_key=submission_key)
        assert again is not None
        return again
    _keep(appeal, checked, part=AttachmentPart.APPEAL, actor=citizen)
    record(
        actor=citizen,
        action="appeals.registered",
        target=appeal,
        source_ip=source_ip,
        details={
            "reference": appeal.reference,
            "kind": kind,
            "organisation": str(organisation.pk),
            "files": len(checked),
        },
    )
    notices.registered(appeal)
    return appeal


def _give_reference(appeal: Appeal) -> bool:
    """Save the appeal under a fresh random reference, drawing again on the rare clash; False when the same form
    was registered meanwhile."""
    for _attempt in range(10):
        appeal.reference = reference.make(clock.local_now().year)
        try:
            with transaction.atomic():
                appeal.save(force_insert=True)
            return True
        except IntegrityError:
            if appeal.submission_key and selectors.appeal_for_submission(
                citizen=appeal.citizen, submission_key=appeal.submission_key
            ):
                return False
            continue
    raise RuntimeError("could not draw a free reference number")


# --- Officials -------------------------------------------------------------------------------------------


def _handled(appeal: Appeal, official) -> Appeal:
    """The appeal's row, locked, when the official handles the authority's appeals and it is still open."""
    if not selectors.handles(official=official, appeal=appeal):
        raise AppealRefused(_("You do not handle the appeals of this authority."))
    locked = _lock(appeal)
    if not locked.is_open:
        raise AppealRefused(_("This appeal has already been answered."))
    return locked


@transaction.atomic
def appeal_assign(*, appeal: Appeal, official, assignee, source_ip: str | None = None) -> Appeal:
    """Give the appeal to one of the authority's handlers (or to nobody); the first assignment starts its
    consideration."""
    appeal = _handled(appeal, official)
    if assignee is not None and not any(p.pk == assignee.pk for p in selectors.appeal_handlers(appeal=appeal)):
        raise AppealRefused(_("Choose who to assign the appeal to"), field="assignee")
    if appeal.assignee_id == (assignee.pk if assignee is not None else None):
        return appeal
    appeal.assignee = assignee
    if assignee is not None and appeal.state == AppealState.REGISTERED:
        appeal.state = AppealState.IN_PROGRESS
    appeal.save(update_fields=["assignee", "state", "updated_at"])
    record(
        actor=official,
        action="appeals.assigned",
        target=appeal,
        source_ip=source_ip,
        details={"assignee": str(assignee.pk) if assignee is not None else ""},
    )
    return appeal


@transaction.atomic
def appeal_set_short_term(*, appeal: Appeal, official, source_ip: str | None = None) -> Appeal:
    """No further study is needed: the appeal is answered within the short term (15 days from receipt).

    Refused once that day has passed (the short term would make the appeal overdue at once) and after an
    extension (an extended appeal needed study by definition). Marking it again changes nothing."""
    appeal = _handled(appeal, official)
    if appeal.short_term:
        return appeal
    if appeal.extended:
        raise AppealRefused(_("The term of this appeal was extended; it can no longer be shortened."))
    short = terms.short_due(appeal.received_on)
    if short < clock.today():
        raise AppealRefused(
            _(
                "The appeal was received more than %(days)s days ago, so the short term can no longer apply. "
                "Answer it by %(due)s."
            )
            % {"days": settings.APPEAL_SHORT_TERM_DAYS, "due": _date(appeal.due_date)}
        )
    previous = appeal.due_date
    appeal.short_term = True
    appeal.due_date = min(appeal.due_date, short)
    appeal.save(update_fields=["short_term", "due_date", "updated_at"])
    record(
        actor=official,
        action="appeals.short_term",
        target=appeal,
        source_ip=source_ip,
        details={"from": previous.isoformat(), "to": appeal.due_date.isoformat()},
    )
    return appeal


@transaction.atomic
def appeal_extend(
    *, appeal: Appeal, official, new_due_date: dt.date | None, reason: str, source_ip: str | None = None
) -> Appeal:
    """Extend the term once, with a reason, to no later than 45 days from receipt; the citizen is told the new
    date and the reason. Only a supervisor of the authority extends (the law: its head or a deputy)."""
    if selectors.handles(official=official, appeal=appeal) and not selectors.may_extend(
        official=official, appeal=appeal
    ):
        raise AppealRefused(_("Only a supervisor of the authority can extend the term of an appeal."))
    appeal = _handled(appeal, official)
    if appeal.extended:
        raise AppealRefused(_("The term of this appeal has already been extended once. The law allows one extension."))
    today = clock.today()
    if appeal.due_date < today:
        raise AppealRefused(
            _("The term ended on %(due)s; it can no longer be extended. Answer the appeal as soon as possible.")
            % {"due": _date(appeal.due_date)}
        )
    reason = _text(reason)
    latest = terms.latest_due(appeal.received_on)
    if new_due_date is None:
        raise AppealRefused(_("Enter the new date for the answer"), field="new_due")
    if new_due_date <= appeal.due_date:
        raise AppealRefused(
            _("The new date must be later than %(due)s") % {"due": _date(appeal.due_date)}, field="new_due"
        )
    if new_due_date > latest:
        raise AppealRefused(
            _("The new date can be no later than %(latest)s, %(days)s days after the appeal was received")
            % {"latest": _date(latest), "days": settings.APPEAL_MAX_TERM_DAYS},
            field="new_due",
        )
    if not reason:
        raise AppealRefused(_("Give the reason for the extension"), field="reason")
    if len(reason) > REASON_MAX_CHARS:
        raise AppealRefused(
            _("The reason must be %(n)s characters or fewer") % {"n": _number(REASON_MAX_CHARS)}, field="reason"
        )
    previous = appeal.due_date
    appeal.due_date = new_due_date
    appeal.extended_at = clock.now()
    appeal.extended_by = official
    appeal.extension_reason = reason
    appeal.save(update_fields=["due_date", "extended_at", "extended_by", "extension_reason", "updated_at"])
    record(
        actor=official,
        action="appeals.extended",
        target=appeal,
        source_ip=source_ip,
        reason=reason,
        details={"from": previous.isoformat(), "to": new_due_date.isoformat()},
    )
    notices.extended(appeal)
    return appeal


@transaction.atomic
def appeal_answer(
    *, appeal: Appeal, official, text: str, files: Sequence[UploadedFile] = (), source_ip: str | None = None
) -> Appeal:
    """Answer the appeal (with files, if any); the citizen is told and reads the answer in their account."""
    text = _text(text)
    if not text:
        raise AppealRefused(_("Enter the answer"), field="answer")
    if len(text) > ANSWER_MAX_CHARS:
        raise AppealRefused(
            _("The answer must be %(n)s characters or fewer") % {"n": _number(ANSWER_MAX_CHARS)}, field="answer"
        )
    checked, file_problem = _checked_files(files)
    if file_problem:
        raise AppealRefused(file_problem, field="answer-files")
    appeal = _handled(appeal, official)
    appeal.answer = text
    appeal.answered_by = official
    appeal.answered_at = clock.now()
    appeal.state = AppealState.ANSWERED
    if appeal.assignee_id is None:
        appeal.assignee = official
    appeal.save(update_fields=["answer", "answered_by", "answered_at", "state", "assignee", "updated_at"])
    _keep(appeal, checked, part=AttachmentPart.ANSWER, actor=official)
    record(
        actor=official,
        action="appeals.answered",
        target=appeal,
        source_ip=source_ip,
        details={"late": appeal.answered_late, "files": len(checked)},
    )
    notices.answered(appeal)
    return appeal
