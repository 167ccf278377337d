"""Documents the portal issued: a signed PDF kept in the private store, and what the public may check about it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vikno.core.models import BaseModel
from vikno.documents import codes


class IssuedDocument(BaseModel):
    """One signed document. The signing key is never here: only the file's hash and who signed it."""

    code = models.CharField(
        _("verification code"),
        max_length=codes.LENGTH,
        unique=True,
        editable=False,
        help_text=_("Printed on the document; anyone can check the document with it."),
    )
    organisation = models.ForeignKey(
        "catalog.Organisation",
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="issued_documents",
    )
    title = models.CharField(_("title"), max_length=300)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_documents",
    )
    # What the document was issued for, in the terms of the app that asked (an application, a decision).
    source_type = models.CharField(_("issued for (type)"), max_length=100)
    source_id = models.CharField(_("issued for (id)"), max_length=100)
    language = models.CharField(_("language"), max_length=8, default="uk")
    file_name = models.CharField(_("file in the private store"), max_length=255, editable=False)
    sha256 = models.CharField(_("SHA-256 of the signed file"), max_length=64, unique=True, editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"), editable=False)
    signer_subject = models.TextField(_("signed by (certificate subject)"), editable=False)
    certificate_serial = models.CharField(_("certificate serial number"), max_length=64, editable=False)
    issued_at = models.DateTimeField(_("issued on"), editable=False)
    revoked_at = models.DateTimeField(_("revoked on"), null=True, blank=True, editable=False)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True, editable=False)
    is_demo = models.BooleanField(
        _("demo"), default=False, editable=False, help_text=_("Signed with a demo certificate: not a real document.")
    )

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-issued_at"]
        permissions = [("revoke_issueddocument", _("Can revoke issued documents"))]
        indexes = [models.Index(fields=["source_type", "source_id"], name="document_source_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revocation_reason=""),
                name="document_revocation_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_code} {self.title}"

    @property
    def display_code(self) -> str:
        return codes.display(self.code)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def verification_url(self) -> str:
        return verification_url(self.code)


def verification_url(code: str) -> str:
    """The public address where anyone checks the document (printed on it, and in its QR code)."""
    return f"{settings.SITE_URL}/verify/{codes.display(code)}/"
