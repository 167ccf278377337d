"""Reads of issued documents. What the public learns from a code is only what the verification page shows."""

import hashlib

from django.db.models import QuerySet

from vikno.core.storage import private_storage
from vikno.documents import codes
from vikno.documents.models import IssuedDocument


def document_get_by_code(*, code: str) -> IssuedDocument | None:
    """The document with the code as a person typed it (any case, spaces or dashes), or None."""
    normalised = codes.parse(code)
    if normalised is None:
        return None
    return IssuedDocument.objects.select_related("organisation").filter(code=normalised).first()


def document_get_by_sha256(*, sha256: str) -> IssuedDocument | None:
    return IssuedDocument.objects.select_related("organisation").filter(sha256=sha256).first()


def document_get_by_content(*, data: bytes) -> IssuedDocument | None:
    """The document whose signed file is exactly these bytes, or None."""
    return document_get_by_sha256(sha256=hashlib.sha256(data).hexdigest())


def document_for_source(*, source_type: str, source_id: str) -> IssuedDocument | None:
    """The latest document not revoked that was issued for the source (an application, a decision), or None."""
    return (
        IssuedDocument.objects.filter(source_type=source_type, source_id=str(source_id), revoked_at__isnull=True)
        .order_by("-issued_at", "-created_at")
        .first()
    )


def documents_for_holder(*, holder) -> QuerySet[IssuedDocument]:
    """The documents issued to a person, newest first (for their account)."""
    return IssuedDocument.objects.filter(holder=holder).select_related("organisation").order_by("-issued_at")


def document_open(*, document: IssuedDocument) -> bytes:
    """The signed PDF's bytes from the private store. The caller has checked the reader may have them."""
    with private_storage().open(document.file_name, "rb") as handle:
        return handle.read()
