"""Signing people in for tests without going through the sign-in pages (those have their own tests)."""

from vikno.identity.constants import Assurance
from vikno.identity.session import ASSURANCE_KEY, METHOD_KEY, SECOND_FACTOR_KEY, mark_authenticated, remember_roles


def sign_in_citizen(client, user, *, assurance: Assurance = Assurance.SUBSTANTIAL, method: str = "eid:demo"):
    client.force_login(user)
    session = client.session
    session[METHOD_KEY] = method
    session[ASSURANCE_KEY] = int(assurance)
    mark_authenticated(session)
    session.save()


def sign_in_official(client, user, *, second_factor: str = "totp"):
    """An official's session after password and second factor (what the officials' sign-in page leaves)."""
    client.force_login(user)
    session = client.session
    session[METHOD_KEY] = "password"
    session[SECOND_FACTOR_KEY] = second_factor
    remember_roles(session, user)
    mark_authenticated(session)
    session.save()
