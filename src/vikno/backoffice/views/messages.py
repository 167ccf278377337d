"""Messages with the applicant on a case: an official's answer, and the files sent with the messages.

Like every action on the case, a case of another organisation is not found (404); a refused message comes back
on the case page with what the official typed and a 400. A file is shown only with a purpose, which is logged.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vikno.applications import selectors, uploads
from vikno.applications.constants import AccessPurpose
from vikno.applications.exceptions import ActionRefused
from vikno.backoffice import pages
from vikno.backoffice.forms import purpose_from
from vikno.backoffice.views.case import case_url, find_case, purpose_of, show_case
from vikno.core.access import official
from vikno.core.http import client_ip
from vikno.core.identifiers import uuid_or_none
from vikno.messaging import conversations


@official
@require_POST
def reply(request: HttpRequest, application_id) -> HttpResponse:
    application = find_case(request, application_id)
    purpose = purpose_from(request.POST.get("purpose")) or AccessPurpose.PROCESSING
    text = request.POST.get("text", "")
    key = uuid_or_none(request.POST.get("key"))
    try:
        conversations.message_send_by_official(
            application=application,
            official=request.user,
            text=text,
            files=request.FILES.getlist("message_files"),
            request_key=key,
            source_ip=client_ip(request),
        )
    except (ActionRefused, uploads.UploadRefused) as refused:
        typed = pages.Typed("message", {"text": text, "key": str(key) if key else ""})
        error = refused.message if isinstance(refused, ActionRefused) else str(refused)
        return show_case(request, application, purpose=purpose, status=400, typed=typed, error=error)
    messages.success(request, _("Your message is sent to the applicant."))
    return redirect(case_url(application, purpose) + "#messages")


@official
@require_GET
def attachment(request: HttpRequest, application_id, attachment_id) -> HttpResponseBase:
    application = find_case(request, application_id)
    found = conversations.message_attachment_get(
        reader=request.user, application=application, attachment_id=attachment_id
    )
    if found is None:
        raise Http404
    purpose = purpose_of(request, application)
    if purpose is None:
        return redirect("backoffice:case", application.pk)
    selectors.case_open(official=request.user, application=application, purpose=purpose)
    return uploads.stream(found)
