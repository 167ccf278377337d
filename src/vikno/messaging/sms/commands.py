"""Commands people send by SMS: STATUS <reference>, STOP and HELP (also in Ukrainian: СТАТУС, СТОП, ДОПОМОГА).

Every incoming SMS gets one answer. An answer never tells a phone anything about an application that is not
registered to that phone: a wrong number and a wrong reference read the same.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import formats, translation
from django.utils.translation import gettext as _

from vikno.applications.selectors import application_for_phone, definition_of
from vikno.audit.services import record
from vikno.core import reference
from vikno.identity.selectors import sole_holder_of_phone
from vikno.identity.services import sms_stopped
from vikno.messaging.models import IncomingSms
from vikno.messaging.notifications import sms_direct
from vikno.messaging.sms.optout import sms_opt_out

COMMANDS = {
    "STATUS": "status",
    "СТАТУС": "status",
    "STOP": "stop",
    "СТОП": "stop",
    "HELP": "help",
    "ДОПОМОГА": "help",
    "?": "help",
}


def parse(text: str) -> tuple[str, str]:
    """The command and the rest of the text: ("status", "26-1234-5678-9"), ("unknown", "") for anything else."""
    words = text.strip().split(maxsplit=1)
    if not words:
        return "empty", ""
    return COMMANDS.get(words[0].upper(), "unknown"), (words[1].strip() if len(words) > 1 else "")


def sms_receive(*, gateway_id: str, phone_number: str, text: str) -> IncomingSms:
    """Note an incoming SMS and queue its answer; the same gateway message again changes nothing."""
    existing = IncomingSms.objects.filter(gateway_id=gateway_id).first()
    if existing is not None:
        return existing
    command, argument = parse(text)
    try:
        with transaction.atomic():
            incoming = IncomingSms.objects.create(
                gateway_id=gateway_id,
                phone=phone_number,
                text=text,
                command=command,
                sender=sole_holder_of_phone(phone_number),
            )
            answer = ANSWERS.get(command, _answer_unknown)(phone_number, argument)
            incoming.reply = sms_direct(to=phone_number, text=answer, key=f"sms-reply:{gateway_id}")
            incoming.save(update_fields=["reply"])
            record(actor=None, action="messaging.sms_received", target=incoming, details={"command": command})
    except IntegrityError:  # the same message, delivered twice at once
        return IncomingSms.objects.get(gateway_id=gateway_id)
    return incoming


def _answer_status(phone_number: str, argument: str) -> str:
    normalised = reference.normalise(argument) if argument else None
    if not argument:
        with translation.override(settings.LANGUAGE_CODE):
            return _("Send STATUS and the reference of your application, for example: STATUS 26-1234-5678-9")
    application = application_for_phone(reference=normalised, phone_number=phone_number) if normalised else None
    if application is None:
        with translation.override(settings.LANGUAGE_CODE):
            return _("Vikno: we found no application {reference} for this phone number. Send HELP for help.").format(
                reference=argument[:20]
            )
    with translation.override(application.applicant.language or settings.LANGUAGE_CODE):
        state = definition_of(application.definition).workflow.states[application.state]
        if application.decided_at is None and application.due_date:
            return _("Vikno: application {reference}: {status}. Decision due by {date}.").format(
                reference=application.reference,
                status=state.citizen_title,
                date=formats.date_format(application.due_date, "d.m.Y"),
            )
        return _("Vikno: application {reference}: {status}.").format(
            reference=application.reference, status=state.citizen_title
        )


def _answer_stop(phone_number: str, argument: str) -> str:
    sms_opt_out(phone_number=phone_number)
    sms_stopped(phone_number=phone_number)
    with translation.override(settings.LANGUAGE_CODE):
        return _("Vikno: we will send you no more SMS. Your messages stay in your account, where SMS can be turned on.")


def _answer_help(phone_number: str, argument: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("Vikno: STATUS <reference> - status of your application; STOP - no more SMS; HELP - this help.")


def _answer_unknown(phone_number: str, argument: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("Vikno: we did not understand your message. Send HELP for the list of commands.")


ANSWERS = {"status": _answer_status, "stop": _answer_stop, "help": _answer_help}
