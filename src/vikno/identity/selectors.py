"""Which organisations an official may act for, by role."""

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from vikno.catalog.models import Organisation
from vikno.catalog.selectors import organisation_descendant_ids
from vikno.identity.constants import Role
from vikno.identity.models import User
from vikno.privacy.fields import blind_index_for


def organisation_ids_for_role(*, user: User, roles: tuple[Role, ...]) -> set:
    """Ids of the organisations where the user holds one of the roles (sub-organisations where granted)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    ids: set = set()
    for assignment in user.role_assignments.filter(role__in=roles):
        ids.add(assignment.organisation_id)
        if assignment.includes_subordinates:
            ids |= organisation_descendant_ids(assignment.organisation_id)
    return ids


def organisations_for_role(*, user: User, roles: tuple[Role, ...]) -> QuerySet[Organisation]:
    if user.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(id__in=organisation_ids_for_role(user=user, roles=roles))


def users_with_role_for(*, organisation: Organisation, role: Role) -> QuerySet[User]:
    """Active users holding the role for the organisation, directly or through an ancestor's reach."""
    ancestor_ids = []
    ancestor = organisation.parent
    while ancestor is not None:
        ancestor_ids.append(ancestor.pk)
        ancestor = ancestor.parent
    direct = Q(role_assignments__organisation=organisation)
    inherited = Q(role_assignments__organisation_id__in=ancestor_ids, role_assignments__includes_subordinates=True)
    return (
        User.objects.filter(is_active=True)
        .filter((direct | inherited) & Q(role_assignments__role=role))
        .distinct()
        .order_by("email")
    )


def person_by_rnokpp(number: str) -> User | None:
    """The account holding a taxpayer number (an exact match; the number itself is never searched as text)."""
    number = (number or "").strip()
    if not number:
        return None
    return User.objects.filter(rnokpp_index=blind_index_for(User, "rnokpp", number)).first()


def sole_holder_of_phone(number: str) -> User | None:
    """The one active account with this phone number, or None when no account or several have it (numbers are not
    unique: a family phone, a number passed on by the operator)."""
    number = (number or "").strip()
    if not number:
        return None
    holders = list(User.objects.filter(phone_index=blind_index_for(User, "phone", number), is_active=True)[:2])
    return holders[0] if len(holders) == 1 else None


def organisation_of_role(*, user: User, roles: tuple[Role, ...]) -> Organisation | None:
    """The organisation in which the user holds one of the roles, their own first (then by name): the one a look at
    a person's data is logged under, and where the person's "why?" about it goes."""
    own_first = Case(When(pk=user.organisation_id, then=Value(0)), default=Value(1), output_field=IntegerField())
    held = Organisation.objects.filter(role_assignments__user=user, role_assignments__role__in=roles)
    return held.order_by(own_first, "name", "pk").first()
