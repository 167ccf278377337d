import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from vikno.identity.constants import Role


class User(AbstractUser):
    """Anyone who signs in. Officials hold role assignments; the platform administrator is a superuser.

    A citizen's name, date of birth and RNOKPP come from a national eID when they signed in with one; then
    `identity_source` names the provider and the portal shows those fields read-only.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    middle_name = models.CharField(_("patronymic"), max_length=150, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    rnokpp = models.CharField(_("taxpayer number (RNOKPP)"), max_length=10, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    identity_source = models.CharField(_("identity confirmed by"), max_length=100, blank=True)
    identity_verified_at = models.DateTimeField(_("identity confirmed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(fields=["rnokpp"], condition=~models.Q(rnokpp=""), name="one_account_per_rnokpp")
        ]

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name, self.middle_name) if part)


class EidIdentity(models.Model):
    """A person's identity at one eID provider (issuer + subject), linked to their portal account."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="eid_identities")
    provider = models.CharField(_("provider"), max_length=50)
    issuer = models.URLField(_("issuer"), max_length=300)
    subject = models.CharField(_("subject"), max_length=255)
    first_used_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField()

    class Meta:
        verbose_name = _("eID identity")
        verbose_name_plural = _("eID identities")
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="one_account_per_eid_subject")]

    def __str__(self) -> str:
        return f"{self.provider}: {self.subject}"


class RoleAssignment(models.Model):
    """A role an official holds in one organisation, optionally reaching its sub-organisations."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    organisation = models.ForeignKey("catalog.Organisation", on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    includes_subordinates = models.BooleanField(
        _("includes sub-organisations"),
        default=False,
        help_text=_("The role also applies to every organisation below this one."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="unique_role_per_organisation")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"
