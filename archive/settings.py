"""Settings for the news archive, read from the environment.

DATABASE_URL        a PostgreSQL URL; unset means an embedded server in .pgdata/
DJANGO_SECRET_KEY   required when DJANGO_DEBUG is off
DJANGO_DEBUG        1 (default for local runs) or 0
DJANGO_ALLOWED_HOSTS  comma-separated host names
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

TESTING = "pytest" in sys.modules
DEBUG = os.environ.get("DJANGO_DEBUG", "1").lower() in {"1", "true", "yes", "on"}

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY: production refuses to start without it.")
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_filters",
    # The task engine: jobs live in PostgreSQL, workers run `manage.py worker`.
    "procrastinate.contrib.django",
    # The JSON API under /api/ and its OpenAPI schema (articles/api/).
    "rest_framework",
    "drf_spectacular",
    # Failed admin logins, counted per address and per account (see "Login lockout" below).
    "axes",
    "articles",
]

MIDDLEWARE = [
    # Content-Security-Policy and Permissions-Policy on every answer, the 503 page and the
    # redirect to https included (so above SecurityMiddleware, which answers that redirect).
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A 503 page while the database cannot be reached; static files above need no database.
    "articles.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: answers a locked-out login with the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "archive.urls"
WSGI_APPLICATION = "archive.wsgi.application"

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
            ],
        },
    },
]

if os.environ.get("DATABASE_URL"):
    # Health checks drop a connection the server closed (a restart, a fail-over) before use.
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True
        )
    }
else:
    from archive import embedded_db

    DATABASES = {"default": embedded_db.start(BASE_DIR / ".pgdata")}
# Worker processes started by a command follow its database (articles/management/workers.py).
if os.environ.get("DJANGO_DATABASE_NAME"):
    DATABASES["default"]["NAME"] = os.environ["DJANGO_DATABASE_NAME"]
# Concurrent test runs on one server each need their own test database.
if os.environ.get("DJANGO_TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["DJANGO_TEST_DATABASE_NAME"]}
# Every statement has a time limit, so a runaway query or a wait on a lock ends with an error
# instead of holding a connection. Web requests answer in seconds; management commands and
# workers (migrations, archive-wide resolution, bulk imports) run long statements on purpose
# and have their own limit. Seconds; 0 means none.
MANAGEMENT_COMMAND = Path(sys.argv[0]).name in {"manage.py", "django-admin"} and (
    sys.argv[1:2] != ["runserver"]
)
_statement_timeout = (
    os.environ.get("DATABASE_COMMAND_STATEMENT_TIMEOUT", "0")
    if MANAGEMENT_COMMAND
    else os.environ.get("DATABASE_STATEMENT_TIMEOUT", "30")
)
STATEMENT_TIMEOUT_MS = round(float(_statement_timeout) * 1000)
_database_options = DATABASES["default"].setdefault("OPTIONS", {})
_database_options["options"] = " ".join(
    filter(None, [_database_options.get("options"), f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"])
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# In development and tests WhiteNoise serves static/ as it is, with no collectstatic first.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Import limits (see articles/ingest/parse.py and the import page).
ARCHIVE_MAX_FILE_BYTES = int(os.environ.get("ARCHIVE_MAX_FILE_BYTES", 2 * 1024 * 1024))
ARCHIVE_MAX_ZIP_FILES = int(os.environ.get("ARCHIVE_MAX_ZIP_FILES", 5000))
ARCHIVE_MAX_ZIP_BYTES = int(os.environ.get("ARCHIVE_MAX_ZIP_BYTES", 200 * 1024 * 1024))
DATA_UPLOAD_MAX_NUMBER_FILES = ARCHIVE_MAX_ZIP_FILES
# A story whose extraction runs longer than this (seconds; 0: no limit) is marked failed and
# the batch goes on (articles/services/ingest.py). Real stories take well under a second.
ARCHIVE_EXTRACT_TIME_BUDGET = float(os.environ.get("ARCHIVE_EXTRACT_TIME_BUDGET", 60))

# Finished jobs are deleted (their outcome lives in ImportFile rows); failed ones stay to read.
# Workers poll for jobs every second instead of listening for notifications: the listener's
# connection is not pooled and not checked, and a restart would leave it dead; pooled ones are
# checked before use (articles/management/commands/worker.py, tests/test_faults.py).
PROCRASTINATE_WORKER_DEFAULTS = {
    "delete_jobs": "successful",
    "listen_notify": False,
    "fetch_job_polling_interval": 1.0,
}

# The JSON API, feeds and exports (articles/api/): read-only, anonymous, JSON only. Requests per
# client address and scope, counted in the default cache (per process unless CACHES names a
# shared one); "none" lifts a limit. Behind proxies that append X-Forwarded-For, say how many
# there are, or every client counts as the proxy (and a client could pose as another).
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["articles.api.limits.ApiRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        scope: None if TESTING or rate.lower() == "none" else rate
        for scope, rate in {
            "api": os.environ.get("ARCHIVE_API_RATE", "120/minute"),
            "feeds": os.environ.get("ARCHIVE_FEED_RATE", "60/minute"),
            "exports": os.environ.get("ARCHIVE_EXPORT_RATE", "30/hour"),
        }.items()
    },
    "NUM_PROXIES": int(os.environ.get("ARCHIVE_NUM_PROXIES", 0)),
    "EXCEPTION_HANDLER": "articles.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "News archive API",
    "DESCRIPTION": "Stories, people, organisations, quotes and sources of the news archive, "
    "searched with the parameters of /search/. Documentation: /api/docs/.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    # Parameters in the order the views declare them (the query first), not alphabetical.
    "SORT_OPERATION_PARAMETERS": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "articles.api.views.empty_means_absent",
    ],
    "ENUM_NAME_OVERRIDES": {
        "QuoteKindEnum": "articles.models.Quote.Kind",
        "SpeakerKindEnum": [("person", "person"), ("organisation", "organisation")],
    },
}

# Login lockout (django-axes): after ARCHIVE_LOGIN_FAILURE_LIMIT wrong passwords the address
# and the account are refused, even with the right password, for ARCHIVE_LOGIN_COOLOFF_MINUTES;
# a success resets the count. ARCHIVE_LOGIN_LOCKOUT_BY lists what is counted, comma-separated;
# "username+ip_address" counts the pair only (no one can lock an editor out from elsewhere,
# but guesses spread over many addresses go uncounted). Unlock early with
# `manage.py axes_reset_username NAME` or `axes_reset_ip ADDRESS`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("ARCHIVE_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("ARCHIVE_LOGIN_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [
    item.strip().split("+") if "+" in item else item.strip()
    for item in os.environ.get("ARCHIVE_LOGIN_LOCKOUT_BY", "ip_address,username").split(",")
    if item.strip()
]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"


def _client_address(request):
    """The client's address as the API's rate limits see it (DRF's get_ident): the
    X-Forwarded-For entry ARCHIVE_NUM_PROXIES points at, else the connection's address, so a
    client cannot pose as another by sending the header."""
    from rest_framework.throttling import BaseThrottle

    return BaseThrottle().get_ident(request)


AXES_CLIENT_IP_CALLABLE = _client_address

# Content-Security-Policy (django-csp): scripts, styles, images and fonts from this site only,
# no inline script or style anywhere (the templates keep theirs in static/), no plugins, no
# framing, forms post here only. ARCHIVE_CSP_REPORT_URI collects violations if set.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        **(
            {"report-uri": [os.environ["ARCHIVE_CSP_REPORT_URI"]]}
            if os.environ.get("ARCHIVE_CSP_REPORT_URI")
            else {}
        ),
    }
}
# Permissions-Policy (django-permissions-policy): the archive uses no device or tracking API.
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    ]
}

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if not DEBUG:
    # X-Forwarded-Proto says a request came over https only where a proxy that sets it (and
    # drops a client's own) stands in front: trusted only when the deployment says so.
    if os.environ.get("DJANGO_TRUST_X_FORWARDED_PROTO", "0") == "1":
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading commits the domain and its subdomains to https in browsers for months:
    # the operator's choice, never a default.
    SECURE_HSTS_PRELOAD = os.environ.get("DJANGO_HSTS_PRELOAD", "0") == "1"
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
