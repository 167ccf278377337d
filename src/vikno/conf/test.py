"""Test overlay: fast hashing, mail kept in memory, a test database of its own per test run."""

import os

from vikno.conf.base import *  # noqa: F403
from vikno.conf.base import DATABASES, VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests run at any hour; the ones about quiet hours set them.
SMS_QUIET_HOURS = None
SMS_CALLBACK_TOKEN = "test-sms-callback-token"  # noqa: S105 (tests only)
# Fixed test keys (never used outside tests), so that worker subprocesses of a test read what it wrote.
VIKNO_DATA_KEYS = "test-1:dGVzdC1kYXRhLWtleS0xLW5vdC1zZWNyZXQtMzJieXQ="
VIKNO_BLIND_INDEX_KEY = "dGVzdC1ibGluZC1pbmRleC1rZXktbm90LXNlY3JldCE="

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file (not memory) so that worker subprocesses started by tests can open it; one per run so that
    # runs side by side never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
