from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    """Inquiries, complaints and proposals to authorities (the appeals of citizens), with statutory terms."""

    name = "vikno.messaging.appeals"
    label = "appeals"
    verbose_name = _("Appeals of citizens")
    default_auto_field = "django.db.models.BigAutoField"
