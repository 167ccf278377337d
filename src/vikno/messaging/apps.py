from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "vikno.messaging"
    verbose_name = _("Messages and notifications")
    default_auto_field = "django.db.models.BigAutoField"
