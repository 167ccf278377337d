"""Issuing and revoking documents. Other apps call these; the verification of a PDF is here too (`verify_pdf`).

Issuing renders and signs outside the database transaction (it takes a moment), stores the signed file in
the private store, then writes the row and the audit record in one transaction. When that transaction fails
the file is removed again. Issuing twice for the same source gives two documents: the caller asks
`selectors.document_for_source` first when it must issue only once.
"""

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from vikno.audit.services import record
from vikno.catalog.models import Organisation
from vikno.core import clock
from vikno.core.storage import private_storage
from vikno.documents import codes, pki, rendering, signing
from vikno.documents.exceptions import AlreadyRevoked, ReasonRequired
from vikno.documents.models import IssuedDocument
from vikno.documents.verification import Verification, verify_pdf
from vikno.identity.models import User

__all__ = ["Verification", "document_issue", "document_revoke", "verify_pdf"]

MAX_CODE_ATTEMPTS = 5


def _new_code() -> str:
    for _attempt in range(MAX_CODE_ATTEMPTS):
        code = codes.generate()
        if not IssuedDocument.objects.filter(code=code).exists():
            return code
    raise RuntimeError("could not find an unused verification code")  # 53 bits: never in practice


def document_issue(
    *,
    organisation: Organisation,
    title: str,
    body_html: str,
    holder: User | None,
    source_type: str,
    source_id: str,
    actor,
    language: str = "uk",
) -> IssuedDocument:
    """Render the document on the organisation's letterhead, seal it (PAdES) with the organisation's key, keep
    it in the private store and record it. `body_html` is an already rendered, safe HTML fragment.

    Raises SigningNotConfigured when the organisation has no signing key (nor is there a default one)."""
    seal = signing.load_seal(pki.signing_material_for(organisation))
    issued_at = clock.now()
    code = _new_code()
    with translation.override(language):
        pdf = rendering.render_pdf(
            organisation=organisation,
            title=title,
            body_html=body_html,
            code=code,
            issued_at=issued_at,
            demo=seal.is_demo,
        )
        reason = _("Issued through the portal")
    signed = signing.sign_pdf(pdf, seal, reason=reason)
    digest = hashlib.sha256(signed).hexdigest()
    storage = private_storage()
    file_name = storage.save(f"documents/{issued_at:%Y/%m}/{code}.pdf", ContentFile(signed))
    try:
        with transaction.atomic():
            document = IssuedDocument.objects.create(
                code=code,
                organisation=organisation,
                title=title,
                holder=holder,
                source_type=source_type,
                source_id=str(source_id),
                language=language,
                file_name=file_name,
                sha256=digest,
                size=len(signed),
                signer_subject=seal.subject,
                certificate_serial=seal.serial,
                issued_at=issued_at,
                is_demo=seal.is_demo,
            )
            record(
                actor=actor,
                action="documents.issued",
                target=document,
                details={
                    "code": code,
                    "organisation": str(organisation.pk),
                    "source_type": source_type,
                    "source_id": str(source_id),
                    "sha256": digest,
                    "certificate_serial": seal.serial,
                    "demo": seal.is_demo,
                },
            )
    except BaseException:
        storage.delete(file_name)
        raise
    return document


@transaction.atomic
def document_revoke(*, document: IssuedDocument, actor, reason: str, source_ip: str | None = None) -> IssuedDocument:
    """Mark a document revoked: its verification page and every check of its file say so from now on.

    The caller decides who may revoke (the admin checks the revoke permission and the official's
    organisations; an application's workflow revokes a decision it annuls)."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    locked = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    if locked.revoked_at is not None:
        raise AlreadyRevoked()
    locked.revoked_at = clock.now()
    locked.revocation_reason = reason
    locked.save(update_fields=["revoked_at", "revocation_reason", "updated_at"])
    record(
        actor=actor,
        action="documents.revoked",
        target=locked,
        source_ip=source_ip,
        reason=reason,
        details={"code": locked.code},
    )
    return locked
