"""Checking and keeping uploaded files: size and count limits, the kind found from the content, private storage."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
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


def safe_name(name: str) -> str:
    """The file's own name without any path, control characters or leading dots; only ever shown, never used."""
    name = unicodedata.normalize("NFC", re.split(r"[\\/]", name or "")[-1])
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().lstrip(".")
    return name[-150:] or _("file")


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
    return CheckedFile(
        name=safe_name(upload.name or ""),
        content_type=mime,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )


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
