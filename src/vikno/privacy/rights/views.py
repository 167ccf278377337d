"""The citizen's pages about their data: download it, see and change consents, correct it, ask for erasure, and
follow their requests to the data protection officer. Always the signed-in person's own data; another person's
request is not found (404), whether it exists or not."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from vikno.core import clock
from vikno.core.access import citizen
from vikno.core.http import client_ip
from vikno.identity.models import User
from vikno.identity.views.confirm import recent_sign_in
from vikno.privacy.rights import consents as consent_services
from vikno.privacy.rights import correction, erasure, export, selectors
from vikno.privacy.rights.constants import OPEN_STATES, RequestKind
from vikno.privacy.rights.exceptions import RightsRefused
from vikno.privacy.rights.forms import (
    GIVE,
    ConsentForm,
    CorrectionRequestForm,
    EmailForm,
    ErasureForm,
    NameForm,
)
from vikno.privacy.rights.requests import data_request_submit


def _person(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@citizen
@never_cache
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    context = {"requests": list(selectors.requests_for_person(person=person))}
    return render(request, "privacy/rights/my_data.html", context)


def _download(request: HttpRequest, fmt: str, content_type: str) -> HttpResponse:
    content = export.personal_data_export(person=_person(request), fmt=fmt, source_ip=client_ip(request))
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="vikno-my-data-{clock.today():%Y-%m-%d}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@citizen
@never_cache
@require_GET
def export_json(request: HttpRequest) -> HttpResponse:
    return _download(request, export.JSON, "application/json; charset=utf-8")


@citizen
@never_cache
@require_GET
def export_pdf(request: HttpRequest) -> HttpResponse:
    return _download(request, export.PDF, "application/pdf")


@citizen
@never_cache
@require_http_methods(["GET", "POST"])
def consents(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    form = ConsentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        key, action = form.cleaned_data["key"], form.cleaned_data["action"]
        try:
            if action == GIVE:
                consent_services.consent_give(person=person, key=key, source_ip=client_ip(request))
                messages.success(request, _("Your consent is recorded."))
            else:
                consent_services.consent_withdraw(person=person, key=key, source_ip=client_ip(request))
                messages.success(request, _("Your consent is withdrawn. It takes effect now."))
        except RightsRefused as refused:
            form.add_error("key", refused.message)
        else:
            return redirect("privacy:consents")
    context = {
        "form": form,
        "rows": consent_services.consent_rows(person=person),
        "history": consent_services.consent_history(person=person),
        "language": request.LANGUAGE_CODE,
    }
    return render(request, "privacy/rights/consents.html", context, status=400 if form.errors else 200)


@citizen
@never_cache
@recent_sign_in
@require_http_methods(["GET", "POST"])
def correct(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    which = request.POST.get("form", "") if request.method == "POST" else ""
    name_form = NameForm(
        request.POST if which == "name" else None,
        initial={"first_name": person.first_name, "last_name": person.last_name},
        prefix="name",
    )
    email_form = EmailForm(request.POST if which == "email" else None, prefix="email")
    request_form = CorrectionRequestForm(request.POST if which == "request" else None, prefix="request")
    ip = client_ip(request)
    try:
        if which == "name" and name_form.is_valid():
            correction.profile_correct(person=person, source_ip=ip, **name_form.cleaned_data)
            messages.success(request, _("Your name is corrected."))
            return redirect("privacy:correct")
        if which == "email" and email_form.is_valid():
            correction.email_change_request(person=person, email=email_form.cleaned_data["email"], source_ip=ip)
            messages.success(request, _("We sent a link to the new address. Follow it to change your address."))
            return redirect("privacy:correct")
        if which == "request" and request_form.is_valid():
            filed = data_request_submit(
                person=person, kind=RequestKind.CORRECTION, text=request_form.cleaned_data["text"], source_ip=ip
            )
            return redirect("privacy:request", filed.pk)
    except RightsRefused as refused:
        target = {"name": name_form, "email": email_form, "request": request_form}[which]
        target.add_error(refused.field if refused.field in target.fields else None, refused.message)
    bad = request.method == "POST"
    context = {
        "page_error": _("Choose what you want to correct.")
        if bad and which not in ("name", "email", "request")
        else "",
        "name_form": name_form,
        "email_form": email_form,
        "request_form": request_form,
        "name_editable": correction.name_editable(person),
    }
    return render(request, "privacy/rights/correct.html", context, status=400 if bad else 200)


@citizen
@never_cache
@require_GET
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        email = correction.email_change_confirm(person=_person(request), token=token, source_ip=client_ip(request))
    except RightsRefused as refused:
        return render(request, "privacy/rights/email_refused.html", {"message": refused.message}, status=400)
    messages.success(request, _("Your e-mail address is now %(email)s.") % {"email": email})
    return redirect("privacy:correct")


@citizen
@never_cache
@recent_sign_in
@require_http_methods(["GET", "POST"])
def erasure_request(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    form = ErasureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            filed = data_request_submit(
                person=person, kind=RequestKind.ERASURE, text=form.cleaned_data["text"], source_ip=client_ip(request)
            )
        except RightsRefused as refused:
            form.add_error(None, refused.message)
        else:
            return redirect("privacy:request", filed.pk)
    mine = selectors.requests_for_person(person=person)
    open_request = mine.filter(kind=RequestKind.ERASURE, state__in=OPEN_STATES).first()
    plan = erasure.erasure_plan(person=person)
    context = {
        "form": form,
        "lines": erasure.report_lines({"erased": plan.erased, "kept": plan.kept}),
        "open_request": open_request,
        "term_days": settings.PRIVACY_REQUEST_TERM_DAYS,
    }
    return render(request, "privacy/rights/erasure.html", context, status=400 if form.errors else 200)


@citizen
@never_cache
@require_GET
def request_detail(request: HttpRequest, request_id) -> HttpResponse:
    found = selectors.request_get_for_person(person=_person(request), request_id=request_id)
    if found is None:
        raise Http404
    context = {
        "data_request": found,
        "overdue": found.overdue_on(clock.today()),
        "paragraphs": [part for part in found.answer.split("\n\n") if part],
    }
    return render(request, "privacy/rights/request.html", context)
