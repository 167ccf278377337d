"""Recording access to personal data, and the person's questions about it.

Selectors that hand a citizen's data to an official call `data_access_record`: one row per look, with the
organisation, the official's role there and the purpose. When the person has no case of theirs open with that
organisation (`selectors.open_case_exists`), they are told (event "data_accessed"): the notification is written in
the same transaction as the row and its e-mail or SMS leaves only once that commits, so a look that is rolled
back tells nobody and a committed one is never lost.

`data_access_ask` turns the citizen's "why?" about one look into an appeal (an inquiry) to that organisation.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext

from vikno.audit.services import record
from vikno.core import clock
from vikno.messaging.appeals.constants import AppealKind
from vikno.messaging.appeals.exceptions import AppealInvalid, AppealRefused
from vikno.messaging.appeals.models import Appeal
from vikno.messaging.notifications import notify
from vikno.privacy import selectors
from vikno.privacy.models import DataAccess

# The citizen's own words when asking why (the access itself is written above them, within the appeal's limit).
ASK_MAX_CHARS = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def data_access_record(
    *, official, subject, target: models.Model, purpose: str, organisation=None, role: str = ""
) -> DataAccess | None:
    """Log one look by `official` at `subject`'s data (`target`) and tell the subject when it is outside a case of
    theirs. A person looking at their own data is not an access: nothing is written."""
    if subject is None or official.pk == subject.pk:
        return None
    with transaction.atomic():
        access = DataAccess.objects.create(
            occurred_at=clock.now(),
            official=official,
            organisation=organisation,
            role=role,
            subject=subject,
            object_type=target._meta.label_lower,
            object_id=str(target.pk),
            purpose=purpose,
        )
        if not selectors.open_case_exists(person=subject, organisation=organisation, role=role):
            _tell_outside_case(access)
    return access


def when_text(access: DataAccess) -> str:
    """The moment of the look in the portal's time zone (Kyiv), in the current language."""
    return formats.date_format(timezone.localtime(access.occurred_at), "j E Y, H:i")


def _tell_outside_case(access: DataAccess) -> None:
    organisation = access.organisation
    notify(
        recipient=access.subject,
        event="data_accessed",
        key=f"data-access:{access.pk}",  # one notification per look
        params={
            # Called in the person's language.
            "organisation": lambda: organisation.name if organisation else gettext("The portal's administration"),
            "when": lambda: when_text(access),
            "purpose": lambda: selectors.purpose_label(access.purpose),
        },
        link=("privacy:access-log", []),
        subject=("data_access", str(access.pk)),
    )


# --- Asking why ----------------------------------------------------------------------------------------------


def _words(value: str) -> str:
    return _CONTROL.sub("", (value or "").replace("\r\n", "\n").replace("\r", "\n")).strip()


def ask_problems(text: str) -> dict[str, str]:
    words = _words(text)
    if not words:
        return {"question": gettext("Write what you want to ask the organisation")}
    if len(words) > ASK_MAX_CHARS:
        limit = formats.number_format(ASK_MAX_CHARS, force_grouping=True)
        return {"question": gettext("Your question must be %(n)s characters or fewer") % {"n": limit}}
    return {}


def access_letter(entry: selectors.AccessEntry, words: str) -> tuple[str, str]:
    """The appeal's summary and text: the look as the log records it, then the citizen's own words."""
    day = formats.date_format(timezone.localtime(entry.occurred_at), "j E Y")
    subject = gettext("Why was my personal data looked at on %(day)s?") % {"day": day}
    lines = [
        gettext("I ask why my personal data was looked at. The portal's access log records this look:"),
        "",
        gettext("When: %(when)s (Kyiv time)") % {"when": when_text(entry.access)},
        gettext("What was opened: %(what)s") % {"what": entry.opened.plain},
        gettext("Official's role: %(role)s") % {"role": entry.role or "—"},
        gettext("Purpose recorded: %(purpose)s") % {"purpose": entry.purpose},
    ]
    if entry.official:
        lines.append(gettext("Official: %(name)s") % {"name": entry.official})
    lines += ["", gettext("My question:"), words]
    return subject, "\n".join(lines)


@transaction.atomic
def data_access_ask(
    *, citizen, access: DataAccess, text: str, submission_key: str = "", source_ip: str | None = None
) -> Appeal:
    """Send the organisation that looked the citizen's question about that look, as an inquiry registered with a
    reference number and the statutory term, in the organisation's appeals queue. The same form sent again
    (the same `submission_key`) returns the appeal it registered."""
    # Imported here: the appeals' selectors log their own looks through this module.
    from vikno.messaging.appeals import selectors as appeal_selectors
    from vikno.messaging.appeals import services as appeal_services

    if access.subject_id != citizen.pk or access.organisation is None:
        raise AppealRefused(gettext("This look at your data cannot be asked about."))
    if existing := appeal_selectors.appeal_for_submission(citizen=citizen, submission_key=submission_key[:64]):
        return existing
    if problems := ask_problems(text):
        raise AppealInvalid(problems)
    entry = selectors.entry_of(access, selectors.opened([access])[access.pk])
    subject, letter = access_letter(entry, _words(text))
    if len(letter) > settings.MESSAGE_MAX_CHARS:
        raise AppealInvalid({"question": gettext("Your question is too long: shorten it")})
    try:
        appeal = appeal_services.appeal_submit(
            citizen=citizen,
            organisation=access.organisation,
            kind=AppealKind.INQUIRY,
            subject=subject,
            text=letter,
            submission_key=submission_key,
            source_ip=source_ip,
        )
    except AppealInvalid as invalid:  # the letter is ours; only the length of the citizen's words can fail it
        raise AppealInvalid({"question": next(iter(invalid.problems.values()))}) from invalid
    record(
        actor=citizen,
        action="privacy.access_questioned",
        target=appeal,
        source_ip=source_ip,
        details={"access": access.pk, "reference": appeal.reference},
    )
    return appeal
