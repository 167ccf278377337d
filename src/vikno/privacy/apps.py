from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "vikno.privacy"
    verbose_name = _("Personal data")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from vikno.privacy.rights.consent_texts import ensure_consent_texts

        # Also after `flush`, which empties what the data migration wrote (see consent_texts.py).
        post_migrate.connect(ensure_consent_texts, sender=self, dispatch_uid="privacy-consent-texts")
