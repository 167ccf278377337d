class AppealRefused(Exception):
    """The action is not possible now or not for this person; the message says why, translated.

    `field` names the input the message is about, when there is one (the page puts the message next to it)."""

    def __init__(self, message: str, *, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


class AppealInvalid(Exception):
    """What the citizen wrote cannot be registered: one translated message per field (in the form's order)."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(", ".join(problems))
        self.problems = problems
