"""Messages on an application: the applicant and the authority write to each other on the case, with files.

Services check who writes (the applicant, on their own sent application; an official with a case role in the
application's organisation), check the text and the files (the rules of an application's uploads), write the
message with its audit record in one transaction, and tell the applicant about each message of the authority once
(`message_received`). The same form sent twice (its `request_key`) is one message.

Selectors read a thread and unread counts for a reader who reached the application through a selector scoped to
them (`application_get_for_citizen`, `case_find_for_official`); they check the reader again and give nothing to
anyone else.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import formats
from django.utils.translation import gettext as _

from vikno.applications import uploads
from vikno.applications.exceptions import ActionRefused
from vikno.applications.models import Application
from vikno.applications.selectors import case_organisation_ids, roles_on_case
from vikno.applications.services import lock
from vikno.audit.services import record
from vikno.core import clock
from vikno.messaging.models import ApplicationMessage, MessageAttachment, MessageSide
from vikno.messaging.notifications import notify

# How many files one message may carry.
MESSAGE_MAX_FILES = 5


# --- Writing ---------------------------------------------------------------------------------------------


@transaction.atomic
def message_send_by_citizen(
    *,
    application: Application,
    citizen,
    text: str,
    files: Sequence[UploadedFile] = (),
    request_key: uuid.UUID | None = None,
    source_ip: str | None = None,
) -> ApplicationMessage:
    """The applicant writes to the authority about their sent application (never a draft). Nobody is notified:
    the message waits, unread, on the case and in the officials' queue."""
    if application.applicant_id != citizen.pk:
        raise ActionRefused(_("This is not your application."))
    text, checked = _checked(text, files)
    locked = lock(application)
    if locked.is_draft:
        raise ActionRefused(_("Send your application first. You can write to the authority once it is sent."))
    if (sent := _already_sent(locked, request_key, citizen)) is not None:
        return sent
    mine = MessageAttachment.objects.filter(message__application=locked, message__side=MessageSide.CITIZEN).count()
    if checked and mine + len(checked) > settings.VIKNO_UPLOAD_MAX_FILES:
        raise uploads.UploadRefused(
            _("You can send no more than %(n)s files in the messages on one application.")
            % {"n": settings.VIKNO_UPLOAD_MAX_FILES}
        )
    message = _write(
        locked, author=citizen, side=MessageSide.CITIZEN, organisation=None, text=text, checked=checked, key=request_key
    )
    record(
        actor=citizen,
        action="messaging.message_sent",
        target=message,
        source_ip=source_ip,
        on_behalf_of=str(locked.on_behalf_of_id) if locked.on_behalf_of_id else "",
        details={"application": str(locked.pk), "side": MessageSide.CITIZEN, "files": len(checked)},
    )
    return message


@transaction.atomic
def message_send_by_official(
    *,
    application: Application,
    official,
    text: str,
    files: Sequence[UploadedFile] = (),
    request_key: uuid.UUID | None = None,
    source_ip: str | None = None,
) -> ApplicationMessage:
    """An official of the application's organisation answers the applicant, in the organisation's name; the
    applicant is told once (`message_received`, keyed by the message)."""
    text, checked = _checked(text, files)
    locked = lock(application)
    if locked.is_draft or not roles_on_case(official=official, application=locked):
        raise ActionRefused(_("You do not handle cases of this organisation."))
    if (sent := _already_sent(locked, request_key, official)) is not None:
        return sent
    organisation = locked.organisation
    message = _write(
        locked,
        author=official,
        side=MessageSide.AUTHORITY,
        organisation=organisation,
        text=text,
        checked=checked,
        key=request_key,
    )
    record(
        actor=official,
        action="messaging.message_sent",
        target=message,
        source_ip=source_ip,
        details={
            "application": str(locked.pk),
            "side": MessageSide.AUTHORITY,
            "organisation": str(organisation.pk),
            "files": len(checked),
        },
    )
    notify(
        recipient=locked.applicant,
        event="message_received",
        key=notification_key(message),
        params={
            "reference": locked.reference,
            "service": lambda: locked.service.title,
            "organisation": lambda: organisation.name,
        },
        link=("applications:detail", [locked.pk]),
        subject=("application", str(locked.pk)),
    )
    return message


def notification_key(message: ApplicationMessage) -> str:
    """The key of the notification that tells the applicant about an authority's message (once)."""
    return f"application:{message.application_id}:message:{message.pk}"


def _checked(text: str, files: Sequence[UploadedFile]) -> tuple[str, list[uploads.CheckedFile]]:
    """The message's text and files as they will be kept; ActionRefused or UploadRefused says what is wrong.
    (Files are read and sniffed before the application's row is locked: that takes a while.)"""
    text = (text or "").replace("\r\n", "\n").strip()
    limit = settings.MESSAGE_MAX_CHARS
    if len(text) > limit:
        raise ActionRefused(
            _("The message must be %(limit)s characters or fewer")
            % {"limit": formats.number_format(limit, force_grouping=True)}
        )
    if len(files) > MESSAGE_MAX_FILES:
        raise uploads.UploadRefused(
            _("You can attach no more than %(n)s files to a message.") % {"n": MESSAGE_MAX_FILES}
        )
    checked = [uploads.check(file) for file in files]
    if not text and not checked:
        raise ActionRefused(_("Write a message or attach a file"))
    return text, checked


def _already_sent(application: Application, key: uuid.UUID | None, author) -> ApplicationMessage | None:
    if key is None:
        return None
    sent = ApplicationMessage.objects.filter(application=application, request_key=key).first()
    if sent is not None and sent.author_id != author.pk:
        raise ActionRefused(_("The form was incomplete. Reload the page and try again."))
    return sent


def _write(
    application: Application,
    *,
    author,
    side: str,
    organisation,
    text: str,
    checked: list[uploads.CheckedFile],
    key: uuid.UUID | None,
) -> ApplicationMessage:
    stored: list[str] = []
    try:
        message = ApplicationMessage.objects.create(
            application=application, author=author, side=side, organisation=organisation, text=text, request_key=key
        )
        for file in checked:
            # The file is written before its row, under a random name: a failure leaves no row pointing at nothing.
            stored.append(uploads.keep(file, folder=f"messages/{application.pk.hex}"))
            MessageAttachment.objects.create(
                message=message,
                name=file.name,
                content_type=file.content_type,
                size=file.size,
                sha256=file.sha256,
                file=stored[-1],
            )
    except Exception:
        uploads.discard(stored)
        raise
    return message


def messages_mark_read_by_citizen(*, citizen, application: Application) -> int:
    """The applicant has seen the authority's messages on their application; returns how many were new."""
    if application.applicant_id != citizen.pk:
        return 0
    now = clock.now()
    return ApplicationMessage.objects.filter(
        application=application, side=MessageSide.AUTHORITY, read_by_citizen_at=None
    ).update(read_by_citizen_at=now, updated_at=now)


def messages_mark_read_by_authority(*, official, application: Application) -> int:
    """An official of the application's organisation has seen the applicant's messages (for the whole
    organisation: nobody else there sees them as new any more); returns how many were new."""
    if application.organisation_id not in case_organisation_ids(official=official):
        return 0
    now = clock.now()
    return ApplicationMessage.objects.filter(
        application=application, side=MessageSide.CITIZEN, read_by_authority_at=None
    ).update(read_by_authority_at=now, read_by_official=official, updated_at=now)


# --- Reading ---------------------------------------------------------------------------------------------


def _may_read(reader, application: Application) -> bool:
    if not getattr(reader, "is_authenticated", False):
        return False
    if application.applicant_id == reader.pk:
        return True
    return application.organisation_id in case_organisation_ids(official=reader)


def messages_for_application(*, application: Application, reader) -> QuerySet[ApplicationMessage]:
    """The thread, oldest first, with the authors, organisations and files: for the applicant and the officials
    of the application's organisation; nothing for anyone else."""
    if not _may_read(reader, application):
        return ApplicationMessage.objects.none()
    return (
        ApplicationMessage.objects.filter(application=application)
        .select_related("author", "organisation", "read_by_official")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )


def message_attachment_get(*, reader, application: Application, attachment_id) -> MessageAttachment | None:
    """A file of a message on the application, for the applicant or an official of its organisation."""
    try:
        key = uuid.UUID(str(attachment_id))
    except ValueError:
        return None
    if not _may_read(reader, application):
        return None
    return MessageAttachment.objects.filter(pk=key, message__application=application).first()


def _unread(side: str, read_field: str) -> Coalesce:
    counted = (
        ApplicationMessage.objects.filter(application=OuterRef("pk"), side=side, **{read_field: None})
        .order_by()
        .values("application")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_unread_for_citizen(applications: QuerySet[Application]) -> QuerySet[Application]:
    """The applicant's applications (from `applications_for_citizen`), each with `unread_messages`: the
    authority's messages they have not read. Counted in the same query."""
    return applications.annotate(unread_messages=_unread(MessageSide.AUTHORITY, "read_by_citizen_at"))


def with_unread_for_authority(cases: QuerySet[Application]) -> QuerySet[Application]:
    """An official's cases (from `cases_for_official`), each with `unread_messages`: the applicant's messages no
    official of the organisation has read. Counted in the same query."""
    return cases.annotate(unread_messages=_unread(MessageSide.CITIZEN, "read_by_authority_at"))


def unread_count_for_citizen(*, citizen, application: Application) -> int:
    if application.applicant_id != citizen.pk:
        return 0
    return ApplicationMessage.objects.filter(
        application=application, side=MessageSide.AUTHORITY, read_by_citizen_at=None
    ).count()


def unread_count_for_authority(*, official, application: Application) -> int:
    if application.organisation_id not in case_organisation_ids(official=official):
        return 0
    return ApplicationMessage.objects.filter(
        application=application, side=MessageSide.CITIZEN, read_by_authority_at=None
    ).count()
