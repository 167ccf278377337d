"""Retention with the clock moved: exactly the rows past their period go (or lose their personal data), the rest
stay; each batch is audited with its counts and nothing about the people; periods follow the settings."""

# ruff: noqa: F811  (the fixtures are imported from rights_fixtures and named as arguments)

import datetime as dt
import uuid

import pytest
from django.core.files.base import ContentFile

from vikno.applications.constants import DRAFT
from vikno.applications.models import Application, Attachment
from vikno.audit.models import AuditRecord
from vikno.core.storage import private_storage
from vikno.identity.models import Mandate, SignedInSession
from vikno.identity.tests.factories import mandate, official
from vikno.messaging.appeals.models import Appeal
from vikno.messaging.feedback.constants import QuestionState
from vikno.messaging.feedback.models import PublicQuestion
from vikno.messaging.models import Delivery, IncomingSms, Notification
from vikno.payments.models import BankStatement, BankTransfer, Fee, Payment, PaymentEvent, Refund
from vikno.privacy.models import Consent, ConsentText, DataAccess, DataSubjectRequest
from vikno.privacy.retention import AUDIT_ACTION, RULES, kept_until, retention_apply
from vikno.privacy.rights.constants import RequestKind, RequestState
from vikno.privacy.tests.rights_fixtures import (  # noqa: F401  (pytest fixtures)
    NOW,
    _private_files,
    applicant,
    at,
    authority,
    definition,
    now,
    officer,
    other_authority,
    service,
    tasks_run_at_once,
)

pytestmark = pytest.mark.django_db

YEAR = dt.timedelta(days=365)


def ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def aged(row, **moments):
    """Set auto-managed times (created_at, updated_at) the ORM would not let a test choose."""
    type(row).objects.filter(pk=row.pk).update(**moments)
    return row


def application(person, service, *, state="approved", decided_days=None, **fields):
    values = {
        "applicant": person,
        "definition": service.definitions.get(),
        "service": service,
        "organisation": service.competent_authority,
        "state": state,
        "answers": {"full_name": "Шевченко Олена"},
    }
    if state != DRAFT:
        values["reference"] = f"26-{uuid.uuid4().int % 10**8:08d}-0"[:14]
        values["submitted_at"] = ago((decided_days or 0) + 30)
    if decided_days is not None:
        values["decided_at"] = ago(decided_days)
        values["outcome"] = "approval"
    values.update(fields)
    return Application.objects.create(**values)


def attach(app, person, name="passport.png"):
    stored = private_storage().save(f"uploads/{uuid.uuid4().hex}.png", ContentFile(b"\x89PNG scan"))
    return Attachment.objects.create(
        application=app, name=name, content_type="image/png", size=9, sha256="0" * 64, file=stored, uploaded_by=person
    )


def appeal(person, organisation, *, answered_days=None):
    received = ago((answered_days or 0) + 20)
    return Appeal.objects.create(
        reference=f"26-{uuid.uuid4().int % 10**8:08d}-1"[:14],
        kind="complaint",
        citizen=person,
        citizen_name="Шевченко Олена",
        organisation=organisation,
        subject="Скарга",
        text="Текст скарги з персональними даними.",
        received_at=received,
        due_date=(received + dt.timedelta(days=30)).date(),
        state="answered" if answered_days is not None else "registered",
        answer="Відповідь." if answered_days is not None else "",
        answered_at=ago(answered_days) if answered_days is not None else None,
    )


def paid_fee(app, person, accountant):
    fee = Fee.objects.create(
        application=app, organisation=app.organisation, payer=person, amount=8500, purpose="Адмінзбір", paid_amount=8500
    )
    payment = Payment.objects.create(
        fee=fee, method="transfer", provider="treasury", order_id=uuid.uuid4().hex, amount=8500, state="paid"
    )
    PaymentEvent.objects.create(
        payment=payment, received_at=ago(2000), source="statement", provider="treasury", outcome="applied"
    )
    Refund.objects.create(
        payment=payment, amount=100, reason="Переплата", requested_by=accountant, requested_at=ago(1990)
    )
    statement = BankStatement.objects.create(
        organisation=app.organisation,
        kind="camt.053",
        message_id="m1",
        statement_id="s1",
        account_iban="UA213223130000026007233566001",
        created_on_bank=ago(2000),
        sha256="1" * 64,
    )
    transfer = BankTransfer.objects.create(
        organisation=app.organisation,
        statement=statement,
        account_iban="UA213223130000026007233566001",
        bank_reference="b1",
        booked_on=ago(2000).date(),
        amount=8500,
        currency="UAH",
        is_credit=True,
        remittance=f"заява {app.reference}; Шевченко Олена",
        payer_name="Шевченко Олена Петрівна",
        payer_iban="UA903052992990004149123456789",
        match="matched",
        fee=fee,
        payment=payment,
    )
    return fee, transfer


def delivery(state, days):
    row = Delivery.objects.create(
        channel="email", key=uuid.uuid4().hex, to="olena@example.com", text="Текст", state=state, next_attempt_at=NOW
    )
    return aged(row, created_at=ago(days))


@pytest.fixture
def world(now, applicant, service, authority, officer, other_authority):
    """Rows on both sides of each rule's line, named by what must happen to them."""
    accountant = official("accountant@vikno.example", authority)
    dpo = official("dpo@vikno.example", other_authority)
    w = {}
    w["session_old"] = SignedInSession.objects.create(user=applicant, method="eid:demo", last_seen_at=ago(366))
    w["session_recent"] = SignedInSession.objects.create(user=applicant, method="eid:demo", last_seen_at=ago(364))
    w["delivery_old"] = delivery("delivered", 181)
    w["delivery_stuck"] = delivery("queued", 181)  # still to be sent: never purged while the outbox holds it
    w["delivery_recent"] = delivery("sent", 179)
    w["sms_old"] = aged(
        IncomingSms.objects.create(gateway_id="g1", phone="+380671234567", text="СТОП"), created_at=ago(91)
    )
    w["sms_recent"] = aged(
        IncomingSms.objects.create(gateway_id="g2", phone="+380671234567", text="СТОП"), created_at=ago(89)
    )
    notice = Notification.objects.create(recipient=applicant, event="x", key="old", title="t", body="b")
    w["notification_old"] = aged(notice, created_at=ago(731))
    w["notification_delivery"] = Delivery.objects.create(
        notification=notice, channel="email", key="old:email", to="o@example.com", text="t", state="queued",
        next_attempt_at=NOW,
    )  # fmt: skip
    w["notification_recent"] = aged(
        Notification.objects.create(recipient=applicant, event="x", key="recent", title="t", body="b"),
        created_at=ago(729),
    )
    w["draft_old"] = aged(application(applicant, service, state=DRAFT), updated_at=ago(181))
    w["draft_old_file"] = attach(w["draft_old"], applicant)
    w["draft_recent"] = aged(application(applicant, service, state=DRAFT), updated_at=ago(179))
    w["open_case_old"] = aged(application(applicant, service, state="in_review"), updated_at=ago(4000))
    w["decided_past"] = application(applicant, service, decided_days=5 * 365 + 3)
    w["decided_past_file"] = attach(w["decided_past"], applicant)
    w["decided_inside"] = application(applicant, service, decided_days=5 * 365 - 1)  # still inside its period
    w["paid_past"] = application(applicant, service, decided_days=6 * 365)
    w["fee"], w["transfer"] = paid_fee(w["paid_past"], applicant, accountant)
    w["paid_inside"] = application(applicant, service, decided_days=2 * 365)
    w["fee_inside"] = Fee.objects.create(
        application=w["paid_inside"], organisation=authority, payer=applicant, amount=100, purpose="Збір"
    )
    w["appeal_past"] = appeal(applicant, authority, answered_days=5 * 365 + 3)
    w["appeal_inside"] = appeal(applicant, authority, answered_days=4 * 365)
    w["appeal_open"] = aged(appeal(applicant, authority), received_at=ago(4000))
    w["question_rejected_old"] = PublicQuestion.objects.create(
        service=service, asked_by=applicant, asked_text="а?", text="а?", state=QuestionState.REJECTED,
        reject_reason="Персональні дані", moderated_at=ago(366),
    )  # fmt: skip
    w["question_published_old"] = PublicQuestion.objects.create(
        service=service, asked_by=applicant, asked_text="Я Олена, 067 123 45 67: як?", text="Як?", answer="Так.",
        state=QuestionState.PUBLISHED, published_at=ago(366),
    )  # fmt: skip
    w["question_published_recent"] = PublicQuestion.objects.create(
        service=service, asked_by=applicant, asked_text="Я Олена: коли?", text="Коли?", answer="Завтра.",
        state=QuestionState.PUBLISHED, published_at=ago(364),
    )  # fmt: skip
    w["access_old"] = DataAccess.objects.create(
        occurred_at=ago(3 * 365 + 3), official=officer, subject=applicant, object_type="x", object_id="1", purpose="p"
    )
    w["access_recent"] = DataAccess.objects.create(
        occurred_at=ago(30), official=officer, subject=applicant, object_type="x", object_id="2", purpose="p"
    )
    text = ConsentText.objects.get(key="sms_notifications")
    w["consent_withdrawn_old"] = Consent.objects.create(
        person=applicant, key="sms_notifications", text=text, given_at=ago(2000), given_how="consents_page",
        withdrawn_at=ago(3 * 365 + 3), withdrawn_how="consents_page",
    )  # fmt: skip
    w["consent_in_force_old"] = Consent.objects.create(
        person=applicant, key="sms_notifications", text=text, given_at=ago(3000), given_how="consents_page"
    )
    w["request_closed_old"] = DataSubjectRequest.objects.create(
        reference="26-0000-0001-8", person=applicant, kind=RequestKind.CORRECTION, text="т", received_at=ago(1200),
        due_date=ago(1170).date(), state=RequestState.COMPLETED, handled_by=dpo, handled_at=ago(3 * 365 + 3),
    )  # fmt: skip
    w["request_open_old"] = DataSubjectRequest.objects.create(
        reference="26-0000-0002-6", person=applicant, kind=RequestKind.ERASURE, received_at=ago(1200),
        due_date=ago(1170).date(),
    )  # fmt: skip
    w["mandate_revoked_old"] = mandate(applicant, officer, revoked_at=ago(5 * 365 + 3))
    w["mandate_revoked_used"] = mandate(applicant, officer, revoked_at=ago(5 * 365 + 3))
    Application.objects.filter(pk=w["open_case_old"].pk).update(on_behalf_of=w["mandate_revoked_used"])
    return w


def exists(row) -> bool:
    return type(row).objects.filter(pk=row.pk).exists()


GONE = [
    "session_old",
    "delivery_old",
    "sms_old",
    "notification_old",
    "notification_delivery",
    "draft_old",
    "draft_old_file",
    "decided_past",
    "decided_past_file",
    "paid_past",
    "fee",
    "appeal_past",
    "question_rejected_old",
    "access_old",
    "consent_withdrawn_old",
    "request_closed_old",
    "mandate_revoked_old",
]
STAYING = [
    "session_recent",
    "delivery_stuck",
    "delivery_recent",
    "sms_recent",
    "notification_recent",
    "draft_recent",
    "open_case_old",
    "decided_inside",
    "paid_inside",
    "fee_inside",
    "appeal_inside",
    "appeal_open",
    "question_published_old",
    "question_published_recent",
    "access_recent",
    "consent_in_force_old",
    "request_open_old",
    "mandate_revoked_used",
    "transfer",
]


def test_exactly_the_rows_past_their_period_go_and_the_rest_stay(
    world, tasks_run_at_once, django_capture_on_commit_callbacks
):
    old_files = [world["draft_old_file"].file, world["decided_past_file"].file]
    assert all(private_storage().exists(name) for name in old_files)
    payment = world["fee"].payments.get()

    with django_capture_on_commit_callbacks(execute=True):
        done = retention_apply()

    assert [name for name in GONE if exists(world[name])] == []
    assert [name for name in STAYING if not exists(world[name])] == []
    assert not Payment.objects.filter(pk=payment.pk).exists()
    assert not PaymentEvent.objects.filter(payment_id=payment.pk).exists()
    assert not Refund.objects.exists()
    # The bank's transaction stays in its statement, without the payer.
    transfer = BankTransfer.objects.get(pk=world["transfer"].pk)
    assert (transfer.fee, transfer.payment, transfer.payer_name, transfer.payer_iban, transfer.remittance) == (
        None,
        None,
        "",
        "",
        "",
    )
    assert transfer.amount == 8500
    # A published question a year old stays on the page, with only its published text and no asker.
    old_question = PublicQuestion.objects.get(pk=world["question_published_old"].pk)
    assert (old_question.asked_by, old_question.asked_text, old_question.text) == (None, "Як?", "Як?")
    recent = PublicQuestion.objects.get(pk=world["question_published_recent"].pk)
    assert recent.asked_by_id == world["question_published_recent"].asked_by_id
    # The files of what was removed are gone from the private store once committed.
    assert not any(private_storage().exists(name) for name in old_files)
    assert done == {
        "signed_in_sessions": 1,
        "sign_in_log": 0,
        "failed_sign_ins": 0,
        "failed_sign_in_log": 0,
        "deliveries": 1,
        "incoming_sms": 1,
        "notifications": 1,
        "drafts": 1,
        "fees": 1,
        "decided_applications": 2,
        "answered_appeals": 1,
        "revoked_mandates": 1,
        "rejected_questions": 1,
        "published_questions": 1,
        "data_access_log": 1,
        "withdrawn_consents": 1,
        "closed_requests": 1,
    }


def test_each_purge_is_audited_with_its_counts_and_nothing_about_the_people(world):
    retention_apply()

    records = AuditRecord.objects.filter(action=AUDIT_ACTION)
    by_rule = {row.object_id: row for row in records}
    assert len(records) == len(by_rule) == 14
    fees = by_rule["fees"].details
    assert fees["count"] == 1 and fees["payments"] == 1 and fees["refunds"] == 1 and fees["payment_events"] == 1
    assert fees["bank_transfers"] == 1
    assert by_rule["decided_applications"].details["count"] == 2
    assert by_rule["decided_applications"].details["files"] == 1
    assert by_rule["drafts"].details == {
        "rule": "drafts",
        "action": "delete",
        "count": 1,
        "period_days": 180,
        "cutoff": (NOW - dt.timedelta(days=180)).isoformat(),
        "files": 1,
    }
    assert all(row.actor is None for row in records)
    written = " ".join(str(row.details) + row.object_id + row.reason for row in records)
    for personal in ("Шевченко", "Олена", "olena@example.com", "+380", "UA90", world["decided_past"].reference):
        assert personal not in written


def test_a_second_run_finds_nothing_more_and_writes_no_audit(world):
    retention_apply()
    before = AuditRecord.objects.filter(action=AUDIT_ACTION).count()

    again = retention_apply()

    assert set(again.values()) == {0}
    assert AuditRecord.objects.filter(action=AUDIT_ACTION).count() == before


def test_the_decision_inside_its_period_goes_once_the_clock_passes_it(world, at):
    retention_apply()
    assert exists(world["decided_inside"])
    at(NOW + dt.timedelta(days=3))

    retention_apply()

    assert not exists(world["decided_inside"])
    assert exists(world["paid_inside"])  # its fee is kept three years from its decision: not yet


def test_periods_follow_the_settings(settings, now, applicant, service):
    fresh = aged(application(applicant, service, state=DRAFT), updated_at=ago(11))
    younger = aged(application(applicant, service, state=DRAFT), updated_at=ago(9))
    settings.RETENTION_PERIOD_DAYS = {"drafts": 10}

    retention_apply()

    assert not exists(fresh) and exists(younger)
    assert kept_until("drafts", NOW) == (NOW + dt.timedelta(days=10)).date()


def test_a_rule_works_in_batches_each_audited(now, applicant):
    for _ in range(5):
        SignedInSession.objects.create(user=applicant, method="eid:demo", last_seen_at=ago(400))

    done = retention_apply(batch_size=2)

    assert done["signed_in_sessions"] == 5
    assert not SignedInSession.objects.exists()
    records = AuditRecord.objects.filter(action=AUDIT_ACTION, object_id="signed_in_sessions")
    assert sorted(row.details["count"] for row in records) == [1, 2, 2]


def test_every_rule_names_its_legal_basis_and_a_model_that_exists():
    from django.apps import apps

    keys = [rule.key for rule in RULES]
    assert len(keys) == len(set(keys))
    for rule in RULES:
        model = apps.get_model(rule.model)
        assert str(rule.basis) and str(rule.label)
        assert rule.action in ("delete", "anonymise")
        first = rule.age_field.split("__")[0]
        assert model._meta.get_field(first)
    assert keys.index("fees") < keys.index("decided_applications") < keys.index("revoked_mandates")
    assert Mandate  # the last rule's model is identity's


def test_sign_in_logs_of_the_lock_out_go_after_their_periods(now):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    def logged(model, days: int, username: str):
        row = model.objects.create(username=username, ip_address="198.51.100.7", user_agent="Firefox", **extra[model])
        model.objects.filter(pk=row.pk).update(attempt_time=ago(days))  # auto_now_add: set afterwards
        return username

    extra = {AccessLog: {}, AccessAttempt: {"failures_since_start": 3}, AccessFailureLog: {}}
    for model, period in ((AccessLog, 365), (AccessAttempt, 30), (AccessFailureLog, 90)):
        logged(model, period + 1, "old@example.org")
        logged(model, period - 1, "recent@example.org")

    done = retention_apply()

    assert {key: done[key] for key in ("sign_in_log", "failed_sign_ins", "failed_sign_in_log")} == {
        "sign_in_log": 1,
        "failed_sign_ins": 1,
        "failed_sign_in_log": 1,
    }
    for model in (AccessLog, AccessAttempt, AccessFailureLog):
        assert list(model.objects.values_list("username", flat=True)) == ["recent@example.org"], model
