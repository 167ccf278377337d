"""Hostile uploads: files that are two kinds at once (polyglots), web pages and archives dressed as documents,
zip and image bombs, oversized files, and names made to mislead (paths, NUL bytes, right-to-left overrides).

What `uploads.check` keeps is only ever the kind its content starts as, cut where that kind ends; the stored
name is random; the shown name is safe; and the file is served as what it was found to be, never sniffed, in a
sandbox. The same rules hold for an application's files, the messages' files and the appeals' files.
"""

import io
import re
import struct
import unicodedata
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils.translation import gettext, override
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from vikno.applications import services, uploads
from vikno.applications.selectors import definition_of
from vikno.applications.tests.factories import pdf_bytes, png_bytes
from vikno.applications.tests.test_services import filled
from vikno.applications.uploads import UploadRefused, check, safe_name
from vikno.identity.tests.helpers import sign_in_citizen
from vikno.messaging import conversations
from vikno.messaging.appeals import services as appeals
from vikno.messaging.appeals.constants import AppealKind

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'


def upload(data: bytes, name: str = "scan.pdf", content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="JPEG")
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def refusal(data: bytes, name: str = "scan.pdf") -> str:
    with pytest.raises(UploadRefused) as refused:
        check(upload(data, name))
    return str(refused.value)


def uk(message: str) -> str:
    with override("uk"):
        return gettext(message)


WRONG_KIND = "Файл має бути у форматі PDF, JPG, PNG"
WEB_CODE = uk("The file contains web page code. Send a scan or a photo of the document instead.")
ARCHIVE = uk("The file contains an archive. Send each document as a PDF, JPG or PNG file.")
ACTIVE_PDF = uk("The PDF contains scripts, actions or attached files. Save it again as a plain PDF (print it to PDF).")
DAMAGED = uk("The file is damaged or is not a real %(kinds)s") % {"kinds": "PDF, JPG, PNG"}
TOO_LARGE = uk("The image is too large: it must have fewer than 90 million pixels")


# --- Polyglots and disguises --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (SVG, "photo.png"),  # an SVG (a web page with scripts) renamed as a PNG
        (HTML, "scan.pdf"),  # an HTML page renamed as a PDF
        (b"\n\n" + HTML, "scan.png"),
        (b"MZ\x90\x00\x03 this program cannot be run in DOS mode", "scan.pdf"),
        (b"#!/bin/sh\nrm -rf /\n", "scan.jpg"),
    ],
)
def test_a_web_page_or_a_program_under_a_documents_name_is_refused(data, name):
    assert refusal(data, name) == WRONG_KIND


@pytest.mark.parametrize(
    "data",
    [
        # A file that starts as a PDF and holds a web page: a browser that sniffed it would run the script.
        b"%PDF-1.4\n" + HTML + b"\n%%EOF\n",
        b"%PDF-1.7\n1 0 obj\n<< /Title (<script>alert(1)</script>) >>\nendobj\ntrailer<<>>\n%%EOF\n",
        b"%PDF-1.4\n1 0 obj<< /URI (javascript:alert(1)) >>endobj\ntrailer<<>>\n%%EOF\n",
        b'%PDF-1.4\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>\n%%EOF\n',
    ],
)
def test_a_pdf_that_is_also_a_web_page_is_refused(data):
    assert refusal(data) == WEB_CODE


@pytest.mark.parametrize(
    "active",
    [
        b"<< /Type /Action /S /JavaScript /JS (app.alert(1)) >>",
        b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>",  # the same names with #xx escapes
        b"<< /S /Launch /F (cmd.exe) >>",
        b"<< /Type /EmbeddedFile /Length 3 >>",
        b"<< /Names << /EmbeddedFiles 2 0 R >> >>",
        b"<< /AcroForm << /XFA 5 0 R >> >>",
    ],
)
def test_a_pdf_with_scripts_launch_actions_or_attached_files_is_refused(active):
    data = b"%PDF-1.7\n1 0 obj\n" + active + b"\nendobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
    assert refusal(data) == ACTIVE_PDF


def test_only_the_text_of_a_pdf_is_searched_never_its_compressed_streams():
    # Compressed bytes that happen to read "/JS " or "<svg " are no script: the streams are not searched.
    stream = b"\x78\x9c/JS <svg >\x00\xff" * 10
    data = (
        b"%PDF-1.7\n1 0 obj\n<< /Length "
        + str(len(stream)).encode()
        + b" /Filter /FlateDecode >>\nstream\n"
        + stream
        + b"\nendstream\nendobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
    )
    assert check(upload(data)).data == data


def test_a_script_hidden_in_a_pdf_stream_is_refused():
    stream = b"<html><script>alert(1)</script></html>"
    data = (
        b"%PDF-1.7\n1 0 obj\n<< /Length "
        + str(len(stream)).encode()
        + b" >>\nstream\n"
        + stream
        + b"\nendstream\nendobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
    )
    assert refusal(data) == WEB_CODE


def test_stray_bytes_between_jpeg_segments_are_kept_but_searched():
    jpeg = jpeg_bytes()
    first_segment_end = 4 + struct.unpack(">H", jpeg[4:6])[0]  # after the APP0 segment that follows SOI
    padded = jpeg[:first_segment_end] + b"\x00\x00" + jpeg[first_segment_end:]
    assert check(upload(padded, "photo.jpg")).data == padded
    hidden = jpeg[:first_segment_end] + b"<svg onload=alert(1)>" + jpeg[first_segment_end:]
    assert refusal(hidden, "photo.jpg") == WEB_CODE


def test_what_follows_a_pdfs_end_is_cut_off():
    appended = pdf_bytes() + HTML + zip_bytes({"payload.exe": b"MZ" * 100})
    checked = check(upload(appended))
    assert checked.data == pdf_bytes()
    assert (checked.content_type, checked.size) == ("application/pdf", len(pdf_bytes()))
    assert not zipfile.is_zipfile(io.BytesIO(checked.data))


def test_a_zip_archive_inside_a_pdf_is_refused():
    inside = b"%PDF-1.4\n1 0 obj<<>>endobj\n" + zip_bytes({"a.txt": b"a"}) + b"\ntrailer<<>>\n%%EOF\n"
    assert zipfile.is_zipfile(io.BytesIO(inside))  # the archive's directory is found from the end, as unzip does
    assert refusal(inside) == ARCHIVE


@pytest.mark.parametrize(
    ("image", "name"),
    [(jpeg_bytes, "photo.jpg"), (png_bytes, "photo.png")],
)
@pytest.mark.parametrize(
    "appended",
    [HTML, zip_bytes({"index.html": HTML}), b"%PDF-1.4\n" + HTML + b"\n%%EOF\n", b"\x00" * 64],
    ids=["html", "zip", "pdf", "padding"],
)
def test_whatever_follows_the_end_of_an_image_is_cut_off(image, name, appended):
    original = image()
    checked = check(upload(original + appended, name, "image/jpeg"))
    assert checked.data == original
    assert checked.size == len(original)
    assert b"<script" not in checked.data and not zipfile.is_zipfile(io.BytesIO(checked.data))


def test_web_page_code_in_an_images_text_is_refused():
    png = png_bytes()
    iend = png.rindex(b"IEND") - 4
    with_text = png[:iend] + png_chunk(b"tEXt", b"Comment\x00" + HTML) + png[iend:]
    assert refusal(with_text, "photo.png") == WEB_CODE
    jpeg = jpeg_bytes()
    comment = b"\xff\xfe" + struct.pack(">H", len(SVG) + 2) + SVG
    assert refusal(jpeg[:2] + comment + jpeg[2:], "photo.jpg") == WEB_CODE


def test_an_images_metadata_without_web_page_code_is_kept():
    png = png_bytes()
    iend = png.rindex(b"IEND") - 4
    xmp = b'XML:com.adobe.xmp\x00\x00\x00\x00\x00<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    with_text = png[:iend] + png_chunk(b"iTXt", xmp) + png[iend:]
    assert check(upload(with_text, "photo.png")).data == with_text


@pytest.mark.parametrize(
    "damaged",
    [
        lambda: png_bytes()[:30],  # cut inside a chunk
        lambda: b"\x89PNG\r\n\x1a\n" + png_chunk(b"tEXt", b"x") + png_bytes()[8:],  # IHDR not first
        lambda: b"%PDF-1.4\n1 0 obj<<>>endobj\n",  # no end-of-file marker
        lambda: jpeg_bytes()[:3] + b"\x00\x01\x02\x03",  # no marker after the start of the image
    ],
)
def test_a_damaged_file_is_refused(damaged):
    assert refusal(damaged(), "scan") == DAMAGED


# --- Bombs and sizes --------------------------------------------------------------------------------------


@pytest.fixture
def nothing_is_unpacked(monkeypatch):
    """Any attempt to inflate data fails the test: refusing a bomb must not open it."""

    def exploded(*args, **kwargs):
        raise AssertionError("an upload was unpacked")

    monkeypatch.setattr(zipfile.ZipFile, "open", exploded)
    monkeypatch.setattr(zipfile.ZipFile, "read", exploded)
    monkeypatch.setattr(zlib, "decompress", exploded)
    monkeypatch.setattr(zlib, "decompressobj", exploded)


def test_a_zip_bomb_is_refused_without_being_unpacked(request, settings):
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("passport.pdf", "w", force_zip64=True) as member,
    ):
        for _ in range(100):
            member.write(bytes(1024 * 1024))  # 100 MB of zeros...
    bomb = buffer.getvalue()
    assert len(bomb) < 200_000  # ...in under 200 kB
    assert len(bomb) < settings.VIKNO_UPLOAD_MAX_BYTES
    request.getfixturevalue("nothing_is_unpacked")
    assert refusal(bomb, "passport.pdf") == WRONG_KIND
    # A gzip stream of the same kind, too.
    assert refusal(b"\x1f\x8b\x08\x00" + bytes(64), "passport.png") == WRONG_KIND


def test_an_image_too_large_to_open_is_refused_from_its_header(nothing_is_unpacked):
    header = struct.pack(">IIBBBBB", 50_000, 50_000, 8, 2, 0, 0, 0)  # 2.5 gigapixels, a few bytes of data
    bomb = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", b"\x78\x9c") + png_chunk(b"IEND", b"")
    assert refusal(bomb, "photo.png") == TOO_LARGE
    jpeg = jpeg_bytes()
    start = jpeg.index(b"\xff\xc0")
    huge = jpeg[: start + 5] + struct.pack(">HH", 60_000, 60_000) + jpeg[start + 9 :]
    assert refusal(huge, "photo.jpg") == TOO_LARGE


class Endless(UploadedFile):
    """An upload of `claimed` bytes whose stream gives far more, counting what is read."""

    def __init__(self, claimed: int, actual: int):
        super().__init__(file=io.BytesIO(b"%PDF-1.4\n" + b" " * actual), name="big.pdf", size=claimed)
        self.read_bytes = 0

    def read(self, size=-1):
        data = super().read(size)
        self.read_bytes += len(data)
        return data


def test_a_file_over_the_limit_is_refused_without_reading_it(settings):
    settings.VIKNO_UPLOAD_MAX_BYTES = 1000
    honest = Endless(claimed=50_000, actual=50_000)
    with pytest.raises(UploadRefused, match="Файл має бути меншим за 1000"):
        check(honest)
    assert honest.read_bytes == 0
    # One whose size lies is read only one byte past the limit.
    liar = Endless(claimed=10, actual=50_000)
    with pytest.raises(UploadRefused, match="Файл має бути меншим за 1000"):
        check(liar)
    assert liar.read_bytes == 1001


# --- Names ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "content_type", "shown"),
    [
        ("../../etc/passwd.pdf", "application/pdf", "passwd.pdf"),
        ("..\\..\\x.pdf", "application/pdf", "x.pdf"),
        ("C:\\Users\\olena\\Паспорт.pdf", "application/pdf", "Паспорт.pdf"),
        ("pass\x00port.pdf", "application/pdf", "passport.pdf"),
        ("invoice\u202egnp.exe", "image/png", "invoicegnp.exe.png"),  # shown as "invoiceexe.png" without the cut
        ("\u2066scan\u2069\u200f.pdf", "application/pdf", "scan.pdf"),
        ("line\r\nContent-Type: text-html.png", "image/png", "lineContent-Type_ text-html.png"),
        ('"><img src=x onerror=alert(1)>.jpg', "image/jpeg", "___img src=x onerror=alert(1)_.jpg"),
        ("report.html", "application/pdf", "report.html.pdf"),
        ("photo.JPEG", "image/jpeg", "photo.JPEG"),
        ("photo.png", "image/jpeg", "photo.png.jpg"),
        ("...", "application/pdf", "файл.pdf"),
        (".htaccess", "image/png", "htaccess.png"),
        ("scan.pdf. . .", "application/pdf", "scan.pdf"),
        ("", "image/png", "файл.png"),
    ],
)
def test_shown_names_are_safe_and_end_as_the_content_is(given, content_type, shown):
    assert safe_name(given, content_type=content_type) == shown


def test_a_very_long_name_is_shortened_keeping_its_ending():
    name = safe_name("я" * 5000 + ".pdf", content_type="application/pdf")
    assert len(name) == 150 and name == "я" * 146 + ".pdf"


@settings(max_examples=300, derandomize=True, database=None)
@given(st.text(), st.sampled_from(sorted(uploads.NAME_ENDINGS)))
def test_any_name_becomes_a_short_name_without_paths_or_invisible_characters(given, content_type):
    name = safe_name(given, content_type=content_type)
    assert 0 < len(name) <= 150
    assert not {"/", "\\", "\x00", "<", ">", '"'} & set(name)
    assert all(unicodedata.category(ch)[0] not in "CZ" or ch == " " for ch in name)
    assert not name.startswith((".", " ")) and not name.endswith(" ")
    assert name.lower().endswith(uploads.NAME_ENDINGS[content_type])


# --- Stored and served --------------------------------------------------------------------------------------

EVIL_NAME = "../../\u202egnp.exe<script>.png"
SHOWN = "gnp.exe_script_.png"


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.VIKNO_PRIVATE_STORAGE_DIR = tmp_path / "private"


def _application_file(applicant, service):
    application = filled(applicant, service)
    question = next(q for q in definition_of(application.definition).form.questions if q.name == "passport")
    attachment = services.attachment_add(
        application=application,
        question=question,
        upload=upload(png_bytes() + HTML, EVIL_NAME, "image/png"),
        actor=applicant,
    )
    return attachment, f"/cabinet/applications/{application.pk}/files/{attachment.pk}/"


def _message_file(applicant, service):
    application = services.application_submit(application=filled(applicant, service), actor=applicant)
    message = conversations.message_send_by_citizen(
        application=application,
        citizen=applicant,
        text="Надсилаю скан.",
        files=[upload(png_bytes() + HTML, EVIL_NAME, "image/png")],
    )
    attachment = message.attachments.get()
    return attachment, f"/cabinet/applications/{application.pk}/messages/files/{attachment.pk}/"


def _appeal_file(applicant, service):
    appeal = appeals.appeal_submit(
        citizen=applicant,
        organisation=service.competent_authority,
        kind=AppealKind.INQUIRY,
        subject="Скан довідки",
        text="Додаю скан довідки.",
        files=[upload(png_bytes() + HTML, EVIL_NAME, "image/png")],
    )
    attachment = appeal.attachments.get()
    return attachment, f"/cabinet/appeals/{appeal.pk}/files/{attachment.pk}/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "made", [_application_file, _message_file, _appeal_file], ids=["application", "message", "appeal"]
)
def test_a_file_is_stored_under_a_random_name_and_served_safely_as_what_it_is(
    made, applicant, service, client, settings
):
    attachment, address = made(applicant, service)
    assert attachment.name == SHOWN
    assert attachment.content_type == "image/png" and attachment.size == len(png_bytes())
    assert re.fullmatch(r"(applications|messages|appeals)/[0-9a-f]{32}/[0-9a-f]{32}\.png", attachment.file)
    stored = Path(settings.VIKNO_PRIVATE_STORAGE_DIR, attachment.file).resolve()
    assert stored.is_file() and stored.is_relative_to(Path(settings.VIKNO_PRIVATE_STORAGE_DIR).resolve())
    assert [p.name for p in Path(settings.VIKNO_PRIVATE_STORAGE_DIR).rglob("*") if "gnp" in p.name] == []

    sign_in_citizen(client, applicant)
    response = client.get(address)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()  # what followed the image was never kept
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].split("; ")[-1] == "sandbox"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["Content-Disposition"] == f'inline; filename="{SHOWN}"'
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_a_refused_file_leaves_nothing_behind(applicant, service, settings):
    application = services.application_start(applicant=applicant, service=service)
    question = next(q for q in definition_of(application.definition).form.questions if q.name == "passport")
    with pytest.raises(UploadRefused):
        services.attachment_add(
            application=application, question=question, upload=upload(SVG, "photo.png", "image/png"), actor=applicant
        )
    assert application.attachments.count() == 0
    private = Path(settings.VIKNO_PRIVATE_STORAGE_DIR)
    assert not private.exists() or [p for p in private.rglob("*") if p.is_file()] == []
