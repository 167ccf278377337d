"""The personal-data access log: every time an official opens a citizen's data, and why."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DataAccess(models.Model):
    """One look at a person's data by an official. Written only by `privacy.services.data_access_record`."""

    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(_("when"), db_index=True)
    official = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("catalog.Organisation", null=True, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=30, blank=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="data_accesses", verbose_name=_("whose data")
    )
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    purpose = models.CharField(_("purpose"), max_length=300)

    class Meta:
        verbose_name = _("personal-data access")
        verbose_name_plural = _("personal-data accesses")
        indexes = [models.Index(fields=["subject", "-occurred_at"], name="access_by_subject")]

    def __str__(self) -> str:
        return f"{self.official} → {self.object_type} {self.object_id} ({self.occurred_at:%Y-%m-%d %H:%M})"
