"""The Django permission groups that go with officials' roles.

The admin checks Django model permissions as well as the organisations a role covers (the catalogue's admin
and identity's alike), so an official granted a role also needs the matching group. `sync_role_groups` keeps
an official's role groups in step with their role assignments (other groups are left alone); `role_grant` and
`role_revoke` call it. The auditor's role has no admin pages yet, so no group.
"""

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

from vikno.identity.constants import Role
from vikno.identity.models import User

EDITORS_GROUP = "Catalogue editors"
SUPERVISORS_GROUP = "Catalogue supervisors"
# Catalogue models editors work on: add, change and view; the child rows edited inline may also be removed.
EDITED_MODELS = ("publicservice", "servicecentre")
INLINE_MODELS = ("legalresource", "evidence", "channel", "contactpoint", "openinghours", "specialday")
# Reference lists editors pick from but do not change; revisions are shown read-only on each service.
VIEWED_MODELS = ("organisation", "sector", "lifeevent", "servicerevision")
PUBLISH_PERMISSION = "publish_publicservice"
DEFINITION_PERMISSIONS = ("add_servicedefinition", "change_servicedefinition", "view_servicedefinition")

ORGANISATION_ADMINS_GROUP = "Organisation admins"
CASE_OFFICERS_GROUP = "Case officers"
# Identity's admin: officials (view, create; change = deactivate, re-invite), their roles (view, grant, revoke)
# and mandates (view, register; change = revoke). Nothing is edited in place or deleted but roles.
IDENTITY_PERMISSIONS = {
    ORGANISATION_ADMINS_GROUP: (
        "view_user",
        "add_user",
        "change_user",
        "view_roleassignment",
        "add_roleassignment",
        "delete_roleassignment",
        "view_mandate",
        "add_mandate",
        "change_mandate",
    ),
    CASE_OFFICERS_GROUP: ("view_mandate", "add_mandate", "change_mandate"),
}

ROLE_GROUPS = {
    Role.EDITOR: EDITORS_GROUP,
    Role.SUPERVISOR: SUPERVISORS_GROUP,
    Role.ORGANISATION_ADMIN: ORGANISATION_ADMINS_GROUP,
    Role.CASE_OFFICER: CASE_OFFICERS_GROUP,
}
GROUP_PUBLISHES = {EDITORS_GROUP: False, SUPERVISORS_GROUP: True}


def catalogue_permissions(*, publish: bool) -> list[Permission]:
    wanted = Q()
    for model in EDITED_MODELS:
        wanted |= Q(codename__in=[f"add_{model}", f"change_{model}", f"view_{model}"])
    for model in INLINE_MODELS:
        wanted |= Q(codename__in=[f"add_{model}", f"change_{model}", f"delete_{model}", f"view_{model}"])
    wanted |= Q(codename__in=[f"view_{model}" for model in VIEWED_MODELS])
    if publish:
        wanted |= Q(codename=PUBLISH_PERMISSION)
    # Service designers also edit how their services are applied for online (the applications app's definitions).
    designs = Q(codename__in=DEFINITION_PERMISSIONS, content_type__app_label="applications")
    permissions = list(Permission.objects.filter(Q(wanted, content_type__app_label="catalog") | designs))
    expected = len(DEFINITION_PERMISSIONS) + len(EDITED_MODELS) * 3 + len(INLINE_MODELS) * 4
    expected += len(VIEWED_MODELS) + int(publish)
    if len(permissions) != expected:
        raise ImproperlyConfigured("Some catalogue permissions are missing; run `manage.py migrate` first.")
    return permissions


def identity_permissions(name: str) -> list[Permission]:
    codenames = IDENTITY_PERMISSIONS[name]
    permissions = list(Permission.objects.filter(codename__in=codenames, content_type__app_label="identity"))
    if len(permissions) != len(codenames):
        raise ImproperlyConfigured("Some identity permissions are missing; run `manage.py migrate` first.")
    return permissions


def group_permissions(name: str) -> list[Permission]:
    if name in IDENTITY_PERMISSIONS:
        return identity_permissions(name)
    return catalogue_permissions(publish=GROUP_PUBLISHES[name])


def ensure_role_groups() -> dict[str, Group]:
    """Every role's group with exactly its permissions (put back if someone changed them)."""
    groups = {}
    for name in ROLE_GROUPS.values():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(group_permissions(name))
        groups[name] = group
    return groups


def _group(name: str) -> Group:
    """The group, created with its permissions when missing (an existing group is used as the platform
    administrator left it)."""
    group = Group.objects.filter(name=name).first()
    if group is None:
        group = Group.objects.create(name=name)
        group.permissions.set(group_permissions(name))
    return group


def sync_role_groups(user: User) -> None:
    """Put the official in the groups their roles call for, and out of the role groups they no longer need."""
    roles = set(user.role_assignments.values_list("role", flat=True))
    wanted = {ROLE_GROUPS[Role(role)] for role in roles if role in ROLE_GROUPS}
    unwanted = set(ROLE_GROUPS.values()) - wanted
    if unwanted:
        user.groups.remove(*Group.objects.filter(name__in=unwanted))
    if wanted:
        user.groups.add(*[_group(name) for name in sorted(wanted)])
