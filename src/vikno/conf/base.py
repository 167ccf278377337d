"""Every Vikno setting, read from the environment in this one module, with safe embedded defaults.

Overlays (`production.py`, `test.py`) adjust a few values; they never read the environment themselves.
"""

import datetime
import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _

SRC_DIR = Path(__file__).resolve().parents[1]
BASE_DIR = SRC_DIR.parents[1]
VAR_DIR = Path(os.environ.get("VIKNO_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# --- Mode -----------------------------------------------------------------------------------------------
# This module is the embedded mode (a laptop, a demo, a test); `vikno.conf.production` is the production
# mode, which refuses to start on unsafe settings.
DEBUG = env_bool("VIKNO_DEBUG", False)
# The embedded default key is public by design; production.py refuses to start with it.
EMBEDDED_SECRET_KEY = "embedded-mode-only-not-secret-0f1e2d3c4b5a69788796a5b4c3d2e1f0"
SECRET_KEY = env_str("VIKNO_SECRET_KEY", EMBEDDED_SECRET_KEY)
ALLOWED_HOSTS = env_list("VIKNO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("VIKNO_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("VIKNO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
PORTAL_NAME = env_str("VIKNO_PORTAL_NAME", "")  # empty: the translated default name "Vikno"

# --- Applications ---------------------------------------------------------------------------------------
INSTALLED_APPS = [
    "modeltranslation",  # must come before django.contrib.admin
    "vikno.web",  # before the admin, so that its admin template overrides win
    "vikno.identity.admin_apps.ViknoAdminConfig",  # the Django admin, behind the officials' sign-in
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "django_tasks_rq",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",  # django-csp: its system checks and template tags
    "vikno.core",
    "vikno.audit",
    "vikno.identity",
    "vikno.catalog",
    "vikno.documents",
    "vikno.privacy",
    "vikno.applications",
    "vikno.messaging",
    "vikno.messaging.appeals",
    "vikno.messaging.feedback",
    "vikno.payments",
    "vikno.backoffice",
    "vikno.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "vikno.web.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "vikno.web.middleware.RefuseNullCharactersMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "vikno.identity.middleware.SignedInSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "vikno.core.access.DefaultDenyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vikno.urls"
WSGI_APPLICATION = "vikno.wsgi.application"
AUTH_USER_MODEL = "identity.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True  # Django 6 default, adopted now

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "vikno.web.context_processors.portal",
                "vikno.identity.acting.acting_context",
                "vikno.messaging.context.inbox",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'vikno.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("VIKNO_DB_CONN_MAX_AGE", 0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and immediate transactions let the web process and the task worker share the file safely.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif env_bool("VIKNO_DB_POOL", False):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = True

# --- Background tasks -----------------------------------------------------------------------------------
# "database" (default, no extra service) or "rq" (Redis; workers on any number of machines).
TASK_BACKEND = env_str("VIKNO_TASK_BACKEND", "database")
REDIS_URL = env_str("VIKNO_REDIS_URL", "redis://127.0.0.1:6379/0")
if TASK_BACKEND == "rq":
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASK_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 300}}
# django-rq's dashboard would open the queues (and the arguments of every job) to any official: not registered.
RQ_SHOW_ADMIN_LINK = False
# A worker that has not reported for this long makes /readyz fail.
WORKER_HEARTBEAT_SECONDS = env_int("VIKNO_WORKER_HEARTBEAT_SECONDS", 10)
# Tasks every worker enqueues on a schedule (dotted path: seconds between runs). The tasks are idempotent, so
# several workers enqueueing the same one is harmless.
# How often the whole audit trail is verified (every worker asks at start; a check younger than half of this is
# taken as done).
AUDIT_VERIFY_INTERVAL_SECONDS = env_int("VIKNO_AUDIT_VERIFY_INTERVAL_SECONDS", 24 * 3600)
WORKER_SCHEDULE = {
    "vikno.applications.tasks.send_deadline_reminders": env_int("VIKNO_REMINDER_INTERVAL_SECONDS", 3600),
    "vikno.applications.tasks.issue_missing_results": 600,
    "vikno.applications.tasks.remind_applicants": env_int("VIKNO_REMINDER_INTERVAL_SECONDS", 3600),
    "vikno.messaging.tasks.send_due_deliveries": env_int("VIKNO_DELIVERY_SWEEP_SECONDS", 30),
    "vikno.payments.tasks.poll_payments": env_int("VIKNO_PAYMENT_SWEEP_SECONDS", 30),
    "vikno.payments.tasks.issue_missing_receipts": 600,
    "vikno.payments.tasks.send_waiting_refunds": 300,
    "vikno.audit.tasks.seal_finished_days": 3600,
    "vikno.audit.tasks.verify_trail": AUDIT_VERIFY_INTERVAL_SECONDS,
    "vikno.privacy.tasks.apply_retention": env_int("VIKNO_RETENTION_INTERVAL_SECONDS", 6 * 3600),
}
WORKER_STALE_AFTER_SECONDS = env_int("VIKNO_WORKER_STALE_AFTER_SECONDS", 60)

# How many reverse proxies of ours stand in front of the portal (their X-Forwarded-For entries are trusted).
TRUSTED_PROXY_COUNT = env_int("VIKNO_TRUSTED_PROXIES", 0)

# --- Authentication -------------------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]
LOGIN_URL = "identity:sign-in"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses while an account or an address is locked out
    "django.contrib.auth.backends.ModelBackend",
]
# Throttling of failed password sign-ins (django-axes): after AXES_FAILURE_LIMIT failures for one account, or
# from one address, further attempts are refused until the lock-out expires.
AXES_FAILURE_LIMIT = env_int("VIKNO_SIGN_IN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("VIKNO_SIGN_IN_LOCKOUT_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own: an account, or an address
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "vikno.identity.views.account.locked_out"
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
AXES_VERBOSE = False
# Second factors. The issuer is the name authenticator apps show next to the code.
OTP_TOTP_ISSUER = PORTAL_NAME or "Vikno"
# Officials' sessions end after this many seconds without activity (citizens': SESSION_COOKIE_AGE).
OFFICIAL_SESSION_SECONDS = env_int("VIKNO_OFFICIAL_SESSION_SECONDS", 30 * 60)
# A link to set a new password (a forgotten one) works once and for this long.
PASSWORD_RESET_TIMEOUT = 2 * 3600
# How long a half-finished sign-in (password given, second factor not yet) is kept.
SECOND_FACTOR_TTL = 10 * 60
# Changing the ways to sign in, the phone or the e-mail, or asking for erasure, needs the person to have proved who
# they are (signed in, or confirmed with the password or eID) within this many seconds (ASVS 3.7.1).
REAUTHENTICATE_AFTER_SECONDS = env_int("VIKNO_REAUTHENTICATE_AFTER_SECONDS", 15 * 60)

# --- Passkeys (WebAuthn) --------------------------------------------------------------------------------
# The relying party is the portal itself, derived from SITE_URL: a passkey works only on the host it was made
# for. Browsers refuse an IP address as the RP ID: in development, open the portal as http://localhost:8000
# (VIKNO_SITE_URL) to use passkeys; localhost counts as a secure context, like https.
_SITE = urlsplit(SITE_URL)
WEBAUTHN_RP_ID = (_SITE.hostname or "localhost").lower()
WEBAUTHN_ORIGIN = f"{_SITE.scheme.lower()}://{_SITE.netloc.rpartition('@')[2].lower()}"

# --- National eID (OpenID Connect) ----------------------------------------------------------------------
# VIKNO_EID_PROVIDERS: a JSON list of providers, each {"slug", "name_uk", "name_en", "issuer", "client_id",
# "client_secret"} plus optional "scope", "claims" (Vikno's name → the provider's claim name) and "levels"
# (acr value → low | substantial | high). See docs/operations.md.
EID_PROVIDERS: list[dict] = json.loads(env_str("VIKNO_EID_PROVIDERS", "[]"))
# The demo eID provider (tools/demo-eid, started by `make run`): made-up citizens, anyone can be anyone.
# Production refuses to start with it on.
DEMO_EID = env_bool("VIKNO_DEMO_EID", True)
DEMO_EID_URL = env_str("VIKNO_DEMO_EID_URL", "http://127.0.0.1:8001").rstrip("/")
if DEMO_EID:
    EID_PROVIDERS.append(
        {
            "slug": "demo",
            "name_uk": "Демо eID (не справжній)",
            "name_en": "Demo eID (not real)",
            "issuer": DEMO_EID_URL,
            "client_id": "vikno-demo",
            # Public by design, like the embedded secret key: the demo provider is never a real one.
            "client_secret": "demo-eid-client-secret-not-secret-5a1c9e",
            "demo": True,
        }
    )
# Network timeout (seconds) for every call to an eID provider, and how long a started sign-in stays valid.
EID_HTTP_TIMEOUT = env_int("VIKNO_EID_HTTP_TIMEOUT", 10)
EID_SIGN_IN_TTL = env_int("VIKNO_EID_SIGN_IN_TTL", 600)

# --- Security -------------------------------------------------------------------------------------------
SECURE_COOKIES = env_bool("VIKNO_SECURE_COOKIES", False)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
# Over HTTPS the cookies carry the __Host- prefix: browsers then keep them only when Secure, for the whole site
# and for this host alone, so neither a subdomain nor a plain-HTTP page can plant or overwrite them.
SESSION_COOKIE_NAME = "__Host-vikno-session" if SECURE_COOKIES else "vikno-session"
CSRF_COOKIE_NAME = "__Host-csrftoken" if SECURE_COOKIES else "csrftoken"
CSRF_COOKIE_HTTPONLY = True  # no script reads it: forms (and passkeys.js) carry the token from the page
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("VIKNO_SESSION_COOKIE_AGE", 60 * 60 * 8)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env_int("VIKNO_HSTS_SECONDS", 0)
SECURE_SSL_REDIRECT = env_bool("VIKNO_SSL_REDIRECT", False)
if env_bool("VIKNO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Content-Security-Policy and security headers -------------------------------------------------------
# A strict policy on every response (django-csp): scripts, styles, fonts and images only from the portal's own
# static files; no inline script or style and no eval anywhere. Forms may post only to the portal and to the
# eID providers: the sign-in form posts to the portal, which redirects to the provider, and browsers check
# form-action on every redirect that follows a form submission.


def origin_of(url: str) -> str:
    """The origin (scheme://host[:port]) of a URL, as a Content-Security-Policy source expression."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.rpartition('@')[2].lower()}"


def content_security_policy(eid_providers: list[dict], form_targets: tuple[str, ...] = ()) -> dict:
    """The portal's policy in django-csp 4's format, for the given eID providers and other form targets (the
    card acquirer's checkout page)."""
    urls = [provider["issuer"] for provider in eid_providers] + list(form_targets)
    provider_origins = list(dict.fromkeys(origin_of(url) for url in urls))
    return {
        "DIRECTIVES": {
            "default-src": ["'self'"],
            "script-src": ["'self'"],
            "style-src": ["'self'"],
            "img-src": ["'self'", "data:"],
            "font-src": ["'self'"],
            "connect-src": ["'self'"],
            "object-src": ["'none'"],
            "base-uri": ["'none'"],
            "frame-ancestors": ["'none'"],
            "form-action": ["'self'", *provider_origins],
        },
    }


# Browser features no page uses are switched off for the portal and anything it embeds; passkeys (WebAuthn)
# stay allowed for the portal itself. A feature maps to its allowlist: [] is none, "self" the portal's origin.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "autoplay": [],
    "browsing-topics": [],
    "camera": [],
    "display-capture": [],
    "encrypted-media": [],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "idle-detection": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "publickey-credentials-create": ["self"],
    "publickey-credentials-get": ["self"],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# X-Frame-Options, X-Content-Type-Options and Referrer-Policy: see "Security" above.

# --- Languages and time ---------------------------------------------------------------------------------
LANGUAGE_CODE = "uk"
LANGUAGES = [("uk", _("Ukrainian")), ("en", _("English"))]
MODELTRANSLATION_DEFAULT_LANGUAGE = "uk"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("uk",)
LOCALE_PATHS = [SRC_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("VIKNO_TIME_ZONE", "Europe/Kyiv")
USE_TZ = True
# Country whose public holidays the `holidays` package supplies for working-day arithmetic.
HOLIDAYS_COUNTRY = env_str("VIKNO_HOLIDAYS_COUNTRY", "UA")

# --- Static and uploaded files --------------------------------------------------------------------------
STATIC_URL = "/static/"
# Embedded mode serves static files straight from the apps (WhiteNoise with finders); production serves
# the collected, fingerprinted copies from STATIC_ROOT (`manage.py collectstatic`).
STATIC_ROOT = env_str("VIKNO_STATIC_ROOT") or None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- E-mail ---------------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("VIKNO_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env_str("VIKNO_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("VIKNO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("VIKNO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("VIKNO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("VIKNO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("VIKNO_DEFAULT_FROM_EMAIL", "Vikno <no-reply@vikno.localhost>")
EMAIL_TIMEOUT = env_int("VIKNO_EMAIL_TIMEOUT", 10)
# Notification e-mail carries Message-ID <delivery id>@<this domain>: a message sent twice reads as one.
EMAIL_MESSAGE_ID_DOMAIN = urlsplit(SITE_URL).hostname or "vikno.localhost"

# --- Notifications: the outbox, e-mail and SMS ----------------------------------------------------------
# A delivery that fails is tried again after 30 s, 60 s, 120 s... (at most an hour apart); after this many
# attempts it is dead and waits in the admin ("Deliveries") for an operator to send it again.
DELIVERY_MAX_ATTEMPTS = env_int("VIKNO_DELIVERY_MAX_ATTEMPTS", 10)
DELIVERY_RETRY_SECONDS = env_int("VIKNO_DELIVERY_RETRY_SECONDS", 30)
DELIVERY_RETRY_MAX_SECONDS = env_int("VIKNO_DELIVERY_RETRY_MAX_SECONDS", 3600)
# "file" keeps SMS in var/sms/ (no gateway needed); "kannel" sends them through Kannel's smsbox.
SMS_GATEWAY = env_str("VIKNO_SMS_GATEWAY", "file")
SMS_FILE_DIR = VAR_DIR / "sms"
KANNEL_SENDSMS_URL = env_str("VIKNO_KANNEL_SENDSMS_URL", "http://127.0.0.1:13013/cgi-bin/sendsms")
KANNEL_USERNAME = env_str("VIKNO_KANNEL_USERNAME", "vikno")
KANNEL_PASSWORD = env_str("VIKNO_KANNEL_PASSWORD")
SMS_SENDER = env_str("VIKNO_SMS_SENDER", "Vikno")
SMS_HTTP_TIMEOUT = env_int("VIKNO_SMS_HTTP_TIMEOUT", 10)
# The gateway's callbacks (delivery reports, incoming SMS) must carry this token and come from these addresses;
# with no token set, every callback is refused.
SMS_CALLBACK_TOKEN = env_str("VIKNO_SMS_CALLBACK_TOKEN")
SMS_GATEWAY_IPS = env_list("VIKNO_SMS_GATEWAY_IPS", ["127.0.0.1", "::1"])


def _quiet_hours(value: str) -> tuple[datetime.time, datetime.time] | None:
    """ "21:00-08:00" (local time) as a pair of times; empty: no quiet hours."""
    if not value:
        return None
    start, end = (datetime.time.fromisoformat(part.strip()) for part in value.split("-"))
    if start == end:
        raise ValueError(f"VIKNO_SMS_QUIET_HOURS {value!r} never ends: give an end other than its start")
    return start, end


# The longest text a person may write in one message, appeal or public question (characters).
MESSAGE_MAX_CHARS = env_int("VIKNO_MESSAGE_MAX_CHARS", 5000)
# Appeals of citizens (inquiries, complaints, proposals) are answered within these calendar days of their receipt
# (Law of Ukraine "On Citizens' Appeals", art. 20: a month; 15 days when no further study is needed; extended once,
# with notice to the citizen, to at most 45 days in all).
APPEAL_TERM_DAYS = env_int("VIKNO_APPEAL_TERM_DAYS", 30)
APPEAL_SHORT_TERM_DAYS = env_int("VIKNO_APPEAL_SHORT_TERM_DAYS", 15)
APPEAL_MAX_TERM_DAYS = env_int("VIKNO_APPEAL_MAX_TERM_DAYS", 45)

# --- Data subjects' rights and retention (vikno.privacy.rights, vikno.privacy.retention; ADR 0011) ---
# A request to correct or erase personal data is answered within this many calendar days of its receipt
# (Law of Ukraine "On Personal Data Protection": thirty calendar days).
PRIVACY_REQUEST_TERM_DAYS = env_int("VIKNO_PRIVACY_REQUEST_TERM_DAYS", 30)
# Retention periods in days per rule of vikno.privacy.retention, over its defaults: a JSON object such as
# {"drafts": 90, "decided_applications": 3653}. The scheduled purge handles at most a batch per transaction.
RETENTION_PERIOD_DAYS: dict[str, int] = json.loads(env_str("VIKNO_RETENTION_PERIOD_DAYS", "{}"))
RETENTION_BATCH_SIZE = env_int("VIKNO_RETENTION_BATCH_SIZE", 500)

# Notifications by SMS wait for the end of these hours (answers to a person's own SMS do not).
SMS_QUIET_HOURS = _quiet_hours(env_str("VIKNO_SMS_QUIET_HOURS", "21:00-08:00"))

# --- Payments -------------------------------------------------------------------------------------------
# Card payments go through an acquirer's hosted checkout speaking LiqPay's checkout API v3. By default that is
# the sandbox acquirer (tools/sandbox-acquirer, started by `make run`): test cards, no real money. Production
# refuses to start with it on; set VIKNO_SANDBOX_ACQUIRER=false and the acquirer's keys and addresses instead.
SANDBOX_ACQUIRER = env_bool("VIKNO_SANDBOX_ACQUIRER", True)
SANDBOX_ACQUIRER_URL = env_str("VIKNO_SANDBOX_ACQUIRER_URL", "http://127.0.0.1:8002").rstrip("/")
_ACQUIRER_URL = SANDBOX_ACQUIRER_URL if SANDBOX_ACQUIRER else "https://www.liqpay.ua"
PAYMENT_CARD_PROVIDER = env_str("VIKNO_PAYMENT_CARD_PROVIDER", "liqpay")
LIQPAY_CHECKOUT_URL = env_str("VIKNO_LIQPAY_CHECKOUT_URL", _ACQUIRER_URL + "/api/3/checkout")
LIQPAY_API_URL = env_str("VIKNO_LIQPAY_API_URL", _ACQUIRER_URL + "/api/request")
# Public by design in the sandbox, like the demo eID's client secret: the sandbox moves no money.
LIQPAY_PUBLIC_KEY = env_str("VIKNO_LIQPAY_PUBLIC_KEY", "sandbox_vikno_demo" if SANDBOX_ACQUIRER else "")
LIQPAY_PRIVATE_KEY = env_str(
    "VIKNO_LIQPAY_PRIVATE_KEY", "sandbox_vikno_demo_private_key_not_secret" if SANDBOX_ACQUIRER else ""
)
PAYMENT_HTTP_TIMEOUT = env_int("VIKNO_PAYMENT_HTTP_TIMEOUT", 15)
# A card checkout not finished within this many minutes expires (the acquirer is told the same limit).
PAYMENT_CHECKOUT_MINUTES = env_int("VIKNO_PAYMENT_CHECKOUT_MINUTES", 30)
# Pending card payments are asked about at the acquirer this many seconds after the last check (doubling up to
# an hour): a lost callback delays a confirmation, it never loses one.
PAYMENT_POLL_SECONDS = env_int("VIKNO_PAYMENT_POLL_SECONDS", 60)
# Forms may post to the acquirer's checkout page too (the "Pay by card" button).
CONTENT_SECURITY_POLICY = content_security_policy(EID_PROVIDERS, (LIQPAY_CHECKOUT_URL,))

# --- Catalogue ------------------------------------------------------------------------------------------
# A published service not reviewed for this many months is listed in the editors' freshness report.
CATALOG_REVIEW_INTERVAL_MONTHS = env_int("VIKNO_CATALOG_REVIEW_INTERVAL_MONTHS", 12)
# The URI namespace of the catalogue's linked-data identifiers (CPSV-AP export).
CATALOG_URI_BASE = env_str("VIKNO_CATALOG_URI_BASE", SITE_URL + "/id/")

# --- Issued documents -----------------------------------------------------------------------------------
# Signed PDFs are kept in a private store, never under the static or media web root.
VIKNO_PRIVATE_STORAGE_DIR = Path(env_str("VIKNO_PRIVATE_STORAGE_DIR") or VAR_DIR / "private")
# --- Personal data at rest (privacy/crypto.py, ADR 0012) ---
# Private files are encrypted by this storage class (AES-256-GCM under the current data key).
VIKNO_PRIVATE_STORAGE_BACKEND = "vikno.privacy.storage.EncryptedFileSystemStorage"
# Named 256-bit data keys, one `id:base64` per line (or comma-separated in the variable); the first encrypts
# everything new, the others only decrypt until `manage.py rotate_data_keys` has moved every value to the first.
# The blind-index key (base64, 32 bytes) keys the indexes that find a person by taxpayer number or phone.
# Keys come from files or the environment, never from the database; `manage.py demo_keys` writes demo ones.
VIKNO_DATA_KEYS_FILE = Path(env_str("VIKNO_DATA_KEYS_FILE") or VAR_DIR / "keys" / "data-keys")
VIKNO_BLIND_INDEX_KEY_FILE = Path(env_str("VIKNO_BLIND_INDEX_KEY_FILE") or VAR_DIR / "keys" / "blind-index-key")


def _secret(variable: str, path: Path) -> str:
    """A secret from its environment variable, else from its file ("" when neither is there)."""
    return env_str(variable) or (path.read_text().strip() if path.is_file() else "")


VIKNO_DATA_KEYS = _secret("VIKNO_DATA_KEYS", VIKNO_DATA_KEYS_FILE)
VIKNO_BLIND_INDEX_KEY = _secret("VIKNO_BLIND_INDEX_KEY", VIKNO_BLIND_INDEX_KEY_FILE)

# Signing keys and certificates live in files, never in the database (docs/architecture.md, "Issued documents"):
# ca.pem (trust roots), organisations/<EDRPOU code or slug>/{certificate,key}.pem, organisations/default/.
VIKNO_SIGNING_DIR = Path(env_str("VIKNO_SIGNING_DIR") or VAR_DIR / "pki")
# Further PEM files of trusted roots, besides <VIKNO_SIGNING_DIR>/ca.pem (comma-separated paths).
VIKNO_SIGNING_TRUST_ROOTS = env_list("VIKNO_SIGNING_TRUST_ROOTS", [])
# The largest PDF the public verification page accepts.
VIKNO_VERIFY_MAX_BYTES = env_int("VIKNO_VERIFY_MAX_BYTES", 10 * 1024 * 1024)

# --- Applications ---------------------------------------------------------------------------------------
# Uploads: the largest file, how many files one application may carry, and the kinds accepted (found from the
# content of the file, never from its name).
VIKNO_UPLOAD_MAX_BYTES = env_int("VIKNO_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
VIKNO_UPLOAD_MAX_FILES = env_int("VIKNO_UPLOAD_MAX_FILES", 20)
VIKNO_UPLOAD_TYPES = env_list("VIKNO_UPLOAD_TYPES", ["application/pdf", "image/jpeg", "image/png"])
# How many working days before the deadline a case is "near its deadline" in the officials' queue.
VIKNO_NEAR_DEADLINE_DAYS = env_int("VIKNO_NEAR_DEADLINE_DAYS", 3)
# Applicants who have not answered a request for information are reminded this many working days before it is due.
APPLICANT_REMINDER_DAYS = env_int("VIKNO_APPLICANT_REMINDER_DAYS", 2)

# --- Personal-data access log ---------------------------------------------------------------------------
# Whether a citizen's "Who looked at my data" page names the official who looked (organisation, role and purpose
# are always shown). Off by default: turn it on only where the law lets the portal disclose officials' names.
VIKNO_ACCESS_LOG_SHOWS_OFFICIAL_NAMES = env_bool("VIKNO_ACCESS_LOG_SHOWS_OFFICIAL_NAMES", False)

# --- API ------------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "vikno.api.v1.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "vikno.api.v1.problems.problem_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Vikno public API",
    "DESCRIPTION": "Read-only access to the catalogue of public services, organisations, "
    "life events and service centres.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# --- Logging --------------------------------------------------------------------------------------------
LOG_LEVEL = env_str("VIKNO_LOG_LEVEL", "INFO")
LOG_FORMAT = env_str("VIKNO_LOG_FORMAT", "")  # "text" or "json"; empty: the mode's default


def logging_config(log_format: str) -> dict:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            },
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": log_format}},
        "root": {"handlers": ["console"], "level": LOG_LEVEL},
        "loggers": {
            "django.db.backends": {"level": "INFO"},
            "axes": {"level": "WARNING"},
            "weasyprint": {"level": "WARNING"},  # a line per rendering step otherwise
            "fontTools": {"level": "WARNING"},
        },
    }


LOGGING = logging_config(LOG_FORMAT or "text")
