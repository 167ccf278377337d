from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    EDITOR = "editor", _("Editor")
    CASE_OFFICER = "case_officer", _("Case officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    ORGANISATION_ADMIN = "organisation_admin", _("Organisation admin")
    AUDITOR = "auditor", _("Auditor")
