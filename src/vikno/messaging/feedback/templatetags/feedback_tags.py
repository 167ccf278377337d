"""What the feedback parts of other apps' pages need: the rating prompt on an application's page, and the common
questions, public questions and "was this page useful?" on a service page."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.http import HttpRequest
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from vikno.catalog.models import PublicService
from vikno.messaging.feedback import personal_data, selectors
from vikno.messaging.feedback.constants import Score
from vikno.messaging.feedback.session import page_vote_of

register = template.Library()


@register.simple_tag
def rating_prompt(application) -> selectors.RatingPrompt:
    """`{% rating_prompt application as prompt %}`: whether to ask for a rating, or the rating given."""
    return selectors.rating_prompt(application=application)


@register.filter
def score_words(score: int) -> str:
    """The words for a score: 4 → "Satisfied"."""
    try:
        return str(Score(int(score)).label)
    except (TypeError, ValueError):
        return ""


@dataclass(frozen=True)
class ServiceFeedback:
    questions: selectors.ServiceQuestions
    voted: bool


@register.simple_tag(takes_context=True)
def service_feedback(context, service: PublicService) -> ServiceFeedback:
    """`{% service_feedback service as feedback %}`: the published questions of the service, and whether this
    browser session has already said whether the page was useful."""
    request: HttpRequest | None = context.get("request")
    voted = request is not None and page_vote_of(request, service) is not None
    return ServiceFeedback(questions=selectors.questions_for_service_page(service=service), voted=voted)


@register.filter
def mark_personal_data(text: str) -> SafeString:
    """The text, escaped, its line breaks kept, with what looks like personal data in <mark> for the moderator."""
    parts: list[str] = []
    position = 0
    for finding in personal_data.find(text):
        parts.append(escape(text[position : finding.start]))
        parts.append(f"<mark>{escape(finding.text)}</mark>")
        position = finding.end
    parts.append(escape(text[position:]))
    joined = "".join(parts).replace("\r\n", "\n").replace("\r", "\n")
    return mark_safe(joined.replace("\n", "<br>"))  # noqa: S308  (every part is escaped above)
