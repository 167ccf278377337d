"""Feedback in the back office: moderating and answering public questions on the organisation's services, and
the ratings, comments and "was this page useful?" answers the organisation's services received.

A question on another organisation's service is not found (404), whether it exists or not. Nothing here shows
who asked a question or who gave a rating. The list of questions shows no question's words either (they may hold
a phone number or a name): only the question's own page does, and it logs the look for the asker.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from vikno.catalog.models import Organisation, PublicService
from vikno.core.access import official
from vikno.core.http import client_ip
from vikno.messaging.feedback import personal_data, selectors, services
from vikno.messaging.feedback.constants import QuestionState, Score
from vikno.messaging.feedback.exceptions import FeedbackRefused, PersonalDataFound
from vikno.messaging.feedback.forms import PublishForm, RejectForm
from vikno.messaging.feedback.models import PublicQuestion

QUESTIONS_PER_PAGE = 50


# --- Public questions -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionRow:
    question: PublicQuestion
    personal_data: list[str]  # kinds found in the question as asked (only while it waits)


@official
@never_cache
@require_GET
def questions(request: HttpRequest) -> HttpResponse:
    found = selectors.questions_for_moderator(official=request.user)
    page = Paginator(found, QUESTIONS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        QuestionRow(
            question=question,
            personal_data=personal_data.kinds(question.text) if question.state == QuestionState.PENDING else [],
        )
        for question in page.object_list
    ]
    return render(
        request,
        "backoffice/feedback/questions.html",
        {
            "page": page,
            "rows": rows,
            "page_numbers": list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
            "labels": personal_data.KIND_LABELS,
        },
    )


ACTIONS = ("publish", "reject", "promote", "unpromote")


def _question_page(
    request: HttpRequest,
    question: PublicQuestion,
    *,
    publish: PublishForm | None = None,
    reject: RejectForm | None = None,
    error: str = "",
    error_anchor: str = "",
    status: int = 200,
) -> HttpResponse:
    selectors.question_open(official=request.user, question=question)  # it shows the question as asked: logged
    context = {
        "question": question,
        "service": question.service,
        "findings": personal_data.find(question.asked_text),
        "still_found": personal_data.labels(personal_data.kinds(question.text)),
        "publish": publish or PublishForm(initial={"text": question.text, "answer": question.answer}, auto_id="%s"),
        "reject": reject or RejectForm(auto_id="%s"),
        "error": error,
        "error_anchor": error_anchor,
    }
    return render(request, "backoffice/feedback/question.html", context, status=status)


@official
@never_cache
@require_http_methods(["GET", "POST"])
def question(request: HttpRequest, question_id) -> HttpResponse:
    found = selectors.question_get_for_moderator(official=request.user, question_id=question_id)
    if found is None:
        raise Http404
    if request.method == "GET":
        return _question_page(request, found)
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        return _question_page(request, found, error=_("Choose what to do with the question"), status=400)
    publish = PublishForm(request.POST if action == "publish" else None, auto_id="%s")
    reject = RejectForm(request.POST if action == "reject" else None, auto_id="%s")
    form = publish if action == "publish" else reject if action == "reject" else None
    if form is not None and not form.is_valid():
        return _question_page(request, found, publish=publish, reject=reject, status=400)
    source_ip = client_ip(request)
    try:
        if action == "publish":
            services.question_publish(
                question=found,
                official=request.user,
                text=publish.cleaned_data["text"],
                answer=publish.cleaned_data["answer"],
                source_ip=source_ip,
            )
            done = _("The question and its answer are published on the service's page. The asker is told.")
        elif action == "reject":
            services.question_reject(
                question=found, official=request.user, reason=reject.cleaned_data["reason"], source_ip=source_ip
            )
            done = _("The question is rejected. The asker is told why.")
        else:
            promoted = action == "promote"
            services.question_promote(question=found, official=request.user, promoted=promoted, source_ip=source_ip)
            done = (
                _("The question is now among the service's common questions.")
                if promoted
                else _("The question is no longer among the service's common questions.")
            )
    except FeedbackRefused as refused:
        current = selectors.question_get_for_moderator(official=request.user, question_id=question_id) or found
        anchor = "text" if isinstance(refused, PersonalDataFound) else ""
        keep_publish = publish if action == "publish" and not refused.conflict else None
        keep_reject = reject if action == "reject" and not refused.conflict else None
        return _question_page(
            request,
            current,
            publish=keep_publish,
            reject=keep_reject,
            error=refused.message,
            error_anchor=anchor,
            status=409 if refused.conflict else 400,
        )
    messages.success(request, done)
    return redirect("backoffice:question", found.pk)


# --- Ratings and page votes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationRow:
    organisation: Organisation
    ratings: selectors.RatingSummary | None


@dataclass(frozen=True)
class ServiceRow:
    service: PublicService
    ratings: selectors.RatingSummary | None
    votes: selectors.PageVotes | None


@official
@never_cache
@require_GET
def feedback(request: HttpRequest) -> HttpResponse:
    ids = selectors.feedback_organisation_ids(official=request.user)
    by_organisation = selectors.ratings_by_organisation(organisation_ids=ids)
    by_service = selectors.ratings_by_service(organisation_ids=ids)
    votes = selectors.page_votes_by_service(organisation_ids=ids)
    organisations = [
        OrganisationRow(organisation=organisation, ratings=by_organisation.get(organisation.pk))
        for organisation in selectors.organisations_named(organisation_ids=ids)
    ]
    rows = [
        ServiceRow(service=service, ratings=by_service.get(service.pk), votes=votes.get(service.pk))
        for service in selectors.services_of(organisation_ids=ids, also=by_service.keys())
    ]
    return render(
        request,
        "backoffice/feedback/feedback.html",
        {
            "organisations": organisations,
            "rows": rows,
            "comments": selectors.latest_rating_comments(organisation_ids=ids),
            "page_comments": selectors.latest_page_comments(organisation_ids=ids),
            "scores": Score.values,
        },
    )
