"""People for identity's tests: officials with roles, citizens, mandates."""

import datetime as dt
import itertools

from vikno.core import edrpou, rnokpp
from vikno.identity.constants import Role
from vikno.identity.groups import sync_role_groups
from vikno.identity.models import Mandate, PartyKind, RoleAssignment, User

_serial = itertools.count(1)


def official(email: str, organisation=None, *roles: Role, includes_subordinates: bool = False, **fields) -> User:
    """An active official of the organisation with a usable password, the roles held in it and their groups."""
    user = User.objects.create_user(
        username=email, email=email, password="an official's long password", is_staff=True, **fields
    )
    user.organisation = organisation
    user.save()
    for role in roles:
        RoleAssignment.objects.create(
            user=user, organisation=organisation, role=role, includes_subordinates=includes_subordinates
        )
    sync_role_groups(user)
    return user


def platform_admin(email: str = "root@vikno.example") -> User:
    return User.objects.create_superuser(username=email, email=email, password="the platform admin's password")


def citizen(
    first_name: str = "Олена", last_name: str = "Шевченко", *, born: dt.date = dt.date(1988, 3, 14), **fields
) -> User:
    serial = next(_serial)
    number = fields.pop("rnokpp", None) or rnokpp.make(born, serial, female=True)
    return User.objects.create_user(
        username=f"citizen-{serial}-{number}",
        first_name=first_name,
        last_name=last_name,
        birth_date=born,
        rnokpp=number,
        **fields,
    )


def company_code(serial: int | None = None) -> str:
    return edrpou.make(f"{4100000 + (serial if serial is not None else next(_serial)):07d}")


def mandate(representative: User, registered_by: User, **fields) -> Mandate:
    """A business mandate in force since 2020, unless the fields say otherwise (written directly: fixtures only)."""
    values = {
        "party_kind": PartyKind.BUSINESS,
        "party_name": f"ТОВ «Фірма {next(_serial)}»",
        "basis": "Виписка з ЄДР",
        "valid_from": dt.date(2020, 1, 1),
    }
    values.update(fields)
    values.setdefault("party_code", company_code())
    return Mandate.objects.create(representative=representative, registered_by=registered_by, **values)
