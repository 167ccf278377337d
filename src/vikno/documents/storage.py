"""The private store of signed documents: files on disk outside every web root, read only through selectors."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage() -> FileSystemStorage:
    """The store under settings.VIKNO_PRIVATE_STORAGE_DIR (read each time, so tests can point it elsewhere)."""
    return FileSystemStorage(
        location=settings.VIKNO_PRIVATE_STORAGE_DIR,
        base_url=None,
        file_permissions_mode=0o600,
        directory_permissions_mode=0o700,
    )
