"""What the portal tells people, per event: a title (inbox and e-mail subject), a text (inbox and e-mail), a short
form for SMS and the label of the link to follow. Placeholders in braces are filled by `notifications.notify`;
the strings are translated like every other (Ukrainian and English ship complete)."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Event:
    title: Promise
    body: Promise  # paragraphs separated by a blank line
    sms: Promise
    action: Promise | str = ""
    security: bool = False  # sent by e-mail even to people who chose no e-mails


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
    "payment_received": Event(
        title=_("Payment of {amount} received for application {reference}"),
        body=_(
            "We received your payment of {amount} for your application for “{service}” ({reference}).\n\n"
            "The receipt is in your account, under “Your payments”."
        ),
        sms=_("Vikno: payment of {amount} received for application {reference}."),
        action=_("View your payments"),
    ),
    "payment_refunded": Event(
        title=_("{amount} returned for application {reference}"),
        body=_(
            "{organisation} is returning {amount} you paid for your application for “{service}” ({reference}).\n\n"
            "The reason: {reason}"
        ),
        sms=_("Vikno: {amount} paid for application {reference} is being returned to you."),
        action=_("View your payments"),
    ),
    # --- for officials ---
    "case_due_soon": Event(
        title=_("Case {reference} is due by {due_date}"),
        body=_(
            "The decision on case {reference} ({service}) is due by {due_date}: {days} working days from now or less."
        ),
        sms=_("Vikno: case {reference} is due by {due_date}."),
        action=_("Open the case"),
    ),
    # --- messages on an application (vikno.messaging) ---
    "message_received": Event(
        title=_("New message about application {reference}"),
        body=_(
            "{organisation} wrote to you about your application for “{service}”.\n\n"
            "Read the message and answer it in your account."
        ),
        sms=_("Vikno: new message about application {reference}. Read it in your account."),
        action=_("Read the message"),
    ),
    # --- appeals: inquiries, complaints, proposals (vikno.messaging.appeals) ---
    "appeal_registered": Event(
        title=_("We registered your appeal {reference}"),
        body=_(
            "Your appeal “{subject}” ({kind}) reached {organisation}. Its reference number is {reference}.\n\n"
            "The authority must answer by {due_date}. We will tell you when it answers."
        ),
        sms=_("Vikno: appeal {reference} registered. Answer due by {due_date}."),
        action=_("View your appeal"),
    ),
    "appeal_extended": Event(
        title=_("The answer to your appeal {reference} is due later"),
        body=_(
            "{organisation} extended the term for answering your appeal “{subject}”. "
            "It must now answer by {due_date}.\n\nThe reason: {reason}"
        ),
        sms=_("Vikno: the answer to appeal {reference} is now due by {due_date}."),
        action=_("View your appeal"),
    ),
    "appeal_answered": Event(
        title=_("Answer to your appeal {reference}"),
        body=_("{organisation} answered your appeal “{subject}”. The answer is in your account."),
        sms=_("Vikno: your appeal {reference} is answered. Read it in your account."),
        action=_("Read the answer"),
    ),
    # --- feedback and public questions (vikno.messaging.feedback) ---
    "question_answered": Event(
        title=_("Your question about “{service}” is answered"),
        body=_(
            "{organisation} answered your question about “{service}”.\n\n"
            "The question and the answer are now on the service's page, without your name."
        ),
        sms=_("Vikno: your question about a service is answered. See the service page."),
        action=_("See the answer"),
    ),
    "question_rejected": Event(
        title=_("Your question about “{service}” was not published"),
        body=_(
            "{organisation} did not publish your question about “{service}”.\n\n"
            "The reason: {reason}\n\n"
            "You can ask again without personal data, or write to the authority directly."
        ),
        sms=_("Vikno: your question about a service was not published. The reason is in your account."),
        action=_("Go to the service"),
    ),
    # --- the personal-data access log (vikno.privacy) ---
    "data_accessed": Event(
        title=_("{organisation} looked at your personal data"),
        body=_(
            "An official of {organisation} opened your personal data on {when} (Kyiv time), while you have no "
            "application, appeal or question open with it. The purpose recorded: {purpose}.\n\n"
            "Every look at your data is listed in your account under “Who looked at my data”. If you want to know "
            "more, choose “Ask why” there: your question goes to the organisation as an appeal and must be answered."
        ),
        sms=_("Vikno: {organisation} looked at your data on {when}. See why in your account."),
        action=_("See who looked at your data"),
    ),
    # --- the ways into the account (vikno.identity.alerts) ---
    "sign_in_changed": Event(
        title=_("A change to how you sign in to Vikno"),
        body=_(
            "{change}, on {when} (Kyiv time).\n\n"
            "If this was you, there is nothing to do. If it was not, someone else may be able to sign in as you: "
            "sign in, check the ways to sign in and the devices on your security page, sign out everywhere else "
            "and change your password. You can also ask for help at any service centre."
        ),
        sms=_("Vikno: a change to how you sign in, on {when}. Not you? Check the security page of your account."),
        action=_("Check your account's security"),
        security=True,
    ),
    # --- requests about personal data (vikno.privacy.rights) ---
    "privacy_request_received": Event(
        title=_("We received your request {reference}"),
        body=_(
            "Your request about your personal data ({kind}) is registered with the reference number {reference}.\n\n"
            "The data protection officer must answer by {due_date}."
        ),
        sms=_("Vikno: request {reference} about your personal data received. Answer due by {due_date}."),
        action=_("View your request"),
    ),
    "privacy_request_answered": Event(
        title=_("Answer to your request {reference}"),
        body=_("The data protection officer answered your request about your personal data ({kind}): {outcome}."),
        sms=_("Vikno: your request {reference} about your personal data is answered. Read it in your account."),
        action=_("Read the answer"),
    ),
    # The account is closed, so the answer itself is the message.
    "privacy_account_erased": Event(
        title=_("Your data is erased (request {reference})"),
        body=_("{answer}"),
        sms=_(
            "Vikno: your account is erased as you asked (request {reference}). "
            "Records the law requires are kept until their term ends."
        ),
    ),
}
