"""The kinds and states of an appeal, why officials open one, and the limits of what is written."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppealKind(models.TextChoices):
    """The kinds the Law of Ukraine "On Citizens' Appeals" (art. 3) names, in its order."""

    PROPOSAL = "proposal", _("Proposal or remark")
    INQUIRY = "inquiry", _("Inquiry or petition")
    COMPLAINT = "complaint", _("Complaint")


KIND_HINTS = {
    AppealKind.PROPOSAL: _("Advice or an idea on how the authority could work better, or a remark on its work."),
    AppealKind.INQUIRY: _(
        "Ask for help to exercise your rights or interests, or tell the authority about a breach of the law or a "
        "shortcoming in its work."
    ),
    AppealKind.COMPLAINT: _(
        "Ask for your rights or interests to be restored when a decision, action or inaction of an authority or an "
        "official breached them."
    ),
}


class AppealState(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    IN_PROGRESS = "in_progress", _("Being considered")
    ANSWERED = "answered", _("Answered")


OPEN_STATES = (AppealState.REGISTERED, AppealState.IN_PROGRESS)


class AttachmentPart(models.TextChoices):
    APPEAL = "appeal", _("Sent with the appeal")
    ANSWER = "answer", _("Sent with the answer")


class AppealAccessPurpose(models.TextChoices):
    """Why an official opens a citizen's appeal (kept in the personal-data access log the citizen sees)."""

    ANSWERING = "appeal_answering", _("Answering the appeal")
    ROUTING = "appeal_routing", _("Routing the appeal to an official")
    SUPERVISION = "appeal_supervision", _("Supervision of the appeal's handling")


SUBJECT_MAX_CHARS = 150
REASON_MAX_CHARS = 1000
ANSWER_MAX_CHARS = 10000
# Files a citizen may attach to one appeal, and an official to one answer.
MAX_FILES = 5
