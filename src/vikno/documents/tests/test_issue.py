"""Issuing, revoking and finding documents."""

import hashlib
from pathlib import Path

import pytest
from django.conf import settings

from vikno.audit.models import AuditRecord
from vikno.catalog.tests.factories import OrganisationFactory
from vikno.documents import codes, selectors, services
from vikno.documents.constants import VerificationStatus
from vikno.documents.exceptions import AlreadyRevoked, ReasonRequired, SigningNotConfigured
from vikno.documents.models import IssuedDocument
from vikno.documents.tests.conftest import PHRASE, issue
from vikno.documents.tests.helpers import text_of
from vikno.identity.tests.factories import citizen, official

pytestmark = pytest.mark.django_db


def test_an_issued_document_is_a_signed_pdf_in_the_private_store_with_an_audit_record(organisation, tmp_path):
    holder = citizen()
    actor = official("officer@dms.example", organisation)
    document = issue(organisation, holder=holder, actor=actor)

    path = Path(settings.VIKNO_PRIVATE_STORAGE_DIR) / document.file_name
    assert path.is_file()
    assert path.resolve().is_relative_to((tmp_path / "private").resolve())
    assert not path.resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert path.stat().st_mode & 0o077 == 0  # only the portal's own user reads it
    # On disk it is encrypted (privacy.storage); read through the store it is the signed PDF.
    assert path.read_bytes().startswith(b"VKF1") and b"%PDF-" not in path.read_bytes()
    data = selectors.document_open(document=document)
    assert data.startswith(b"%PDF-")
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.size == len(data)

    assert codes.is_valid(document.code)
    assert document.holder == holder
    assert document.organisation == organisation
    assert (document.source_type, document.source_id) == ("applications.application", "application-1")
    assert document.is_demo is True
    assert "NTRUA-37508470" in document.signer_subject
    assert document.certificate_serial
    assert document.revoked_at is None

    audit = AuditRecord.objects.get(action="documents.issued")
    assert audit.actor == actor
    assert (audit.object_type, audit.object_id) == ("documents.issueddocument", str(document.pk))
    assert audit.details["code"] == document.code
    assert audit.details["sha256"] == document.sha256
    assert PHRASE not in str(audit.details)  # the content of the document never goes to the audit trail

    verification = services.verify_pdf(data=data)
    assert verification.status == VerificationStatus.VALID
    assert verification.signer_organisation == "Державна міграційна служба України"
    assert verification.document == document
    assert verification.is_demo is True
    assert verification.signed_at is not None


def test_the_pdf_shows_the_letterhead_the_ukrainian_text_the_code_and_the_demo_marker(organisation):
    document = issue(organisation)
    text = " ".join(text_of(selectors.document_open(document=document)).split())
    assert "Державна міграційна служба України" in text
    assert "37508470" in text
    assert "Рішення про реєстрацію місця проживання" in text
    assert PHRASE in text
    assert document.display_code in text
    assert f"{settings.SITE_URL}/verify/{document.display_code}/" in text
    assert "ДЕМО — НЕ СПРАВЖНІЙ ДОКУМЕНТ / DEMO — NOT A REAL DOCUMENT" in text


def test_a_document_in_english_has_english_labels_and_the_english_name(organisation):
    document = issue(organisation, language="en", title="Decision on registration")
    text = " ".join(text_of(selectors.document_open(document=document)).split())
    assert "State Migration Service of Ukraine" in text
    assert "Date of issue" in text
    assert "Verification code" in text
    assert document.language == "en"


def test_an_organisation_without_a_certificate_of_its_own_signs_with_the_default_one(signing_pki):
    organisation = OrganisationFactory(name_uk="Нова громада")
    document = issue(organisation)
    verification = services.verify_pdf(data=selectors.document_open(document=document))
    assert verification.status == VerificationStatus.VALID
    assert verification.signer_organisation == "Vikno DEMO document signer"
    assert verification.document == document


def test_without_a_signing_key_nothing_is_issued_stored_or_recorded(settings, tmp_path):
    settings.VIKNO_SIGNING_DIR = tmp_path / "empty-pki"
    settings.VIKNO_PRIVATE_STORAGE_DIR = tmp_path / "private"
    with pytest.raises(SigningNotConfigured):
        issue(OrganisationFactory())
    assert not IssuedDocument.objects.exists()
    assert not AuditRecord.objects.exists()
    assert not (tmp_path / "private").exists()


def test_when_recording_fails_the_stored_file_is_removed(organisation, settings, monkeypatch):
    def broken_record(**kwargs):
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr(services, "record", broken_record)
    with pytest.raises(RuntimeError):
        issue(organisation)
    assert not IssuedDocument.objects.exists()
    assert [p for p in Path(settings.VIKNO_PRIVATE_STORAGE_DIR).rglob("*") if p.is_file()] == []


def test_every_document_gets_its_own_code_and_file(organisation):
    first, second = issue(organisation), issue(organisation)
    assert first.code != second.code
    assert first.file_name != second.file_name
    assert first.sha256 != second.sha256


def test_the_latest_document_not_revoked_is_the_one_for_the_source(organisation):
    assert selectors.document_for_source(source_type="applications.application", source_id="application-1") is None
    first = issue(organisation)
    second = issue(organisation)
    issue(organisation, source_id="application-2")
    assert selectors.document_for_source(source_type="applications.application", source_id="application-1") == second
    services.document_revoke(document=second, actor=None, reason="Видано помилково")
    assert selectors.document_for_source(source_type="applications.application", source_id="application-1") == first
    services.document_revoke(document=first, actor=None, reason="Рішення скасовано")
    assert selectors.document_for_source(source_type="applications.application", source_id="application-1") is None


def test_a_document_is_found_by_its_code_as_people_type_it(document):
    display = document.display_code
    assert selectors.document_get_by_code(code=display) == document
    assert selectors.document_get_by_code(code=document.code.lower()) == document
    assert selectors.document_get_by_code(code=f"  {display.replace('-', ' ')} ") == document
    mistyped = document.code[:-1] + next(c for c in codes.ALPHABET if c != document.code[-1])
    assert selectors.document_get_by_code(code=mistyped) is None
    assert selectors.document_get_by_code(code="") is None


def test_revoking_records_when_why_and_who(document):
    officer = official("supervisor@dms.example", document.organisation)
    revoked = services.document_revoke(document=document, actor=officer, reason="Рішення скасовано судом")
    document.refresh_from_db()
    assert document.revoked_at is not None and document.revoked_at == revoked.revoked_at
    assert document.revocation_reason == "Рішення скасовано судом"
    audit = AuditRecord.objects.get(action="documents.revoked")
    assert audit.actor == officer
    assert audit.reason == "Рішення скасовано судом"
    assert audit.object_id == str(document.pk)


def test_revoking_needs_a_reason_and_happens_once(document):
    with pytest.raises(ReasonRequired):
        services.document_revoke(document=document, actor=None, reason="  ")
    document.refresh_from_db()
    assert document.revoked_at is None
    services.document_revoke(document=document, actor=None, reason="Помилка в даних")
    with pytest.raises(AlreadyRevoked):
        services.document_revoke(document=document, actor=None, reason="Ще раз")
    assert AuditRecord.objects.filter(action="documents.revoked").count() == 1
    document.refresh_from_db()
    assert document.revocation_reason == "Помилка в даних"
