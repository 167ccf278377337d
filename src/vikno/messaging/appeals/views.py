"""The citizen's appeals in their cabinet: the list, writing to an authority, the confirmation, one appeal with
its answer, and the files sent with either."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from vikno.applications.uploads import stream
from vikno.core import clock
from vikno.core.access import citizen
from vikno.core.http import client_ip
from vikno.messaging.appeals import presenting, selectors, services
from vikno.messaging.appeals.constants import SUBJECT_MAX_CHARS, AttachmentPart
from vikno.messaging.appeals.exceptions import AppealInvalid, AppealRefused
from vikno.messaging.appeals.models import Appeal

# Where each field's message points in the error summary (a group of radios: its first radio).
ANCHORS = {
    "name": "from",
    "organisation": "organisation",
    "kind": "kind",
    "subject": "subject",
    "text": "text",
    "files": "files",
}
FIELD_ORDER = ("name", "organisation", "kind", "subject", "text", "files")


def _own(request: HttpRequest, appeal_id) -> Appeal:
    appeal = selectors.appeal_get_for_citizen(citizen=request.user, appeal_id=appeal_id)
    if appeal is None:
        raise Http404
    return appeal


@citizen
@never_cache
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    appeals = selectors.appeals_for_citizen(citizen=request.user)
    return render(request, "appeals/mine.html", {"rows": presenting.rows(appeals, today=clock.today())})


def _form_context(request: HttpRequest, *, values: dict[str, str], organisation, fixed: bool) -> dict:
    return {
        "values": values,
        "organisation": organisation,
        # A page that linked here with the authority chosen shows it; otherwise the citizen picks one.
        "fixed": fixed and organisation is not None,
        "organisations": [] if fixed and organisation is not None else selectors.organisations_to_write_to(),
        "kinds": presenting.kind_options(),
        "subject_limit": SUBJECT_MAX_CHARS,
        "text_limit": settings.MESSAGE_MAX_CHARS,
        "limit_hint": presenting.limit_hint(settings.MESSAGE_MAX_CHARS),
        "character_count_i18n": presenting.character_count_i18n(),
        "files_hint": presenting.files_hint(),
        "name": getattr(request.user, "full_name", ""),
    }


@citizen
@never_cache
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        organisation = selectors.organisation_get(organisation_id=request.GET.get("organisation", ""))
        values = {"token": uuid.uuid4().hex, "organisation": str(organisation.pk) if organisation else ""}
        return render(
            request, "appeals/new.html", _form_context(request, values=values, organisation=organisation, fixed=True)
        )
    values = {name: request.POST.get(name, "") for name in ("organisation", "kind", "subject", "text", "token")}
    organisation = selectors.organisation_get(organisation_id=values["organisation"])
    files = request.FILES.getlist("files")
    try:
        appeal = services.appeal_submit(
            citizen=request.user,
            organisation=organisation,
            kind=values["kind"],
            subject=values["subject"],
            text=values["text"],
            files=files,
            submission_key=values["token"],
            source_ip=client_ip(request),
        )
    except AppealInvalid as invalid:
        problems = invalid.problems
    except AppealRefused as refused:
        problems = {"name": refused.message}
    else:
        return redirect("appeals:sent", appeal.pk)
    context = _form_context(request, values=values, organisation=organisation, fixed=request.POST.get("fixed") == "1")
    context["problems"] = problems
    context["errors"] = [(ANCHORS[name], problems[name]) for name in FIELD_ORDER if name in problems]
    # A browser never sends a file again: say so when files were chosen and the form came back.
    context["files_again"] = bool(files) and "files" not in problems
    return render(request, "appeals/new.html", context, status=400)


@citizen
@never_cache
@require_GET
def sent(request: HttpRequest, appeal_id) -> HttpResponse:
    return render(request, "appeals/sent.html", {"appeal": _own(request, appeal_id)})


@citizen
@never_cache
@require_GET
def detail(request: HttpRequest, appeal_id) -> HttpResponse:
    appeal = _own(request, appeal_id)
    files = list(appeal.attachments.all())
    context = {
        "appeal": appeal,
        "overdue": appeal.overdue_on(clock.today()),
        "tag": presenting.TAG_CLASSES[appeal.state],
        "sent_files": [f for f in files if f.part == AttachmentPart.APPEAL],
        "answer_files": [f for f in files if f.part == AttachmentPart.ANSWER],
    }
    return render(request, "appeals/detail.html", context)


@citizen
@require_GET
def attachment(request: HttpRequest, appeal_id, attachment_id) -> FileResponse:
    appeal = _own(request, appeal_id)
    found = selectors.attachment_get_for_citizen(citizen=request.user, appeal=appeal, attachment_id=attachment_id)
    if found is None:
        raise Http404
    return stream(found)
