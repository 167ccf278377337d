"""One case: why the official opens it, what it holds, and the actions on it.

A case that is not the official's organisation's is not found (404), whether it exists or not. Every showing of
the case's contents (the page, a file) writes one line to the personal-data access log, with its purpose. Every
action names the version of the case the official saw: when somebody else acted first, nothing is saved and the
page says so (409), keeping what the official typed.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from vikno.applications import casework, selectors, uploads
from vikno.applications.constants import AccessPurpose
from vikno.applications.exceptions import ActionRefused, CaseChanged
from vikno.applications.models import Application
from vikno.backoffice import pages
from vikno.backoffice.forms import ME, NOBODY, PurposeForm, purpose_from
from vikno.catalog.selectors import organisations_public
from vikno.core.access import official
from vikno.core.http import client_ip
from vikno.core.identifiers import uuid_or_none
from vikno.messaging import conversations

NOTE_LIMIT = 5000
TEXT_LIMIT = 10000


def find_case(request: HttpRequest, application_id) -> Application:
    application = selectors.case_find_for_official(official=request.user, application_id=application_id)
    if application is None:
        raise Http404
    return application


def purpose_of(request: HttpRequest, application: Application) -> str | None:
    """Why the official looks at the case: what they chose, or processing when the case is theirs."""
    chosen = purpose_from(request.GET.get("purpose"))
    if chosen is None and application.assignee_id == request.user.pk:
        return AccessPurpose.PROCESSING
    return chosen


def case_url(application: Application, purpose: str) -> str:
    return reverse("backoffice:case", args=[application.pk]) + "?" + urlencode({"purpose": purpose})


def show_case(
    request: HttpRequest,
    application: Application,
    *,
    purpose: str,
    status: int = 200,
    conflict: bool = False,
    typed: pages.Typed | None = None,
    error: str = "",
) -> HttpResponse:
    selectors.case_open(official=request.user, application=application, purpose=purpose)
    context = pages.case_context(
        official=request.user, application=application, purpose=purpose, typed=typed, error=error
    )
    context["conflict"] = conflict
    # The official has seen the applicant's messages, for the whole organisation (the page still marks them new).
    conversations.messages_mark_read_by_authority(official=request.user, application=application)
    response = render(request, "backoffice/case.html", context, status=status)
    add_never_cache_headers(response)  # it holds personal data, whichever view shows it
    return response


@official
@never_cache
@require_GET
def case(request: HttpRequest, application_id) -> HttpResponse:
    application = find_case(request, application_id)
    purpose = purpose_of(request, application)
    if purpose is None:
        form = PurposeForm(request.GET if "purpose" in request.GET else None)
        status = 400 if form.is_bound and not form.is_valid() else 200
        context = {"application": application, "service": application.service, "form": form}
        return render(request, "backoffice/purpose.html", context, status=status)
    return show_case(request, application, purpose=purpose)


@official
@require_GET
def attachment(request: HttpRequest, application_id, attachment_id) -> HttpResponseBase:
    application = find_case(request, application_id)
    found = selectors.attachment_get_for_official(
        official=request.user, application=application, attachment_id=attachment_id
    )
    if found is None:
        raise Http404
    purpose = purpose_of(request, application)
    if purpose is None:
        return redirect("backoffice:case", application.pk)
    selectors.case_open(official=request.user, application=application, purpose=purpose)
    return uploads.stream(found)


# --- Actions ---------------------------------------------------------------------------------------------

Done = tuple[str, str | None]  # the message, and where to go (None: back to the case)


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        raise ActionRefused(_("The form was incomplete. Look at the case as it is now and try again.")) from None


def _act(request: HttpRequest, application_id, typed: pages.Typed, do: Callable[[Application], Done]) -> HttpResponse:
    application = find_case(request, application_id)
    purpose = purpose_from(request.POST.get("purpose")) or AccessPurpose.PROCESSING
    try:
        message, target = do(application)
    except CaseChanged:
        return show_case(
            request, find_case(request, application_id), purpose=purpose, status=409, conflict=True, typed=typed
        )
    except ActionRefused as refused:
        return show_case(
            request, find_case(request, application_id), purpose=purpose, status=400, typed=typed, error=refused.message
        )
    messages.success(request, message)
    return redirect(target or case_url(application, purpose))


def _limited(request: HttpRequest, name: str, limit: int) -> str:
    value = request.POST.get(name, "")
    if len(value) > limit:
        raise ActionRefused(
            _("The text must be %(limit)s characters or fewer")
            % {"limit": formats.number_format(limit, force_grouping=True)}
        )
    return value


@official
@require_POST
def note(request: HttpRequest, application_id) -> HttpResponse:
    typed = pages.Typed("note", {"note": request.POST.get("text", "")})

    def do(application: Application) -> Done:
        text = _limited(request, "text", NOTE_LIMIT)
        casework.case_note_add(application=application, official=request.user, text=text, source_ip=client_ip(request))
        return _("The note is added. Only officials see it."), None

    return _act(request, application_id, typed, do)


@official
@require_POST
def assign(request: HttpRequest, application_id) -> HttpResponse:
    chosen = request.POST.get("assignee", "")
    typed = pages.Typed("assign", {"assignee": chosen})

    def do(application: Application) -> Done:
        version = _version(request)
        if chosen == ME:
            assignee = request.user
        elif chosen == NOBODY:
            assignee = None
        else:
            people = selectors.officials_for_case(application=application)
            assignee = next((p for p in people if str(p.pk) == chosen), None)
            if assignee is None:
                raise ActionRefused(_("Choose who to assign the case to"))
        casework.case_assign(
            application=application,
            official=request.user,
            assignee=assignee,
            version=version,
            source_ip=client_ip(request),
        )
        if assignee is None:
            return _("The case is not assigned to anyone now."), None
        return _("The case is assigned to %(name)s.") % {"name": pages.person_name(assignee)}, None

    return _act(request, application_id, typed, do)


@official
@require_POST
def action(request: HttpRequest, application_id, transition_id: str) -> HttpResponse:
    fields = ("reasons", "text", "organisation")
    typed = pages.Typed(f"action:{transition_id}", {name: request.POST.get(name, "") for name in fields})

    def do(application: Application) -> Done:
        version = _version(request)
        reasons = _limited(request, "reasons", TEXT_LIMIT)
        text = _limited(request, "text", TEXT_LIMIT)
        key = uuid_or_none(request.POST.get("organisation", ""))
        organisation = organisations_public().filter(pk=key).first() if key is not None else None
        casework.case_transition(
            application=application,
            official=request.user,
            transition_id=transition_id,
            version=version,
            reasons=reasons,
            text=text,
            organisation=organisation,
            source_ip=client_ip(request),
        )
        transition = selectors.definition_of(application.definition).workflow.transition(transition_id)
        assert transition is not None  # the service refuses an unknown action
        if transition.four_eyes:
            return _("The decision is proposed. It takes effect when a second official confirms it."), None
        if transition.effect == "forward":
            message = _("The case is forwarded to %(organisation)s.") % {"organisation": organisation}
            return message, reverse("backoffice:queue")
        return _("Done: %(action)s") % {"action": transition.title}, None

    return _act(request, application_id, typed, do)


@official
@require_POST
def confirm(request: HttpRequest, application_id) -> HttpResponse:
    def do(application: Application) -> Done:
        casework.decision_confirm(
            application=application, official=request.user, version=_version(request), source_ip=client_ip(request)
        )
        return _("The decision is confirmed and takes effect."), None

    return _act(request, application_id, pages.Typed("confirm"), do)


@official
@require_POST
def decision_return(request: HttpRequest, application_id) -> HttpResponse:
    typed = pages.Typed("return", {"comment": request.POST.get("comment", "")})

    def do(application: Application) -> Done:
        version = _version(request)
        comment = _limited(request, "comment", TEXT_LIMIT)
        casework.decision_return(
            application=application,
            official=request.user,
            version=version,
            comment=comment,
            source_ip=client_ip(request),
        )
        return _("The proposed decision is returned with your comment."), None

    return _act(request, application_id, typed, do)
