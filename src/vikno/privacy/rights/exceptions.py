class RightsRefused(Exception):
    """A request about personal data that cannot be done as asked; the message is translated, for the person.

    `field` names the form field the message belongs to (empty: the page as a whole)."""

    def __init__(self, message: str, *, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


class NotDataProtectionOfficer(Exception):
    """The official holds no data protection officer's role."""
