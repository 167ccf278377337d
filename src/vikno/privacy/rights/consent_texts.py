"""The consent texts the portal ships (version 1 of each, as the data migration 0003 publishes them), put back
after a `flush` (post_migrate, privacy/apps.py): a flushed database (transactional tests, a demo reset) would
otherwise have no texts, and the pages that record consents need them."""

import importlib

from django.utils import timezone

from vikno.privacy.models import ConsentText

TEXTS: dict[str, tuple[str, str]] = importlib.import_module("vikno.privacy.migrations.0003_consent_texts").TEXTS


def ensure_consent_texts(**_signal) -> None:
    """Version 1 of each text the portal ships, where no version of it exists."""
    now = timezone.now()
    for key, (uk, en) in TEXTS.items():
        if not ConsentText.objects.filter(key=key).exists():
            ConsentText.objects.create(key=key, version=1, text_uk=uk, text_en=en, published_at=now)
