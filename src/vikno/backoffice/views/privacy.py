"""The data protection officer's pages: the queue of requests about personal data (the soonest due first, overdue
ones marked), and one request, where the officer erases the account, answers a correction, or refuses with the
reasons. Officials without the role get 403: the queue is the platform's, not an organisation's."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from vikno.core.access import official
from vikno.core.http import client_ip
from vikno.privacy.rights import erasure, requests, selectors
from vikno.privacy.rights.constants import RequestKind, RequestState
from vikno.privacy.rights.exceptions import NotDataProtectionOfficer, RightsRefused
from vikno.privacy.rights.forms import COMPLETE, ERASE, DecisionForm

PAGE_SIZE = 50
STATE_CHOICES = [
    (selectors.OPEN, gettext_lazy("Open requests")),
    (RequestState.COMPLETED, gettext_lazy("Done")),
    (RequestState.REFUSED, gettext_lazy("Refused")),
    (RequestState.ENDED, gettext_lazy("Ended with the account")),
    (selectors.ALL, gettext_lazy("All requests, open first")),
]


def _officer(request: HttpRequest):
    if not requests.is_data_protection_officer(request.user):
        raise PermissionDenied(_("Only the data protection officer handles requests about personal data."))
    return request.user


@official
@never_cache
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    officer = _officer(request)
    state = request.GET.get("state", selectors.OPEN)
    if state not in dict(STATE_CHOICES):
        refused: dict[str, object] = {
            "error": _("Choose one of the options in the list"),
            "choices": STATE_CHOICES,
            "page": None,
        }
        return render(request, "backoffice/privacy/queue.html", refused, status=400)
    try:
        found = selectors.requests_for_officer(officer=officer, state=state)
    except NotDataProtectionOfficer as error:
        raise PermissionDenied from error
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, object] = {
        "page": page,
        "rows": selectors.queue_rows(page.object_list),
        "choices": STATE_CHOICES,
        "state": state,
    }
    return render(request, "backoffice/privacy/queue.html", context)


def _page(request: HttpRequest, found, form: DecisionForm, *, status: int = 200) -> HttpResponse:
    plan = erasure.erasure_plan(person=found.person) if found.kind == RequestKind.ERASURE and found.is_open else None
    context = {
        "data_request": found,
        "form": form,
        "plan": plan,
        "lines": erasure.report_lines({"erased": plan.erased, "kept": plan.kept}) if plan else None,
        "paragraphs": [part for part in found.answer.split("\n\n") if part],
    }
    return render(request, "backoffice/privacy/request.html", context, status=status)


@official
@never_cache
@require_http_methods(["GET", "POST"])
def data_request(request: HttpRequest, request_id) -> HttpResponse:
    officer = _officer(request)
    found = selectors.request_open_for_officer(officer=officer, request_id=request_id)
    if found is None:
        raise Http404
    form = DecisionForm(request.POST if request.method == "POST" else None, kind=found.kind)
    if request.method == "POST" and form.is_valid():
        decision, answer, ip = form.cleaned_data["decision"], form.cleaned_data["answer"], client_ip(request)
        try:
            if decision == ERASE:
                erasure.person_erase(request=found, officer=officer, note=answer, source_ip=ip)
                messages.success(request, _("The account is erased. The person has been told what was kept."))
            elif decision == COMPLETE:
                requests.data_request_complete(request=found, officer=officer, answer=answer, source_ip=ip)
                messages.success(request, _("The answer is sent."))
            else:
                requests.data_request_refuse(request=found, officer=officer, reasons=answer, source_ip=ip)
                messages.success(request, _("The refusal is sent with its reasons."))
        except RightsRefused as refused:
            form.add_error("answer" if refused.field == "answer" else None, refused.message)
        else:
            return redirect("backoffice:privacy-request", found.pk)
        found.refresh_from_db()
    return _page(request, found, form, status=400 if form.errors else 200)
