"""One settings module for every environment, driven by environment variables.

DATABASE_URL   database (default: SQLite under var/)
SECRET_KEY     required when DEBUG is off
DEBUG          "1" for development pages
ALLOWED_HOSTS  comma separated
TIME_ZONE      organisation time zone (default Asia/Shanghai)
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KESU_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = os.environ.get("DEBUG", "0") == "1"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # Development/embedded default: a per-install key kept under var/, never committed.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        import secrets

        key_file.write_text(secrets.token_urlsafe(50))
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "kesu.core",
    "kesu.accounts",
    "kesu.rules",
    "kesu.triage",
    "kesu.sla",
    "kesu.complaints",
    "kesu.routing",
    "kesu.followup",
    "kesu.assessment",
    "kesu.notifications",
    "kesu.search",
    "kesu.documents",
    "kesu.reports",
    "kesu.alerts",
    "kesu.cases",
    "kesu.channels.public",
    "kesu.channels.mail",
    "kesu.channels.outbound",
    "kesu.channels.inbound",
    "kesu.channels.imports",
    "kesu.quality",
    "kesu.solutions",
    "kesu.scripts",
    "kesu.service",
    "kesu.surveys",
    "kesu.workspace",
    "kesu.web",
    "huey.contrib.djhuey",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "kesu.api.middleware.InputGuardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "kesu.urls"
WSGI_APPLICATION = "kesu.wsgi.application"

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
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'kesu.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; IMMEDIATE transactions take the write lock
    # up front so two writers queue on the busy timeout instead of failing with "locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles the reports' scoped aggregates for longer than they run (≈ 0.4 s per query
    # at a million complaints, for queries of tens of milliseconds): off for kesu's connections.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:inbox"
LOGOUT_REDIRECT_URL = "web:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "kesu_cache",
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

# Uploads: evidence photos, chat logs, PDFs. Content is checked by its bytes, not its name.
KESU_MAX_UPLOAD_BYTES = int(os.environ.get("KESU_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = KESU_MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Login rate limit: attempts per window per username and per client address.
KESU_LOGIN_MAX_FAILURES = int(os.environ.get("KESU_LOGIN_MAX_FAILURES", "5"))
KESU_LOGIN_WINDOW_SECONDS = int(os.environ.get("KESU_LOGIN_WINDOW_SECONDS", "300"))

# Background jobs (Huey): SQLite storage under var/ by default, Redis when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
HUEY = {
    "name": os.environ.get("HUEY_NAME", "kesu"),
    "huey_class": "huey.RedisHuey" if REDIS_URL else "huey.SqliteHuey",
    "immediate": os.environ.get("HUEY_IMMEDIATE", "0") == "1",
    "utc": True,
    "connection": {"url": REDIS_URL} if REDIS_URL else {"filename": str(VAR_DIR / "huey.sqlite3")},
    # No task's return value is ever read: keeping them would grow the queue storage by one entry per job.
    "results": False,
    # SIGTERM (systemd, `python -m kesu.worker`) lets running jobs finish, for at most 25 s; SIGINT interrupts.
    # Several consumers may run (kesu.worker: JOB_WORKERS); only one should enqueue the periodic tasks
    # (the others run `run_huey --no-periodic`), though running them twice at once is harmless.
    "consumer": {
        "workers": int(os.environ.get("HUEY_WORKERS", "2")),
        "worker_type": "thread",
        "periodic": True,
        "graceful_signal": "TERM",
        "shutdown_timeout": 25,
    },
}

# Full-text search (kesu.search): the database's own index by default; an OpenSearch cluster when
# SEARCH_URL is set (or SEARCH_BACKEND=opensearch), kept in sync by a worker job every minute.
SEARCH_URL = os.environ.get("SEARCH_URL", "")
SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "") or ("opensearch" if SEARCH_URL else "database")
SEARCH_INDEX = os.environ.get("SEARCH_INDEX", "kesu-complaints")

# The playbook `make run` loads when none is active yet (manufacturing | retail | service).
KESU_DEFAULT_PLAYBOOK = os.environ.get("KESU_DEFAULT_PLAYBOOK", "service")

# Outgoing e-mail over SMTP (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS,
# EMAIL_USE_SSL, EMAIL_TIMEOUT, DEFAULT_FROM_EMAIL) and the address links in notifications point to.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0").lower() in ("1", "true", "yes")
EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "0").lower() in ("1", "true", "yes")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kesu@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where links in messages point when the admin has not set the organisation's public address (kesu.core.links):
# by default the address the web server binds (HOST:PORT, as `python -m kesu.worker` does).
_bind_host = os.environ.get("HOST", "127.0.0.1")
KESU_BASE_URL = os.environ.get(
    "KESU_BASE_URL",
    f"http://{'127.0.0.1' if _bind_host in ('0.0.0.0', '::') else _bind_host}:{os.environ.get('PORT', '8000')}",
).rstrip("/")
# URL fields in forms (the admin's public address) take https:// when no scheme is typed, as Django 6 will.
FORMS_URLFIELD_ASSUME_HTTPS = True
# E-mail and webhook deliveries: retried after 1, 2, 4 … minutes (at most an hour), dead after N attempts.
KESU_DELIVERY_MAX_ATTEMPTS = int(os.environ.get("KESU_DELIVERY_MAX_ATTEMPTS", "10"))
KESU_DELIVERY_BACKOFF_SECONDS = int(os.environ.get("KESU_DELIVERY_BACKOFF_SECONDS", "60"))
KESU_DELIVERY_BACKOFF_MAX_SECONDS = int(os.environ.get("KESU_DELIVERY_BACKOFF_MAX_SECONDS", "3600"))
KESU_WEBHOOK_TIMEOUT = int(os.environ.get("KESU_WEBHOOK_TIMEOUT", "10"))

# Channels (kesu.channels): the complaints mailbox customers write to, the IMAP mailbox the worker polls
# (imaps://user:pass@host/INBOX; unset: no polling), how long the signed tracking link in messages lasts.
KESU_COMPLAINTS_EMAIL = os.environ.get("KESU_COMPLAINTS_EMAIL", "complaints@localhost")
KESU_IMAP_URL = os.environ.get("KESU_IMAP_URL", "")
KESU_TRACK_LINK_DAYS = int(os.environ.get("KESU_TRACK_LINK_DAYS", "90"))
KESU_IMAP_PROCESSED_FOLDER = os.environ.get("KESU_IMAP_PROCESSED_FOLDER", "kesu/processed")
KESU_IMAP_CA_FILE = os.environ.get("KESU_IMAP_CA_FILE", "")
KESU_MAIL_MAX_BYTES = int(os.environ.get("KESU_MAIL_MAX_BYTES", str(40 * 1024 * 1024)))
KESU_SMS_TIMEOUT = int(os.environ.get("KESU_SMS_TIMEOUT", "10"))
KESU_IMPORT_MAX_BYTES = int(os.environ.get("KESU_IMPORT_MAX_BYTES", str(200 * 1024 * 1024)))
KESU_INBOUND_FAILURES_PER_MINUTE = int(os.environ.get("KESU_INBOUND_FAILURES_PER_MINUTE", "60"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
