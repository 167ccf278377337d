"""Everything the portal holds about a person, as one document: JSON for machines, a PDF for people.

The JSON's top level is versioned (`FORMAT`); a change that renames or removes a key makes a new version, while a
new key may be added within one. Its keys, in order:

- ``format``, ``generated_at``, ``portal``, ``language``: what this file is, when and where it was made, and the
  language of its labels and of translated names (services, states).
- ``person``: the profile (names, date of birth, taxpayer number, phone, e-mail, where each came from, choices).
- ``sign_in``: eID links (the provider and issuer, never the subject's identifier there), signed-in devices,
  passkeys (name and dates, never keys), and whether an authenticator app and recovery codes are set up.
- ``mandates``: acting for a business or a child.
- ``applications``: each with its answers, the timeline the applicant sees, files (names and sizes, not their
  content), requests for information with the answers, messages with the authority, and the result's code.
- ``notifications``: the inbox, each with its deliveries (channel, address, state).
- ``appeals``, ``ratings``, ``public_questions``: what the person wrote to authorities and about services.
- ``sms_sent``: SMS the person sent to the portal from their phone number while no other account had it (kept
  three months).
- ``payments``: fees, the payments towards them (with the bank's transfer data) and refunds.
- ``documents``: documents issued to the person (their verification codes).
- ``consents``, ``requests``: consents given and withdrawn (with the text agreed to), requests to the data
  protection officer and their answers.
- ``data_access_log``: which authority opened the person's data, in which role, and why.
- ``activity``: the audit trail of what was done in the account (time, action, network address).
- ``not_included``: what the portal holds but does not put here, and why.

Dates and times are ISO 8601 (times with their offset); money is an integer number of kopiyky with its currency.
Every list is read with a fixed number of queries, however long it is.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from vikno.audit.services import record
from vikno.core import clock
from vikno.core.money import Money
from vikno.identity.models import User

FORMAT = "vikno.personal-data/1"
JSON = "json"
PDF = "pdf"
FORMATS = (JSON, PDF)


def _when(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def _money(amount: int, currency: str) -> dict:
    return {"amount": amount, "currency": currency}


def _person(person: User) -> dict:
    return {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "patronymic": person.middle_name,
        "birth_date": _when(person.birth_date),
        "rnokpp": person.rnokpp,
        "phone": person.phone,
        "email": person.email,
        "email_confirmed_at": _when(person.email_verified_at),
        "identity_confirmed_by": person.identity_source,
        "identity_confirmed_at": _when(person.identity_verified_at),
        "language": person.language,
        "notify_by_email": person.notify_by_email,
        "notify_by_sms": person.notify_by_sms,
        "account_created_at": _when(person.date_joined),
        "last_signed_in_at": _when(person.last_login),
    }


def _sign_in(person: User) -> dict:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from vikno.identity.models import EidIdentity, Passkey, RecoveryCode, SignedInSession

    return {
        "eid": [
            {
                "provider": link.provider,
                "issuer": link.issuer,
                "first_used_at": _when(link.first_used_at),
                "last_used_at": _when(link.last_used_at),
            }
            for link in EidIdentity.objects.filter(user=person).order_by("first_used_at")
        ],
        "sessions": [
            {
                "method": session.method,
                "assurance": session.assurance,
                "ip_address": session.ip_address,
                "browser": session.user_agent,
                "started_at": _when(session.started_at),
                "last_seen_at": _when(session.last_seen_at),
                "ended_at": _when(session.ended_at),
            }
            for session in SignedInSession.objects.filter(user=person).order_by("-started_at")
        ],
        "passkeys": [
            {"name": key.name, "added_at": _when(key.created_at), "last_used_at": _when(key.last_used_at)}
            for key in Passkey.objects.filter(user=person).order_by("created_at")
        ],
        "authenticator_app": TOTPDevice.objects.filter(user=person, confirmed=True).exists(),
        "recovery_codes_left": RecoveryCode.objects.filter(user=person, used_at__isnull=True).count(),
    }


def _mandates(person: User) -> list[dict]:
    from vikno.identity.models import Mandate

    return [
        {
            "acts_for": mandate.party_kind,
            "party_name": mandate.party_name,
            "party_code": mandate.party_code,
            "party_birth_date": _when(mandate.party_birth_date),
            "basis": mandate.basis,
            "valid_from": _when(mandate.valid_from),
            "valid_until": _when(mandate.valid_until),
            "registered_at": _when(mandate.registered_at),
            "revoked_at": _when(mandate.revoked_at),
            "revocation_reason": mandate.revocation_reason,
        }
        for mandate in Mandate.objects.filter(representative=person).order_by("registered_at")
    ]


def _file(attachment) -> dict:
    return {
        "name": attachment.name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "uploaded_at": _when(attachment.created_at),
    }


def _status(application) -> str:
    from vikno.applications.constants import DRAFT
    from vikno.applications.selectors import definition_of

    if application.state == DRAFT:
        return str(_("Draft"))
    return str(definition_of(application.definition).workflow.state(application.state).citizen_title)


def _applications(person: User) -> list[dict]:
    from vikno.applications.models import Application, ApplicationEvent
    from vikno.messaging.models import ApplicationMessage

    applications = (
        Application.objects.filter(applicant=person)
        .select_related("service", "organisation", "definition", "result_document")
        .prefetch_related(
            Prefetch("events", queryset=ApplicationEvent.objects.filter(citizen_visible=True)),
            "attachments",
            "information_requests",
            Prefetch(
                "messages",
                queryset=ApplicationMessage.objects.select_related("organisation").prefetch_related("attachments"),
            ),
        )
        .order_by("created_at")
    )
    return [
        {
            "reference": application.reference,
            "service": application.service.title,
            "organisation": application.organisation.name,
            "applied_for": application.party_name,
            "state": application.state,
            "status": _status(application),
            "started_at": _when(application.created_at),
            "submitted_at": _when(application.submitted_at),
            "decision_due_by": _when(application.due_date),
            "decided_at": _when(application.decided_at),
            "outcome": application.outcome,
            "reasons": application.decision_reasons,
            "answers": application.answers,
            "timeline": [
                {"at": _when(event.occurred_at), "what": event.get_kind_display(), "text": event.text}
                for event in application.events.all()
            ],
            "files": [_file(attachment) for attachment in application.attachments.all()],
            "information_requests": [
                {
                    "asked_at": _when(asked.created_at),
                    "text": asked.text,
                    "answer_by": _when(asked.due_date),
                    "answer": asked.answer,
                    "answered_at": _when(asked.answered_at),
                }
                for asked in application.information_requests.all()
            ],
            "messages": [
                {
                    "at": _when(message.created_at),
                    "from": message.side,
                    "organisation": message.organisation.name if message.organisation else "",
                    "text": message.text,
                    "files": [_file(attachment) for attachment in message.attachments.all()],
                }
                for message in application.messages.all()
            ],
            "result_document": application.result_document.display_code if application.result_document else None,
        }
        for application in applications
    ]


def _notifications(person: User) -> list[dict]:
    from vikno.messaging.models import Notification

    return [
        {
            "at": _when(notification.created_at),
            "event": notification.event,
            "title": notification.title,
            "text": notification.body,
            "read_at": _when(notification.read_at),
            "deliveries": [
                {
                    "channel": delivery.channel,
                    "to": delivery.to,
                    "state": delivery.state,
                    "sent_at": _when(delivery.sent_at),
                    "delivered_at": _when(delivery.delivered_at),
                }
                for delivery in notification.deliveries.all()
            ],
        }
        for notification in Notification.objects.filter(recipient=person)
        .prefetch_related("deliveries")
        .order_by("created_at")
    ]


def _appeals(person: User) -> list[dict]:
    from vikno.messaging.appeals.models import Appeal

    appeals = (
        Appeal.objects.filter(citizen=person)
        .select_related("organisation")
        .prefetch_related("attachments")
        .order_by("received_at")
    )
    return [
        {
            "reference": appeal.reference,
            "kind": appeal.kind,
            "organisation": appeal.organisation.name,
            "from": appeal.citizen_name,
            "summary": appeal.subject,
            "text": appeal.text,
            "state": appeal.state,
            "received_at": _when(appeal.received_at),
            "answer_due_by": _when(appeal.due_date),
            "term_extended_at": _when(appeal.extended_at),
            "extension_reason": appeal.extension_reason,
            "answer": appeal.answer,
            "answered_at": _when(appeal.answered_at),
            "files": [{**_file(attachment), "part": attachment.part} for attachment in appeal.attachments.all()],
        }
        for appeal in appeals
    ]


def _ratings(person: User) -> list[dict]:
    from vikno.messaging.feedback.models import Rating

    ratings = Rating.objects.filter(application__applicant=person).select_related("service", "application")
    return [
        {
            "at": _when(rating.created_at),
            "application": rating.application.reference if rating.application else None,
            "service": rating.service.title,
            "score": rating.score,
            "comment": rating.comment,
        }
        for rating in ratings.order_by("created_at")
    ]


def _questions(person: User) -> list[dict]:
    from vikno.messaging.feedback.models import PublicQuestion

    questions = PublicQuestion.objects.filter(asked_by=person).select_related("service").order_by("created_at")
    return [
        {
            "asked_at": _when(question.created_at),
            "service": question.service.title,
            "question_as_asked": question.asked_text,
            "question_as_published": question.text if question.published_at else None,
            "state": question.state,
            "answer": question.answer,
            "published_at": _when(question.published_at),
            "reason_not_published": question.reject_reason,
        }
        for question in questions
    ]


def _payments(person: User) -> list[dict]:
    from vikno.payments.models import Fee, Payment

    fees = (
        Fee.objects.filter(payer=person)
        .select_related("application", "organisation")
        .prefetch_related(
            Prefetch(
                "payments",
                queryset=Payment.objects.select_related("receipt", "bank_transfer")
                .prefetch_related("refunds")
                .order_by("created_at"),
            )
        )
        .order_by("created_at")
    )
    result = []
    for fee in fees:
        payments = []
        for payment in fee.payments.all():
            transfer = getattr(payment, "bank_transfer", None)
            payments.append(
                {
                    "method": payment.method,
                    "provider": payment.provider,
                    "order_id": payment.order_id,
                    "amount": _money(payment.amount, payment.currency),
                    "state": payment.state,
                    "card": payment.card_mask,
                    "paid_at": _when(payment.paid_at),
                    "refunded": _money(payment.refunded_amount, payment.currency),
                    "receipt": payment.receipt.display_code if payment.receipt else None,
                    "bank_transfer": {
                        "booked_on": _when(transfer.booked_on),
                        "payer_name": transfer.payer_name,
                        "payer_iban": transfer.payer_iban,
                        "purpose": transfer.remittance,
                    }
                    if transfer
                    else None,
                    "refunds": [
                        {
                            "amount": _money(refund.amount, payment.currency),
                            "reason": refund.reason,
                            "state": refund.state,
                            "requested_at": _when(refund.requested_at),
                            "done_at": _when(refund.done_at),
                        }
                        for refund in payment.refunds.all()
                    ],
                }
            )
        result.append(
            {
                "application": fee.application.reference,
                "organisation": fee.organisation.name,
                "purpose": fee.purpose,
                "amount": _money(fee.amount, fee.currency),
                "paid": _money(fee.paid_amount, fee.currency),
                "paid_at": _when(fee.paid_at),
                "payments": payments,
            }
        )
    return result


def _documents(person: User) -> list[dict]:
    from vikno.documents.models import IssuedDocument

    return [
        {
            "code": document.display_code,
            "title": document.title,
            "issued_by": document.organisation.name,
            "issued_at": _when(document.issued_at),
            "revoked_at": _when(document.revoked_at),
            "revocation_reason": document.revocation_reason,
        }
        for document in IssuedDocument.objects.filter(holder=person)
        .select_related("organisation")
        .order_by("issued_at")
    ]


def _consents(person: User) -> list[dict]:
    from vikno.privacy.models import Consent

    language = translation.get_language() or settings.LANGUAGE_CODE
    return [
        {
            "consent": consent.key,
            "label": consent.get_key_display(),
            "version": consent.text.version,
            "text": consent.text.text_in(language),
            "given_at": _when(consent.given_at),
            "given": consent.get_given_how_display(),
            "withdrawn_at": _when(consent.withdrawn_at),
            "withdrawn": consent.get_withdrawn_how_display() if consent.withdrawn_how else "",
        }
        for consent in Consent.objects.filter(person=person).select_related("text").order_by("given_at")
    ]


def _requests(person: User) -> list[dict]:
    from vikno.privacy.models import DataSubjectRequest

    return [
        {
            "reference": request.reference,
            "kind": request.kind,
            "text": request.text,
            "received_at": _when(request.received_at),
            "answer_due_by": _when(request.due_date),
            "state": request.state,
            "answer": request.answer,
            "answered_at": _when(request.handled_at),
        }
        for request in DataSubjectRequest.objects.filter(person=person).order_by("received_at")
    ]


def _data_access_log(person: User) -> list[dict]:
    from vikno.privacy.models import DataAccess

    return [
        {
            "at": _when(access.occurred_at),
            "organisation": access.organisation.name if access.organisation else "",
            "role": access.role,
            "what": access.object_type,
            "purpose": access.purpose,
        }
        for access in DataAccess.objects.filter(subject=person).select_related("organisation").order_by("occurred_at")
    ]


def _activity(person: User) -> list[dict]:
    from vikno.audit.models import AuditRecord

    return [
        {"at": _when(row.occurred_at), "action": row.action, "ip_address": row.source_ip}
        for row in AuditRecord.objects.filter(actor=person)
        .order_by("occurred_at")
        .only("occurred_at", "action", "source_ip")
    ]


def _sms_sent(person: User) -> list[dict]:
    from vikno.messaging.models import IncomingSms

    received = IncomingSms.objects.filter(sender=person)
    return [
        {"at": _when(sms.created_at), "text": sms.text, "command": sms.command}
        for sms in received.order_by("created_at").only("created_at", "text", "command")
    ]


def _not_included() -> list[str]:
    return [
        _("Officials' internal notes and internal lines of a case's timeline: ask the data protection officer."),
        _("The content of your files and of documents issued to you: download them from your applications."),
        _("Passwords, keys and codes: the portal keeps only what cannot be turned back into them."),
    ]


def personal_data(*, person: User) -> dict:
    """Everything held about the person, in the active language. A fixed number of queries."""
    return {
        "format": FORMAT,
        "generated_at": _when(clock.now()),
        "portal": settings.SITE_URL,
        "language": translation.get_language() or settings.LANGUAGE_CODE,
        "person": _person(person),
        "sign_in": _sign_in(person),
        "mandates": _mandates(person),
        "applications": _applications(person),
        "notifications": _notifications(person),
        "appeals": _appeals(person),
        "ratings": _ratings(person),
        "public_questions": _questions(person),
        "sms_sent": _sms_sent(person),
        "payments": _payments(person),
        "documents": _documents(person),
        "consents": _consents(person),
        "requests": _requests(person),
        "data_access_log": _data_access_log(person),
        "activity": _activity(person),
        "not_included": _not_included(),
    }


def as_json(data: dict) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}")


def readable(value: Any) -> Any:
    """The document for people: dates written out, money as an amount with its currency."""
    if isinstance(value, dict):
        if set(value) == {"amount", "currency"}:
            return str(Money(value["amount"], value["currency"]))
        return {key: readable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [readable(item) for item in value]
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str) and _DATETIME.fullmatch(value):
        return formats.date_format(timezone.localtime(dt.datetime.fromisoformat(value)), "j E Y, H:i")
    if isinstance(value, str) and _DATE.fullmatch(value):
        return formats.date_format(dt.date.fromisoformat(value), "j E Y")
    return value


def _answer_rows(answers: Any, prefix: str = "") -> list[tuple[str, str]]:
    """An application's answers as (question, answer) lines, nested groups named by their path."""
    if isinstance(answers, dict):
        rows = []
        for key, item in answers.items():
            rows += _answer_rows(item, f"{prefix}{key}" if not prefix else f"{prefix} › {key}")
        return rows
    if isinstance(answers, list):
        rows = []
        for number, item in enumerate(answers, start=1):
            rows += _answer_rows(item, f"{prefix} {number}")
        return rows
    return [(prefix, "" if answers is None else str(answers))]


def as_pdf(data: dict) -> bytes:
    from vikno.documents.rendering import html_to_pdf

    shown = readable(data)
    for application, original in zip(shown["applications"], data["applications"], strict=True):
        application["answer_rows"] = _answer_rows(original["answers"])
    return html_to_pdf(render_to_string("privacy/rights/export_pdf.html", {"data": shown, "format": FORMAT}))


@transaction.atomic
def personal_data_export(*, person: User, fmt: str, source_ip: str | None = None) -> bytes:
    """The person's data as a file, the download audited (what was given, never the content)."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    data = personal_data(person=person)
    content = as_json(data) if fmt == JSON else as_pdf(data)
    record(
        actor=person,
        action="privacy.data_exported",
        target=person,
        source_ip=source_ip,
        details={"format": fmt, "version": FORMAT, "bytes": len(content)},
    )
    return content
