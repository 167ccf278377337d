"""Checking and keeping uploaded files: size and count limits, the kind found from the content, private storage."""

from __future__ import annotations

import hashlib
import io
import re
import struct
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from vikno.core.storage import private_storage

EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
KIND_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPG", "image/png": "PNG"}


class UploadRefused(ValueError):
    """A file the portal will not keep; the message says why in words the applicant understands."""


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    size: int
    sha256: str
    data: bytes


# What a shown name may end with for each kind found in the content; any other ending gets the kind's own added.
NAME_ENDINGS = {"application/pdf": (".pdf",), "image/jpeg": (".jpg", ".jpeg"), "image/png": (".png",)}
NAME_MAX_CHARS = 150
# Characters that file systems refuse or shells and dialogs misread, shown as "_".
_AWKWARD = re.compile(r'[<>:"|?*]')


def safe_name(name: str, *, content_type: str = "") -> str:
    """The file's own name without any path, control or direction-changing characters or leading dots, ending as
    the kind found in its content (``content_type``) ends: "scan.html" that is a PDF is shown as "scan.html.pdf".
    Only ever shown and offered as the download's name, never used to store anything."""
    name = unicodedata.normalize("NFC", re.split(r"[\\/]", name or "")[-1])
    # Category C: control, format (the right-to-left override and other bidirectional controls), unassigned.
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = " ".join("".join(" " if unicodedata.category(ch)[0] == "Z" else ch for ch in name).split())
    name = _AWKWARD.sub("_", name).strip(" .")
    endings = NAME_ENDINGS.get(content_type, ())
    own = next((e for e in endings if name.lower().endswith(e)), "")
    stem, ending = (name[: len(name) - len(own)], name[len(name) - len(own) :]) if own else (name, "")
    if endings and not own:
        ending = endings[0]
    stem = stem[: NAME_MAX_CHARS - len(ending)].rstrip(" .")  # a long name loses its middle, never its ending
    return (stem or _("file")) + ending


def accepted_kinds() -> str:
    return ", ".join(KIND_NAMES.get(kind, kind) for kind in settings.VIKNO_UPLOAD_TYPES)


def check(upload: UploadedFile) -> CheckedFile:
    limit = settings.VIKNO_UPLOAD_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise UploadRefused(_("The file must be smaller than %(size)s") % {"size": filesizeformat(limit)})
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise UploadRefused(_("The file must be smaller than %(size)s") % {"size": filesizeformat(limit)})
    if not data:
        raise UploadRefused(_("The file is empty"))
    kind = filetype.guess(data)
    mime = kind.mime if kind is not None else ""
    if mime not in settings.VIKNO_UPLOAD_TYPES:
        raise UploadRefused(_("The file must be a %(kinds)s") % {"kinds": accepted_kinds()})
    data = _defused(data, mime)
    return CheckedFile(
        name=safe_name(upload.name or "", content_type=mime),
        content_type=mime,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )


# --- What a file carries besides what it claims to be (polyglots) ----------------------------------------------
# A file is kept only as the one kind its content starts as. Images are cut where the image ends (anything
# appended: HTML, a ZIP, another program's data is dropped); a PDF is cut after its last end-of-file marker. What is
# left is refused when it still holds web-page code or a ZIP archive, or when a PDF carries scripts, launch
# actions or embedded files. Only the parts of a file that are text are searched (never compressed image data or
# PDF streams, where a short pattern turns up by chance).

# Image sizes above this (pixels) are refused: a few kilobytes can describe an image that no viewer can open
# (a "decompression bomb"). About Pillow's own warning limit; a 10 MB upload holds no larger real photo.
MAX_PIXELS = 90_000_000

_MARKUP = re.compile(
    rb"<\s*(?:script|html|body|iframe|frame|object|embed|svg|math|form|meta|link|base|style)[\s/>]"
    rb"|<!doctype\s+html|<\?xml-stylesheet|javascript\s*:|vbscript\s*:",
    re.IGNORECASE,
)
# Long enough never to turn up by chance, so searched for everywhere, compressed parts too.
_SCRIPT = re.compile(rb"<script[\s/>]|<iframe[\s/>]|<!doctype\s+html|javascript:", re.IGNORECASE)
_PDF_STREAM = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
_PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_PDF_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Names of PDF actions and contents that run or carry something else (after #xx escapes are decoded).
_PDF_ACTIVE = {b"JS", b"JavaScript", b"Launch", b"EmbeddedFile", b"EmbeddedFiles", b"RichMedia", b"XFA"}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _damaged() -> UploadRefused:
    return UploadRefused(_("The file is damaged or is not a real %(kinds)s") % {"kinds": accepted_kinds()})


def _too_large_image() -> UploadRefused:
    return UploadRefused(_("The image is too large: it must have fewer than 90 million pixels"))


def _defused(data: bytes, mime: str) -> bytes:
    if mime == "image/png":
        data, text = _png(data)
    elif mime == "image/jpeg":
        data, text = _jpeg(data)
    elif mime == "application/pdf":
        data, text = _pdf(data)
    else:
        text = data
    if _MARKUP.search(text) or _SCRIPT.search(data):
        raise UploadRefused(_("The file contains web page code. Send a scan or a photo of the document instead."))
    if zipfile.is_zipfile(io.BytesIO(data)):  # reads the archive's directory at the end, never unpacks it
        raise UploadRefused(_("The file contains an archive. Send each document as a PDF, JPG or PNG file."))
    return data


def _png(data: bytes) -> tuple[bytes, bytes]:
    """The image up to its IEND chunk, and the data of its text and other ancillary chunks."""
    if not data.startswith(_PNG_SIGNATURE):
        raise _damaged()
    position, first = len(_PNG_SIGNATURE), True
    text: list[bytes] = []
    while True:
        if position + 12 > len(data):
            raise _damaged()
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        end = position + 12 + length
        if end > len(data) or (first and (kind != b"IHDR" or length != 13)):
            raise _damaged()
        if first:
            width, height = struct.unpack(">II", body[:8])
            if width * height > MAX_PIXELS:
                raise _too_large_image()
            first = False
        if kind == b"IEND":
            return data[:end], b"".join(text)
        if kind != b"IDAT":
            text.append(body)
        position = end


_JPEG_FRAMES = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg(data: bytes) -> tuple[bytes, bytes]:
    """The image up to its end-of-image marker, and the data of its segments (metadata, comments), without the
    compressed picture. A file that ends inside the picture without the marker is kept as it is."""
    position = 2  # after the start-of-image marker that filetype found
    text: list[bytes] = []
    while position < len(data):
        if data[position] != 0xFF:  # stray bytes between segments: skipped by decoders, searched here
            following = data.find(b"\xff", position)
            if following < 0:
                raise _damaged()
            text.append(data[position:following])
            position = following
        while position < len(data) and data[position] == 0xFF:  # fill bytes
            position += 1
        if position >= len(data):
            break
        marker = data[position]
        position += 1
        if marker == 0xD9:  # end of image
            return data[:position], b"".join(text)
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a segment
            continue
        if position + 2 > len(data):
            raise _damaged()
        (length,) = struct.unpack(">H", data[position : position + 2])
        segment = data[position + 2 : position + length]
        if length < 2 or position + length > len(data):
            raise _damaged()
        if marker in _JPEG_FRAMES and len(segment) >= 5:
            height, width = struct.unpack(">HH", segment[1:5])
            if width * height > MAX_PIXELS:
                raise _too_large_image()
        position += length
        if marker == 0xDA:  # start of scan: compressed data up to the next marker that is not a restart
            while True:
                found = data.find(b"\xff", position)
                if found < 0 or found + 1 >= len(data):
                    return data, b"".join(text)
                following = data[found + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                    position = found + 1
                    continue
                position = found
                break
        else:
            text.append(segment)
    return data, b"".join(text)


def _pdf(data: bytes) -> tuple[bytes, bytes]:
    """The document up to its last %%EOF marker (and the line end after it), and everything but its streams."""
    end = data.rfind(b"%%EOF")
    if end < 0:
        raise _damaged()
    end += len(b"%%EOF")
    end += len(data[end : end + 2]) - len(data[end : end + 2].lstrip(b"\r\n"))
    data = data[:end]
    text = _PDF_STREAM.sub(b"stream endstream", data)
    for match in _PDF_NAME.finditer(text):
        name = _PDF_HEX_ESCAPE.sub(lambda escaped: bytes([int(escaped.group(1), 16)]), match.group(1))
        if name in _PDF_ACTIVE:
            raise UploadRefused(
                _(
                    "The PDF contains scripts, actions or attached files. "
                    "Save it again as a plain PDF (print it to PDF)."
                )
            )
    return data, text


def keep(checked: CheckedFile, *, folder: str) -> str:
    """Store the bytes under a random name (the applicant's file name never reaches the file system)."""
    name = f"{folder}/{uuid.uuid4().hex}.{EXTENSIONS.get(checked.content_type, 'bin')}"
    return private_storage().save(name, ContentFile(checked.data))


def discard(names: list[str]) -> None:
    storage = private_storage()
    for name in names:
        storage.delete(name)


def open_stored(name: str):
    return private_storage().open(name, "rb")


def stream(attachment) -> FileResponse:
    """The file as a response, shown inline only as what it was found to be at upload: never sniffed by the
    browser as something else, never run, never cached on the way."""
    response = FileResponse(
        open_stored(attachment.file),
        content_type=attachment.content_type,
        as_attachment=False,
        filename=attachment.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
