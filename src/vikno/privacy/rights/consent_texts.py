"""The consent texts the portal ships (version 1 of each, as the data migration 0003 publishes them), put back
after a `flush` (post_migrate, privacy/apps.py): a flushed database (transactional tests, a demo reset) would
otherwise have no texts, and the pages that record consents need them."""

import importlib

from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

TEXTS: dict[str, tuple[str, str]] = importlib.import_module("vikno.privacy.migrations.0003_consent_texts").TEXTS
SEEDED_BY = ("privacy", "0003_consent_texts")


def ensure_consent_texts(*, apps=None, using: str = "default", **_signal) -> None:
    """Version 1 of each text the portal ships, where no version of it exists. Only once the migration that
    creates and seeds them has run on that database (a partial `migrate` leaves them alone)."""
    if not MigrationRecorder(_connection(using)).migration_qs.filter(app=SEEDED_BY[0], name=SEEDED_BY[1]).exists():
        return
    if apps is None:
        from django.apps import apps
    ConsentText = apps.get_model("privacy", "ConsentText")
    now = timezone.now()
    for key, (uk, en) in TEXTS.items():
        if not ConsentText.objects.using(using).filter(key=key).exists():
            ConsentText.objects.using(using).create(key=key, version=1, text_uk=uk, text_en=en, published_at=now)


def _connection(using: str):
    from django.db import connections

    return connections[using]
