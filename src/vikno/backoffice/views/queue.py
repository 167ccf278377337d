"""The work queue: an official's cases, filtered and soonest deadline first; assigning many at once."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from vikno.applications import casework, selectors
from vikno.backoffice import pages
from vikno.backoffice.forms import ME, PAGE_SIZE, BulkAssignForm, QueueFilterForm
from vikno.core import clock
from vikno.core.access import official
from vikno.core.http import client_ip
from vikno.messaging import conversations

QUERY_KEYS = ("service", "state", "assignee", "deadline", "page")


def _kept_query(query: QueryDict) -> str:
    """The queue's own parameters from a query string, and nothing else (it goes back into a redirect)."""
    kept: dict[str, str] = {}
    for key in QUERY_KEYS:
        value = query.get(key)
        if isinstance(value, str) and value:
            kept[key] = value[:100]
    return urlencode(kept)


def _queue_page(request: HttpRequest, query: QueryDict, *, bulk: BulkAssignForm | None = None) -> HttpResponse:
    choices = pages.filter_choices(official=request.user)
    form = QueueFilterForm(query, services=choices.services, states=choices.states, officials=choices.officials)
    context = {
        "form": form,
        "bulk": bulk or BulkAssignForm(officials=choices.officials),
        "query": _kept_query(query),
        "page": None,
        "rows": [],
        "ticked": set(request.POST.getlist("cases")) if bulk is not None else set(),
    }
    status = 400 if bulk is not None else 200
    if form.is_valid():
        cases = selectors.cases_for_official(official=request.user, filters=form.filters())
        # Each row's unread messages from the applicant are counted in the page's own query.
        cases = conversations.with_unread_for_authority(cases)
        page = Paginator(cases.select_related("pending_decision"), PAGE_SIZE).get_page(query.get("page"))
        workflows = pages.Workflows(choices.definitions)
        context["page"] = page
        context["page_numbers"] = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
        context["rows"] = pages.queue_rows(page.object_list, workflows=workflows, today=clock.today())
        context["filter_query"] = urlencode(form.query())
    else:
        status = 400
    return render(request, "backoffice/queue.html", context, status=status)


@official
@never_cache
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    return _queue_page(request, request.GET)


@official
@never_cache
@require_POST
def bulk_assign(request: HttpRequest) -> HttpResponse:
    officials = selectors.case_handlers(official=request.user)
    choices = [(str(p.pk), pages.person_name(p)) for p in officials if p.pk != request.user.pk]
    form = BulkAssignForm(request.POST, officials=choices)
    query = QueryDict(request.POST.get("query", "")[:1000])
    if not form.is_valid():
        return _queue_page(request, query, bulk=form)
    chosen = form.cleaned_data["assignee"]
    assignee = request.user if chosen == ME else next(p for p in officials if str(p.pk) == chosen)
    cases = list(selectors.cases_for_official(official=request.user).filter(pk__in=form.cleaned_data["cases"]))
    done = casework.cases_assign(
        applications=cases, official=request.user, assignee=assignee, source_ip=client_ip(request)
    )
    messages.success(request, ngettext("%(count)d case assigned", "%(count)d cases assigned", done) % {"count": done})
    kept = _kept_query(query)
    return redirect(reverse("backoffice:queue") + (f"?{kept}" if kept else ""))
