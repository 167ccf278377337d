"""Erasure: the person asks (after seeing what would go and what would stay), the data protection officer erases;
what no duty keeps is gone at once, the records the law keeps stay until their term, the account is an empty
closed row, the person is told exactly that (on their address, before it is erased), and all of it is audited."""

# ruff: noqa: F811  (the fixtures are imported from rights_fixtures and named as arguments)

import datetime as dt

import pytest
from axes.models import AccessAttempt, AccessLog
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from vikno.applications import services as application_services
from vikno.applications.models import Application, Attachment
from vikno.audit.models import AuditRecord
from vikno.core.storage import private_storage
from vikno.identity.models import EidIdentity, Mandate, Passkey, RecoveryCode, SignedInSession, User
from vikno.identity.tests.factories import mandate
from vikno.messaging.appeals.models import Appeal
from vikno.messaging.feedback.constants import QuestionState
from vikno.messaging.feedback.models import PublicQuestion
from vikno.messaging.models import Delivery, IncomingSms, Notification
from vikno.messaging.notifications import email_direct, sms_direct
from vikno.messaging.sms.commands import sms_receive
from vikno.payments.models import Fee
from vikno.privacy.models import Consent, DataAccess, DataSubjectRequest
from vikno.privacy.retention import kept_until
from vikno.privacy.rights import consents
from vikno.privacy.rights.constants import ConsentMethod, RequestState
from vikno.privacy.rights.erasure import erasure_plan, person_erase
from vikno.privacy.rights.exceptions import RightsRefused
from vikno.privacy.rights.requests import data_request_submit
from vikno.privacy.services import data_access_record
from vikno.privacy.tests.rights_fixtures import (  # noqa: F401  (pytest fixtures)
    NOW,
    _private_files,
    applicant,
    at,
    authority,
    decided,
    definition,
    dpo,
    dpo_client,
    now,
    officer,
    other_authority,
    other_citizen,
    service,
    signed_in,
    submitted,
    tasks_run_at_once,
)
from vikno.privacy.tests.test_retention import appeal, paid_fee

pytestmark = pytest.mark.django_db

DECIDED_ON = NOW - dt.timedelta(days=400)


@pytest.fixture
def life(now, applicant, service, officer, authority, other_citizen):
    """Everything a person leaves on the portal in a couple of years."""
    EidIdentity.objects.create(
        user=applicant, provider="demo", issuer="https://eid.example", subject="s1", last_used_at=now
    )
    SignedInSession.objects.create(user=applicant, method="eid:demo", last_seen_at=now)
    AccessLog.objects.create(username=applicant.username, ip_address="198.51.100.7", user_agent="Firefox")
    AccessAttempt.objects.create(
        username=applicant.username, ip_address="198.51.100.7", user_agent="Firefox", failures_since_start=2
    )
    # A portal account whose login name is the address the eID gave this person: its records are its own.
    AccessLog.objects.create(username=applicant.email, ip_address="203.0.113.8", user_agent="Edge")
    AccessLog.objects.create(username=other_citizen.username, ip_address="203.0.113.9", user_agent="Safari")
    Passkey.objects.create(user=applicant, name="Ноутбук", credential_id=b"cred", public_key=b"key")
    TOTPDevice.objects.create(user=applicant, name="authenticator", confirmed=True)
    RecoveryCode.objects.create(user=applicant, code_hash="h" * 64)
    done = decided(applicant, service, officer, when=DECIDED_ON)
    paid_fee(done, applicant, officer)
    used = mandate(applicant, officer)
    Application.objects.filter(pk=done.pk).update(on_behalf_of=used)
    unused = mandate(applicant, officer)
    still_open = submitted(applicant, service)
    draft = application_services.application_start(applicant=applicant, service=service)  # after: not resumed
    draft_file = Attachment.objects.create(
        application=draft,
        name="scan.png",
        content_type="image/png",
        size=4,
        sha256="0" * 64,
        file=private_storage().save("uploads/draft.png", ContentFile(b"scan")),
        uploaded_by=applicant,
    )
    answered = appeal(applicant, authority, answered_days=100)
    waiting = PublicQuestion.objects.create(service=service, asked_by=applicant, asked_text="Телефон 067?", text="?")
    published = PublicQuestion.objects.create(
        service=service, asked_by=applicant, asked_text="Я Олена: як?", text="Як?", answer="Так.",
        state=QuestionState.PUBLISHED, published_at=now,
    )  # fmt: skip
    for key in ("email_notifications", "sms_notifications", "privacy_notice"):
        consents.consent_give(person=applicant, key=key)
    sms_direct(to=applicant.phone, text="Vikno: your code is 123456.", key=f"phone-code:{applicant.pk}:1")
    email_direct(
        to="new-olena@example.com", subject="Vikno", text="Confirm it", key=f"email-change:{applicant.pk}:link:1"
    )
    sms_receive(gateway_id="gateway-7", phone_number=applicant.phone, text="STATUS 26-0000-0000-0")
    sms_receive(gateway_id="gateway-8", phone_number="+380671112233", text="HELP")  # someone else's
    data_access_record(official=officer, subject=applicant, target=done, purpose="processing")
    other_notice_count = Notification.objects.filter(recipient=other_citizen).count()
    return {
        "draft": draft,
        "draft_file": draft_file,
        "done": done,
        "still_open": still_open,
        "appeal": answered,
        "used": used,
        "unused": unused,
        "waiting": waiting,
        "published": published,
        "other_notices": other_notice_count,
    }


def _ask_and_erase(signed_in, dpo_client, note="Рішення ухвалено відповідно до закону."):
    asked = signed_in.post(reverse("privacy:erasure"), {"text": "Більше не користуюся порталом", "confirm": "on"})
    assert asked.status_code == 302
    request = DataSubjectRequest.objects.get(kind="erasure")
    erased = dpo_client.post(
        reverse("backoffice:privacy-request", args=[request.pk]), {"decision": "erase", "answer": note}
    )
    assert erased.status_code == 302
    request.refresh_from_db()
    return request


def test_the_person_sees_what_would_be_erased_and_kept_before_asking(signed_in, life):
    with translation.override("en"):
        response = signed_in.get(reverse("privacy:erasure"))
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Application {life['done'].reference}: kept until" in page
    assert "Drafts you never sent, with their files: 1" in page
    assert "Passkeys: 1" in page
    assert not DataSubjectRequest.objects.exists()


def test_erasure_removes_what_no_duty_keeps_and_keeps_the_rest_until_its_term(
    signed_in, dpo_client, dpo, life, applicant, other_citizen, tasks_run_at_once, django_capture_on_commit_callbacks
):
    draft_file = life["draft_file"].file
    with django_capture_on_commit_callbacks(execute=True):
        request = _ask_and_erase(signed_in, dpo_client)

    # Gone now.
    for model in (EidIdentity, SignedInSession, Passkey, TOTPDevice, RecoveryCode):
        assert not model.objects.filter(user=applicant).exists(), model
    assert not Application.objects.filter(pk=life["draft"].pk).exists()
    assert not private_storage().exists(draft_file)
    assert not Mandate.objects.filter(pk=life["unused"].pk).exists()
    assert not PublicQuestion.objects.filter(pk=life["waiting"].pk).exists()
    assert not Delivery.objects.filter(key__startswith=f"phone-code:{applicant.pk}:").exists()
    assert not Delivery.objects.filter(key__startswith=f"email-change:{applicant.pk}:").exists()
    assert not Delivery.objects.filter(key="sms-reply:gateway-7").exists()  # the answer to their SMS
    assert list(IncomingSms.objects.values_list("gateway_id", flat=True)) == ["gateway-8"]  # theirs gone
    assert Delivery.objects.filter(key="sms-reply:gateway-8").exists()
    # Kept, each under its rule.
    done = Application.objects.get(pk=life["done"].pk)
    assert done.answers["full_name"] == "Шевченко Олена Петрівна"
    assert Application.objects.filter(pk=life["still_open"].pk).exists()
    assert Fee.objects.filter(application=done).exists()
    assert Appeal.objects.filter(pk=life["appeal"].pk).exists()
    # The officer's opening of the request is logged too, and the log is kept for its term.
    assert sorted(DataAccess.objects.filter(subject=applicant).values_list("purpose", flat=True)) == [
        "data_subject_request",
        "processing",
    ]
    used = Mandate.objects.get(pk=life["used"].pk)
    assert used.revoked_at == NOW and used.revoked_by == dpo
    published = PublicQuestion.objects.get(pk=life["published"].pk)
    assert (published.asked_by, published.asked_text) == (None, "Як?")
    assert set(Consent.objects.filter(person=applicant).values_list("withdrawn_how", flat=True)) == {
        ConsentMethod.ERASURE
    }
    # The account: an empty, closed row.
    person = User.objects.get(pk=applicant.pk)
    assert (person.first_name, person.last_name, person.middle_name, person.email, person.phone, person.rnokpp) == (
        "",
        "",
        "",
        "",
        "",
        "",
    )
    assert person.birth_date is None and person.identity_source == "" and person.email_verified_at is None
    assert person.username.startswith("erased-") and not person.is_active and not person.has_usable_password()
    assert (person.notify_by_email, person.notify_by_sms) == (False, False)
    # The request, its report and its answer.
    assert (request.state, request.handled_by, request.handled_at) == (RequestState.COMPLETED, dpo, NOW)
    report = request.report
    assert report["erased"] == {
        "eid_links": 1,
        "sessions": 1,
        "passkeys": 1,
        "authenticator": 1,
        "recovery_codes": 1,
        "drafts": 1,
        "mandates": 1,
        "questions_removed": 1,
        "questions_detached": 1,
        "consents": 3,
        "sms_sent": 1,
        "sign_in_logs": report["erased"]["sign_in_logs"],
        "deliveries": report["erased"]["deliveries"],
        "notifications": report["erased"]["notifications"],
    }
    assert report["erased"]["notifications"] >= 4 and report["erased"]["deliveries"] >= 1
    # The lock-out's records of their sign-ins (force-logged tests add their own), and no one else's.
    assert report["erased"]["sign_in_logs"] >= 2
    assert not AccessLog.objects.filter(username=applicant.username).exists()
    assert not AccessAttempt.objects.filter(username=applicant.username).exists()
    assert AccessLog.objects.filter(username=other_citizen.username, ip_address="203.0.113.9").exists()
    assert AccessLog.objects.filter(username="olena@example.com", ip_address="203.0.113.8").exists()
    kept = {(item["kind"], item.get("reference")): item for item in report["kept"]}
    assert kept[("application", done.reference)]["until"] == kept_until("decided_applications", DECIDED_ON).isoformat()
    assert kept[("fee", done.reference)]["until"] == kept_until("fees", DECIDED_ON).isoformat()
    still_open = Application.objects.get(pk=life["still_open"].pk)
    assert kept[("application", still_open.reference)]["until"] is None
    assert (
        kept[("appeal", life["appeal"].reference)]["until"]
        == kept_until("answered_appeals", life["appeal"].answered_at).isoformat()
    )
    assert kept[("request", None)]["until"] == kept_until("closed_requests", NOW).isoformat()
    assert done.reference in request.answer and "Рішення ухвалено відповідно до закону." in request.answer
    # The person is told on their address, before it was erased; the old messages are gone.
    [notice] = Notification.objects.filter(recipient=applicant)
    assert notice.event == "privacy_account_erased" and notice.body == request.answer
    channels = dict(notice.deliveries.values_list("channel", "to"))
    assert channels["email"] == "olena@example.com"
    assert done.reference in notice.deliveries.get(channel="email").text
    # Audited, with counts and no personal data.
    [audit] = AuditRecord.objects.filter(action="privacy.person_erased")
    assert audit.actor == dpo and audit.object_id == str(request.pk)
    assert audit.details["erased"] == report["erased"]
    assert "Шевченко" not in str(audit.details) and "olena@" not in str(audit.details)
    # The person can no longer sign in with the account; the session they had is over.
    assert signed_in.get(reverse("identity:cabinet")).status_code == 302


def test_the_answer_goes_to_the_address_even_without_notifications_by_e_mail(signed_in, dpo_client, applicant, now):
    User.objects.filter(pk=applicant.pk).update(notify_by_email=False, notify_by_sms=False)

    request = _ask_and_erase(signed_in, dpo_client)

    notice = Notification.objects.get(recipient=applicant, event="privacy_account_erased")
    assert list(notice.deliveries.values_list("channel", "to")) == [("email", "olena@example.com")]
    assert request.state == RequestState.COMPLETED


def test_an_erased_request_cannot_be_decided_again_and_others_are_untouched(
    signed_in, dpo_client, dpo, applicant, other_citizen, life
):
    request = _ask_and_erase(signed_in, dpo_client)
    with pytest.raises(RightsRefused):
        person_erase(request=request, officer=dpo)
    other = User.objects.get(pk=other_citizen.pk)
    assert other.is_active and other.last_name == "Іваненко" and other.email == "petro@example.com"
    assert Notification.objects.filter(recipient=other_citizen).count() == life["other_notices"]
    assert AuditRecord.objects.filter(action="privacy.person_erased").count() == 1


def test_only_an_erasure_request_erases(dpo, applicant, now):
    correction = data_request_submit(person=applicant, kind="correction", text="Прізвище")
    with pytest.raises(RightsRefused):
        person_erase(request=correction, officer=dpo)
    assert User.objects.get(pk=applicant.pk).is_active


def test_the_persons_other_open_requests_end_with_the_account_and_others_requests_stay(
    dpo, applicant, other_citizen, now
):
    correction = data_request_submit(person=applicant, kind="correction", text="Прізвище")
    theirs = data_request_submit(person=other_citizen, kind="correction", text="По батькові")
    erasure = data_request_submit(person=applicant, kind="erasure")
    person_erase(request=erasure, officer=dpo)
    correction.refresh_from_db()
    assert (correction.state, correction.handled_by, correction.handled_at) == (RequestState.ENDED, dpo, NOW)
    ended = AuditRecord.objects.get(action="privacy.request_ended")
    assert (ended.object_id, ended.details) == (
        str(correction.pk),
        {"kind": "correction", "reference": correction.reference, "erasure": erasure.reference},
    )
    assert correction.answer == (
        f"Цей запит завершено, коли ваш обліковий запис стерли на ваш запит {erasure.reference}."
    )
    theirs.refresh_from_db()
    assert (theirs.state, theirs.answer, theirs.handled_by) == (RequestState.RECEIVED, "", None)


def test_the_officer_sees_the_plan_and_the_warnings_first(dpo_client, applicant, life):
    request = data_request_submit(person=applicant, kind="erasure")
    with translation.override("en"):
        response = dpo_client.get(reverse("backoffice:privacy-request", args=[request.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 application is still being decided" in page
    assert f"Application {life['done'].reference}: kept until" in page
    plan = erasure_plan(person=applicant)
    assert plan.erased["drafts"] == 1 and plan.erased["eid_links"] == 1
    assert User.objects.get(pk=applicant.pk).is_active  # looking erases nothing
