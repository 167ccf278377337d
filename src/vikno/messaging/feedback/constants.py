from django.db import models
from django.utils.translation import gettext_lazy as _

from vikno.identity.constants import Role


class Score(models.IntegerChoices):
    """How satisfied the applicant was with a completed service, with the words shown beside each number."""

    VERY_DISSATISFIED = 1, _("Very dissatisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    NEUTRAL = 3, _("Neither satisfied nor dissatisfied")
    SATISFIED = 4, _("Satisfied")
    VERY_SATISFIED = 5, _("Very satisfied")


class QuestionState(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")


# The longest comment with a rating, the longest "what was wrong with this page" and the longest reason for
# rejecting a question (characters). Questions and answers may be as long as settings.MESSAGE_MAX_CHARS.
RATING_COMMENT_MAX_CHARS = 2000
PAGE_COMMENT_MAX_CHARS = 1000
REJECT_REASON_MAX_CHARS = 1000

# How many published questions a service page lists besides the common (promoted) ones, newest first.
PUBLIC_QUESTIONS_SHOWN = 20
# How many of the latest rating comments the authority's feedback page shows.
LATEST_COMMENTS_SHOWN = 20

# The roles that moderate and answer public questions on their organisation's services.
MODERATOR_ROLES = (Role.SUPERVISOR, Role.CASE_OFFICER, Role.EDITOR)
# The roles that read the ratings and comments of their organisation's services.
FEEDBACK_READER_ROLES = (Role.SUPERVISOR, Role.CASE_OFFICER, Role.EDITOR, Role.ORGANISATION_ADMIN, Role.AUDITOR)
