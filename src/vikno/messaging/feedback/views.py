"""The citizen's and the public's side of feedback: rating a decided application, "was this page useful?" on a
service page, and asking a public question about a service."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from vikno.applications.selectors import application_get_for_citizen
from vikno.catalog.models import PublicService
from vikno.catalog.selectors import published_services
from vikno.core.access import citizen, public
from vikno.core.http import client_ip
from vikno.messaging.feedback import selectors, services
from vikno.messaging.feedback.constants import PAGE_COMMENT_MAX_CHARS, RATING_COMMENT_MAX_CHARS, Score
from vikno.messaging.feedback.exceptions import FeedbackRefused
from vikno.messaging.feedback.forms import PageCommentForm, PageVoteForm, QuestionForm, RatingForm
from vikno.messaging.feedback.session import SessionVote, page_vote_of, remember
from vikno.privacy.rights.consents import consent_texts_current
from vikno.privacy.rights.constants import ConsentKey


def _written(limit: int) -> str:
    """A number of characters as the active language writes it (5 000 in Ukrainian, 5,000 in English)."""
    return formats.number_format(limit, force_grouping=True)


# --- Rating a completed service ---------------------------------------------------------------------------


@citizen
@never_cache
@require_http_methods(["GET", "POST"])
def rating(request: HttpRequest, application_id) -> HttpResponse:
    application = application_get_for_citizen(citizen=request.user, application_id=application_id)
    if application is None:
        raise Http404
    prompt = selectors.rating_prompt(application=application)
    form = RatingForm(request.POST if request.method == "POST" else None, auto_id="%s")
    context = {
        "application": application,
        "service": application.service,
        "prompt": prompt,
        "decided": selectors.decided_by_authority(application),
        "form": form,
        "scores": Score.choices,
        "limit": _written(RATING_COMMENT_MAX_CHARS),
        "error": "",
    }
    if request.method == "GET":
        return render(request, "feedback/rating.html", context)
    if not form.is_valid():
        return render(request, "feedback/rating.html", context, status=400)
    try:
        services.rating_give(
            application=application,
            citizen=request.user,
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
            source_ip=client_ip(request),
        )
    except FeedbackRefused as refused:
        context["error"] = refused.message
        context["prompt"] = selectors.rating_prompt(application=application)
        return render(request, "feedback/rating.html", context, status=400)
    messages.success(
        request, _("Thank you for rating the service. Your rating goes to the authority without your name.")
    )
    return redirect("applications:detail", application.pk)


# --- "Was this page useful?" ------------------------------------------------------------------------------


def _published_service(slug: str) -> PublicService:
    service = published_services().filter(slug=slug).first()
    if service is None:
        raise Http404
    return service


def _thank(request: HttpRequest, service: PublicService) -> HttpResponse:
    messages.success(request, _("Thank you for your feedback."))
    return redirect("catalog:service-detail", service.slug)


def _useful_page(request: HttpRequest, service: PublicService, *, form, asking: bool, status: int = 200):
    context = {"service": service, "form": form, "asking": asking, "limit": _written(PAGE_COMMENT_MAX_CHARS)}
    return render(request, "feedback/useful.html", context, status=status)


@public
@never_cache
@require_http_methods(["GET", "POST"])
def useful(request: HttpRequest, slug: str) -> HttpResponse:
    """POST useful=yes|no counts one answer per page per session; after a "no", the same address asks what was
    wrong (GET shows the question, POST comment=... adds it)."""
    service = _published_service(slug)
    earlier = page_vote_of(request, service)
    wants_comment = earlier is not None and not earlier.useful and not earlier.commented
    if request.method == "GET":
        if not wants_comment:
            return redirect("catalog:service-detail", service.slug)
        return _useful_page(request, service, form=PageCommentForm(auto_id="%s"), asking=True)
    if "useful" not in request.POST and "comment" in request.POST:
        return _comment(request, service, earlier if wants_comment else None)
    vote = PageVoteForm(request.POST, auto_id="%s")
    if not vote.is_valid():
        return _useful_page(request, service, form=vote, asking=False, status=400)
    if earlier is None:
        stored = services.page_vote_record(service=service, useful=vote.answer())
        earlier = SessionVote(vote_id=str(stored.pk), useful=stored.useful, commented=False)
        remember(request, service, earlier)
    if not earlier.useful and not earlier.commented:
        return redirect(reverse("feedback:useful", args=[service.slug]))
    return _thank(request, service)


def _comment(request: HttpRequest, service: PublicService, earlier: SessionVote | None) -> HttpResponse:
    if earlier is None:  # no "no" of this session waiting for a comment (already commented, or never answered)
        return _thank(request, service)
    form = PageCommentForm(request.POST, auto_id="%s")
    if not form.is_valid():
        return _useful_page(request, service, form=form, asking=True, status=400)
    try:
        services.page_vote_comment(service=service, vote_id=earlier.vote_id, comment=form.cleaned_data["comment"])
    except FeedbackRefused as refused:
        form.add_error("comment", refused.message)
        return _useful_page(request, service, form=form, asking=True, status=400)
    remember(request, service, SessionVote(vote_id=earlier.vote_id, useful=False, commented=True))
    return _thank(request, service)


# --- Public questions -------------------------------------------------------------------------------------


def _shown_version(value: str | None) -> int | None:
    """The version of the consent text the form showed (a hidden field); None when missing or not a number."""
    try:
        return int(value) if value and len(value) <= 9 else None
    except ValueError:
        return None


@citizen
@never_cache
@require_http_methods(["GET", "POST"])
def question_new(request: HttpRequest, slug: str) -> HttpResponse:
    service = _published_service(slug)
    form = QuestionForm(request.POST if request.method == "POST" else None, auto_id="%s")
    # The words the person agrees to by sending, in the language of the page, and their version.
    consent = consent_texts_current().get(ConsentKey.PUBLIC_QUESTIONS)
    context = {
        "service": service,
        "form": form,
        "limit": _written(settings.MESSAGE_MAX_CHARS),
        "consent": consent,
        "consent_words": consent.text_in(get_language()) if consent else "",
        "error": "",
    }
    if request.method == "GET":
        return render(request, "feedback/question_new.html", context)
    if not form.is_valid():
        return render(request, "feedback/question_new.html", context, status=400)
    try:
        services.question_ask(
            service=service,
            citizen=request.user,
            text=form.cleaned_data["text"],
            consent_version=_shown_version(request.POST.get("consent_version")),
            source_ip=client_ip(request),
        )
    except FeedbackRefused as refused:
        if refused.conflict:  # the text agreed to was replaced meanwhile: the page shows the new one
            context.update(error=refused.message, error_anchor="consent")
            return render(request, "feedback/question_new.html", context, status=409)
        form.add_error("text", refused.message)
        return render(request, "feedback/question_new.html", context, status=400)
    messages.success(
        request,
        _(
            "Your question is sent. Once the authority answers it, it appears on this page without your name, "
            "and we will tell you."
        ),
    )
    return redirect("catalog:service-detail", service.slug)
