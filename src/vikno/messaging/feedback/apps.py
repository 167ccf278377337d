from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    """Ratings of completed services, "was this page useful?", and public questions on a service."""

    name = "vikno.messaging.feedback"
    label = "feedback"
    verbose_name = _("Feedback and public questions")
    default_auto_field = "django.db.models.BigAutoField"
