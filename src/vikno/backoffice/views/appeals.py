"""The officials' appeals: the queue of their authorities' appeals, soonest due first, and one appeal with its
actions (assign, no further study needed, extend the term once, answer).

Like a case, an appeal of another authority is not found (404), whether it exists or not, and every showing of
its contents (the page, a file) writes one line to the personal-data access log with its purpose: answering the
appeal when the official is its assignee, or what the official chose on the page that asks why. Officials who
are not the assignee open appeals to route them or to supervise, and the citizen sees that reason in the log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from vikno.applications import uploads
from vikno.backoffice.forms import PAGE_SIZE
from vikno.backoffice.pages import Typed, person_name
from vikno.core import clock
from vikno.core.access import official
from vikno.core.http import client_ip
from vikno.messaging.appeals import presenting, selectors, services, terms
from vikno.messaging.appeals.constants import (
    ANSWER_MAX_CHARS,
    REASON_MAX_CHARS,
    AppealAccessPurpose,
    AppealKind,
    AppealState,
    AttachmentPart,
)
from vikno.messaging.appeals.exceptions import AppealRefused
from vikno.messaging.appeals.models import Appeal

QUERY_KEYS = ("state", "kind", "assignee", "deadline")
ANSWER_FILES = "answer-files"

# --- The queue -------------------------------------------------------------------------------------------


class AppealQueueFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            ("", gettext_lazy("Open appeals")),
            *AppealState.choices,
            (selectors.ALL, gettext_lazy("All appeals, open first")),
        ],
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), required=False, choices=[("", gettext_lazy("Any kind")), *AppealKind.choices]
    )
    assignee = forms.ChoiceField(
        label=gettext_lazy("Assigned to"),
        required=False,
        choices=[
            ("", gettext_lazy("Anyone or nobody")),
            (selectors.ME, gettext_lazy("Me")),
            (selectors.NOBODY, gettext_lazy("Nobody yet")),
        ],
    )
    deadline = forms.ChoiceField(
        label=gettext_lazy("Deadline"),
        required=False,
        choices=[
            ("", gettext_lazy("Any deadline")),
            (selectors.OVERDUE, gettext_lazy("Overdue")),
            (selectors.NEAR, gettext_lazy("Due soon")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = gettext_lazy("Choose one of the options in the list")

    def filters(self) -> selectors.QueueFilters:
        return selectors.QueueFilters(**{name: self.cleaned_data.get(name, "") for name in QUERY_KEYS})

    def query(self) -> str:
        return urlencode({name: value for name, value in self.cleaned_data.items() if value})


@official
@never_cache
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    form = AppealQueueFilterForm(request.GET)
    context: dict[str, object] = {"form": form, "page": None, "rows": []}
    if not form.is_valid():
        return render(request, "backoffice/appeals/queue.html", context, status=400)
    appeals = selectors.appeals_for_official(official=request.user, filters=form.filters())
    page = Paginator(appeals, PAGE_SIZE).get_page(request.GET.get("page"))
    today = clock.today()
    context.update(
        page=page,
        page_numbers=list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        rows=presenting.rows(page.object_list, today=today, near=selectors.near_deadline(today)),
        filter_query=form.query(),
    )
    return render(request, "backoffice/appeals/queue.html", context)


# --- One appeal ------------------------------------------------------------------------------------------


class PurposeForm(forms.Form):
    purpose = forms.ChoiceField(
        label=gettext_lazy("Why are you opening this appeal?"),
        choices=AppealAccessPurpose.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose why you are opening this appeal"),
            "invalid_choice": gettext_lazy("Choose why you are opening this appeal"),
        },
    )


def purpose_from(value: str | None) -> str | None:
    return value if value in AppealAccessPurpose.values else None


def _find(request: HttpRequest, appeal_id) -> Appeal:
    appeal = selectors.appeal_find_for_official(official=request.user, appeal_id=appeal_id)
    if appeal is None:
        raise Http404
    return appeal


def _purpose(request: HttpRequest, appeal: Appeal) -> str | None:
    """Why the official looks at the appeal: what they chose, or answering it when it is theirs."""
    chosen = purpose_from(request.GET.get("purpose"))
    if chosen is None and appeal.assignee_id == request.user.pk:
        return AppealAccessPurpose.ANSWERING
    return chosen


def _appeal_url(appeal: Appeal, purpose: str) -> str:
    return reverse("backoffice:appeal", args=[appeal.pk]) + "?" + urlencode({"purpose": purpose})


def _deadline_text(appeal: Appeal, today: dt.date) -> str:
    if not appeal.is_open:
        return ""
    if appeal.due_date < today:
        days = (today - appeal.due_date).days
        return ngettext("Overdue by %(count)d day", "Overdue by %(count)d days", days) % {"count": days}
    days = (appeal.due_date - today).days
    if days == 0:
        return _("Due today")
    return ngettext("%(count)d day left", "%(count)d days left", days) % {"count": days}


# Where a refused action's message points, by the form and the field it is about.
ANCHORS = {
    "assign": {"": "assignee"},
    "short_term": {"": "short-term"},
    "extend": {"": "extend", "new_due": "new_due-day", "reason": "reason"},
    "answer": {"": "answer", "answer": "answer", ANSWER_FILES: ANSWER_FILES},
}


def _context(request: HttpRequest, appeal: Appeal, *, purpose: str, typed: Typed, error: str, field: str) -> dict:
    user = request.user
    today = clock.today()
    files = list(appeal.attachments.all())
    handlers = list(selectors.appeal_handlers(appeal=appeal)) if appeal.is_open else []
    short = terms.short_due(appeal.received_on)
    can_extend = (
        appeal.is_open
        and not appeal.extended
        and appeal.due_date >= today
        and selectors.may_extend(official=user, appeal=appeal)
    )
    shown = {"answer"} if appeal.is_open else set()
    if appeal.is_open:
        shown.add("assign")
    if appeal.is_open and not appeal.short_term and not appeal.extended and short >= today:
        shown.add("short_term")
    if can_extend:
        shown.add("extend")
    anchors = ANCHORS.get(typed.form, {})
    anchor = anchors.get(field, anchors.get("", "actions")) if typed.form in shown else "actions"
    orphan = "" if typed.form in shown else (typed.get("answer") or typed.get("reason"))
    return {
        "appeal": appeal,
        "purpose": purpose,
        "tag": presenting.TAG_CLASSES[appeal.state],
        "overdue": appeal.overdue_on(today),
        "deadline_text": _deadline_text(appeal, today),
        "sent_files": [f for f in files if f.part == AttachmentPart.APPEAL],
        "answer_files": [f for f in files if f.part == AttachmentPart.ANSWER],
        "handlers": [(str(p.pk), person_name(p)) for p in handlers],
        "can_claim": appeal.is_open and appeal.assignee_id != user.pk and any(p.pk == user.pk for p in handlers),
        "shown": shown,
        "short_due": short,
        "latest_due": terms.latest_due(appeal.received_on),
        "typed": typed,
        "error": error,
        "error_field": field,
        "failed": typed.form if error else "",  # the form whose error is shown in place
        "error_anchor": anchor,
        "orphan_text": orphan,
        "answer_limit": ANSWER_MAX_CHARS,
        "answer_limit_hint": presenting.limit_hint(ANSWER_MAX_CHARS),
        "character_count_i18n": presenting.character_count_i18n(),
        "files_hint": presenting.files_hint(),
        "reason_limit": formats.number_format(REASON_MAX_CHARS, force_grouping=True),
        "date_parts": [
            (part, label, width, typed.get(f"new_due-{part}") if typed.form == "extend" else "")
            for part, label, width in (("day", _("Day"), 2), ("month", _("Month"), 2), ("year", _("Year"), 4))
        ],
    }


def _show(
    request: HttpRequest,
    appeal: Appeal,
    *,
    purpose: str,
    status: int = 200,
    typed: Typed | None = None,
    error: str = "",
    field: str = "",
) -> HttpResponse:
    selectors.appeal_open(official=request.user, appeal=appeal, purpose=purpose)
    context = _context(request, appeal, purpose=purpose, typed=typed or Typed(), error=error, field=field)
    response = render(request, "backoffice/appeals/appeal.html", context, status=status)
    add_never_cache_headers(response)  # it holds personal data, whichever view shows it
    return response


@official
@never_cache
@require_GET
def appeal(request: HttpRequest, appeal_id) -> HttpResponse:
    found = _find(request, appeal_id)
    purpose = _purpose(request, found)
    if purpose is None:
        form = PurposeForm(request.GET if "purpose" in request.GET else None)
        status = 400 if form.is_bound and not form.is_valid() else 200
        return render(request, "backoffice/appeals/purpose.html", {"appeal": found, "form": form}, status=status)
    return _show(request, found, purpose=purpose)


@official
@require_GET
def attachment(request: HttpRequest, appeal_id, attachment_id) -> HttpResponseBase:
    found = _find(request, appeal_id)
    file = selectors.attachment_get_for_official(official=request.user, appeal=found, attachment_id=attachment_id)
    if file is None:
        raise Http404
    purpose = _purpose(request, found)
    if purpose is None:
        return redirect("backoffice:appeal", found.pk)
    selectors.appeal_open(official=request.user, appeal=found, purpose=purpose)
    return uploads.stream(file)


# --- Actions ---------------------------------------------------------------------------------------------


def _act(request: HttpRequest, appeal_id, typed: Typed, do: Callable[[Appeal], str]) -> HttpResponse:
    found = _find(request, appeal_id)
    purpose = purpose_from(request.POST.get("purpose")) or AppealAccessPurpose.ANSWERING
    try:
        message = do(found)
    except AppealRefused as refused:
        return _show(
            request,
            _find(request, appeal_id),
            purpose=purpose,
            status=400,
            typed=typed,
            error=refused.message,
            field=refused.field,
        )
    messages.success(request, message)
    return redirect(_appeal_url(found, purpose))


@official
@require_POST
def assign(request: HttpRequest, appeal_id) -> HttpResponse:
    chosen = request.POST.get("assignee", "")
    typed = Typed("assign", {"assignee": chosen})

    def do(found: Appeal) -> str:
        if chosen == selectors.ME:
            assignee = request.user
        elif chosen == selectors.NOBODY:
            assignee = None
        else:
            assignee = next((p for p in selectors.appeal_handlers(appeal=found) if str(p.pk) == chosen), None)
            if assignee is None:
                raise AppealRefused(_("Choose who to assign the appeal to"), field="assignee")
        services.appeal_assign(appeal=found, official=request.user, assignee=assignee, source_ip=client_ip(request))
        if assignee is None:
            return _("The appeal is not assigned to anyone now.")
        return _("The appeal is assigned to %(name)s.") % {"name": person_name(assignee)}

    return _act(request, appeal_id, typed, do)


@official
@require_POST
def short_term(request: HttpRequest, appeal_id) -> HttpResponse:
    def do(found: Appeal) -> str:
        done = services.appeal_set_short_term(appeal=found, official=request.user, source_ip=client_ip(request))
        return _("No further study is needed: the answer is due by %(due)s.") % {
            "due": presenting.date_text(done.due_date)
        }

    return _act(request, appeal_id, Typed("short_term"), do)


def _date_posted(request: HttpRequest, prefix: str) -> dt.date | None:
    parts = [request.POST.get(f"{prefix}-{part}", "").strip() for part in ("day", "month", "year")]
    if not any(parts):
        return None
    try:
        day, month, year = (int(part) for part in parts)
        return dt.date(year, month, day)
    except (ValueError, OverflowError):
        raise AppealRefused(_("The new date must be a real date"), field="new_due") from None


@official
@require_POST
def extend(request: HttpRequest, appeal_id) -> HttpResponse:
    names = ("new_due-day", "new_due-month", "new_due-year", "reason")
    typed = Typed("extend", {name: request.POST.get(name, "") for name in names})

    def do(found: Appeal) -> str:
        done = services.appeal_extend(
            appeal=found,
            official=request.user,
            new_due_date=_date_posted(request, "new_due"),
            reason=request.POST.get("reason", ""),
            source_ip=client_ip(request),
        )
        return _("The term is extended to %(due)s. The citizen is told the new date and the reason.") % {
            "due": presenting.date_text(done.due_date)
        }

    return _act(request, appeal_id, typed, do)


@official
@require_POST
def answer(request: HttpRequest, appeal_id) -> HttpResponse:
    typed = Typed("answer", {"answer": request.POST.get("answer", "")})

    def do(found: Appeal) -> str:
        services.appeal_answer(
            appeal=found,
            official=request.user,
            text=request.POST.get("answer", ""),
            files=request.FILES.getlist(ANSWER_FILES),
            source_ip=client_ip(request),
        )
        return _("The answer is sent. The citizen reads it in their account.")

    return _act(request, appeal_id, typed, do)
