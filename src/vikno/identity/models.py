import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from vikno.identity.constants import Role
from vikno.privacy.fields import BlindIndexedModel, BlindIndexField, EncryptedDateField, EncryptedTextField


class User(BlindIndexedModel, AbstractUser):
    """Anyone who signs in. Officials hold role assignments; the platform administrator is a superuser.

    A citizen's name, date of birth and RNOKPP come from a national eID when they signed in with one; then
    `identity_source` names the provider and the portal shows those fields read-only.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    middle_name = models.CharField(_("patronymic"), max_length=150, blank=True)
    # Encrypted at rest; the taxpayer number and the phone are found through their blind indexes only.
    birth_date = EncryptedDateField(_("date of birth"), null=True, blank=True)
    rnokpp = EncryptedTextField(_("taxpayer number (RNOKPP)"), max_length=10, blank=True)
    rnokpp_index = BlindIndexField(source="rnokpp")
    phone = EncryptedTextField(_("phone"), max_length=20, blank=True)
    phone_index = BlindIndexField(source="phone", db_index=True)
    identity_source = models.CharField(_("identity confirmed by"), max_length=100, blank=True)
    identity_verified_at = models.DateTimeField(_("identity confirmed on"), null=True, blank=True)
    email_verified_at = models.DateTimeField(_("e-mail confirmed on"), null=True, blank=True)
    # Officials belong to one organisation of the catalogue (their roles may reach further, see RoleAssignment).
    organisation = models.ForeignKey(
        "catalog.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officials",
    )
    # How the person wants to hear from the portal (the messages in the cabinet are always kept).
    notify_by_email = models.BooleanField(_("by e-mail"), default=True)
    notify_by_sms = models.BooleanField(_("by SMS"), default=False)
    language = models.CharField(_("language of messages"), max_length=8, choices=settings.LANGUAGES, default="uk")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["rnokpp_index"], condition=~models.Q(rnokpp_index=""), name="one_account_per_rnokpp"
            )
        ]

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name, self.middle_name) if part)


# Where a person manages the ways into their account: officials have no cabinet, their passkeys have a page.
SECURITY_PAGES = {False: "identity:security", True: "identity:office-passkeys"}


def security_page(user: User) -> str:
    """The URL name of the person's security page."""
    return SECURITY_PAGES[user.is_staff]


class EidIdentity(models.Model):
    """A person's identity at one eID provider (issuer + subject), linked to their portal account.

    The subject is encrypted (some providers derive it from the taxpayer number) and found by its blind index."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="eid_identities")
    provider = models.CharField(_("provider"), max_length=50)
    issuer = models.URLField(_("issuer"), max_length=300)
    subject = EncryptedTextField(_("subject"), max_length=255)
    subject_index = BlindIndexField(source="subject")
    first_used_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField()

    class Meta:
        verbose_name = _("eID identity")
        verbose_name_plural = _("eID identities")
        constraints = [models.UniqueConstraint(fields=["issuer", "subject_index"], name="one_account_per_eid_subject")]

    def __str__(self) -> str:
        return f"{self.provider}: {self.user_id}"


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


class Passkey(models.Model):
    """A WebAuthn credential (passkey) a person registered as a way to sign in."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="passkeys")
    name = models.CharField(_("name"), max_length=100)
    credential_id = models.BinaryField(unique=True)
    public_key = models.BinaryField()
    sign_count = models.PositiveBigIntegerField(default=0)
    transports = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("passkey")
        verbose_name_plural = _("passkeys")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name


class RecoveryCode(models.Model):
    """A one-time code that replaces the second factor when the person has lost it. Stored as a keyed hash."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        constraints = [models.UniqueConstraint(fields=["user", "code_hash"], name="unique_recovery_code")]

    def __str__(self) -> str:
        return f"{self.user} ({'used' if self.used_at else 'unused'})"


class SignedInSession(models.Model):
    """One signed-in browser: shown on the security page, where the person can end it.

    The session itself lives in Django's session store; its data carries `public_id` so that any backend
    (database, cache, Redis) can be ended by marking the row, which the session middleware checks.
    """

    public_id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions")
    method = models.CharField(_("signed in with"), max_length=50)
    assurance = models.PositiveSmallIntegerField(_("level of assurance"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    started_at = models.DateTimeField(_("signed in"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last active"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")
        ordering = ["-last_seen_at"]
        indexes = [models.Index(fields=["user", "ended_at"], name="session_user_active_idx")]

    def __str__(self) -> str:
        return f"{self.user} {self.started_at:%Y-%m-%d %H:%M}"


class PartyKind(models.TextChoices):
    BUSINESS = "business", _("Business")
    CHILD = "child", _("Child")


class Mandate(BlindIndexedModel):
    """The right of a person to act for someone else: a business they represent, or their minor child.

    Registered by an official from a document (registries come later). Whatever the representative does while
    acting for the party is recorded as done by them for the party.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    representative = models.ForeignKey(
        User, verbose_name=_("representative"), on_delete=models.CASCADE, related_name="mandates"
    )
    party_kind = models.CharField(_("acts for"), max_length=20, choices=PartyKind.choices)
    party_name = models.CharField(_("name of the party"), max_length=300)
    # A child's taxpayer number, date of birth and birth certificate are encrypted at rest.
    party_code = EncryptedTextField(
        _("code of the party"),
        max_length=10,
        help_text=_("EDRPOU code (8 digits) of a business, or RNOKPP (10 digits) of a child."),
    )
    party_code_index = BlindIndexField(source="party_code", db_index=True)
    party_birth_date = EncryptedDateField(_("child's date of birth"), null=True, blank=True)
    basis = EncryptedTextField(
        _("document it rests on"), max_length=300, help_text=_("For example: birth certificate series and number.")
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    registered_by = models.ForeignKey(User, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    revocation_reason = models.CharField(_("why revoked"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        ordering = ["party_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("valid_from")),
                name="mandate_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.representative} → {self.party_name}"
