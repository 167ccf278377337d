"""What the portal tells people, per event: a title (inbox and e-mail subject), a text (inbox and e-mail), a short
form for SMS and the label of the link to follow. Placeholders in braces are filled by `notifications.notify`;
the strings are translated like every other (Ukrainian and English ship complete)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Event:
    title: str
    body: str  # paragraphs separated by a blank line
    sms: str
    action: str = ""


EVENTS: dict[str, Event] = {
    "application_submitted": Event(
        title=_("We received your application {reference}"),
        body=_(
            "Your application for “{service}” reached {organisation}. Its reference number is {reference}.\n\n"
            "The authority must decide by {due_date}. We will tell you when anything changes."
        ),
        sms=_("Vikno: application {reference} received. Decision due by {due_date}."),
        action=_("View your application"),
    ),
    "information_requested": Event(
        title=_("More information needed for application {reference}"),
        body=_(
            "{organisation} needs more information to decide on your application for “{service}”.\n\n"
            "Please answer in your account by {answer_due}."
        ),
        sms=_("Vikno: more information needed for application {reference}. Answer in your account by {answer_due}."),
        action=_("Answer the request"),
    ),
    "information_due_soon": Event(
        title=_("Answer by {answer_due} for application {reference}"),
        body=_(
            "{organisation} is still waiting for your answer about your application for “{service}”.\n\n"
            "Please answer in your account by {answer_due}."
        ),
        sms=_("Vikno: please answer the request on application {reference} by {answer_due}."),
        action=_("Answer the request"),
    ),
    "decision_made": Event(
        title=_("Decision on application {reference}"),
        body=_("{organisation} has decided on your application for “{service}”: {status}."),
        sms=_("Vikno: decision on application {reference}: {status}."),
        action=_("View the decision"),
    ),
    "result_ready": Event(
        title=_("Your document for application {reference} is ready"),
        body=_(
            "The signed document “{document}” for your application for “{service}” is in your account.\n\n"
            "Anyone you show it to can check it with the code {code}."
        ),
        sms=_("Vikno: the document for application {reference} is ready in your account."),
        action=_("Download the document"),
    ),
    # --- messages on an application (vikno.messaging) ---
    # --- appeals: inquiries, complaints, proposals (vikno.messaging.appeals) ---
    # --- feedback and public questions (vikno.messaging.feedback) ---
}
