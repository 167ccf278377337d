"""The applications app's people and service for the back office's tests, and a few helpers of its own."""

import pytest

from vikno.applications.tests.conftest import (  # noqa: F401  (pytest fixtures)
    applicant,
    at,
    authority,
    definition,
    officer,
    other_authority,
    second_officer,
    service,
    stranger,
    supervisor,
    tasks_run_at_once,
)
from vikno.documents.tests.pki import documents_pki, signing_pki  # noqa: F401  (pytest fixtures)
from vikno.identity.tests.helpers import sign_in_official


@pytest.fixture
def office(client):
    """A browser signed in as the given official: office(officer)."""

    def signed_in(user, browser=None):
        browser = browser or client
        sign_in_official(browser, user)
        return browser

    return signed_in
