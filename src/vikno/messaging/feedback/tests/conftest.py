"""People, a service and applications for the feedback tests (the applications app's fixtures, and a few more)."""

import pytest

from vikno.applications.tests.conftest import (  # noqa: F401  (pytest fixtures)
    applicant,
    at,
    authority,
    definition,
    officer,
    other_authority,
    service,
    stranger,
    supervisor,
)
from vikno.identity.constants import Role
from vikno.identity.tests.factories import citizen, official
from vikno.identity.tests.helpers import sign_in_citizen, sign_in_official


@pytest.fixture
def editor(authority):  # noqa: F811
    return official("editor@vikno.example", authority, Role.EDITOR)


@pytest.fixture
def auditor(authority):  # noqa: F811
    return official("auditor@vikno.example", authority, Role.AUDITOR)


@pytest.fixture
def asker():
    """A citizen with a name that must never reach a public page."""
    return citizen("Зиновія", "Пелехата", email="zynoviia@example.com", phone="+380501112233")


@pytest.fixture
def as_citizen(client):
    def signed_in(user):
        sign_in_citizen(client, user)
        return client

    return signed_in


@pytest.fixture
def office(client):
    def signed_in(user):
        sign_in_official(client, user)
        return client

    return signed_in
