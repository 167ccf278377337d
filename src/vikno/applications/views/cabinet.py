"""The applicant's applications in their cabinet: list, one application's story, answering requests, withdrawing,
downloading their own files and the signed result, and the messages with the authority on the application."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vikno.applications import selectors, services
from vikno.applications.exceptions import ActionRefused
from vikno.applications.models import Application
from vikno.applications.presenting import answer_rows
from vikno.applications.uploads import UploadRefused, accepted_kinds, stream
from vikno.core.access import citizen
from vikno.core.http import client_ip
from vikno.core.identifiers import uuid_or_none
from vikno.documents.selectors import document_open
from vikno.messaging import conversations


def _own(request: HttpRequest, application_id) -> Application:
    application = selectors.application_get_for_citizen(citizen=request.user, application_id=application_id)
    if application is None:
        raise Http404
    return application


@citizen
@never_cache
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    applications = list(conversations.with_unread_for_citizen(selectors.applications_for_citizen(citizen=request.user)))
    for application in applications:
        workflow = selectors.definition_of(application.definition).workflow
        application.status_label = workflow.state(application.state).citizen_title  # type: ignore[attr-defined]
    return render(request, "applications/mine.html", {"applications": applications})


def _detail_context(application: Application, reader) -> dict:
    definition = selectors.definition_of(application.definition)
    workflow = definition.workflow
    # A request left unanswered on a withdrawn or decided application asks nothing of anyone any more.
    open_request = None if application.decided_at else application.information_requests.filter(answered_at=None).first()
    return {
        "application": application,
        "service": application.service,
        "state": workflow.state(application.state) if not application.is_draft else None,
        "events": application.events.filter(citizen_visible=True).select_related("actor"),
        "open_request": open_request,
        "requests": application.information_requests.all(),
        "rows": answer_rows(definition.form, application.answers, application),
        "can_withdraw": workflow.withdrawal(application.state) is not None,
        "kinds": accepted_kinds(),
        "state_labels": {s.id: s.citizen_title for s in workflow.states.values()},
        **_thread_context(application, reader),
    }


def _thread_context(application: Application, reader) -> dict:
    """The messages with the authority, oldest first (which of theirs are new is read before they are marked
    read), and a fresh form."""
    thread = list(conversations.messages_for_application(application=application, reader=reader))
    new = 0
    for message in thread:
        message.is_new = message.side == "authority" and message.read_by_citizen_at is None  # type: ignore[attr-defined]
        new += message.is_new  # type: ignore[attr-defined]
    return {
        "thread": thread,
        "new_messages": new,
        "message_key": uuid.uuid4(),
        "message_max_chars": formats.number_format(settings.MESSAGE_MAX_CHARS, force_grouping=True),
        "message_max_files": conversations.MESSAGE_MAX_FILES,
    }


@citizen
@never_cache
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, application_id) -> HttpResponse:
    application = _own(request, application_id)
    if application.is_draft:
        return render(request, "applications/draft.html", {"application": application})
    context = _detail_context(application, request.user)
    if request.method == "POST":
        request_row = context["open_request"]
        if request_row is None:
            raise Http404
        answer = request.POST.get("answer", "")
        if len(answer) > 5000:
            context["answer_error"] = _("The answer must be 5,000 characters or fewer")
        else:
            try:
                services.information_provide(
                    application=application,
                    request=request_row,
                    answer=answer,
                    files=request.FILES.getlist("files")[:5],
                    actor=request.user,
                    source_ip=client_ip(request),
                )
                return redirect("applications:detail", application.pk)
            except (ActionRefused, UploadRefused) as error:
                context["answer_error"] = error.message if isinstance(error, ActionRefused) else str(error)
        context["answer"] = answer
        return render(request, "applications/detail.html", context, status=400)
    # Opening the application shows the authority's messages: they are read now (the page still marks them new).
    conversations.messages_mark_read_by_citizen(citizen=request.user, application=application)
    return render(request, "applications/detail.html", context)


@citizen
@never_cache
@require_POST
def message_send(request: HttpRequest, application_id) -> HttpResponse:
    """The applicant writes to the authority; a refused message comes back with what they typed and a 400."""
    application = _own(request, application_id)
    if application.is_draft:
        raise Http404  # a draft has no conversation: the authority has not received it
    text = request.POST.get("text", "")
    try:
        conversations.message_send_by_citizen(
            application=application,
            citizen=request.user,
            text=text,
            files=request.FILES.getlist("message_files"),
            request_key=uuid_or_none(request.POST.get("key")),
            source_ip=client_ip(request),
        )
    except (ActionRefused, UploadRefused) as error:
        context = _detail_context(application, request.user)
        context["message_error"] = error.message if isinstance(error, ActionRefused) else str(error)
        context["message_text"] = text
        context["message_key"] = uuid_or_none(request.POST.get("key")) or context["message_key"]
        return render(request, "applications/detail.html", context, status=400)
    messages.success(request, _("Your message is sent to the authority."))
    return redirect(reverse("applications:detail", args=[application.pk]) + "#messages")


@citizen
@require_GET
def message_attachment(request: HttpRequest, application_id, attachment_id) -> FileResponse:
    application = _own(request, application_id)
    found = conversations.message_attachment_get(
        reader=request.user, application=application, attachment_id=attachment_id
    )
    if found is None:
        raise Http404
    return stream(found)


@citizen
@never_cache
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, application_id) -> HttpResponse:
    application = _own(request, application_id)
    context: dict[str, object] = {"application": application, "service": application.service}
    if request.method == "POST":
        reason = request.POST.get("reason", "").strip()[:1000]
        try:
            services.application_withdraw(
                application=application, actor=request.user, reason=reason, source_ip=client_ip(request)
            )
        except ActionRefused as refused:
            context["error"] = refused.message
            return render(request, "applications/withdraw.html", context, status=400)
        return redirect("applications:detail", application.pk)
    return render(request, "applications/withdraw.html", context)


@citizen
@require_GET
def attachment(request: HttpRequest, application_id, attachment_id) -> FileResponse:
    application = _own(request, application_id)
    found = selectors.attachment_get_for_citizen(
        citizen=request.user, application=application, attachment_id=attachment_id
    )
    if found is None:
        raise Http404
    return stream(found)


@citizen
@require_GET
def result(request: HttpRequest, application_id) -> HttpResponse:
    application = _own(request, application_id)
    if application.result_document is None:
        raise Http404
    document = application.result_document
    response = HttpResponse(document_open(document=document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{application.reference}.pdf"'
    return response
