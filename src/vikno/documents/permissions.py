"""Which officials see and revoke which issued documents: those of the organisations they work for."""

from vikno.identity.constants import Role
from vikno.identity.selectors import organisation_ids_for_role

REVOKE_PERMISSION = "documents.revoke_issueddocument"


def visible_organisation_ids(user) -> set | None:
    """Organisations whose documents the official sees: their own and those their roles reach (None: all)."""
    if not user.is_authenticated or not user.is_active or not user.is_staff:
        return set()
    if user.is_superuser:
        return None
    ids = organisation_ids_for_role(user=user, roles=tuple(Role))
    if user.organisation_id:
        ids.add(user.organisation_id)
    return ids


def can_revoke(user, document) -> bool:
    if not user.has_perm(REVOKE_PERMISSION):
        return False
    ids = visible_organisation_ids(user)
    return ids is None or document.organisation_id in ids
