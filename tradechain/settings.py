"""TradeChain settings: one file, configured by environment variables.

With no environment at all it runs against the embedded PostgreSQL and Redis under
var/ (see tradechain/embedded.py); DATABASE_URL and REDIS_URL point it at real servers.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

from tradechain import embedded

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = embedded.VAR


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """SECRET_KEY from the environment; the embedded default keeps one under var/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    # First: its createsuperuser/changepassword (ledgered) replace django.contrib.auth's.
    "lc.audit.apps.AuditConfig",
    # The admin on django-otp's OTPAdminSite (password and TOTP), see lc/audit/admin_site.py.
    "lc.audit.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp_webauthn",  # passkeys as a second factor beside TOTP (lc/portal/passkeys.py)
    "axes",
    "ledger",
    "outbox",
    "lc",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tradechain.security.SecurityHeadersMiddleware",
    "lc.api.guard.ApiGuardMiddleware",  # size, depth and control characters; problem+json under /api/
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "lc.audit.reads.ReadAccessMiddleware",  # innermost: who opened which credit or document (issue 14)
]

ROOT_URLCONF = "tradechain.urls"
WSGI_APPLICATION = "tradechain.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or embedded.database_url(),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "lc.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # ASVS 2.1.1: at least 12 characters, for every new or changed password (issue 17).
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:dashboard"

# Portal session safety: short idle timeout, secure cookies, CSRF everywhere.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_TIMEOUT_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_COOKIES = env_bool("SECURE_COOKIES", True)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Headers (tradechain/security.py adds the CSP and Permissions-Policy). HSTS goes with secure
# cookies: a deployment that sets Secure cookies is served over HTTPS only.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000")) if SECURE_COOKIES else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_COOKIES
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Behind a TLS-terminating proxy: redirect plain http, trust the proxy's scheme header.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's probe speaks plain http
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# django-axes: lock an account after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
# Username AND source together: failures from one address lock that address out of that account
# only, so nobody can lock a named person out from elsewhere (issue 17); a shared office NAT
# address is not locked out of other accounts either. lc/integrations/ratelimit.py adds the
# progressive delay and the per-source limit across usernames (sign-in, API keys, TOTP codes).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

# Passkeys (WebAuthn, django-otp-webauthn) as a second factor beside TOTP, never instead of the
# password. The relying party ID is WEBAUTHN_RP_ID, or the host the request came to (validated
# against ALLOWED_HOSTS; credentials are bound to it, so set it once a deployment has its name).
# Origins: WEBAUTHN_ALLOWED_ORIGINS, or https://<host> for each ALLOWED_HOSTS name, plus, while
# that variable is unset, the dev server's own http://localhost:<port> (lc/portal/passkeys.py).
OTP_WEBAUTHN_RP_NAME = os.environ.get("WEBAUTHN_RP_NAME", "TradeChain")
WEBAUTHN_RP_ID = os.environ.get("WEBAUTHN_RP_ID", "")
OTP_WEBAUTHN_RP_ID_CALLABLE = "lc.portal.passkeys.relying_party_id"
WEBAUTHN_ORIGINS_CONFIGURED = bool(os.environ.get("WEBAUTHN_ALLOWED_ORIGINS", "").strip())
OTP_WEBAUTHN_ALLOWED_ORIGINS = os.environ.get("WEBAUTHN_ALLOWED_ORIGINS", "").replace(",", " ").split() or [
    f"https://{host}" for host in ALLOWED_HOSTS if host and host != "*" and not host.startswith(".")]
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False  # the password first, always (axes, rate limits)
OTP_WEBAUTHN_HELPER_CLASS = "lc.portal.passkeys.PortalWebAuthnHelper"  # ledgers each registration

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hant", "繁體中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Hong_Kong"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise serves from finders; it warns if absent
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "documents"))
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
# Per request, all files together (lc/api/guard.py answers 413 before reading the body), and per
# file while it streams in (CappedUploadHandler, first in the chain).
UPLOAD_MAX_REQUEST_BYTES = int(os.environ.get("UPLOAD_MAX_REQUEST_BYTES", str(4 * UPLOAD_MAX_BYTES)))
FILE_UPLOAD_HANDLERS = [
    "lc.api.guard.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# A JSON request body: an MT700 with its MT701s is well under 100 KB.
API_MAX_JSON_BYTES = int(os.environ.get("API_MAX_JSON_BYTES", str(256 * 1024)))

# Redis: Celery broker and result backend, and the health check.
REDIS_URL = os.environ.get("REDIS_URL") or embedded.redis_url()


def celery_url(url: str) -> str:
    """Celery spells a Unix-socket Redis URL as redis+socket://."""
    return "redis+socket://" + url[len("unix://"):] if url.startswith("unix://") else url


# BROKER_URL: another broker than Redis, e.g. RabbitMQ (amqp://guest:guest@127.0.0.1:5672//);
# results and the health check stay on Redis.
CELERY_BROKER_URL = os.environ.get("BROKER_URL") or celery_url(REDIS_URL)
CELERY_RESULT_BACKEND = celery_url(REDIS_URL)
if CELERY_BROKER_URL.startswith(("amqp://", "amqps://", "pyamqp://")):
    from kombu import Queue

    # RabbitMQ quorum queues: replicated and durable, so a broker node lost keeps the queued work.
    CELERY_TASK_QUEUES = [Queue("celery", queue_arguments={"x-queue-type": "quorum"})]
    CELERY_TASK_CREATE_MISSING_QUEUE_TYPE = "quorum"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis hands a message its worker never acknowledged (the worker was killed, or its broker
# connection dropped while it held a countdown retry) to a worker again this many seconds after
# delivery. It must exceed the longest countdown (webhook retries wait up to 3600 s), or a retry
# still waiting in one worker is delivered to a second one.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("BROKER_VISIBILITY_TIMEOUT", "3900"))}
# A worker whose broker went away keeps retrying, at start-up too, instead of exiting.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A late-acked task running when the connection drops finishes; its ack is lost with the
# connection, so Redis delivers it again after the visibility timeout (tasks are idempotent).
# Not True: Celery 5.6.3 then cancels the task and records "revoked" in the result backend, the
# same Redis that just went away, and the worker dies (tests/ops/test_broker_reconnect.py).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
LEDGER_ANCHOR_INTERVAL = float(os.environ.get("LEDGER_ANCHOR_INTERVAL", "10"))
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "ledger-sequence": {"task": "ledger.tasks.sequence_pending", "schedule": 5.0},
    # A late anchor run is worthless once the next one is due: let it expire instead of piling up.
    "ledger-anchor": {"task": "ledger.tasks.anchor", "schedule": LEDGER_ANCHOR_INTERVAL,
                      "options": {"expires": LEDGER_ANCHOR_INTERVAL}},
    "lc-deadlines": {"task": "lc.tasks.run_timers", "schedule": crontab(minute="*/15")},
    "lc-idempotency-purge": {"task": "lc.tasks.purge_idempotency_records", "schedule": crontab(minute=7)},
    # The read-access log's head into the ledger (lc/audit/readlog.py).
    "audit-seal-read-log": {"task": "lc.audit.tasks.seal_read_log", "schedule": crontab(minute="*/5")},
    # The relay thread of the sequencer process does this continuously; beat is the safety net.
    "outbox-relay": {"task": "outbox.relay", "schedule": 5.0, "options": {"expires": 5.0}},
    "outbox-purge": {"task": "outbox.purge", "schedule": crontab(minute=17)},
    "lc-orphan-files": {"task": "lc.tasks.sweep_orphan_files", "schedule": crontab(minute=37)},
}

# The transactional outbox (outbox/): after-commit work as rows, relayed to the broker.
# A message published but not done after OUTBOX_REDELIVER_AFTER seconds (x its publications,
# at most x4) is published again (consumers are idempotent by message id).
OUTBOX_REDELIVER_AFTER = float(os.environ.get("OUTBOX_REDELIVER_AFTER", "30"))
OUTBOX_RELAY_IDLE_SLEEP = float(os.environ.get("OUTBOX_RELAY_IDLE_SLEEP", "0.05"))
OUTBOX_BROKER_TIMEOUT = float(os.environ.get("OUTBOX_BROKER_TIMEOUT", "3"))  # seconds per broker call
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "10"))  # of a task that raises
OUTBOX_KEEP_HOURS = int(os.environ.get("OUTBOX_KEEP_HOURS", "24"))
# A cached API key is trusted for at most this long (capped at 60 s) besides the Redis epoch:
# a revocation Redis missed still takes effect within this bound.
API_KEY_CACHE_SECONDS = float(os.environ.get("API_KEY_CACHE_SECONDS", "30"))

# API requests per key (or per signed-in person) per minute (lc/api/throttles.py, issue 17).
API_RATE_PER_MINUTE = int(os.environ.get("API_RATE_PER_MINUTE", "1200"))

IDEMPOTENCY_TTL_HOURS = int(os.environ.get("IDEMPOTENCY_TTL_HOURS", "24"))

# The ledger
LEDGER_SEQUENCER_IDLE_SLEEP = float(os.environ.get("LEDGER_SEQUENCER_IDLE_SLEEP", "0.02"))


# --- Ledger: verifiable log, checkpoints and anchoring (issue 4; see ledger/anchoring.py) ---
def _env_list(name: str, default: str = "") -> list[str]:
    """A comma- or whitespace-separated list (key strings never contain either)."""
    return os.environ.get(name, default).replace(",", " ").split()


LEDGER_ORIGIN = os.environ.get("LEDGER_ORIGIN", "tradechain.local/ledger")
# The log's Ed25519 key as a note signer-key string (PRIVATE+KEY+...), or a file holding one.
# With neither set, the embedded default generates var/ledger-signing.key (mode 600) on first use.
LEDGER_SIGNING_KEY = os.environ.get("LEDGER_SIGNING_KEY", "")
LEDGER_SIGNING_KEY_FILE = os.environ.get("LEDGER_SIGNING_KEY_FILE", "")
LEDGER_DEFAULT_SIGNING_KEY_FILE = VAR_DIR / "ledger-signing.key"
# Rotation: extra signer keys sign every checkpoint during the overlap; retired or witness public
# keys (verifier key strings) stay published so that older checkpoints still verify.
LEDGER_EXTRA_SIGNING_KEYS = _env_list("LEDGER_EXTRA_SIGNING_KEYS")
LEDGER_EXTRA_VERIFIER_KEYS = _env_list("LEDGER_EXTRA_VERIFIER_KEYS")
# RFC 3161 timestamp authority; its certificates go into evidence bundles when configured.
LEDGER_TSA_URL = os.environ.get("LEDGER_TSA_URL", "")
LEDGER_TSA_CA_FILE = os.environ.get("LEDGER_TSA_CA_FILE", "")
LEDGER_TSA_CERT_FILE = os.environ.get("LEDGER_TSA_CERT_FILE", "")
LEDGER_TSA_TIMEOUT = float(os.environ.get("LEDGER_TSA_TIMEOUT", "10"))
LEDGER_TLOG_DIR = Path(os.environ.get("LEDGER_TLOG_DIR", str(VAR_DIR / "tlog")))
LEDGER_PUBLISHERS = _env_list(
    "LEDGER_PUBLISHERS",
    "ledger.publishers.TlogDirectory" + (" ledger.publishers.TimestampAuthority" if LEDGER_TSA_URL else ""),
)
LEDGER_PUBLISH_MAX_RETRIES = int(os.environ.get("LEDGER_PUBLISH_MAX_RETRIES", "8"))
LEDGER_PUBLISH_BACKOFF = float(os.environ.get("LEDGER_PUBLISH_BACKOFF", "2"))  # seconds, doubled per retry
LEDGER_PUBLISH_BACKOFF_MAX = float(os.environ.get("LEDGER_PUBLISH_BACKOFF_MAX", "600"))
# Witnesses (issue 19): a C2SP tlog-policy file naming the witnesses (key + URL) and the quorum;
# empty = no witnessing. `manage.py witness_demo` writes var/witness/policy for the demo.
LEDGER_WITNESS_POLICY_FILE = os.environ.get("LEDGER_WITNESS_POLICY_FILE", "")
LEDGER_WITNESS_TIMEOUT = float(os.environ.get("LEDGER_WITNESS_TIMEOUT", "5"))  # seconds per request
LEDGER_WITNESS_ATTEMPTS = int(os.environ.get("LEDGER_WITNESS_ATTEMPTS", "3"))  # per witness per run
LEDGER_WITNESS_BACKOFF = float(os.environ.get("LEDGER_WITNESS_BACKOFF", "0.5"))  # seconds, doubled per retry
# --- end of the verifiable-log settings ---

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "lc.api.paging.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["lc.api.guard.StrictFilterBackend"],  # unknown parameters refused
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "lc.api.auth.ApiKeyAuthentication",
        "lc.api.auth.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "EXCEPTION_HANDLER": "lc.api.problems.problem_exception_handler",
    # Per API key (or signed-in person) per minute, on Redis: 429 problem+json with Retry-After.
    "DEFAULT_THROTTLE_CLASSES": ["lc.api.throttles.PerKeyRate"],
    # API date-times are UTC (lc.api.serializers.UtcDateTimeField), fixed width; the credit
    # list's SQL writes the same format.
    "DATETIME_FORMAT": "%Y-%m-%dT%H:%M:%S.%fZ",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "TradeChain API",
    "DESCRIPTION": "Documentary letters of credit under UCP 600, with a verifiable ledger.",
    "VERSION": "1.1.0",  # 1.1: date-times in UTC with microseconds; document download; keyset list cursors
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Banks run without internet: Swagger UI is served from the sidecar package, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every operation is rate-limited: its 429 is added to all of them; what the guard and the
    # list filters refuse is written into the parameters and bodies (lc.api.schema, issue 17).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "lc.api.schema.document_rate_limit",
                             "lc.api.schema.document_input_rules"],
    # Three models have a `state`: each choice set gets its own name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "CreditStateEnum": "lc.models.CreditState",
        "AmendmentStateEnum": "lc.models.AmendmentState",
        "PresentationStateEnum": "lc.models.PresentationState",
        "InstructionKindEnum": "lc.models.InstructionKind",
        "TransferStateEnum": "lc.models.TransferState",
        "DocTypeEnum": "lc.models.DocumentType",
        "OrgKindEnum": "lc.models.OrgKind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Under `make run` each process's stderr is its own var/log/<name>.log: stamp every line.
    "formatters": {"stamped": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "stamped"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
