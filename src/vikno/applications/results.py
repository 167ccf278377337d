"""The result of a decided application: the outcome's document template, rendered, signed and issued."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.template import Context, Template
from django.utils import formats, timezone, translation

from vikno.applications import notices
from vikno.applications.answers import visible_answers
from vikno.applications.constants import EventKind, Outcome
from vikno.applications.definition import Definition, text
from vikno.applications.models import Application
from vikno.applications.presenting import readable
from vikno.applications.selectors import definition_of
from vikno.applications.services import add_event
from vikno.audit.services import record
from vikno.core import clock
from vikno.documents.services import document_issue

# Results are issued in the state language; a later issue may add a second copy in the applicant's language.
RESULT_LANGUAGE = "uk"


def result_context(application: Application, definition: Definition) -> dict:
    """Plain values only, so a template written by a service designer reaches nothing but these."""
    answers = visible_answers(definition.form, application.answers)
    files = {str(a.pk): a for a in application.attachments.all()}
    return {
        "reference": application.reference,
        "service": application.service.title,
        "organisation": application.organisation.name,
        "applicant": application.applicant.full_name or application.applicant.email,
        "party": application.party_name,
        "submitted_on": formats.date_format(timezone.localtime(application.submitted_at or clock.now()), "j E Y"),
        "decided_on": formats.date_format(timezone.localtime(application.decided_at or clock.now()), "j E Y"),
        "reasons": application.decision_reasons,
        "answers": answers,
        # The same answers as people read them: dates written out, options by their label, addresses in a line.
        "readable": {
            q.name: ", ".join(readable(q, answers.get(q.name), files))
            for q in definition.form.visible_questions(answers)
        },
    }


def results_missing(*, older_than: dt.timedelta = dt.timedelta(minutes=5)) -> list:
    """Ids of decided applications whose result document is still missing some minutes after the decision."""
    return list(
        Application.objects.filter(
            outcome__in=(Outcome.APPROVAL, Outcome.REFUSAL),
            result_document__isnull=True,
            decided_at__lt=clock.now() - older_than,
        ).values_list("pk", flat=True)[:100]
    )


@transaction.atomic
def result_issue(*, application_id: str) -> Application | None:
    """Issue the signed result once: a retried task finds it issued and does nothing."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("service", "organisation", "applicant", "definition")
        .filter(pk=application_id)
        .first()
    )
    if application is None or application.result_document_id is not None:
        return application
    if application.outcome not in (Outcome.APPROVAL, Outcome.REFUSAL):
        return application
    definition = definition_of(application.definition)
    spec = definition.results[application.outcome]
    with translation.override(RESULT_LANGUAGE):
        context = result_context(application, definition)
        title = text(spec["title"])
        body = Template(text(spec["body"])).render(Context(context, autoescape=True))
    document = document_issue(
        organisation=application.organisation,
        title=title,
        body_html=body,
        holder=application.applicant,
        source_type="applications.application",
        source_id=str(application.pk),
        actor=None,
        language=RESULT_LANGUAGE,
    )
    application.result_document = document
    application.save(update_fields=["result_document", "updated_at"])
    add_event(application, EventKind.RESULT_ISSUED, text=title)
    record(actor=None, action="applications.result_issued", target=application, details={"document": document.code})
    notices.result_ready(application)
    return application
