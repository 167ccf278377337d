"""`manage.py demo_keys`: demo keys for personal data at rest, so that `make run` works on a fresh checkout.

Writes only what is missing (a rerun changes nothing): a data key with the id ``demo-1`` in
settings.VIKNO_DATA_KEYS_FILE and a blind-index key in settings.VIKNO_BLIND_INDEX_KEY_FILE, readable by their
owner only. Production refuses keys whose id starts with "demo". Run it before `manage.py migrate`, which
encrypts existing rows.
"""

import base64
import os
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError

from vikno.privacy import crypto


def _write_new(path: Path, text: str) -> bool:
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(text + "\n")
    return True


class Command(BaseCommand):
    help = "Write demo keys for encrypting personal data (only those missing)."

    def handle(self, *args, **options):
        if (settings.SETTINGS_MODULE or "").endswith(".production"):
            raise CommandError("Demo keys are never made in production: configure the keys (docs/operations.md).")
        written = []
        if _write_new(Path(settings.VIKNO_DATA_KEYS_FILE), crypto.new_key_text("demo-1")):
            written.append(str(settings.VIKNO_DATA_KEYS_FILE))
        index_key = base64.b64encode(os.urandom(crypto.KEY_BYTES)).decode()
        if _write_new(Path(settings.VIKNO_BLIND_INDEX_KEY_FILE), index_key):
            written.append(str(settings.VIKNO_BLIND_INDEX_KEY_FILE))
        self.stdout.write(f"Demo data keys: {', '.join(written) if written else 'already there'}.")
