"""Ways to spoil a signed PDF, and PDFs signed outside the portal, for the verification tests."""

import io
from pathlib import Path

import pypdf
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from vikno.documents import pki, rendering, signing


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def unsigned_pdf(text: str = "Просто PDF без підпису") -> bytes:
    return rendering.html_to_pdf(f"<html><body><p>{text}</p></body></html>")


def flip_byte_in_content(data: bytes) -> bytes:
    """Change one byte inside the first (compressed) content stream, keeping the file's structure."""
    start = data.index(b"stream\n") + len(b"stream\n") + 20
    return data[:start] + bytes([data[start] ^ 0x01]) + data[start + 1 :]


def flip_byte_in_signature(data: bytes) -> bytes:
    """Change one byte of the CMS signature inside /Contents <...>."""
    start = data.index(b"/Contents <") + len(b"/Contents <") + 200
    replacement = b"0" if data[start : start + 1] != b"0" else b"1"
    return data[:start] + replacement + data[start + 1 :]


def append_forged_text(data: bytes) -> bytes:
    """An incremental update after the signature that draws more text on the first page."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 400 Td (FORGED: APPROVED) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stream))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def signed_elsewhere(folder: Path, *, name: str = "ТОВ «Чужий центр сертифікації»") -> bytes:
    """A PDF signed with a key from a CA the portal does not trust."""
    ca_key, ca_certificate = pki.make_ca(name="Some Other CA", unit="Other")
    key, certificate = pki.make_signing_certificate(
        ca_key=ca_key, ca_certificate=ca_certificate, organisation_name=name, unit="Other"
    )
    pki.write_signing_material(folder, key, certificate)
    seal = signing.load_seal(pki.SigningMaterial(key=folder / pki.KEY, certificate=folder / pki.CERTIFICATE, chain=()))
    return signing.sign_pdf(unsigned_pdf(), seal)
