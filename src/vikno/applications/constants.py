from django.db import models
from django.utils.translation import gettext_lazy as _

DRAFT = "draft"  # before submission; not a state of the workflow, which starts at SUBMITTED
SUBMITTED = "submitted"
# Sent, with a fee not paid yet: not a state of the workflow either; the case reaches the authority once paid.
AWAITING_PAYMENT = "awaiting_payment"
NOT_YET_CASES = (DRAFT, AWAITING_PAYMENT)


class DefinitionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class Outcome(models.TextChoices):
    APPROVAL = "approval", _("Approved")
    REFUSAL = "refusal", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Application submitted")
    TRANSITION = "transition", _("Status changed")
    INFORMATION_REQUESTED = "information_requested", _("More information requested")
    INFORMATION_PROVIDED = "information_provided", _("More information provided")
    ASSIGNED = "assigned", _("Assigned")
    FORWARDED = "forwarded", _("Forwarded to another organisation")
    DECISION_PROPOSED = "decision_proposed", _("Decision proposed for a second check")
    DECISION_RETURNED = "decision_returned", _("Proposed decision returned")
    RESULT_ISSUED = "result_issued", _("Result issued")
    REMINDER = "reminder", _("Deadline reminder")
    PAYMENT_RECEIVED = "payment_received", _("Fee paid")
    REFUNDED = "refunded", _("Fee refunded")


class AccessPurpose(models.TextChoices):
    """Why an official opens a citizen's case (kept in the data-access log the citizen sees)."""

    PROCESSING = "processing", _("Processing the application")
    SUPERVISION = "supervision", _("Supervision of the case's handling")
    SECOND_CHECK = "second_check", _("Second check of a proposed decision")
    CITIZEN_ENQUIRY = "citizen_enquiry", _("Answering the applicant's enquiry")
