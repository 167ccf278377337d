from django import template

from vikno.backoffice.pages import person_name
from vikno.identity.constants import Role
from vikno.identity.session import ROLES_KEY

register = template.Library()


@register.filter
def person(user) -> str:
    """An official's or an applicant's name as the back office shows it."""
    return person_name(user)


@register.filter
def holds_role(request, role: str) -> bool:
    """Whether the menu offers a role's page (the data protection officer's queue, the auditors' search): from the
    roles the official held at sign-in, so the menu adds no query to every back-office page. The page itself checks
    the role."""
    session = getattr(request, "session", None)
    return session is not None and Role(role) in session.get(ROLES_KEY, ())
