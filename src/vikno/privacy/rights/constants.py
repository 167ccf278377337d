"""Consents, data-subject requests and their states, and the limits of what is written."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from vikno.identity.constants import Role


class ConsentKey(models.TextChoices):
    """What the portal asks a person to agree to (or, for the privacy notice, to acknowledge)."""

    PRIVACY_NOTICE = "privacy_notice", _("Privacy notice")
    EMAIL_NOTIFICATIONS = "email_notifications", _("Notifications by e-mail")
    SMS_NOTIFICATIONS = "sms_notifications", _("Notifications by SMS")
    PUBLIC_QUESTIONS = "public_questions", _("Publication of your questions about services")


# The privacy notice is information, not consent: the portal's processing rests on the law, so reading the notice
# is acknowledged, never withdrawn.
NOT_WITHDRAWABLE = frozenset({ConsentKey.PRIVACY_NOTICE})


class ConsentMethod(models.TextChoices):
    """How a consent was given or withdrawn."""

    CONSENTS_PAGE = "consents_page", _("on the page “Your consents”")
    NOTIFICATION_SETTINGS = "notification_settings", _("in the notification settings")
    REGISTRATION = "registration", _("when the account was created")
    QUESTION_FORM = "question_form", _("when asking a question about a service")
    SMS_STOP = "sms_stop", _("by sending STOP by SMS")
    ERASURE = "erasure", _("when the account was erased")
    RECORDED_FROM_SETTINGS = "recorded_from_settings", _("as chosen before consents were recorded")


class RequestKind(models.TextChoices):
    """What a data subject asks the data protection officer for (downloading the data is self-service)."""

    CORRECTION = "correction", _("Correction of your data")
    ERASURE = "erasure", _("Erasure of your data")


class RequestState(models.TextChoices):
    RECEIVED = "received", _("Received")
    COMPLETED = "completed", _("Done")
    REFUSED = "refused", _("Refused")
    ENDED = "ended", _("Ended with the account")  # the person's account was erased before it was answered


OPEN_STATES = (RequestState.RECEIVED,)

# Who handles data-subject requests: the platform's data protection officer (the role held in any organisation).
DPO_ROLES = (Role.DATA_PROTECTION_OFFICER,)

TEXT_MAX_CHARS = 5000
ANSWER_MAX_CHARS = 10000
