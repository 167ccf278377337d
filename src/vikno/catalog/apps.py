from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "vikno.catalog"
    label = "catalog"
    verbose_name = _("Catalogue of services")
    default_auto_field = "django.db.models.BigAutoField"
