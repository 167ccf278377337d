"""The messaging tests use the applications' people and service, and the SMS gateway started by `kannel`."""

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
