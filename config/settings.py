"""Clientbook settings, read from the environment (12-factor).

Every variable read here is listed with its default in README.md, Configuration.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CLIENTBOOK_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """Take SECRET_KEY from the environment, else a key generated once into var/ (never committed)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _field_key() -> str:
    """The key of encrypted fields (PAN, Aadhaar): CLIENTBOOK_FIELD_KEY, else one generated once into var/.

    Losing or changing it makes the stored values unreadable (``clientbook.core.sensitive``).
    """
    if os.environ.get("CLIENTBOOK_FIELD_KEY"):
        return os.environ["CLIENTBOOK_FIELD_KEY"]
    key_file = VAR_DIR / "field_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
CLIENTBOOK_FIELD_KEY = _field_key()
DEBUG = _env_bool("DEBUG", False)
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [origin for origin in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if origin]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_tables2",
    "django_filters",
    "django_countries",
    "phonenumber_field",
    "axes",
    "huey.contrib.djhuey",
    "clientbook.core",
    "clientbook.accounts",
    "clientbook.customers",
    "clientbook.contacts",
    "clientbook.notes",
    "clientbook.activities",
    "clientbook.deals",
    "clientbook.leads",
    "clientbook.tickets",
    "clientbook.facility",
    "clientbook.api",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "clientbook.core.web.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After AuthenticationMiddleware and HtmxMiddleware: the one sign-in check of every page.
    "clientbook.core.web.middleware.LoginGate",
    "axes.middleware.AxesMiddleware",
    "clientbook.core.web.middleware.RefusedRequestLogMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "clientbook.core.kit.navigation.navigation",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "clientbook.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{SQLITE_PATH}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so writers queue on busy_timeout instead of
        # failing with "database is locked" when a read transaction tries to upgrade.
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            f"PRAGMA synchronous={os.environ.get('CLIENTBOOK_SQLITE_SYNCHRONOUS', 'FULL')};"
            "PRAGMA busy_timeout=30000;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA cache_size=-65536;"
            "PRAGMA mmap_size=268435456;"
            "PRAGMA temp_store=MEMORY;"
        ),
    }
else:
    # Compiling a statement (JIT, above an estimated cost of 100,000) takes longer than the short
    # statements of a page run: 780 ms for the label list's usage counts at 1,000,000 customers.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"-c jit=off {options.get('options', '')}".strip()
    # A database that does not answer fails a request in seconds (a gate then denies), not minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
# Test databases are per process so that several test runs on one machine never collide.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_clientbook_{os.getpid()}"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions, task queue ------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "clientbook",
        "url": REDIS_URL,
        "immediate": False,
    }
else:
    # The database cache is shared by every process, so rate limits and lockouts hold across them.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "clientbook_cache",
            # Past MAX_ENTRIES the cache drops a third of its keys, rate-limit counters included.
            "OPTIONS": {"MAX_ENTRIES": 100_000},  # type: ignore[dict-item]
        }
    }
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "clientbook",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
    }

# --- Auth -----------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "customers:customer_list"
LOGOUT_REDIRECT_URL = "accounts:login"

AXES_FAILURE_LIMIT = int(os.environ.get("CLIENTBOOK_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours: a locked account opens again after 15 minutes
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# --- HTTPS ----------------------------------------------------------------------------------
# Served behind a reverse proxy that terminates TLS (README, Deployment). Off by default so that
# `make run` keeps working over plain http://127.0.0.1.
CLIENTBOOK_HTTPS = _env_bool("CLIENTBOOK_HTTPS", False)
# The request header holding the client's address when REMOTE_ADDR is a proxy's (the audit log's address).
CLIENTBOOK_CLIENT_ADDRESS_HEADER: str | None = None
if CLIENTBOOK_HTTPS:
    # The proxy must set these headers itself (never pass on the client's), or a client could claim
    # HTTPS or another address.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CLIENTBOOK_CLIENT_ADDRESS_HEADER = "HTTP_X_REAL_IP"
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("CLIENTBOOK_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("CLIENTBOOK_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _env_bool("CLIENTBOOK_HSTS_PRELOAD", False)

# --- Content security policy (no inline scripts) ---------------------------------------------
from csp.constants import NONCE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [SELF],
        "form-action": [SELF],
    }
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# The facility's wall clock: access cards' validity is typed and shown in it (clientbook/facility/validity.py).
CLIENTBOOK_SITE_TIME_ZONE = os.environ.get("CLIENTBOOK_SITE_TIME_ZONE", TIME_ZONE)
# How long a gate decision waits for the database (locks, a busy SQLite file) before it denies "unavailable".
CLIENTBOOK_GATE_DB_TIMEOUT_MS = int(os.environ.get("CLIENTBOOK_GATE_DB_TIMEOUT_MS", "2000"))
USE_THOUSAND_SEPARATOR = False

PHONENUMBER_DEFAULT_REGION = os.environ.get("CLIENTBOOK_DEFAULT_REGION", "US")
PHONENUMBER_DB_FORMAT = "E164"
PHONENUMBER_DEFAULT_FORMAT = "INTERNATIONAL"

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": VAR_DIR / "files"}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

DJANGO_TABLES2_TEMPLATE = "core/table.html"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"named": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "named_console": {"class": "logging.StreamHandler", "formatter": "named"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # The worker says what it runs. Configured here, Huey's consumer adds no handler of its own, which
    # printed every line twice (its own and the root's).
    "loggers": {"huey": {"handlers": ["named_console"], "level": "INFO", "propagate": False}},
}

CLIENTBOOK_DEMO = _env_bool("CLIENTBOOK_DEMO", True)
CLIENTBOOK_PAGE_SIZES = [10, 20, 50, 100]
CLIENTBOOK_DEFAULT_PAGE_SIZE = 20
# Lists count their rows exactly up to here; above it they show an estimate and say so
# (clientbook.core.listing.counting). Exports and bulk actions always count exactly.
CLIENTBOOK_EXACT_COUNT_LIMIT = 10_000

# Exports (clientbook.core.exports.engine): per-user rate limit, the largest export answered at once
# (larger CSV and XLSX exports run in the worker), the PDF row limit, how long files are kept,
# and when a job whose worker went silent is run again.
CLIENTBOOK_REVEALS_PER_HOUR = int(os.environ.get("CLIENTBOOK_REVEALS_PER_HOUR", "20"))
CLIENTBOOK_EXPORTS_PER_MINUTE = int(os.environ.get("CLIENTBOOK_EXPORTS_PER_MINUTE", "10"))
CLIENTBOOK_EXPORT_STREAM_MAX_ROWS = int(os.environ.get("CLIENTBOOK_EXPORT_STREAM_MAX_ROWS", "10000"))
CLIENTBOOK_EXPORT_PDF_MAX_ROWS = 500
CLIENTBOOK_EXPORT_KEEP_DAYS = int(os.environ.get("CLIENTBOOK_EXPORT_KEEP_DAYS", "7"))
CLIENTBOOK_EXPORT_LEASE_SECONDS = 120
CLIENTBOOK_EXPORT_MAX_ATTEMPTS = 3

SILENCED_SYSTEM_CHECKS = [
    # Accounts lock by username on purpose ("repeated failed logins lock the account"); the warning
    # asks for IP-based locking, which would let one office's shared address lock everybody out.
    "axes.W006",
    # HSTS preloading binds the whole domain and its subdomains to HTTPS in browsers for months, and
    # only the domain's owner can decide that: CLIENTBOOK_HSTS_PRELOAD=1 sends the directive.
    "security.W021",
]

# Imports (clientbook.core.imports.engine): when a job whose worker went silent is run again, and how often.
CLIENTBOOK_IMPORT_LEASE_SECONDS = int(os.environ.get("CLIENTBOOK_IMPORT_LEASE_SECONDS", "60"))
CLIENTBOOK_IMPORT_MAX_ATTEMPTS = 3
# The largest file an import takes (bytes), the most data rows it imports, and how many imports the
# import worker (manage.py run_import_worker) runs at once, beside the worker of every other job.
CLIENTBOOK_IMPORT_MAX_BYTES = int(os.environ.get("CLIENTBOOK_IMPORT_MAX_BYTES", str(200 * 1000 * 1000)))
CLIENTBOOK_IMPORT_MAX_ROWS = 1_048_576
CLIENTBOOK_IMPORT_WORKERS = int(os.environ.get("CLIENTBOOK_IMPORT_WORKERS", "2"))
