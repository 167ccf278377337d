"""The applicant's way through an application: start page, one question page at a time, check, declare, send.

Every page works without JavaScript. Answers are saved on the server at every step, so the applicant can leave
and come back from their cabinet. A draft that is not the signed-in person's is not found (404).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from vikno.applications import selectors, services
from vikno.applications.answers import Problem, read_step
from vikno.applications.constants import AWAITING_PAYMENT, DRAFT
from vikno.applications.definition import Step
from vikno.applications.exceptions import ActionRefused, AnswersIncomplete
from vikno.applications.fees import fee_due
from vikno.applications.models import Application
from vikno.applications.presenting import answer_rows, step_questions
from vikno.applications.uploads import UploadRefused, accepted_kinds
from vikno.catalog import selectors as catalog_selectors
from vikno.catalog.constants import ChannelKind
from vikno.core.access import citizen
from vikno.core.http import client_ip
from vikno.identity.acting import current_party
from vikno.identity.constants import Assurance
from vikno.identity.session import assurance_of

DATE_PARTS = (("day", _lazy("Day"), 2), ("month", _lazy("Month"), 2), ("year", _lazy("Year"), 4))


def address_parts() -> list[tuple[str, str, int | None, str]]:
    return [
        ("street", _("Street"), None, "address-line1"),
        ("building", _("Building"), 5, "off"),
        ("apartment", _("Apartment (optional)"), 5, "off"),
        ("locality", _("City, town or village"), 20, "address-level2"),
        ("region", _("Region (optional)"), 20, "address-level1"),
        ("postcode", _("Postcode"), 5, "postal-code"),
    ]


@citizen
@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, slug: str) -> HttpResponse:
    service = catalog_selectors.service_get_public(slug=slug)
    if service is None:
        raise Http404
    needed = Assurance(service.minimum_assurance)
    current = assurance_of(request)
    if current is None or current < needed:
        # Asked to step up, never refused: the step-up page offers the eID ways that give this level.
        query = urlencode({"level": str(int(needed)), "next": request.get_full_path()})
        return redirect(f"{reverse('identity:step-up')}?{query}")
    stored = selectors.published_definition(service=service)
    if stored is None:
        online = next((c for c in service.channels.all() if c.kind == ChannelKind.ONLINE), None)
        context = {"service": service, "assurance": current, "online": online, "evidence": service.evidence.all()}
        return render(request, "applications/handover.html", context)
    party = current_party(request)
    if request.method == "POST":
        application = services.application_start(
            applicant=request.user, service=service, on_behalf_of=party, source_ip=client_ip(request)
        )
        return redirect(_next_page(application))
    definition = selectors.definition_of(stored)
    draft = selectors.draft_for(citizen=request.user, service=service, on_behalf_of=party)
    context = {
        "service": service,
        "definition": definition,
        "documents": [d for d in definition.documents],
        "deadline_days": definition.workflow.deadline_days,
        "draft": draft,
        "party": party,
        "kinds": accepted_kinds(),
    }
    return render(request, "applications/start.html", context)


def _draft(request: HttpRequest, application_id) -> Application:
    application = selectors.application_get_for_citizen(citizen=request.user, application_id=application_id)
    if application is None:
        raise Http404
    return application


def _next_page(application: Application) -> str:
    """The first step not yet answered well, or "check your answers" when every step is."""
    definition = selectors.definition_of(application.definition)
    if incomplete := services.first_incomplete_step(definition, application.answers):
        return reverse("applications:step", args=[application.pk, incomplete[0].id])
    return reverse("applications:check", args=[application.pk])


def _neighbours(steps: list[Step], step: Step) -> Step | None:
    ids = [s.id for s in steps]
    index = ids.index(step.id) if step.id in ids else 0
    return steps[index - 1] if index > 0 else None


@citizen
@never_cache
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, application_id, step_id: str) -> HttpResponse:
    application = _draft(request, application_id)
    if not application.is_draft:
        return redirect("applications:detail", application.pk)
    definition = selectors.definition_of(application.definition)
    current = definition.form.step(step_id)
    steps = definition.form.visible_steps(application.answers)
    if current is None or current.id not in {s.id for s in steps}:
        raise Http404
    problems: list[Problem] = []
    post = request.POST if request.method == "POST" else None
    status = 200
    if post is not None:
        problems, moved_on = _post_step(request, application, current)
        if moved_on:
            return redirect(moved_on)
        status = 400 if problems else 200
        application.refresh_from_db()
        post = None if not problems else post
    previous = _neighbours(steps, current)
    shown = step_questions(current, application.answers, application, post, problems)
    context = {
        "application": application,
        "service": application.service,
        "step": current,
        "questions": shown,
        # One simple question is the page's heading (GOV.UK "question pages"); otherwise the step's title is.
        "single": len(shown) == 1 and shown[0].kind not in ("group", "address", "file"),
        "date_parts": DATE_PARTS,
        "address_parts": address_parts(),
        "problems": problems,
        "back": reverse("applications:step", args=[application.pk, previous.id]) if previous else None,
        "position": [s.id for s in steps].index(current.id) + 1,
        "total": len(steps),
        "kinds": accepted_kinds(),
        "multipart": any(q.kind == "file" for q in current.questions),
    }
    return render(request, "applications/step.html", context, status=status)


def _post_step(request: HttpRequest, application: Application, current: Step):
    """Save what the step's form carries. Returns (problems, the page to go to next or None to stay)."""
    post = request.POST
    file_questions = [q for q in current.visible_questions(application.answers) if q.kind == "file"]
    for question in file_questions:
        if remove := post.get(f"remove-{question.name}"):
            services.attachment_remove(application=application, question=question, attachment_id=remove)
            return [], None
        upload = request.FILES.get(question.name)
        if upload is not None:
            try:
                services.attachment_add(application=application, question=question, upload=upload, actor=request.user)
            except (UploadRefused, ActionRefused) as error:
                message = error.message if isinstance(error, ActionRefused) else str(error)
                return [Problem(question.name, message)], None
            if "upload" in post:
                return [], None
    values, problems = read_step(current, post, application.answers)
    if problems:
        return problems, None
    if "add_entry" in post:  # another entry of a repeating group: keep what is typed, check it on continue
        services.application_save_step(application=application, values=values)
        return [], None
    # Answers that break the form's rules are shown back to be corrected, never kept.
    problems = services.application_answer_step(application=application, step=current, values=values)
    if problems:
        return problems, None
    application.refresh_from_db()
    if post.get("return") == "check":
        return [], reverse("applications:check", args=[application.pk])
    return [], _after(application, current)


def _after(application: Application, current: Step) -> str:
    definition = selectors.definition_of(application.definition)
    steps = definition.form.visible_steps(application.answers)
    ids = [s.id for s in steps]
    index = ids.index(current.id)
    if index + 1 < len(steps):
        return reverse("applications:step", args=[application.pk, steps[index + 1].id])
    return reverse("applications:check", args=[application.pk])


@citizen
@never_cache
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, application_id) -> HttpResponse:
    application = _draft(request, application_id)
    if not application.is_draft:
        return redirect("applications:submitted", application.pk)
    definition = selectors.definition_of(application.definition)
    error = ""
    if request.method == "POST":
        if request.POST.get("declaration") != "yes":
            error = _("Confirm that the information you gave is correct and complete")
        else:
            try:
                services.application_submit(application=application, actor=request.user, source_ip=client_ip(request))
            except AnswersIncomplete as incomplete:
                return redirect("applications:step", application.pk, incomplete.step_id)
            return redirect("applications:submitted", application.pk)
    context = {
        "application": application,
        "service": application.service,
        "rows": answer_rows(definition.form, application.answers, application),
        "error": error,
        "complete": services.first_incomplete_step(definition, application.answers) is None,
        "fee": fee_due(application),
    }
    return render(request, "applications/check.html", context, status=400 if error else 200)


@citizen
@never_cache
def submitted(request: HttpRequest, application_id) -> HttpResponse:
    application = _draft(request, application_id)
    if application.state == DRAFT:
        return redirect("applications:check", application.pk)
    if application.state == AWAITING_PAYMENT:
        return redirect("payments:pay", application.pk)
    return render(request, "applications/submitted.html", {"application": application})


@citizen
@require_http_methods(["POST"])
def discard(request: HttpRequest, application_id) -> HttpResponse:
    application = _draft(request, application_id)
    try:
        services.draft_discard(application=application, actor=request.user)
    except ActionRefused:
        return redirect("applications:detail", application.pk)
    return redirect("applications:mine")
