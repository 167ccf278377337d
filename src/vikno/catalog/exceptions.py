from django.utils.translation import gettext_lazy as _


class CatalogError(Exception):
    """A change of the catalogue that is not allowed; the message is shown to the editor."""

    default_message = _("This change is not allowed.")

    def __init__(self, message=None):
        super().__init__(message or self.default_message)
        self.message = message or self.default_message


class NotPermitted(CatalogError):
    default_message = _("You are not allowed to do this for this organisation.")


class InvalidTransition(CatalogError):
    default_message = _("The service is not in a state that allows this.")
