class FeedbackRefused(Exception):
    """The action is not possible (wrong state, not the person's to take, already done); the message says why,
    translated. `conflict` marks a refusal caused by somebody else acting first."""

    def __init__(self, message: str, *, conflict: bool = False):
        super().__init__(message)
        self.message = message
        self.conflict = conflict


class PersonalDataFound(FeedbackRefused):
    """A question cannot be published while it still looks like it holds personal data."""

    def __init__(self, message: str, *, kinds: list[str]):
        super().__init__(message)
        self.kinds = kinds
