"""Private files (uploads, issued documents): outside the web root, streamed only by views that check access.

The storage class is a setting (VIKNO_PRIVATE_STORAGE_BACKEND) so that the shared kernel does not import the
privacy app, which supplies the encrypting one.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.module_loading import import_string


def private_storage() -> FileSystemStorage:
    backend = import_string(settings.VIKNO_PRIVATE_STORAGE_BACKEND)
    return backend(
        location=settings.VIKNO_PRIVATE_STORAGE_DIR, directory_permissions_mode=0o700, file_permissions_mode=0o600
    )
