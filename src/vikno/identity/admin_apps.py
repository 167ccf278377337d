"""The Django admin's app config, pointing at Vikno's admin site (kept apart: it is loaded before the models)."""

from django.contrib.admin.apps import AdminConfig


class ViknoAdminConfig(AdminConfig):
    default_site = "vikno.identity.admin_site.ViknoAdminSite"
