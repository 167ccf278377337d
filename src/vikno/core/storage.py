"""Private files (uploads, issued documents): outside the web root, streamed only by views that check access."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.VIKNO_PRIVATE_STORAGE_DIR, directory_permissions_mode=0o700)
