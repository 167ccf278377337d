from django.utils.translation import gettext_lazy as _


class DocumentError(Exception):
    """Something about issuing or revoking a document that is not allowed or not possible."""

    default_message = _("This document cannot be changed like this.")

    def __init__(self, message=None):
        super().__init__(message or self.default_message)
        self.message = message or self.default_message


class SigningNotConfigured(DocumentError):
    """No signing key and certificate for the organisation (nor the default one) in the signing directory."""

    default_message = _("No signing certificate is set up for this organisation.")


class AlreadyRevoked(DocumentError):
    default_message = _("This document has already been revoked.")


class ReasonRequired(DocumentError):
    default_message = _("Enter the reason for revoking the document.")
