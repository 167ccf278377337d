"""Requests of data subjects to the data protection officer: filed by the person, answered within the legal term
(`settings.PRIVACY_REQUEST_TERM_DAYS` calendar days from receipt). An erasure is carried out by
`erasure.person_erase`; a correction is answered here, and so is every refusal (with its reasons)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from vikno.audit.services import record
from vikno.catalog.models import Organisation
from vikno.core import clock, reference
from vikno.identity.models import User
from vikno.identity.selectors import organisation_ids_for_role, organisation_of_role
from vikno.privacy.models import DataSubjectRequest
from vikno.privacy.rights import notices
from vikno.privacy.rights.constants import (
    ANSWER_MAX_CHARS,
    DPO_ROLES,
    TEXT_MAX_CHARS,
    RequestKind,
    RequestState,
)
from vikno.privacy.rights.exceptions import NotDataProtectionOfficer, RightsRefused


def due_date_for(received_at: dt.datetime) -> dt.date:
    """The last day of the term: calendar days counted from the day of receipt in the portal's time zone."""
    return timezone.localtime(received_at).date() + dt.timedelta(days=settings.PRIVACY_REQUEST_TERM_DAYS)


def is_data_protection_officer(official) -> bool:
    return bool(getattr(official, "is_staff", False) and organisation_ids_for_role(user=official, roles=DPO_ROLES))


def check_officer(official) -> None:
    if not is_data_protection_officer(official):
        raise NotDataProtectionOfficer


def officer_organisation(officer) -> Organisation | None:
    """The organisation in which the officer holds the role, their own first: the access log names it, and the
    person's "why?" about a look goes to it."""
    return organisation_of_role(user=officer, roles=DPO_ROLES)


def _new_reference(year: int) -> str:
    while True:
        candidate = reference.make(year)
        if not DataSubjectRequest.objects.filter(reference=candidate).exists():
            return candidate


def clean_text(value: str, *, limit: int, too_long: str, field: str = "text") -> str:
    value = (value or "").replace("\x00", "").strip()
    if len(value) > limit:
        raise RightsRefused(too_long % {"limit": formats.number_format(limit, force_grouping=True)}, field=field)
    return value


@transaction.atomic
def data_request_submit(*, person: User, kind: str, text: str = "", source_ip: str | None = None) -> DataSubjectRequest:
    """File a request. While one of the same kind is open, asking again returns it (a double click, a second
    tab): the person follows the one request."""
    if kind not in RequestKind.values:
        raise RightsRefused(_("Choose what you are asking for."), field="kind")
    if person.is_staff or not person.is_active:
        raise RightsRefused(_("Officials' accounts are handled by their organisation's administrator."))
    text = clean_text(text, limit=TEXT_MAX_CHARS, too_long=_("What you write must be %(limit)s characters or fewer."))
    if kind == RequestKind.CORRECTION and not text:
        raise RightsRefused(_("Write what is wrong and what it should be."), field="text")
    User.objects.select_for_update().filter(pk=person.pk).first()  # one request of a kind at a time
    existing = DataSubjectRequest.objects.filter(person=person, kind=kind, state=RequestState.RECEIVED).first()
    if existing is not None:
        return existing
    now = clock.now()
    request = DataSubjectRequest.objects.create(
        reference=_new_reference(timezone.localtime(now).year),
        person=person,
        kind=kind,
        text=text,
        received_at=now,
        due_date=due_date_for(now),
    )
    record(
        actor=person,
        action="privacy.request_received",
        target=request,
        source_ip=source_ip,
        details={"kind": kind, "reference": request.reference},
    )
    notices.request_received(request)
    return request


def lock_open(request: DataSubjectRequest, *, officer) -> DataSubjectRequest:
    """The request under a row lock, still open; an officer acting on a request someone already answered is
    told so."""
    check_officer(officer)
    locked = DataSubjectRequest.objects.select_for_update().select_related("person").get(pk=request.pk)
    if not locked.is_open:
        raise RightsRefused(_("This request has already been answered. Look at it as it is now."))
    return locked


def request_close(request: DataSubjectRequest, *, officer, state: str, answer: str, report: dict | None = None) -> None:
    request.state = state
    request.answer = answer
    request.handled_by = officer
    request.handled_at = clock.now()
    if report is not None:
        request.report = report
    request.save(update_fields=["state", "answer", "handled_by", "handled_at", "report", "updated_at"])


def answer_text(answer: str, *, required: str) -> str:
    answer = clean_text(
        answer, limit=ANSWER_MAX_CHARS, too_long=_("The answer must be %(limit)s characters or fewer."), field="answer"
    )
    if not answer:
        raise RightsRefused(required, field="answer")
    return answer


@transaction.atomic
def data_request_refuse(
    *, request: DataSubjectRequest, officer, reasons: str, source_ip: str | None = None
) -> DataSubjectRequest:
    """Refuse a request with the reasons, which the person reads (and may take to the Commissioner)."""
    request = lock_open(request, officer=officer)
    reasons = answer_text(reasons, required=_("Give the reasons for refusing, which the person will read."))
    request_close(request, officer=officer, state=RequestState.REFUSED, answer=reasons)
    record(
        actor=officer,
        action="privacy.request_refused",
        target=request,
        source_ip=source_ip,
        details={"kind": request.kind, "reference": request.reference},
    )
    notices.request_answered(request)
    return request


@transaction.atomic
def data_request_complete(
    *, request: DataSubjectRequest, officer, answer: str, source_ip: str | None = None
) -> DataSubjectRequest:
    """Answer a correction: what was corrected, or which authority keeps the data and was asked to correct it."""
    request = lock_open(request, officer=officer)
    if request.kind != RequestKind.CORRECTION:
        raise RightsRefused(_("An erasure is done with the button that erases the account."))
    answer = answer_text(answer, required=_("Write the answer: what was corrected, or who will correct it."))
    request_close(request, officer=officer, state=RequestState.COMPLETED, answer=answer)
    record(
        actor=officer,
        action="privacy.request_completed",
        target=request,
        source_ip=source_ip,
        details={"kind": request.kind, "reference": request.reference},
    )
    notices.request_answered(request)
    return request
