"""How long the portal keeps each kind of record, in one table, and the scheduled purge that applies it.

Each rule names a model, the field its age is counted from, a default period in days (overridden per rule by
`settings.RETENTION_PERIOD_DAYS`), what happens when the period ends (the rows are deleted, or the personal data
in them is removed while the rest stays for statistics) and the legal basis, which people read on the pages that
say what is kept and until when. `retention_apply` (the scheduled task `privacy.tasks.apply_retention`) works
through the rules in order, a batch of rows per transaction, and writes one audit record per batch with the rule
and the counts: never which person the rows were about.

The purge writes the models of other apps directly: it is the one place that ends records for good, after their
owners' rules have finished with them (ADR 0011). Files in the private store go after the transaction commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vikno.audit.services import record
from vikno.core import clock

DELETE = "delete"
ANONYMISE = "anonymise"
AUDIT_ACTION = "privacy.retention_applied"
AUDIT_TARGET = "privacy.retentionrule"


@dataclass(frozen=True)
class Rule:
    key: str
    label: Promise
    model: str  # "app_label.ModelName"
    age_field: str  # may follow a relation: "application__decided_at"
    days: int
    action: str
    basis: Promise
    # Narrows the rows the rule applies to; for an anonymising rule it also leaves out rows already done.
    scope: Callable[[QuerySet], QuerySet] = field(default=lambda rows: rows)
    # Does the work on a batch of keys and returns extra counts for the audit record (default: delete them).
    apply: Callable[[list], dict[str, int]] | None = None
    # Names of private files that go with a batch (removed once it is committed).
    files: Callable[[list], list[str]] | None = None

    @property
    def period(self) -> dt.timedelta:
        return dt.timedelta(days=period_days(self.key))


def period_days(key: str) -> int:
    return int(settings.RETENTION_PERIOD_DAYS.get(key, RULES_BY_KEY[key].days))


def kept_until(key: str, moment: dt.datetime | None) -> dt.date | None:
    """The day a record whose age counts from `moment` is purged by the rule (None while it does not count yet)."""
    if moment is None:
        return None
    return timezone.localtime(moment + RULES_BY_KEY[key].period).date()


# --- What some rules do besides deleting rows ----------------------------------------------------------------


def _application_files(ids: list) -> list[str]:
    from vikno.applications.models import Attachment
    from vikno.messaging.models import MessageAttachment

    names = list(Attachment.objects.filter(application_id__in=ids).values_list("file", flat=True))
    names += MessageAttachment.objects.filter(message__application_id__in=ids).values_list("file", flat=True)
    return names


def _appeal_files(ids: list) -> list[str]:
    from vikno.messaging.appeals.models import AppealAttachment

    return list(AppealAttachment.objects.filter(appeal_id__in=ids).values_list("file", flat=True))


def _fees_remove(ids: list) -> dict[str, int]:
    """A fee goes with its payments, their provider events and refunds. The bank's transactions stay in their
    statements (the treasury's record), without the payer's name, account and remittance text."""
    from vikno.payments.models import BankTransfer, Fee, Payment, PaymentEvent, Refund

    payments = Payment.objects.filter(fee_id__in=ids)
    transfers = BankTransfer.objects.filter(models.Q(fee_id__in=ids) | models.Q(payment__fee_id__in=ids))
    detached = transfers.update(fee=None, payment=None, payer_name="", payer_iban="", remittance="")
    refunds = Refund.objects.filter(payment__in=payments).delete()[0]
    # Append-only while the payment lives; its history ends with it, once the accounting period is over.
    events = PaymentEvent.objects.filter(payment__in=payments).delete()[0]
    removed_payments = payments.delete()[0]
    Fee.objects.filter(pk__in=ids).delete()
    return {"payments": removed_payments, "refunds": refunds, "payment_events": events, "bank_transfers": detached}


def _questions_detach(ids: list) -> dict[str, int]:
    """A published question stays on the service page, with no link to who asked it and only its published text
    (the question as asked may have held personal data)."""
    from vikno.messaging.feedback.models import PublicQuestion

    for question in PublicQuestion.objects.filter(pk__in=ids):
        question.asked_by = None
        question.asked_text = question.text
        question.save(update_fields=["asked_by", "asked_text", "updated_at"])
    return {}


def _drafts(rows: QuerySet) -> QuerySet:
    from vikno.applications.constants import DRAFT

    return rows.filter(state=DRAFT)


def _decided_applications(rows: QuerySet) -> QuerySet:
    from vikno.applications.constants import DRAFT

    # An application whose fee is still kept waits for the fee's rule (the fee refers to it).
    return rows.exclude(state=DRAFT).filter(fee__isnull=True)


def _unused_mandates(rows: QuerySet) -> QuerySet:
    # An application refers to the mandate it was made under: the mandate waits for the application's rule.
    return rows.filter(applications__isnull=True)


def _sent_deliveries(rows: QuerySet) -> QuerySet:
    from vikno.messaging.constants import SENDABLE

    return rows.exclude(state__in=SENDABLE)


def _rejected_questions(rows: QuerySet) -> QuerySet:
    from vikno.messaging.feedback.constants import QuestionState

    return rows.filter(state=QuestionState.REJECTED)


def _published_questions(rows: QuerySet) -> QuerySet:
    from vikno.messaging.feedback.constants import QuestionState

    return rows.filter(state=QuestionState.PUBLISHED, asked_by__isnull=False)


YEAR = 365
# In order: a fee goes before the application it refers to.
RULES: tuple[Rule, ...] = (
    Rule(
        key="signed_in_sessions",
        label=_("Signed-in devices"),
        model="identity.SignedInSession",
        age_field="last_seen_at",
        days=YEAR,
        action=DELETE,
        basis=_(
            "Kept for a year after the device was last active, so that you can see where your account was used "
            "(Law of Ukraine “On Personal Data Protection”, art. 6: no longer than the purpose needs)."
        ),
    ),
    Rule(
        key="sign_in_log",
        label=_("Sign-ins with their network address"),
        model="axes.AccessLog",
        age_field="attempt_time",
        days=YEAR,
        action=DELETE,
        basis=_("Kept for a year, like the signed-in devices, to investigate an account used by someone else."),
    ),
    Rule(
        key="failed_sign_ins",
        label=_("Failed sign-in attempts"),
        model="axes.AccessAttempt",
        age_field="attempt_time",
        days=30,
        action=DELETE,
        basis=_("Counted to lock out password guessing for minutes; kept a month to see an attack's pattern."),
    ),
    Rule(
        key="failed_sign_in_log",
        label=_("Log of failed sign-ins"),
        model="axes.AccessFailureLog",
        age_field="attempt_time",
        days=90,
        action=DELETE,
        basis=_("Kept for three months to investigate password guessing against an account."),
    ),
    Rule(
        key="deliveries",
        label=_("Copies of e-mails and SMS sent"),
        model="messaging.Delivery",
        age_field="created_at",
        days=180,
        action=DELETE,
        basis=_("Kept for six months with their addresses, to show whether each message arrived."),
        scope=_sent_deliveries,
    ),
    Rule(
        key="incoming_sms",
        label=_("SMS received from people"),
        model="messaging.IncomingSms",
        age_field="created_at",
        days=90,
        action=DELETE,
        basis=_("Commands sent by SMS (STATUS, STOP, HELP) are kept for three months to answer questions about them."),
    ),
    Rule(
        key="notifications",
        label=_("Messages in the account"),
        model="messaging.Notification",
        age_field="created_at",
        days=2 * YEAR,
        action=DELETE,
        basis=_("Kept for two years in your account; the application or appeal they were about keeps its own record."),
    ),
    Rule(
        key="drafts",
        label=_("Drafts never sent"),
        model="applications.Application",
        age_field="updated_at",
        days=180,
        action=DELETE,
        basis=_(
            "A draft left untouched for six months is removed with its files: nothing was filed with an authority."
        ),
        scope=_drafts,
        files=_application_files,
    ),
    Rule(
        key="fees",
        label=_("Fees and payments"),
        model="payments.Fee",
        age_field="application__decided_at",
        days=3 * YEAR + 1,
        action=DELETE,
        basis=_(
            "Records of state fees and payments are kept for three years after the decision on the application "
            "(Tax Code of Ukraine, art. 44.3: at least 1,095 days)."
        ),
        apply=_fees_remove,
    ),
    Rule(
        key="decided_applications",
        label=_("Applications and decisions"),
        model="applications.Application",
        age_field="decided_at",
        days=5 * YEAR + 1,
        action=DELETE,
        basis=_(
            "An application, its decision, files, messages and timeline are kept for five years after the decision "
            "(the standard list of documents of public authorities), then removed."
        ),
        scope=_decided_applications,
        files=_application_files,
    ),
    Rule(
        key="answered_appeals",
        label=_("Appeals and their answers"),
        model="appeals.Appeal",
        age_field="answered_at",
        days=5 * YEAR + 1,
        action=DELETE,
        basis=_(
            "Appeals of citizens are kept for five years after the answer (Instruction on record-keeping of "
            "citizens' appeals, Cabinet of Ministers resolution No. 348 of 14 April 1997)."
        ),
        files=_appeal_files,
    ),
    Rule(
        key="revoked_mandates",
        label=_("Revoked mandates"),
        model="identity.Mandate",
        age_field="revoked_at",
        days=5 * YEAR + 1,
        action=DELETE,
        basis=_(
            "A revoked mandate is kept for five years after its revocation, and for as long as the applications "
            "made under it are kept."
        ),
        scope=_unused_mandates,
    ),
    Rule(
        key="rejected_questions",
        label=_("Questions not published"),
        model="feedback.PublicQuestion",
        age_field="moderated_at",
        days=YEAR,
        action=DELETE,
        basis=_("A question that was not published is kept for a year after the decision, then removed."),
        scope=_rejected_questions,
    ),
    Rule(
        key="published_questions",
        label=_("Published questions"),
        model="feedback.PublicQuestion",
        age_field="published_at",
        days=YEAR,
        action=ANONYMISE,
        basis=_("A year after publication a question keeps only its published text, with no link to who asked it."),
        scope=_published_questions,
        apply=_questions_detach,
    ),
    Rule(
        key="data_access_log",
        label=_("Log of officials who opened your data"),
        model="privacy.DataAccess",
        age_field="occurred_at",
        days=3 * YEAR + 1,
        action=DELETE,
        basis=_(
            "Kept for three years, the general limitation period (Civil Code of Ukraine, art. 257), so that you can "
            "challenge any look at your data."
        ),
    ),
    Rule(
        key="withdrawn_consents",
        label=_("Withdrawn consents"),
        model="privacy.Consent",
        age_field="withdrawn_at",
        days=3 * YEAR + 1,
        action=DELETE,
        basis=_(
            "Proof of what you agreed to is kept for three years after you withdrew it, the general limitation "
            "period (Civil Code of Ukraine, art. 257)."
        ),
    ),
    Rule(
        key="closed_requests",
        label=_("Requests about personal data"),
        model="privacy.DataSubjectRequest",
        age_field="handled_at",
        days=3 * YEAR + 1,
        action=DELETE,
        basis=_(
            "A request to correct or erase data and its answer are kept for three years after the answer, the "
            "general limitation period (Civil Code of Ukraine, art. 257)."
        ),
    ),
)
RULES_BY_KEY = {rule.key: rule for rule in RULES}


def _model(rule: Rule) -> type[models.Model]:
    return apps.get_model(rule.model)


def due(rule: Rule, *, now: dt.datetime) -> QuerySet:
    """The rows whose period under the rule has ended."""
    rows = _model(rule)._default_manager.filter(**{f"{rule.age_field}__lt": now - rule.period})
    return rule.scope(rows)


def _apply_batch(rule: Rule, *, now: dt.datetime, batch_size: int) -> int:
    """One batch of a rule in one transaction, with its audit record; how many rows the rule took."""
    with transaction.atomic():
        keys = list(
            due(rule, now=now)
            .order_by("pk")
            .select_for_update(skip_locked=True, of=("self",))
            .values_list("pk", flat=True)[:batch_size]
        )
        if not keys:
            return 0
        names = rule.files(keys) if rule.files else []
        if rule.apply is not None:
            extra = rule.apply(keys)
            count = len(keys)
        else:
            model = _model(rule)
            count = model._default_manager.filter(pk__in=keys).delete()[1].get(model._meta.label, 0)
            extra = {}
        record(
            actor=None,
            action=AUDIT_ACTION,
            target_type=AUDIT_TARGET,
            target_id=rule.key,
            details={
                "rule": rule.key,
                "action": rule.action,
                "count": count,
                "period_days": period_days(rule.key),
                "cutoff": (now - rule.period).isoformat(),
                **extra,
                **({"files": len(names)} if names else {}),
            },
        )
        if names:
            from vikno.privacy.tasks import private_files_remove

            transaction.on_commit(lambda: private_files_remove.enqueue(names), robust=True)
    return len(keys)


def retention_apply(*, batch_size: int | None = None, max_batches: int = 100) -> dict[str, int]:
    """Apply every rule now; returns how many rows each rule took. Safe to run on several workers at once: a
    batch skips rows another worker holds, and a row already gone is not counted twice."""
    now = clock.now()
    size = batch_size or settings.RETENTION_BATCH_SIZE
    done: dict[str, int] = {}
    for rule in RULES:
        total = 0
        for _batch in range(max_batches):
            taken = _apply_batch(rule, now=now, batch_size=size)
            total += taken
            if taken < size:
                break
        done[rule.key] = total
    return done
