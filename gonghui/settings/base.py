"""Settings shared by every environment, read from the environment with typed helpers.

Defaults give the embedded set-up of `make run`: SQLite and a Celery broker on the local file
system, so nothing but Python is needed. Production sets DATABASE_URL and CELERY_BROKER_URL.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"


def env_str(name: str, default: str | None = None) -> str:
    import os

    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Environment variable {name} is required")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = env_str(name, "1" if default else "0").strip().lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean, got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = env_str(name, str(default))
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "dev-only-secret-key-change-me-in-production-0123456789abcdef")
# Keys for personal data: the AES key encrypts resident IDs, the HMAC key makes their blind index.
PII_ENCRYPTION_KEY = env_str("PII_ENCRYPTION_KEY", "ZGV2LW9ubHktYWVzLWtleS0zMi1ieXRlcy0wMTIzNDU=")
PII_HASH_KEY = env_str("PII_HASH_KEY", "dev-only-blind-index-key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000,http://localhost:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves the /api/v1/docs assets (Swagger UI) from static files instead of a CDN
    "gonghui.core",
    "gonghui.workcalendar",
    "gonghui.audit",
    "gonghui.accounts",
    "gonghui.orgs",
    "gonghui.enterprises",
    "gonghui.members",
    "gonghui.imports",
    "gonghui.outreach",
    "gonghui.contracts",
    "gonghui.familycare",
    "gonghui.coverage",
    "gonghui.cockpit",
    "gonghui.campaigns",
    "gonghui.hardship",
    "gonghui.notifications",
    "gonghui.appeals",
    "gonghui.mediation",
    "gonghui.needs",
    "gonghui.surveys",
    "gonghui.portal",
    "gonghui.console",
    "gonghui.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "gonghui.urls"
WSGI_APPLICATION = "gonghui.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gonghui" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "gonghui.accounts.context_processors.roles",
            ],
        },
    },
]

# SQLite by default (WAL, busy timeout, IMMEDIATE transactions so concurrent writers queue
# instead of failing); PostgreSQL when DATABASE_URL says so.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'gonghui.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 600))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side binding lets psycopg prepare a statement it has run PG_PREPARE_THRESHOLD times on
    # a connection, so hot queries (the card at every gate) skip planning. Set it to 0 to switch this
    # off behind a transaction-mode pooler.
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": True, "prepare_threshold": env_int("PG_PREPARE_THRESHOLD", 5) or None,
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["gonghui.accounts.backends.LockoutAwareBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "gonghui.accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOCKOUT_THRESHOLD = 5
LOCKOUT_MINUTES = 30
# Idle timeout: the session expires 30 minutes after the last request.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
API_TOKEN_HOURS = 12

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    BASE_DIR / "gonghui" / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
# Uploads and reports: outside the web root, served only through permission-checked views.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "data_folder_in": str(VAR_DIR / "broker"),
    "data_folder_out": str(VAR_DIR / "broker"),
    "processed_folder": str(VAR_DIR / "broker-processed"),
}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# Periodic jobs, run by `celery beat` (started with the worker by `make run`, Procfile.dev).
CELERY_BEAT_SCHEDULE = {
    "outreach-registrations-weekly": {  # the partner departments' weekly file (gonghui.outreach.tasks)
        "task": "outreach.registrations_inbox",
        "schedule": crontab(day_of_week="mon", hour=6, minute=0),
    },
    # Deadlines breached since the last run open one supervision order each (gonghui.appeals.supervision).
    "appeals-escalate": {"task": "appeals.escalate", "schedule": 300.0},
    # Filed contracts come into force after 15 days; expiry reminders at 90 and 30 days (gonghui.contracts).
    "contracts-daily": {"task": "contracts.daily", "schedule": crontab(hour=5, minute=30)},
    # Undecided aid applications re-checked against memberships and hardship files (gonghui.campaigns.recheck).
    "campaigns-precheck-nightly": {"task": "campaigns.precheck_nightly", "schedule": crontab(hour=2, minute=15)},
    # The cockpit's month-end figures, for growth and the 12-month trend (gonghui.cockpit.snapshots).
    "cockpit-month-end": {"task": "cockpit.snapshot_month", "schedule": crontab(day_of_month=1, hour=0, minute=5)},
    # Mediation without agreement 15 days after opening fails with arbitration advice (gonghui.mediation.tasks).
    "mediation-fail-overdue": {"task": "mediation.fail_overdue", "schedule": crontab(minute=15)},
}
REGISTRATIONS_INBOX = Path(env_str("REGISTRATIONS_INBOX", str(VAR_DIR / "registrations-inbox")))

SMS_BACKEND = env_str("SMS_BACKEND", "gonghui.accounts.sms.ConsoleSmsBackend")
# Where notifications go (gonghui.notifications.backends); the SMS one uses SMS_BACKEND above.
NOTIFIER_BACKENDS = ["gonghui.notifications.backends.InboxBackend", "gonghui.notifications.backends.SmsBackend"]
OTP_TTL_SECONDS = 300
OTP_RESEND_SECONDS = 60
CARD_TOKEN_MAX_AGE = 24 * 3600
IMPORT_MAX_BYTES = 50 * 1024 * 1024
IMPORT_CHUNK_ROWS = 5000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "gonghui": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
        "django": {"handlers": ["console"], "level": "WARNING"},
    },
}

PRODUCT_NAME = _("Gonghui")
