"""Private files (uploads, issued documents) encrypted at rest with the current data key (privacy/crypto.py).

Files are small (uploads are capped by VIKNO_UPLOAD_MAX_BYTES), so each is sealed whole in memory. A file
written before encryption was switched on is read as it is, until `manage.py rotate_data_keys` encrypts it.
"""

import os

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from vikno.privacy import crypto


class EncryptedFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        content.seek(0)
        return super()._save(name, ContentFile(crypto.encrypt_bytes(content.read())))  # type: ignore[misc]

    def _open(self, name, mode="rb"):
        with super()._open(name, "rb") as stored:  # type: ignore[misc]
            data = stored.read()
        plain = crypto.decrypt_bytes(data) if crypto.is_encrypted_bytes(data) else data
        return ContentFile(plain, name=name)

    def size(self, name):
        with self._open(name) as opened:
            return opened.size

    def read_raw(self, name) -> bytes:
        with super()._open(name, "rb") as stored:  # type: ignore[misc]
            return stored.read()

    def write_raw(self, name, data: bytes) -> None:
        """Replace a file's stored bytes in place (key rotation), through a temporary file and an atomic rename;
        a file deleted meanwhile (erasure, retention) is not brought back."""
        path = self.path(name)
        if not os.path.exists(path):
            return
        temporary = f"{path}.rotating"
        with open(temporary, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o600)
        if not os.path.exists(path):
            os.remove(temporary)
            return
        os.replace(temporary, path)
