"""Signing keys and certificates: where they are read from, and the demo PKI `manage.py demo_pki` makes.

Keys live in files, never in the database. The signing directory (``settings.VIKNO_SIGNING_DIR``) holds:

- ``ca.pem``: the trust roots verification accepts (one or more PEM certificates; further files may be listed
  in ``settings.VIKNO_SIGNING_TRUST_ROOTS``);
- ``organisations/<name>/certificate.pem`` and ``key.pem``: an organisation's signing certificate and its
  unencrypted private key, where ``<name>`` is the organisation's EDRPOU code, or its slug when it has no code;
  an optional ``chain.pem`` there holds intermediate certificates to embed in signatures;
- ``organisations/default/``: the same three files, used for every organisation that has no directory of its
  own (so a new organisation can issue documents before it gets its own certificate);
- ``DEMO``: present only in a demo PKI. Production refuses to start when it is there.

The demo PKI is a root CA "Vikno DEMO Certificate Authority — not for real use" (its key in ``ca-key.pem``)
and one EC P-256 certificate per organisation, valid three years. Every demo certificate carries OU=DEMO, and
documents signed with one say so in large letters.
"""

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings

from vikno.documents.exceptions import SigningNotConfigured

DEMO_MARKER = "DEMO"  # conf/production.py looks for this name too
DEMO_UNIT = "DEMO"
CA_CERTIFICATE = "ca.pem"
CA_KEY = "ca-key.pem"
ORGANISATIONS = "organisations"
DEFAULT = "default"
CERTIFICATE = "certificate.pem"
KEY = "key.pem"
CHAIN = "chain.pem"

DEMO_CA_NAME = "Vikno DEMO Certificate Authority — not for real use"
DEMO_DEFAULT_SIGNER = "Vikno DEMO document signer"
CA_YEARS = 10
SIGNER_YEARS = 3
# X.520 allows 64 bytes in a common name (32 Cyrillic letters); longer organisation names are cut there.
COMMON_NAME_BYTES = 64


class Signatory(Protocol):
    """What the PKI needs to know about an organisation (a catalog.Organisation fits)."""

    code: str
    slug: str


@dataclass(frozen=True)
class SigningMaterial:
    """The files an organisation signs with."""

    key: Path
    certificate: Path
    chain: tuple[Path, ...]


def signing_dir() -> Path:
    return Path(settings.VIKNO_SIGNING_DIR)


def directory_name(organisation: Signatory) -> str:
    """The organisation's directory under organisations/: its EDRPOU code, or its slug when it has none."""
    return organisation.code or organisation.slug


def signing_material_for(organisation: Signatory, directory: Path | None = None) -> SigningMaterial:
    """The organisation's key and certificate files, or the default ones; SigningNotConfigured when neither."""
    base = (directory or signing_dir()) / ORGANISATIONS
    for name in dict.fromkeys((organisation.code, organisation.slug, DEFAULT)):
        if not name:
            continue
        folder = base / name
        if (folder / KEY).is_file() and (folder / CERTIFICATE).is_file():
            chain = (folder / CHAIN,) if (folder / CHAIN).is_file() else ()
            return SigningMaterial(key=folder / KEY, certificate=folder / CERTIFICATE, chain=chain)
    raise SigningNotConfigured()


def trust_root_files(directory: Path | None = None) -> list[Path]:
    files = [(directory or signing_dir()) / CA_CERTIFICATE]
    files += [Path(name) for name in settings.VIKNO_SIGNING_TRUST_ROOTS]
    return [path for path in files if path.is_file()]


def read_certificates(path: Path) -> list[asn1_x509.Certificate]:
    """Every certificate in a PEM (or DER) file."""
    data = path.read_bytes()
    if pem.detect(data):
        return [asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
    return [asn1_x509.Certificate.load(data)]


def trust_roots(directory: Path | None = None) -> list[asn1_x509.Certificate]:
    """The certificates verification trusts: ca.pem and VIKNO_SIGNING_TRUST_ROOTS."""
    roots: list[asn1_x509.Certificate] = []
    for path in trust_root_files(directory):
        roots.extend(read_certificates(path))
    return roots


def is_demo_certificate(certificate: asn1_x509.Certificate) -> bool:
    """A certificate the demo PKI made (OU=DEMO in its subject or its issuer's)."""
    for name in (certificate.subject, certificate.issuer):
        unit = name.native.get("organizational_unit_name")
        units = unit if isinstance(unit, list) else [unit]
        if DEMO_UNIT in units:
            return True
    return False


def is_demo_dir(directory: Path | None = None) -> bool:
    return ((directory or signing_dir()) / DEMO_MARKER).exists()


# --- The demo PKI ----------------------------------------------------------------------------------------


def _write_new(path: Path, data: bytes, *, private: bool = False) -> None:
    """Write a file that must not exist yet (a key only its owner may read)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o644)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _pem_certificate(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def _common_name(text: str) -> str:
    encoded = text.encode()[:COMMON_NAME_BYTES]
    return encoded.decode(errors="ignore").strip() or "?"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def make_ca(
    *, name: str = DEMO_CA_NAME, unit: str = DEMO_UNIT, years: int = CA_YEARS
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A new self-signed root CA (EC P-256)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "UA"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Vikno"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit),
            x509.NameAttribute(NameOID.COMMON_NAME, _common_name(name)),
        ]
    )
    now = _now()
    public = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def make_signing_certificate(
    *,
    ca_key: ec.EllipticCurvePrivateKey,
    ca_certificate: x509.Certificate,
    organisation_name: str,
    common_name: str = "",
    edrpou: str = "",
    unit: str = DEMO_UNIT,
    years: int = SIGNER_YEARS,
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A new EC P-256 certificate for an organisation's electronic seal, issued by the CA."""
    key = ec.generate_private_key(ec.SECP256R1())
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "UA"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation_name),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit),
        x509.NameAttribute(NameOID.COMMON_NAME, _common_name(common_name or organisation_name)),
    ]
    if edrpou:
        # ETSI EN 319 412-1: a legal person's identifier from the national trade register of Ukraine.
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, f"NTRUA-{edrpou}"))
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, edrpou))
    now = _now()
    public = key.public_key()
    ca_ski = ca_certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(attributes))
        .issuer_name(ca_certificate.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(min(now + dt.timedelta(days=365 * years), ca_certificate.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # nonRepudiation
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return key, certificate


def write_signing_material(folder: Path, key: ec.EllipticCurvePrivateKey, certificate: x509.Certificate) -> list[Path]:
    _write_new(folder / KEY, _pem_key(key), private=True)
    _write_new(folder / CERTIFICATE, _pem_certificate(certificate))
    return [folder / KEY, folder / CERTIFICATE]


class DemoPkiRefused(Exception):
    """The directory holds a PKI that is not a demo one: the demo command leaves it alone."""


@dataclass(frozen=True)
class DemoOrganisation:
    directory: str  # name under organisations/
    name: str
    common_name: str = ""
    edrpou: str = ""


def _load_demo_ca(directory: Path) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate, list[Path]]:
    ca_file, key_file = directory / CA_CERTIFICATE, directory / CA_KEY
    if ca_file.exists() and not (key_file.exists() and is_demo_dir(directory)):
        raise DemoPkiRefused(f"{directory} holds a CA that is not the demo one; the demo PKI leaves it alone.")
    if ca_file.exists():
        key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise DemoPkiRefused(f"{key_file} is not an EC key.")
        return key, x509.load_pem_x509_certificate(ca_file.read_bytes()), []
    key, certificate = make_ca()
    _write_new(key_file, _pem_key(key), private=True)
    _write_new(ca_file, _pem_certificate(certificate))
    return key, certificate, [key_file, ca_file]


def ensure_demo_pki(directory: Path, organisations: Iterable[DemoOrganisation], *, default: bool = True) -> list[Path]:
    """Make whatever of the demo PKI is missing in the directory; returns the files written (none on a rerun).

    Never touches a file that exists, and refuses a directory that holds a CA of another kind."""
    written: list[Path] = []
    if not (directory / DEMO_MARKER).exists():
        if (directory / CA_CERTIFICATE).exists():
            raise DemoPkiRefused(f"{directory} holds a CA that is not the demo one; the demo PKI leaves it alone.")
        _write_new(
            directory / DEMO_MARKER,
            b"Demo PKI made by `manage.py demo_pki`: its keys are not secret and its documents are not real.\n",
        )
        written.append(directory / DEMO_MARKER)
    ca_key, ca_certificate, made = _load_demo_ca(directory)
    written += made
    wanted = list(organisations)
    if default:
        wanted.append(DemoOrganisation(directory=DEFAULT, name=DEMO_DEFAULT_SIGNER))
    for organisation in wanted:
        folder = directory / ORGANISATIONS / organisation.directory
        if (folder / KEY).exists() or (folder / CERTIFICATE).exists():
            continue
        key, certificate = make_signing_certificate(
            ca_key=ca_key,
            ca_certificate=ca_certificate,
            organisation_name=organisation.name,
            common_name=organisation.common_name,
            edrpou=organisation.edrpou,
        )
        written += write_signing_material(folder, key, certificate)
    return written


def demo_organisation(organisation) -> DemoOrganisation:
    """The demo PKI's view of a catalog.Organisation (its Ukrainian names)."""
    name = getattr(organisation, "name_uk", None) or organisation.name
    short = getattr(organisation, "short_name_uk", None) or organisation.short_name
    return DemoOrganisation(
        directory=directory_name(organisation), name=name, common_name=short or name, edrpou=organisation.code
    )
