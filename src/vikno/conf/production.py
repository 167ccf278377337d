"""Production overlay: secure defaults, and a refusal to start on settings that would be unsafe."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from vikno.conf.base import *  # noqa: F403
from vikno.conf.base import EMBEDDED_SECRET_KEY, LOG_FORMAT, STATIC_ROOT, VAR_DIR, logging_config
from vikno.privacy.crypto import data_key_problems

LOGGING = logging_config(LOG_FORMAT or "json")  # one JSON object per line, for log collectors
STATIC_ROOT = STATIC_ROOT or str(VAR_DIR / "static")
WHITENOISE_USE_FINDERS = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def unsafe_settings(settings: dict) -> list[str]:
    """The reasons the given settings are unsafe for production (empty when they are safe)."""
    problems = []
    key = settings["SECRET_KEY"]
    if not key or key == EMBEDDED_SECRET_KEY or len(key) < 50:
        problems.append("VIKNO_SECRET_KEY must be set to a random value of at least 50 characters.")
    if settings["DEBUG"]:
        problems.append("VIKNO_DEBUG must be off.")
    if not (settings["SESSION_COOKIE_SECURE"] and settings["CSRF_COOKIE_SECURE"]):
        problems.append("VIKNO_SECURE_COOKIES must be on (cookies only over HTTPS).")
    if settings["SECURE_HSTS_SECONDS"] <= 0:
        problems.append(
            "VIKNO_HSTS_SECONDS must be set (31536000, a year, once HTTPS works): browsers must never reach the "
            "portal over plain HTTP."
        )
    if not settings["ALLOWED_HOSTS"] or "*" in settings["ALLOWED_HOSTS"]:
        problems.append("VIKNO_ALLOWED_HOSTS must list the portal's host names.")
    if settings["DATABASES"]["default"]["ENGINE"] != "django.db.backends.postgresql":
        problems.append("DATABASE_URL must point to PostgreSQL.")
    if settings["DEMO_EID"]:
        problems.append("VIKNO_DEMO_EID must be off: the demo eID lets anyone sign in as anyone.")
    if settings["SANDBOX_ACQUIRER"]:
        problems.append("VIKNO_SANDBOX_ACQUIRER must be off: the sandbox acquirer takes test cards, not money.")
    if not settings["LIQPAY_PUBLIC_KEY"] or not settings["LIQPAY_PRIVATE_KEY"]:
        problems.append("VIKNO_LIQPAY_PUBLIC_KEY and VIKNO_LIQPAY_PRIVATE_KEY must be set (the acquirer's keys).")
    elif settings["LIQPAY_PRIVATE_KEY"] == "sandbox_vikno_demo_private_key_not_secret":
        problems.append("VIKNO_LIQPAY_PRIVATE_KEY must be the acquirer's key, not the sandbox's.")
    if settings["SMS_GATEWAY"] == "kannel" and len(settings["SMS_CALLBACK_TOKEN"]) < 32:
        problems.append("VIKNO_SMS_CALLBACK_TOKEN must be a random value of at least 32 characters with Kannel.")
    problems += data_key_problems(settings["VIKNO_DATA_KEYS"], settings["VIKNO_BLIND_INDEX_KEY"])
    # `manage.py demo_pki` leaves a DEMO file (vikno.documents.pki.DEMO_MARKER) next to the keys it makes.
    if (Path(settings["VIKNO_SIGNING_DIR"]) / "DEMO").exists():
        problems.append(
            "VIKNO_SIGNING_DIR holds the demo PKI (it has a DEMO file): documents would be signed with demo keys."
        )
    return problems


_problems = unsafe_settings(globals())
if _problems:
    raise ImproperlyConfigured("Vikno refuses to start in production mode: " + " ".join(_problems))
