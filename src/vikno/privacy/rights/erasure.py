"""Erasure of a person's data at their request, decided by the data protection officer.

What no duty keeps goes now: the profile (name, date of birth, taxpayer number, phone, e-mail), the ways to sign
in (eID links, devices, passkeys, the authenticator app, recovery codes), drafts with their files, the messages
in the account and the copies sent by e-mail and SMS, mandates never used, questions not published, and every
consent in force. The account stays as an empty, closed row, because the records the law keeps still refer to
it: sent applications and decisions, fees and payments, appeals, issued documents, the log of officials who
opened the data. Each of those is purged by its retention rule (`privacy.retention`) when its term ends; the
answer tells the person what was erased, what is kept and until when.

Like the retention purge, the erasure writes other apps' rows directly (ADR 0011): it is the one operation that
must reach all of them at once, in one transaction, with one audit record.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vikno.audit.services import record
from vikno.core import clock
from vikno.identity.models import User
from vikno.privacy.models import Consent, DataAccess, DataSubjectRequest
from vikno.privacy.retention import RULES_BY_KEY, kept_until
from vikno.privacy.rights import notices
from vikno.privacy.rights.consents import consents_withdraw_all, questions_withdraw
from vikno.privacy.rights.constants import ANSWER_MAX_CHARS, OPEN_STATES, ConsentMethod, RequestKind, RequestState
from vikno.privacy.rights.correction import EMAIL_CHANGE_KEYS
from vikno.privacy.rights.exceptions import RightsRefused
from vikno.privacy.rights.requests import clean_text, lock_open, request_close

PHONE_CODE_KEYS = "phone-code:{person}:"  # identity.phone_numbers.KEY_PREFIX: confirmation codes sent by SMS
ERASED_USERNAME = "erased-{key}"


@dataclass
class ErasurePlan:
    """What an erasure removes (counts by kind), what it keeps (one line per record, with the day it goes),
    and what the officer should know first."""

    erased: dict[str, int]
    kept: list[dict]
    warnings: list[str] = field(default_factory=list)


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def _erasable(person: User) -> dict[str, int]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from vikno.applications.constants import DRAFT
    from vikno.identity.models import EidIdentity, Mandate, Passkey, RecoveryCode, SignedInSession
    from vikno.messaging.feedback.constants import QuestionState
    from vikno.messaging.feedback.models import PublicQuestion
    from vikno.messaging.models import Delivery, Notification

    questions = PublicQuestion.objects.filter(asked_by=person)
    return {
        "eid_links": EidIdentity.objects.filter(user=person).count(),
        "sessions": SignedInSession.objects.filter(user=person).count(),
        "passkeys": Passkey.objects.filter(user=person).count(),
        "authenticator": TOTPDevice.objects.filter(user=person).count(),
        "recovery_codes": RecoveryCode.objects.filter(user=person).count(),
        "drafts": person.applications.filter(state=DRAFT).count(),
        "notifications": Notification.objects.filter(recipient=person).count(),
        "deliveries": Delivery.objects.filter(notification__recipient=person).count()
        + _direct_deliveries(person).count(),
        "mandates": Mandate.objects.filter(representative=person, applications__isnull=True).count(),
        "questions_removed": questions.exclude(state=QuestionState.PUBLISHED).count(),
        "questions_detached": questions.filter(state=QuestionState.PUBLISHED).count(),
        "consents": Consent.objects.filter(person=person, withdrawn_at__isnull=True).count(),
        "sms_sent": _sms_sent(person).count(),
        "sign_in_logs": sum(rows.count() for rows in _sign_in_logs(person)),
    }


def _kept(person: User, *, now) -> list[dict]:
    """The records a duty keeps, each with the day its rule purges it (None: not counted yet, or kept by its
    owner's register)."""
    from vikno.applications.constants import DRAFT
    from vikno.documents.models import IssuedDocument
    from vikno.identity.models import Mandate
    from vikno.messaging.appeals.models import Appeal
    from vikno.payments.models import Fee

    kept: list[dict] = []
    with_fee = set(Fee.objects.filter(application__applicant=person).values_list("application_id", flat=True))
    sent = person.applications.exclude(state=DRAFT).order_by("submitted_at", "created_at")
    for application_id, ref, decided_at in sent.values_list("pk", "reference", "decided_at"):
        until = kept_until("decided_applications", decided_at)
        kept.append({"kind": "application", "reference": ref, "until": _iso(until), "rule": "decided_applications"})
        if application_id in with_fee:
            until = kept_until("fees", decided_at)
            kept.append({"kind": "fee", "reference": ref, "until": _iso(until), "rule": "fees"})
    for ref, answered_at in (
        Appeal.objects.filter(citizen=person).order_by("received_at").values_list("reference", "answered_at")
    ):
        until = kept_until("answered_appeals", answered_at)
        kept.append({"kind": "appeal", "reference": ref, "until": _iso(until), "rule": "answered_appeals"})
    for document in IssuedDocument.objects.filter(holder=person).order_by("issued_at"):
        kept.append({"kind": "document", "reference": document.display_code, "until": None, "rule": ""})
    used = Mandate.objects.filter(representative=person, applications__isnull=False).distinct().count()
    if used:
        kept.append({"kind": "mandates", "count": used, "until": None, "rule": "revoked_mandates"})
    log = DataAccess.objects.filter(subject=person).aggregate(count=Count("pk"), latest=Max("occurred_at"))
    if log["count"]:
        until = kept_until("data_access_log", log["latest"])
        kept.append({"kind": "data_access_log", "count": log["count"], "until": _iso(until), "rule": "data_access_log"})
    consents = Consent.objects.filter(person=person).count()
    if consents:
        until = kept_until("withdrawn_consents", now)
        kept.append({"kind": "consents", "count": consents, "until": _iso(until), "rule": "withdrawn_consents"})
    kept.append({"kind": "request", "until": _iso(kept_until("closed_requests", now)), "rule": "closed_requests"})
    kept.append({"kind": "answer_copies", "until": _iso(kept_until("deliveries", now)), "rule": "deliveries"})
    kept.append({"kind": "audit", "until": None, "rule": ""})
    return kept


def _warnings(person: User) -> list[str]:
    from vikno.applications.constants import AWAITING_PAYMENT, NOT_YET_CASES
    from vikno.messaging.appeals.constants import OPEN_STATES as OPEN_APPEALS

    warnings = []
    open_cases = person.applications.exclude(state__in=NOT_YET_CASES).filter(decided_at__isnull=True).count()
    unpaid = person.applications.filter(state=AWAITING_PAYMENT).count()
    open_appeals = person.appeals.filter(state__in=OPEN_APPEALS).count()
    if open_cases:
        warnings.append(
            ngettext(
                "%(count)s application is still being decided: the authority will not be able to reach the person.",
                "%(count)s applications are still being decided: the authority will not be able to reach the person.",
                open_cases,
            )
            % {"count": open_cases}
        )
    if unpaid:
        warnings.append(
            ngettext(
                "%(count)s application is waiting for its fee.",
                "%(count)s applications are waiting for their fee.",
                unpaid,
            )
            % {"count": unpaid}
        )
    if open_appeals:
        warnings.append(
            ngettext(
                "%(count)s appeal is still being answered: the answer will stay in the closed account.",
                "%(count)s appeals are still being answered: the answer will stay in the closed account.",
                open_appeals,
            )
            % {"count": open_appeals}
        )
    return warnings


def erasure_plan(*, person: User) -> ErasurePlan:
    """What erasing the person's data would do now (shown to the person before they ask, and to the officer)."""
    return ErasurePlan(erased=_erasable(person), kept=_kept(person, now=clock.now()), warnings=_warnings(person))


# --- What the person reads ---------------------------------------------------------------------------------


def _erased_labels() -> dict[str, str]:
    return {
        "eid_links": _("Links of your account to eID"),
        "sessions": _("Signed-in devices"),
        "passkeys": _("Passkeys"),
        "authenticator": _("Authenticator app"),
        "recovery_codes": _("Recovery codes"),
        "drafts": _("Drafts you never sent, with their files"),
        "notifications": _("Messages in your account"),
        "deliveries": _("Copies of e-mails and SMS sent to you"),
        "mandates": _("Mandates to act for others that were never used"),
        "questions_removed": _("Your questions about services that were not published"),
        "questions_detached": _("Your published questions (they stay on the service page with no link to you)"),
        "consents": _("Consents (withdrawn)"),
        "sms_sent": _("SMS you sent to the portal (commands such as STATUS or STOP)"),
        "sign_in_logs": _("Records of your sign-ins and failed sign-in attempts"),
    }


def _kept_label(item: dict) -> str:
    labels = {
        "application": _("Application %(reference)s"),
        "fee": _("Fee and payments of application %(reference)s"),
        "appeal": _("Appeal %(reference)s"),
        "document": _("Document %(reference)s issued to you"),
        "mandates": _("Mandates used in your applications (%(count)s), revoked"),
        "data_access_log": _("The log of officials who opened your data (entries: %(count)s)"),
        "consents": _("Records of your consents (%(count)s)"),
        "request": _("This request and its answer"),
        "answer_copies": _("The copies of this answer sent to your e-mail or phone"),
        "audit": _("The portal's security record of what was done in your account (times and network addresses)"),
    }
    return labels[item["kind"]] % {"reference": item.get("reference", ""), "count": item.get("count", "")}


def _kept_when(item: dict) -> str:
    if item.get("until"):
        day = formats.date_format(dt.date.fromisoformat(item["until"]), "j E Y")
        return _("kept until %(date)s") % {"date": day}
    return {
        "application": _("kept for its term once it is decided"),
        "fee": _("kept for its term once the application is decided"),
        "appeal": _("kept for its term once it is answered"),
        "document": _("kept in the register of the authority that issued it, so that anyone can still check it"),
        "mandates": _("kept while the applications made under them are kept"),
        "audit": _("kept as the portal's security record"),
    }.get(item["kind"], "")


@dataclass(frozen=True)
class ReportLines:
    profile: bool
    erased: list[tuple[str, int]]
    kept: list[tuple[str, str]]
    bases: list[tuple[str, str]]


def report_lines(report: dict, *, profile: bool = True) -> ReportLines:
    """The report (or a plan) as lines in the active language, for pages and for the answer."""
    labels = _erased_labels()
    erased = [(labels[key], count) for key, count in report.get("erased", {}).items() if count and key in labels]
    kept = [(_kept_label(item), _kept_when(item)) for item in report.get("kept", [])]
    rules = dict.fromkeys(item["rule"] for item in report.get("kept", []) if item.get("rule"))
    bases = [(str(RULES_BY_KEY[key].label), str(RULES_BY_KEY[key].basis)) for key in rules if key in RULES_BY_KEY]
    return ReportLines(profile=profile, erased=erased, kept=kept, bases=bases)


def erasure_answer(report: dict, *, note: str) -> str:
    """The answer in the active language: paragraphs separated by blank lines (as notifications are)."""
    lines = report_lines(report)
    paragraphs = [
        _(
            "As you asked, we erased your account and the personal data no law requires us to keep. You can no "
            "longer sign in with it; signing in with eID again opens a new, empty account."
        ),
        _("Erased:"),
        "– " + _("your name, date of birth, taxpayer number, phone number and e-mail address"),
        *[f"– {label}: {count}" for label, count in lines.erased],
    ]
    if lines.kept:
        paragraphs += [
            _("The law requires us to keep these records; each is removed when its term ends:"),
            *[f"– {label}: {when}" for label, when in lines.kept],
            _("Why they are kept:"),
            *[f"– {label}: {basis}" for label, basis in lines.bases],
        ]
    if note:
        paragraphs += [_("From the data protection officer:"), note]
    paragraphs.append(
        _(
            "If you disagree, you can complain to the Ukrainian Parliament Commissioner for Human Rights. Your "
            "request's reference number is %(reference)s."
        )
        % {"reference": report.get("reference", "")}
    )
    return "\n\n".join(paragraphs)


# --- Doing it ----------------------------------------------------------------------------------------------


def _remove(person: User, *, officer, now) -> tuple[dict[str, int], list[str]]:
    """Remove what no duty keeps; returns the counts and the private files to remove after commit."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from vikno.applications.constants import DRAFT
    from vikno.applications.models import Application, Attachment
    from vikno.identity.models import EidIdentity, Mandate, Passkey, RecoveryCode, SignedInSession
    from vikno.messaging.models import Delivery, Notification

    erased: dict[str, int] = {}
    erased["eid_links"] = EidIdentity.objects.filter(user=person).delete()[0]
    erased["sessions"] = SignedInSession.objects.filter(user=person).delete()[0]
    erased["passkeys"] = Passkey.objects.filter(user=person).delete()[0]
    erased["authenticator"] = TOTPDevice.objects.filter(user=person).delete()[0]
    erased["recovery_codes"] = RecoveryCode.objects.filter(user=person).delete()[0]
    drafts = Application.objects.filter(applicant=person, state=DRAFT)
    files = list(Attachment.objects.filter(application__in=drafts).values_list("file", flat=True))
    erased["drafts"] = drafts.delete()[1].get(Application._meta.label, 0)
    mandates = Mandate.objects.filter(representative=person)
    erased["mandates"] = mandates.filter(applications__isnull=True).delete()[0]
    mandates.filter(revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=officer, revocation_reason=_("The representative's account was erased.")
    )
    questions = questions_withdraw(person=person)
    erased["questions_removed"], erased["questions_detached"] = questions["removed"], questions["detached"]
    erased["consents"] = consents_withdraw_all(person=person, how=ConsentMethod.ERASURE)
    erased["deliveries"] = (
        _direct_deliveries(person).delete()[0] + Delivery.objects.filter(notification__recipient=person).count()
    )
    erased["notifications"] = Notification.objects.filter(recipient=person).delete()[1].get(Notification._meta.label, 0)
    erased["sms_sent"] = _sms_sent(person).delete()[0]
    erased["sign_in_logs"] = sum(rows.delete()[0] for rows in _sign_in_logs(person))
    return erased, files


def _close_other_requests(person: User, *, erasure: DataSubjectRequest, officer) -> None:
    """The person's other open requests end with the account (the erasure's answer is the one they get)."""
    others = DataSubjectRequest.objects.filter(person=person, state__in=OPEN_STATES).exclude(pk=erasure.pk)
    for other in others.select_for_update():
        with translation.override(person.language):
            answer = _("This request ended when your account was erased at your request %(reference)s.") % {
                "reference": erasure.reference
            }
        request_close(other, officer=officer, state=RequestState.ENDED, answer=answer)
        record(
            actor=officer,
            action="privacy.request_ended",
            target=other,
            details={"kind": other.kind, "reference": other.reference, "erasure": erasure.reference},
        )


def _sign_in_logs(person: User) -> list:
    """The lock-out's records of the account's sign-ins and failures (django-axes keeps them by login name; a
    portal account's login name is its e-mail address. The e-mail alone is not matched: an eID account's address
    may be another account's login name)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    return [model.objects.filter(username=person.username) for model in (AccessLog, AccessAttempt, AccessFailureLog)]


def _sms_sent(person: User):
    """SMS received from the person's number while their account alone held it."""
    from vikno.messaging.models import IncomingSms

    return IncomingSms.objects.filter(sender=person)


def _direct_deliveries(person: User):
    """Messages sent to the person outside notifications: phone confirmation codes, e-mail change links, and
    anything else addressed to their phone or e-mail (answers to their SMS), found through the address's index."""
    from vikno.messaging.models import Delivery
    from vikno.privacy.fields import blind_index_for

    addresses = [blind_index_for(Delivery, "to", a) for a in (person.phone, person.email) if a]
    return Delivery.objects.filter(
        Q(key__startswith=PHONE_CODE_KEYS.format(person=person.pk))
        | Q(key__startswith=EMAIL_CHANGE_KEYS.format(person=person.pk))
        | Q(to_index__in=addresses, notification__isnull=True)
    )


def _anonymise(person: User) -> None:
    """The account row stays (the records kept refer to it), empty and closed."""
    person.username = ERASED_USERNAME.format(key=uuid.uuid4().hex)
    person.first_name = person.last_name = person.middle_name = ""
    person.email = person.phone = person.rnokpp = person.identity_source = ""
    person.birth_date = person.identity_verified_at = person.email_verified_at = person.last_login = None
    person.notify_by_email = person.notify_by_sms = False
    person.is_active = False
    person.set_unusable_password()
    person.save()


@transaction.atomic
def person_erase(
    *, request: DataSubjectRequest, officer, note: str = "", source_ip: str | None = None
) -> DataSubjectRequest:
    """Carry out an erasure request. The person is told (by e-mail and SMS as they chose, while the address and
    number are still there) what was erased and what is kept until when; then the profile is emptied."""
    request = lock_open(request, officer=officer)
    if request.kind != RequestKind.ERASURE:
        raise RightsRefused(_("Only an erasure request erases an account."))
    note = clean_text(
        note, limit=ANSWER_MAX_CHARS, too_long=_("The answer must be %(limit)s characters or fewer."), field="answer"
    )
    person = User.objects.select_for_update().get(pk=request.person_id)
    if person.is_staff:
        raise RightsRefused(_("Officials' accounts are handled by their organisation's administrator."))
    now = clock.now()
    erased, files = _remove(person, officer=officer, now=now)
    kept = _kept(person, now=now)
    report = {"reference": request.reference, "erased": erased, "kept": kept, "files": len(files)}
    with translation.override(person.language):
        answer = erasure_answer(report, note=note)
    request_close(request, officer=officer, state=RequestState.COMPLETED, answer=answer, report=report)
    _close_other_requests(person, erasure=request, officer=officer)
    # The answer to a legal request goes to the address on file whatever the notification choices were (only
    # this message: the choices are emptied with the rest), and by SMS when there is no address.
    person.notify_by_email = bool(person.email)
    person.notify_by_sms = person.notify_by_sms or not person.email
    request.person = person
    notices.account_erased(request)
    _anonymise(person)
    record(
        actor=officer,
        action="privacy.person_erased",
        target=request,
        source_ip=source_ip,
        details={"reference": request.reference, "erased": erased, "kept": len(kept), "files": len(files)},
    )
    if files:
        from vikno.privacy.tasks import private_files_remove

        transaction.on_commit(lambda: private_files_remove.enqueue(files), robust=True)
    return request
