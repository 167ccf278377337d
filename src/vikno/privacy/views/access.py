"""The citizen's "Who looked at my data": every look by an official at their data, newest first, and asking the
organisation why about one of them (the question becomes an appeal to it)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from vikno.core.access import citizen
from vikno.core.http import client_ip
from vikno.messaging.appeals.exceptions import AppealInvalid, AppealRefused
from vikno.privacy import selectors, services


@citizen
@never_cache
@require_GET
def log(request: HttpRequest) -> HttpResponse:
    page, entries = selectors.access_page(citizen=request.user, number=request.GET.get("page"))
    context = {
        "page": page,
        "entries": entries,
        "page_numbers": list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        "shows_names": settings.VIKNO_ACCESS_LOG_SHOWS_OFFICIAL_NAMES,
    }
    return render(request, "privacy/access/log.html", context)


@citizen
@never_cache
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest, access_id: uuid.UUID) -> HttpResponse:
    entry = selectors.access_entry_for_citizen(citizen=request.user, public_id=access_id)
    if entry is None or not entry.can_ask:
        raise Http404
    context: dict = {
        "entry": entry,
        "limit": formats.number_format(services.ASK_MAX_CHARS, force_grouping=True),
        "name": getattr(request.user, "full_name", ""),
    }
    if request.method == "GET":
        context["values"] = {"question": "", "key": uuid.uuid4().hex}
        return render(request, "privacy/access/ask.html", context)
    values = {"question": request.POST.get("question", ""), "key": request.POST.get("key", "")}
    try:
        appeal = services.data_access_ask(
            citizen=request.user,
            access=entry.access,
            text=values["question"],
            submission_key=values["key"],
            source_ip=client_ip(request),
        )
    except AppealInvalid as invalid:
        problems = invalid.problems
    except AppealRefused as refused:
        problems = {"name": refused.message}
    else:
        return redirect("appeals:sent", appeal.pk)
    anchors = {"name": "from", "question": "question"}
    context.update(
        values=values,
        problems=problems,
        errors=[(anchors.get(name, "question"), message) for name, message in problems.items()],
    )
    return render(request, "privacy/access/ask.html", context, status=400)
