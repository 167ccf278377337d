from vikno.applications.answers import Problem


class ActionRefused(Exception):
    """The action is not possible now (wrong state, no right to take it); the message says why, translated."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CaseChanged(Exception):
    """Somebody else changed the case since the official opened it; nothing was written."""


class AnswersIncomplete(Exception):
    """Submission refused: the first step with problems, and the problems."""

    def __init__(self, step_id: str, problems: list[Problem]):
        super().__init__(step_id)
        self.step_id = step_id
        self.problems = problems
