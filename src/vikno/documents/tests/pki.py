"""A demo PKI for tests, in a temporary directory. Other apps' tests use it too:

    # their conftest.py
    from vikno.documents.tests import pki as documents_test_pki

    documents_pki = documents_test_pki.documents_pki  # pytest fixtures
    signing_pki = documents_test_pki.signing_pki

and ask for the ``signing_pki`` fixture in every test that issues a document: documents are then signed with the
test PKI's default certificate (any organisation) and kept under the test's tmp_path. ``signing_pki.certify(org)``
gives one organisation a certificate of its own (its name in the signature). Without pytest fixtures:
``demo_pki_for_tests(tmp_path_factory)`` makes one, and ``.use(settings, private_dir)`` points the settings at it.
"""

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from vikno.documents import pki


@dataclass
class SigningPki:
    directory: Path
    ca_key: ec.EllipticCurvePrivateKey
    ca_certificate: x509.Certificate

    def certify(self, organisation) -> Path:
        """A fresh signing certificate for a catalogue organisation (its own directory, replacing any)."""
        demo = pki.demo_organisation(organisation)
        folder = self.directory / pki.ORGANISATIONS / demo.directory
        shutil.rmtree(folder, ignore_errors=True)
        key, certificate = pki.make_signing_certificate(
            ca_key=self.ca_key,
            ca_certificate=self.ca_certificate,
            organisation_name=demo.name,
            common_name=demo.common_name,
            edrpou=demo.edrpou,
        )
        pki.write_signing_material(folder, key, certificate)
        return folder

    def use(self, settings, private_dir: Path) -> None:
        """Point the (pytest-django) settings at this PKI, and keep documents in private_dir."""
        settings.VIKNO_SIGNING_DIR = self.directory
        settings.VIKNO_SIGNING_TRUST_ROOTS = []
        settings.VIKNO_PRIVATE_STORAGE_DIR = private_dir


def demo_pki_for_tests(tmp_path_factory) -> SigningPki:
    """A demo CA and a default signing certificate (used by every organisation without one of its own)."""
    directory = tmp_path_factory.mktemp("pki")
    pki.ensure_demo_pki(directory, [], default=True)
    ca_key = serialization.load_pem_private_key((directory / pki.CA_KEY).read_bytes(), password=None)
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    ca_certificate = x509.load_pem_x509_certificate((directory / pki.CA_CERTIFICATE).read_bytes())
    return SigningPki(directory=directory, ca_key=ca_key, ca_certificate=ca_certificate)


@pytest.fixture(scope="session")
def documents_pki(tmp_path_factory) -> SigningPki:
    return demo_pki_for_tests(tmp_path_factory)


@pytest.fixture
def signing_pki(documents_pki: SigningPki, settings, tmp_path) -> SigningPki:
    """Documents issued in the test are signed with the test PKI and kept under tmp_path/private."""
    documents_pki.use(settings, tmp_path / "private")
    return documents_pki
