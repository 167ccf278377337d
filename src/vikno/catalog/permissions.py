"""Who may edit and publish which part of the catalogue. Editors are scoped to their own organisations."""

from vikno.catalog.constants import PublicationStatus
from vikno.catalog.models import PublicService
from vikno.identity.constants import Role
from vikno.identity.selectors import organisation_ids_for_role

EDITING_ROLES = (Role.EDITOR, Role.SUPERVISOR)
PUBLISHING_ROLES = (Role.SUPERVISOR,)


def editable_organisation_ids(user) -> set | None:
    """Organisations whose services the user may edit; None means every organisation (platform admin)."""
    if user.is_superuser:
        return None
    return organisation_ids_for_role(user=user, roles=EDITING_ROLES)


def publishable_organisation_ids(user) -> set | None:
    if user.is_superuser:
        return None
    return organisation_ids_for_role(user=user, roles=PUBLISHING_ROLES)


def _within(ids: set | None, organisation_id) -> bool:
    return ids is None or organisation_id in ids


def can_edit_service(user, service: PublicService) -> bool:
    """Editors change drafts and services in review; a published service is changed by those who publish."""
    if not user.is_active or not user.is_staff:
        return False
    if service.pk and service.status == PublicationStatus.PUBLISHED:
        return can_publish_service(user, service)
    return _within(editable_organisation_ids(user), service.competent_authority_id)


def can_publish_service(user, service: PublicService) -> bool:
    if not user.is_active or not user.is_staff:
        return False
    return user.has_perm("catalog.publish_publicservice") and _within(
        publishable_organisation_ids(user), service.competent_authority_id
    )
