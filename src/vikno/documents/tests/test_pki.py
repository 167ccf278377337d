"""The demo PKI (`manage.py demo_pki`), reading keys and certificates, and production's refusal of demo keys."""

import datetime as dt
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.management import CommandError, call_command
from django.test import override_settings

from vikno.catalog.tests.factories import OrganisationFactory
from vikno.core.tests.workers import REPO_ROOT
from vikno.documents import pki, signing
from vikno.documents.exceptions import SigningNotConfigured
from vikno.web.tests import test_health as health


def _files(directory: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(path.relative_to(directory)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def _certificate(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


@pytest.mark.django_db
def test_demo_pki_makes_a_ca_and_a_certificate_per_organisation_and_a_rerun_changes_nothing(settings, tmp_path):
    settings.VIKNO_SIGNING_DIR = tmp_path / "pki"
    OrganisationFactory(slug="ministry", code="00032684", name_uk="Міністерство внутрішніх справ України")
    OrganisationFactory(slug="council", name_uk="Київська міська рада", short_name_uk="КМР")
    out = StringIO()
    call_command("demo_pki", stdout=out)
    assert "3 new signing certificate(s)" in out.getvalue()

    directory = tmp_path / "pki"
    assert (directory / "DEMO").is_file()
    assert sorted(p.name for p in (directory / "organisations").iterdir()) == ["00032684", "council", "default"]
    ca = _certificate(directory / "ca.pem")
    assert ca.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == pki.DEMO_CA_NAME
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    assert (directory / "ca-key.pem").stat().st_mode & 0o077 == 0

    certificate = _certificate(directory / "organisations" / "00032684" / "certificate.pem")
    subject = {attribute.oid: attribute.value for attribute in certificate.subject}
    assert subject[NameOID.ORGANIZATION_NAME] == "Міністерство внутрішніх справ України"
    assert subject[NameOID.ORGANIZATIONAL_UNIT_NAME] == "DEMO"
    assert subject[NameOID.ORGANIZATION_IDENTIFIER] == "NTRUA-00032684"
    assert len(subject[NameOID.COMMON_NAME].encode()) <= 64
    assert certificate.issuer == ca.subject
    assert isinstance(certificate.public_key(), ec.EllipticCurvePublicKey)
    assert certificate.public_key().curve.name == "secp256r1"
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
    assert dt.timedelta(days=3 * 365) <= lifetime <= dt.timedelta(days=3 * 365 + 1)
    assert (directory / "organisations" / "00032684" / "key.pem").stat().st_mode & 0o077 == 0
    council_subject = _certificate(directory / "organisations" / "council" / "certificate.pem").subject
    assert council_subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "КМР"
    assert council_subject.get_attributes_for_oid(NameOID.ORGANIZATION_IDENTIFIER) == []

    before = _files(directory)
    out = StringIO()
    call_command("demo_pki", stdout=out)
    assert "0 new signing certificate(s), 0 file(s) written" in out.getvalue()
    assert _files(directory) == before

    # An organisation added later gets its certificate on the next run; nothing else changes.
    OrganisationFactory(slug="newcomer", code="37508470")
    call_command("demo_pki", stdout=StringIO())
    after = _files(directory)
    assert set(after) - set(before) == {"organisations/37508470/certificate.pem", "organisations/37508470/key.pem"}
    assert {name: after[name] for name in before} == before


@pytest.mark.django_db
def test_demo_pki_leaves_a_real_ca_alone(settings, tmp_path):
    directory = tmp_path / "pki"
    directory.mkdir()
    (directory / "ca.pem").write_bytes(b"a real CA's certificate")
    settings.VIKNO_SIGNING_DIR = directory
    with pytest.raises(CommandError, match="not the demo one"):
        call_command("demo_pki", stdout=StringIO())
    assert sorted(p.name for p in directory.iterdir()) == ["ca.pem"]


@pytest.mark.django_db
def test_demo_pki_is_refused_in_production(settings, tmp_path):
    settings.VIKNO_SIGNING_DIR = tmp_path / "pki"
    with override_settings(SETTINGS_MODULE="vikno.conf.production"), pytest.raises(CommandError, match="production"):
        call_command("demo_pki", stdout=StringIO())
    assert not (tmp_path / "pki").exists()


def test_signing_material_is_the_organisations_own_then_the_default(tmp_path):
    directory = tmp_path / "pki"
    organisation = OrganisationFactory.build(slug="council", code="")
    with pytest.raises(SigningNotConfigured):
        pki.signing_material_for(organisation, directory)
    pki.ensure_demo_pki(directory, [], default=True)
    assert pki.signing_material_for(organisation, directory).certificate.parent.name == "default"
    pki.ensure_demo_pki(directory, [pki.demo_organisation(organisation)])
    material = pki.signing_material_for(organisation, directory)
    assert material.certificate == directory / "organisations" / "council" / "certificate.pem"
    seal = signing.load_seal(material)
    assert seal.is_demo
    assert seal.certificate.subject.native["organization_name"] == organisation.name_uk


def test_a_key_that_cannot_be_read_is_not_configured(tmp_path):
    folder = tmp_path / "organisations" / "default"
    folder.mkdir(parents=True)
    (folder / "key.pem").write_text("not a key")
    (folder / "certificate.pem").write_text("not a certificate")
    material = pki.signing_material_for(OrganisationFactory.build(), tmp_path)
    with pytest.raises(SigningNotConfigured):
        signing.load_seal(material)


# Production settings that start (the web app's health tests keep them), with the signing directory set below.
SAFE_PRODUCTION = {k: v for k, v in health.SAFE_PRODUCTION.items() if k != "VIKNO_SIGNING_DIR"}


def _start_production(signing_dir: Path) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", **SAFE_PRODUCTION, "VIKNO_SIGNING_DIR": str(signing_dir)}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=REPO_ROOT / "src",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_with_the_demo_pki(tmp_path):
    directory = tmp_path / "pki"
    pki.ensure_demo_pki(directory, [])
    result = _start_production(directory)
    assert result.returncode != 0
    assert "Vikno refuses to start in production mode" in result.stderr
    assert "VIKNO_SIGNING_DIR holds the demo PKI" in result.stderr
    assert "started" not in result.stdout


def test_production_starts_with_a_signing_directory_without_the_demo_marker(tmp_path):
    directory = tmp_path / "pki"
    pki.ensure_demo_pki(directory, [])
    (directory / "DEMO").unlink()
    result = _start_production(directory)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"
