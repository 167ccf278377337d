"""PAdES signatures (baseline B-B) with pyHanko, with an organisation's key and certificate read from files."""

import io
from dataclasses import dataclass

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter

from vikno.documents import pki
from vikno.documents.exceptions import SigningNotConfigured

FIELD_NAME = "Signature1"


@dataclass(frozen=True)
class Seal:
    """A loaded signer: the organisation's key, ready to sign, and facts about its certificate."""

    signer: signers.SimpleSigner
    certificate: asn1_x509.Certificate

    @property
    def is_demo(self) -> bool:
        return pki.is_demo_certificate(self.certificate)

    @property
    def subject(self) -> str:
        return self.certificate.subject.human_friendly

    @property
    def serial(self) -> str:
        return format(self.certificate.serial_number, "x")


def load_seal(material: pki.SigningMaterial) -> Seal:
    """Read the key and certificate files; SigningNotConfigured when they cannot be read."""
    try:
        signer = signers.SimpleSigner.load(
            key_file=str(material.key),
            cert_file=str(material.certificate),
            ca_chain_files=tuple(str(path) for path in material.chain) or None,
        )
    except (OSError, ValueError) as error:
        raise SigningNotConfigured() from error
    if signer is None or signer.signing_cert is None:
        raise SigningNotConfigured()
    return Seal(signer=signer, certificate=signer.signing_cert)


def sign_pdf(data: bytes, seal: Seal, *, reason: str = "", location: str = "") -> bytes:
    """The PDF with a PAdES signature over the whole file, in field Signature1."""
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason or None,
        location=location or None,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    output = signers.PdfSigner(metadata, signer=seal.signer).sign_pdf(writer)
    return output.getvalue()
