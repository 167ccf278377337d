"""Downloading one's data: a versioned JSON of everything held and a readable PDF, each download audited, read
with a fixed number of queries; only ever the signed-in person's own data."""

# ruff: noqa: F811  (the fixtures are imported from rights_fixtures and named as arguments)

import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from vikno.audit.models import AuditRecord
from vikno.identity.models import EidIdentity, Passkey, SignedInSession
from vikno.identity.tests.factories import citizen
from vikno.identity.tests.helpers import sign_in_citizen, sign_in_official
from vikno.messaging.conversations import message_send_by_citizen
from vikno.messaging.models import IncomingSms
from vikno.messaging.sms.commands import sms_receive
from vikno.privacy.models import DataSubjectRequest
from vikno.privacy.rights import consents
from vikno.privacy.rights.constants import RequestState
from vikno.privacy.rights.export import FORMAT, personal_data
from vikno.privacy.rights.requests import data_request_submit
from vikno.privacy.services import data_access_record
from vikno.privacy.tests.rights_fixtures import (  # noqa: F401  (pytest fixtures)
    _private_files,
    applicant,
    at,
    authority,
    definition,
    now,
    officer,
    other_citizen,
    service,
    signed_in,
    submitted,
    told,
)

pytestmark = pytest.mark.django_db

TOP_LEVEL = [
    "format",
    "generated_at",
    "portal",
    "language",
    "person",
    "sign_in",
    "mandates",
    "applications",
    "notifications",
    "appeals",
    "ratings",
    "public_questions",
    "sms_sent",
    "payments",
    "documents",
    "consents",
    "requests",
    "data_access_log",
    "activity",
    "not_included",
]


@pytest.fixture
def history(now, applicant, service, officer):
    """A person who signed in with eID, applied, wrote to the authority, agreed, asked and was looked at."""
    EidIdentity.objects.create(
        user=applicant, provider="demo", issuer="https://eid.example", subject="SECRET-SUBJECT", last_used_at=now
    )
    SignedInSession.objects.create(user=applicant, method="eid:demo", ip_address="192.0.2.7", last_seen_at=now)
    Passkey.objects.create(user=applicant, name="Мій ноутбук", credential_id=b"id", public_key=b"PUBLIC-KEY-BYTES")
    application = submitted(applicant, service)
    message_send_by_citizen(application=application, citizen=applicant, text="Чи все гаразд із заявою?")
    consents.consent_give(person=applicant, key="email_notifications")
    data_request_submit(person=applicant, kind="correction", text="По батькові: Петрівна")
    data_access_record(official=officer, subject=applicant, target=application, purpose="processing")
    told(applicant)
    return application


def test_the_json_holds_everything_about_the_person_under_a_versioned_structure(signed_in, applicant, history):
    response = signed_in.get(reverse("privacy:export-json"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="vikno-my-data-2026-06-01.json"'
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert list(data) == TOP_LEVEL
    assert data["format"] == FORMAT == "vikno.personal-data/1"
    assert data["person"]["last_name"] == "Шевченко"
    assert data["person"]["rnokpp"] == applicant.rnokpp
    assert data["person"]["phone"] == "+380671234567"
    assert data["sign_in"]["eid"] == [
        {
            "provider": "demo",
            "issuer": "https://eid.example",
            "first_used_at": data["sign_in"]["eid"][0]["first_used_at"],
            "last_used_at": "2026-06-01T10:00:00+03:00",
        }
    ]
    assert data["sign_in"]["passkeys"][0]["name"] == "Мій ноутбук"
    assert data["sign_in"]["sessions"][0]["ip_address"] == "192.0.2.7"
    [application] = data["applications"]
    assert application["reference"] == history.reference
    assert application["answers"]["full_name"] == "Шевченко Олена Петрівна"
    assert [file["name"] for file in application["files"]] == ["passport.png"]
    assert application["timeline"][0]["what"]
    assert application["messages"][0]["text"] == "Чи все гаразд із заявою?"
    assert [c["consent"] for c in data["consents"]] == ["email_notifications"]
    assert data["consents"][0]["version"] == 1 and data["consents"][0]["text"].startswith("Я погоджуюся")
    assert data["requests"][0]["text"] == "По батькові: Петрівна"
    assert data["data_access_log"][0]["purpose"] == "processing"
    assert {n["event"] for n in data["notifications"]} >= {"application_submitted", "privacy_request_received"}
    assert any(row["action"] == "privacy.consent_given" for row in data["activity"])
    # Secrets are never in it: the eID subject, the passkey's key.
    text = response.content.decode()
    assert "SECRET-SUBJECT" not in text and "PUBLIC-KEY" not in text


def test_each_download_is_audited_without_its_content(signed_in, applicant, history):
    signed_in.get(reverse("privacy:export-json"))
    signed_in.get(reverse("privacy:export-pdf"))

    records = AuditRecord.objects.filter(action="privacy.data_exported").order_by("occurred_at", "sequence")
    assert [(r.actor_id, r.object_id, r.details["format"]) for r in records] == [
        (applicant.pk, str(applicant.pk), "json"),
        (applicant.pk, str(applicant.pk), "pdf"),
    ]
    assert all(set(r.details) == {"format", "version", "bytes"} for r in records)


def test_the_pdf_is_readable_with_the_same_data(signed_in, history):
    response = signed_in.get(reverse("privacy:export-pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Шевченко" in text
    assert history.reference in text
    assert "Мій ноутбук" in text
    assert "1 червня 2026" in text  # dates written out for people, in Ukrainian


def test_reading_the_data_takes_the_same_queries_for_one_application_or_many(
    applicant, service, now, django_assert_num_queries
):
    submitted(applicant, service)
    personal_data(person=applicant)  # the definition is read once per process
    with django_assert_num_queries(23) as one:
        personal_data(person=applicant)
    submitted(applicant, service)
    submitted(applicant, service)
    with django_assert_num_queries(len(one.captured_queries)):
        data = personal_data(person=applicant)
    assert len(data["applications"]) == 3


def test_a_person_downloads_only_their_own_data(client, other_citizen, history):
    sign_in_citizen(client, other_citizen)

    data = json.loads(client.get(reverse("privacy:export-json")).content)

    assert data["person"]["last_name"] == "Іваненко"
    assert data["applications"] == [] and data["requests"] == [] and data["consents"] == []
    assert history.reference not in json.dumps(data, ensure_ascii=False)


def test_officials_and_strangers_cannot_download(client, officer):
    anonymous = client.get(reverse("privacy:export-json"))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/sign-in/")
    sign_in_official(client, officer)
    assert client.get(reverse("privacy:export-json")).status_code == 403
    assert not AuditRecord.objects.filter(action="privacy.data_exported").exists()


def test_the_my_data_page_links_the_downloads_and_lists_the_requests_in_fixed_queries(
    signed_in, applicant, now, django_assert_num_queries
):
    filed = [data_request_submit(person=applicant, kind="erasure")]
    for text in ("Прізвище", "Дата народження", "По батькові"):
        answered = data_request_submit(person=applicant, kind="correction", text=text)
        DataSubjectRequest.objects.filter(pk=answered.pk).update(state=RequestState.COMPLETED, handled_at=now)
        filed.append(answered)
    signed_in.get(reverse("privacy:my-data"))
    # session, user, the requests, and the inbox count in the menu: however many requests there are.
    with django_assert_num_queries(4):
        response = signed_in.get(reverse("privacy:my-data"))
    page = response.content.decode()
    assert response.status_code == 200
    assert reverse("privacy:export-json") in page and reverse("privacy:export-pdf") in page
    assert all(item.reference in page for item in filed)


def test_the_sms_the_person_sent_are_in_the_download_and_no_one_elses(applicant, now):
    sms_receive(gateway_id="gateway-1", phone_number=applicant.phone, text="STATUS 26-0000-0000-0")
    sms_receive(gateway_id="gateway-2", phone_number="+380501112233", text="HELP")
    received = IncomingSms.objects.get(gateway_id="gateway-1").created_at
    data = personal_data(person=applicant)
    assert data["sms_sent"] == [
        {"at": timezone.localtime(received).isoformat(), "text": "STATUS 26-0000-0000-0", "command": "status"}
    ]
    assert not any("SMS" in line for line in data["not_included"])


def test_sms_from_a_number_two_accounts_hold_are_in_neither_download(applicant, now):
    sharer = citizen("Петро", email="petro@example.com", phone=applicant.phone)
    sms_receive(gateway_id="gateway-1", phone_number=applicant.phone, text="STATUS 26-0000-0000-0")
    assert personal_data(person=applicant)["sms_sent"] == []
    assert personal_data(person=sharer)["sms_sent"] == []
