"""Checking a PDF someone holds: is it a document this portal issued, signed and unchanged, and still valid?

Garbage in never raises: it is "not_pdf" or "invalid".
"""

import datetime as dt
import hashlib
import io
import logging
from dataclasses import dataclass

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from vikno.documents import pki
from vikno.documents.constants import PDF_HEADER, PDF_HEADER_WITHIN, InvalidReason, VerificationStatus
from vikno.documents.models import IssuedDocument
from vikno.documents.selectors import document_get_by_sha256

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verification:
    status: VerificationStatus
    reason: InvalidReason | None = None  # why it is invalid
    signer_organisation: str = ""  # from the signing certificate
    signer_subject: str = ""
    signed_at: dt.datetime | None = None  # the time the signer's clock reported (no timestamp authority yet)
    document: IssuedDocument | None = None
    revoked_at: dt.datetime | None = None
    is_demo: bool = False

    @property
    def is_valid(self) -> bool:
        return self.status == VerificationStatus.VALID


def looks_like_pdf(data: bytes) -> bool:
    return PDF_HEADER in data[:PDF_HEADER_WITHIN]


def _invalid(reason: InvalidReason, **facts) -> Verification:
    return Verification(status=VerificationStatus.INVALID, reason=reason, **facts)


def verify_pdf(*, data: bytes) -> Verification:
    if not looks_like_pdf(data):
        return Verification(status=VerificationStatus.NOT_PDF)
    try:
        signatures = list(PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures)
    except Exception as error:  # a damaged file can fail anywhere in the reader
        logger.info("An uploaded PDF could not be read: %s", type(error).__name__)
        return _invalid(InvalidReason.DAMAGED)
    if not signatures:
        return Verification(status=VerificationStatus.NOT_SIGNED)

    facts: dict = {}
    try:
        roots = pki.trust_roots()
        for signature in signatures:
            context = ValidationContext(trust_roots=roots, allow_fetching=False)
            status = validate_pdf_signature(signature, signer_validation_context=context, skip_diff=True)
            certificate = status.signing_cert
            facts = {
                "signer_organisation": _organisation_name(certificate),
                "signer_subject": certificate.subject.human_friendly,
                "signed_at": status.signer_reported_dt,
                "is_demo": pki.is_demo_certificate(certificate),
            }
            if not status.intact:
                return _invalid(InvalidReason.CHANGED, **facts)
            if not status.valid:
                return _invalid(InvalidReason.BROKEN, **facts)
            # Every signature must cover the whole file: nothing may have been added after signing.
            if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
                return _invalid(InvalidReason.CHANGED, **facts)
            if not status.trusted:
                return _invalid(InvalidReason.UNTRUSTED, **facts)
    except Exception as error:  # a malformed signature dictionary or CMS object
        logger.info("A signature in an uploaded PDF could not be validated: %s", type(error).__name__)
        return _invalid(InvalidReason.BROKEN, **facts)

    document = document_get_by_sha256(sha256=hashlib.sha256(data).hexdigest())
    if document is None:
        return Verification(status=VerificationStatus.UNKNOWN, **facts)
    if document.revoked_at is not None:
        return Verification(
            status=VerificationStatus.REVOKED, document=document, revoked_at=document.revoked_at, **facts
        )
    return Verification(status=VerificationStatus.VALID, document=document, **facts)


def _organisation_name(certificate) -> str:
    subject = certificate.subject.native
    return str(subject.get("organization_name") or subject.get("common_name") or "")
