"""verify_pdf: what a PDF someone holds really is. Bad input never raises."""

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vikno.documents import pki, selectors, services, signing
from vikno.documents.constants import InvalidReason, VerificationStatus
from vikno.documents.tests.helpers import (
    append_forged_text,
    flip_byte_in_content,
    flip_byte_in_signature,
    signed_elsewhere,
    unsigned_pdf,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(document) -> bytes:
    return selectors.document_open(document=document)


def test_the_issued_file_is_valid(document, data):
    verification = services.verify_pdf(data=data)
    assert verification.status == VerificationStatus.VALID
    assert verification.reason is None
    assert verification.document == document
    assert verification.revoked_at is None


def test_a_byte_changed_in_the_content_makes_it_invalid(data):
    verification = services.verify_pdf(data=flip_byte_in_content(data))
    assert verification.status == VerificationStatus.INVALID
    assert verification.reason == InvalidReason.CHANGED
    assert verification.document is None


def test_a_byte_changed_in_the_signature_makes_it_invalid(data):
    verification = services.verify_pdf(data=flip_byte_in_signature(data))
    assert verification.status == VerificationStatus.INVALID
    assert verification.reason in (InvalidReason.BROKEN, InvalidReason.CHANGED)


def test_content_added_after_signing_makes_it_invalid(data):
    forged = append_forged_text(data)
    assert forged.startswith(data)  # the signed revision is untouched; an update follows it
    verification = services.verify_pdf(data=forged)
    assert verification.status == VerificationStatus.INVALID
    assert verification.reason == InvalidReason.CHANGED
    assert verification.signer_organisation == "Державна міграційна служба України"


@pytest.mark.parametrize("keep", [0.5, 0.99, 0.01])
def test_a_truncated_file_is_invalid(data, keep):
    verification = services.verify_pdf(data=data[: int(len(data) * keep)])
    assert verification.status in (VerificationStatus.INVALID, VerificationStatus.NOT_PDF)
    assert verification.document is None


def test_a_file_with_bytes_appended_is_invalid(data):
    verification = services.verify_pdf(data=data + b"\n% appended\n")
    assert verification.status == VerificationStatus.INVALID


def test_a_pdf_signed_by_a_ca_the_portal_does_not_trust_is_invalid(tmp_path):
    verification = services.verify_pdf(data=signed_elsewhere(tmp_path / "elsewhere"))
    assert verification.status == VerificationStatus.INVALID
    assert verification.reason == InvalidReason.UNTRUSTED
    assert verification.signer_organisation == "ТОВ «Чужий центр сертифікації»"
    assert verification.is_demo is False


def test_a_revoked_document_is_revoked(document, data):
    services.document_revoke(document=document, actor=None, reason="Рішення скасовано")
    verification = services.verify_pdf(data=data)
    assert verification.status == VerificationStatus.REVOKED
    document.refresh_from_db()
    assert verification.revoked_at == document.revoked_at
    assert verification.document == document


def test_a_validly_signed_pdf_the_portal_did_not_issue_is_unknown(organisation):
    seal = signing.load_seal(pki.signing_material_for(organisation))
    verification = services.verify_pdf(data=signing.sign_pdf(unsigned_pdf(), seal))
    assert verification.status == VerificationStatus.UNKNOWN
    assert verification.signer_organisation == "Державна міграційна служба України"
    assert verification.document is None


def test_an_unsigned_pdf_is_not_signed(signing_pki):
    assert services.verify_pdf(data=unsigned_pdf()).status == VerificationStatus.NOT_SIGNED


def test_without_trust_roots_nothing_is_valid(data, settings, tmp_path):
    settings.VIKNO_SIGNING_DIR = tmp_path / "no-pki"
    verification = services.verify_pdf(data=data)
    assert verification.status == VerificationStatus.INVALID
    assert verification.reason == InvalidReason.UNTRUSTED


def test_extra_trust_roots_come_from_the_setting(data, signing_pki, settings, tmp_path):
    settings.VIKNO_SIGNING_DIR = tmp_path / "no-pki"
    settings.VIKNO_SIGNING_TRUST_ROOTS = [str(signing_pki.directory / pki.CA_CERTIFICATE)]
    assert services.verify_pdf(data=data).status == VerificationStatus.VALID


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"", VerificationStatus.NOT_PDF),
        (b"hello", VerificationStatus.NOT_PDF),
        (b"PK\x03\x04 a zip file", VerificationStatus.NOT_PDF),
        (b"%PDF-1.7\n", VerificationStatus.INVALID),
        (b"%PDF-1.7\n%%EOF\n", VerificationStatus.INVALID),
        (b"%PDF-1.7\n" + os.urandom(5000), VerificationStatus.INVALID),
        (b"%PDF-1.7\ntrailer\n<< /Root 1 0 R >>\nstartxref\n999999\n%%EOF", VerificationStatus.INVALID),
    ],
)
def test_garbage_is_not_a_pdf_or_invalid(signing_pki, data, status):
    assert services.verify_pdf(data=data).status == status


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=st.binary(max_size=2000), header=st.booleans())
def test_arbitrary_bytes_never_raise(signing_pki, junk, header):
    verification = services.verify_pdf(data=(b"%PDF-1.4\n" if header else b"") + junk)
    assert verification.status in (
        VerificationStatus.NOT_PDF,
        VerificationStatus.INVALID,
        VerificationStatus.NOT_SIGNED,
    )
