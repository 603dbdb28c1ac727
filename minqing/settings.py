"""The one settings module: everything comes from MINQING_* environment variables.

Without any variable set, minqing runs embedded: SQLite (WAL) under var/, the database
task backend, console notifications. See docs/operations.md for the production set.
"""

from __future__ import annotations

import dj_database_url
from django.utils.translation import gettext_lazy as _

from minqing.env import BASE_DIR, env_bool, env_int, env_list, env_str, secret_key, var_dir

VAR_DIR = var_dir()
DEBUG = env_bool("MINQING_DEBUG", False)
SECRET_KEY = secret_key()
ALLOWED_HOSTS = env_list("MINQING_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("MINQING_CSRF_TRUSTED_ORIGINS", [])
# Absolute base of the public site, printed into QR codes; empty means "the request's host".
MINQING_PUBLIC_URL = env_str("MINQING_PUBLIC_URL", "").rstrip("/")
# Only behind a reverse proxy that sets X-Forwarded-For: otherwise clients could forge
# the IP that the audit log and rate limits see.
MINQING_TRUST_X_FORWARDED_FOR = env_bool("MINQING_TRUST_X_FORWARDED_FOR", False)
if env_bool("MINQING_TRUST_X_FORWARDED_PROTO", False):
    # TLS ends at the proxy; trust its X-Forwarded-Proto so request.is_secure() is right.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves Swagger UI from its own static files, not a CDN
    "minqing.core",
    "minqing.accounts",
    "minqing.people",
    "minqing.stations",
    "minqing.opinions",
    "minqing.suggestions",
    "minqing.duties",
    "minqing.notify",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "minqing.core.middleware.RequestContextMiddleware",
    "minqing.core.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "minqing.core.ratelimit.RateLimitMiddleware",  # last: RateLimited from a view → 429 page
]

ROOT_URLCONF = "minqing.urls"
WSGI_APPLICATION = "minqing.wsgi.application"
ASGI_APPLICATION = "minqing.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "minqing" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "minqing.core.context_processors.navigation",
            ],
        },
    },
]

_default_db = f"sqlite:///{VAR_DIR / 'minqing.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("MINQING_DATABASE_URL", _default_db),
        conn_max_age=env_int("MINQING_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server read while the task worker writes; IMMEDIATE avoids
        # "database is locked" upgrades from read to write transactions.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": env_str("MINQING_TEST_SQLITE_NAME", "") or None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "minqing" / "locale"]
TIME_ZONE = env_str("MINQING_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every request when it is missing
STATICFILES_DIRS = [BASE_DIR / "minqing" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

TASKS = {
    "default": {
        "BACKEND": env_str("MINQING_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("MINQING_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
MINQING_IMPORT_MAX_BYTES = env_int("MINQING_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
MINQING_IMPORT_MAX_ROWS = env_int("MINQING_IMPORT_MAX_ROWS", 50_000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "filters": {"request_id": {"()": "minqing.core.middleware.RequestIdLogFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("MINQING_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Citizens' uploads (opinions.uploads): verified and re-encoded with Pillow.
MINQING_PHOTO_MAX_BYTES = env_int("MINQING_PHOTO_MAX_BYTES", 10 * 1024 * 1024)
MINQING_PHOTO_MAX_COUNT = env_int("MINQING_PHOTO_MAX_COUNT", 6)
MINQING_ATTACHMENT_MAX_BYTES = env_int("MINQING_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
MINQING_PHOTO_MAX_PIXELS = env_int("MINQING_PHOTO_MAX_PIXELS", 40_000_000)
MINQING_PHOTO_MAX_SIDE = env_int("MINQING_PHOTO_MAX_SIDE", 2560)  # 0 keeps the size

# Periodic tasks (manage.py scheduler enqueues them; each must be idempotent): path → seconds.
MINQING_PERIODIC_TASKS = {
    "minqing.opinions.tasks.sweep_opinions": 3600,
    "minqing.suggestions.tasks.sweep_suggestions": 3600,
    "minqing.duties.tasks.duties_sweep": 3600,
    "minqing.notify.tasks.prune_task_results": 86400,
    "minqing.core.tasks.prune_export_jobs": 3600,
}

# Shared by every web process: the rate-limit counters live here. Django's own
# DatabaseCache is unfit (non-atomic incr that resets the expiry); this subclass is not.
# The table comes from `manage.py createcachetable` (serve runs it).
CACHES = {
    "default": {
        "BACKEND": "minqing.core.ratelimit.DatabaseCache",
        "LOCATION": "minqing_cache",
        "OPTIONS": {"MAX_ENTRIES": 50_000},  # the default 300 would cull live counters
    }
}
# Public endpoints: per IP and per phone number (submissions), per IP and per tracking
# code (lookups). Rates are "N/m", "N/h", "N/d" or "N/2h".
MINQING_RATELIMIT_ENABLED = env_bool("MINQING_RATELIMIT_ENABLED", True)
MINQING_RATELIMIT_IP = env_str("MINQING_RATELIMIT_IP", "20/h")
MINQING_RATELIMIT_PHONE = env_str("MINQING_RATELIMIT_PHONE", "5/d")
MINQING_RATELIMIT_TRACK = env_str("MINQING_RATELIMIT_TRACK", "30/h")
MINQING_RATELIMIT_TRACK_CODE = env_str("MINQING_RATELIMIT_TRACK_CODE", "10/h")
MINQING_RATELIMIT_BALLOT = env_str("MINQING_RATELIMIT_BALLOT", "300/h")

# Text messages to citizens (minqing/notify/sms.py): console (masked, logs only), or the
# HTTP gateway that fronts the city's SMS platform.
MINQING_SMS_BACKEND = env_str("MINQING_SMS_BACKEND", "minqing.notify.sms.ConsoleBackend")
MINQING_SMS_GATEWAY_URL = env_str("MINQING_SMS_GATEWAY_URL", "")
MINQING_SMS_GATEWAY_TOKEN = env_str("MINQING_SMS_GATEWAY_TOKEN", "")
# E-mail copies of notifications. Default: logged with masked addresses.
EMAIL_BACKEND = env_str("MINQING_EMAIL_BACKEND", "minqing.notify.mail.ConsoleBackend")
EMAIL_HOST = env_str("MINQING_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("MINQING_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("MINQING_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("MINQING_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("MINQING_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("MINQING_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("MINQING_EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("MINQING_DEFAULT_FROM_EMAIL", "minqing@localhost")
