"""The security tests' world: two citizens and two organisations, with a signing PKI and a private file store."""

import pytest

from vikno.documents.tests.pki import documents_pki, signing_pki  # noqa: F401  (pytest fixtures)
from vikno.web.tests.security.world import TwoSides, build


@pytest.fixture
def two_sides(db, signing_pki, settings, tmp_path) -> TwoSides:  # noqa: F811
    settings.VIKNO_PRIVATE_STORAGE_DIR = tmp_path / "private"
    return build()
