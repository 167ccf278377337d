from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    EDITOR = "editor", _("Editor")
    CASE_OFFICER = "case_officer", _("Case officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    ORGANISATION_ADMIN = "organisation_admin", _("Organisation admin")
    AUDITOR = "auditor", _("Auditor")
    ACCOUNTANT = "accountant", _("Accountant")  # fee accounts: bank statements, reconciliation, refunds
    # Handles data-subject requests (export, correction, erasure) for the whole platform.
    DATA_PROTECTION_OFFICER = "data_protection_officer", _("Data protection officer")


class Assurance(models.IntegerChoices):
    """eIDAS levels of assurance: how sure the portal is that the person is who they say they are."""

    LOW = 1, _("low")
    SUBSTANTIAL = 2, _("substantial")
    HIGH = 3, _("high")


# The eIDAS acr values, understood from every provider unless its settings map others.
EIDAS_ACR = {
    "http://eidas.europa.eu/LoA/low": Assurance.LOW,
    "http://eidas.europa.eu/LoA/substantial": Assurance.SUBSTANTIAL,
    "http://eidas.europa.eu/LoA/high": Assurance.HIGH,
}
