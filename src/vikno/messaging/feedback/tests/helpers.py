"""Rows written straight to the database for the feedback tests (the applications and moderation services have
their own tests)."""

from vikno.applications.models import Application
from vikno.applications.selectors import published_definition
from vikno.core import clock, reference
from vikno.messaging.feedback.constants import QuestionState
from vikno.messaging.feedback.models import PublicQuestion, Rating


def application_row(service, applicant, *, outcome: str = "approval", state: str = "", organisation=None):
    """An application the authority decided (approval or refusal), the applicant withdrew (withdrawn) or, with
    outcome="", one still being considered."""
    states = {"approval": "approved", "refusal": "refused", "withdrawn": "withdrawn", "": "in_review"}
    return Application.objects.create(
        reference=reference.make(2026),
        applicant=applicant,
        definition=published_definition(service=service),
        service=service,
        organisation=organisation or service.competent_authority,
        state=state or states[outcome],
        answers={},
        submitted_at=clock.now(),
        outcome=outcome,
        decided_at=clock.now() if outcome else None,
    )


def question_row(service, asker, asked: str, *, state: str = QuestionState.PENDING, answer: str = "", **fields):
    """A question as asked; published ones get an answer and a date, and `text=` for what was published."""
    values = {"asked_text": asked, "text": asked, "state": state, "answer": answer}
    if state == QuestionState.PUBLISHED:
        values["answer"] = answer or "Відповідь органу."
        values["published_at"] = clock.now()
    values.update(fields)
    return PublicQuestion.objects.create(service=service, asked_by=asker, **values)


def rating_row(service, score: int, *, comment: str = "", organisation=None, application=None) -> Rating:
    return Rating.objects.create(
        application=application,
        service=service,
        organisation=organisation or service.competent_authority,
        score=score,
        comment=comment,
    )
