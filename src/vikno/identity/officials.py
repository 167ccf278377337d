"""Officials' accounts and roles, administered by organisation admins. Officials never register themselves.

Who administers whom:

- the platform administrator (a superuser) administers every official;
- an official holding the organisation-admin role administers the officials of the organisations that role
  covers (its organisation, and every one below it where the role includes sub-organisations), never a
  platform administrator, and never themselves;
- an organisation admin grants and revokes roles only in the organisations they administer, and grants the
  organisation-admin role itself only in organisations strictly below one where they hold it with its
  sub-organisations: at the top of a tree (their own top organisation, or an organisation with no parent)
  only the platform administrator appoints organisation admins.

Every service checks permission, locks the rows it changes, writes, and records the change in the audit trail
in the same transaction; e-mails go out from a task after the commit.
"""

from dataclasses import dataclass

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from vikno.audit.services import record
from vikno.catalog.models import Organisation
from vikno.catalog.selectors import organisation_descendant_ids
from vikno.core import clock
from vikno.identity.constants import Role
from vikno.identity.groups import sync_role_groups
from vikno.identity.invitations import InvitationStatus, invitation_tokens, renew, send_official_invitation
from vikno.identity.models import RoleAssignment, SignedInSession, User
from vikno.identity.selectors import organisation_ids_for_role

ADMIN_ROLES = (Role.ORGANISATION_ADMIN,)


# --- Scope ---------------------------------------------------------------------------------------------------
def administered_organisation_ids(user) -> set | None:
    """Organisations whose officials the user administers; None means all of them (platform administrator)."""
    if not user.is_authenticated or not user.is_active or not user.is_staff:
        return set()
    if user.is_superuser:
        return None
    return organisation_ids_for_role(user=user, roles=ADMIN_ROLES)


def administers_officials(user) -> bool:
    ids = administered_organisation_ids(user)
    return ids is None or bool(ids)


def administered_organisations(*, user) -> QuerySet[Organisation]:
    return organisations_within(administered_organisation_ids(user))


def officials_for(*, user) -> QuerySet[User]:
    """The officials the user administers (their own account included, to look at, never to change)."""
    return officials_within(administered_organisation_ids(user))


def role_assignments_for(*, user) -> QuerySet[RoleAssignment]:
    """Role assignments the user administers: in their organisations, held by officials of their organisations."""
    return role_assignments_within(administered_organisation_ids(user))


# The same, for a scope the caller has already worked out (an admin page asks several times per request).
def organisations_within(ids: set | None) -> QuerySet[Organisation]:
    return Organisation.objects.all() if ids is None else Organisation.objects.filter(id__in=ids)


def officials_within(ids: set | None) -> QuerySet[User]:
    officials = User.objects.filter(is_staff=True)
    if ids is None:
        return officials
    return officials.filter(organisation_id__in=ids, is_superuser=False)


def role_assignments_within(ids: set | None) -> QuerySet[RoleAssignment]:
    if ids is None:
        return RoleAssignment.objects.all()
    return RoleAssignment.objects.filter(
        organisation_id__in=ids, user__organisation_id__in=ids, user__is_staff=True, user__is_superuser=False
    )


def _appoints_admins_in(actor: User, organisation: Organisation) -> bool:
    """Whether the actor may grant (or revoke) the organisation-admin role in the organisation."""
    if actor.is_superuser:
        return True
    below: set = set()
    for assignment in actor.role_assignments.filter(role=Role.ORGANISATION_ADMIN, includes_subordinates=True):
        below |= organisation_descendant_ids(assignment.organisation_id)
    return organisation.pk in below


@dataclass(frozen=True)
class Refusal:
    """Why an action is not allowed: a translated sentence, and the field of the form it is about."""

    field: str
    message: str


def _official_refusal(actor: User, official: User) -> Refusal | None:
    if official.pk == actor.pk:
        return Refusal("user", _("You cannot change your own account or roles; ask another organisation admin."))
    ids = administered_organisation_ids(actor)
    in_scope = ids is None or (official.organisation_id in ids and not official.is_superuser)
    if not official.is_staff or not in_scope:
        return Refusal("user", _("This official is not in an organisation you administer."))
    return None


# Roles whose power reaches every citizen, whatever organisation they are held in (the data protection officer
# erases any account): only the platform administrator grants or removes them, never an organisation admin.
PLATFORM_ROLES = (Role.DATA_PROTECTION_OFFICER,)


def role_grant_refusal(*, actor: User, official: User, organisation: Organisation, role: str) -> Refusal | None:
    """Why the actor may not grant the role, or None when they may."""
    refusal = _official_refusal(actor, official)
    if refusal:
        return refusal
    if not official.is_active:
        return Refusal("user", _("Roles are granted to active officials only."))
    ids = administered_organisation_ids(actor)
    if ids is not None and organisation.pk not in ids:
        return Refusal("organisation", _("You do not administer this organisation."))
    if role in PLATFORM_ROLES and not actor.is_superuser:
        return Refusal("role", _("Only the platform administrator appoints data protection officers."))
    if role == Role.ORGANISATION_ADMIN and not _appoints_admins_in(actor, organisation):
        return Refusal(
            "role",
            _(
                "Only the platform administrator appoints organisation admins at the top of an organisation tree. "
                "You may appoint them in the organisations below your own."
            ),
        )
    return None


def role_revoke_refusal(*, actor: User, assignment: RoleAssignment) -> Refusal | None:
    """Why the actor may not revoke the role assignment, or None when they may."""
    refusal = _official_refusal(actor, assignment.user)
    if refusal:
        return refusal
    ids = administered_organisation_ids(actor)
    if ids is not None and assignment.organisation_id not in ids:
        return Refusal("organisation", _("You do not administer this organisation."))
    if assignment.role in PLATFORM_ROLES and not actor.is_superuser:
        return Refusal("role", _("Only the platform administrator removes data protection officers."))
    if assignment.role == Role.ORGANISATION_ADMIN and not _appoints_admins_in(actor, assignment.organisation):
        return Refusal("role", _("Only the platform administrator removes organisation admins at the top of a tree."))
    return None


def official_refusal(*, actor: User, official: User) -> Refusal | None:
    """Why the actor may not deactivate or re-invite the official, or None when they may."""
    return _official_refusal(actor, official)


def email_in_use(email: str) -> bool:
    return User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists()


# --- Services ------------------------------------------------------------------------------------------------
class InvitationRefused(Exception):
    """The invitation link no longer works (used, expired, replaced, or the account deactivated)."""

    def __init__(self, status: InvitationStatus):
        super().__init__(status.value)
        self.status = status


def _enqueue_invitation(official: User) -> None:
    invitation = renew(official)
    official_id = str(official.pk)
    transaction.on_commit(lambda: send_official_invitation.enqueue(official_id, invitation))


@transaction.atomic
def official_create(
    *,
    actor: User,
    email: str,
    first_name: str,
    last_name: str,
    organisation: Organisation,
    middle_name: str = "",
    source_ip: str | None = None,
) -> User:
    """A new official of the organisation, with no password: they are e-mailed a link to set one.

    The e-mail address is also the username and must not be used by any other account.
    """
    ids = administered_organisation_ids(actor)
    if ids is not None and organisation.pk not in ids:
        raise PermissionDenied(_("You do not administer this organisation."))
    email = email.strip().lower()
    validate_email(email)
    if email_in_use(email):
        raise ValidationError({"email": _("An account with this e-mail address already exists.")})
    if not first_name.strip() or not last_name.strip():
        raise ValidationError(_("An official needs a first and a last name."))
    official = User(
        username=email,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        middle_name=middle_name.strip(),
        organisation=organisation,
        is_staff=True,
        is_active=True,
    )
    official.set_unusable_password()
    official.save()
    record(
        actor=actor,
        action="identity.official_created",
        target=official,
        source_ip=source_ip,
        details={"organisation": organisation.slug},
    )
    _enqueue_invitation(official)
    return official


@transaction.atomic
def official_invite(*, actor: User, official: User, source_ip: str | None = None) -> None:
    """Send the official a new invitation; the links sent before stop working."""
    official = User.objects.select_for_update().get(pk=official.pk)
    refusal = official_refusal(actor=actor, official=official)
    if refusal:
        raise PermissionDenied(refusal.message)
    if not official.is_active:
        raise ValidationError(_("The account is deactivated."))
    if official.has_usable_password():
        raise ValidationError(_("The official has already set a password."))
    record(actor=actor, action="identity.official_invited", target=official, source_ip=source_ip)
    _enqueue_invitation(official)


@transaction.atomic
def official_activate(*, official: User, token: str, password: str, source_ip: str | None = None) -> User:
    """The official sets their password from the invitation link, which then stops working.

    Raises `InvitationRefused` when the link no longer works, ValidationError when the password is too weak.
    """
    official = User.objects.select_for_update().get(pk=official.pk)
    status = invitation_tokens.status(official, token)
    if status is not InvitationStatus.VALID:
        raise InvitationRefused(status)
    password_validation.validate_password(password, official)
    official.set_password(password)
    official.save(update_fields=["password"])
    record(actor=official, action="identity.official_activated", target=official, source_ip=source_ip)
    return official


@transaction.atomic
def official_deactivate(*, actor: User, official: User, reason: str = "", source_ip: str | None = None) -> User:
    """End the official's access: the account can no longer sign in, and its open sessions end now."""
    official = User.objects.select_for_update().get(pk=official.pk)
    refusal = official_refusal(actor=actor, official=official)
    if refusal:
        raise PermissionDenied(refusal.message)
    if not official.is_active:
        return official
    official.is_active = False
    official.save(update_fields=["is_active"])
    ended = SignedInSession.objects.filter(user=official, ended_at__isnull=True).update(ended_at=clock.now())
    record(
        actor=actor,
        action="identity.official_deactivated",
        target=official,
        source_ip=source_ip,
        reason=reason,
        details={"sessions_ended": ended},
    )
    return official


@transaction.atomic
def role_grant(
    *,
    actor: User,
    official: User,
    organisation: Organisation,
    role: Role | str,
    includes_subordinates: bool = False,
    source_ip: str | None = None,
) -> RoleAssignment:
    role = Role(role)
    official = User.objects.select_for_update().get(pk=official.pk)
    refusal = role_grant_refusal(actor=actor, official=official, organisation=organisation, role=role)
    if refusal:
        raise PermissionDenied(refusal.message)
    if official.role_assignments.filter(organisation=organisation, role=role).exists():
        raise ValidationError(_("The official already holds this role in this organisation."))
    assignment = RoleAssignment.objects.create(
        user=official, organisation=organisation, role=role, includes_subordinates=includes_subordinates
    )
    sync_role_groups(official)
    record(
        actor=actor,
        action="identity.role_granted",
        target=official,
        source_ip=source_ip,
        details={
            "role": role.value,
            "organisation": organisation.slug,
            "includes_subordinates": includes_subordinates,
        },
    )
    return assignment


@transaction.atomic
def role_revoke(*, actor: User, assignment: RoleAssignment, reason: str = "", source_ip: str | None = None) -> None:
    official = User.objects.select_for_update().get(pk=assignment.user_id)
    assignment = RoleAssignment.objects.select_related("organisation").filter(pk=assignment.pk).first()  # type: ignore[assignment]
    if assignment is None:
        return  # revoked meanwhile
    assignment.user = official
    refusal = role_revoke_refusal(actor=actor, assignment=assignment)
    if refusal:
        raise PermissionDenied(refusal.message)
    details = {
        "role": assignment.role,
        "organisation": assignment.organisation.slug,
        "includes_subordinates": assignment.includes_subordinates,
    }
    assignment.delete()
    sync_role_groups(official)
    record(
        actor=actor,
        action="identity.role_revoked",
        target=official,
        source_ip=source_ip,
        reason=reason,
        details=details,
    )
