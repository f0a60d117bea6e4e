"""SRM Academy settings, read from the environment.

Development: `make run` sets DEBUG=true. Production: DEBUG unset, SECRET_KEY,
ALLOWED_HOSTS and DATABASE_URL set; `python manage.py check --deploy` is clean.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from pathlib import Path

import dj_database_url
import django

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
# Without a configured key, management commands still run: development uses a
# fixed key, anything else a random one for this process only (nothing signed
# survives a restart or reaches another worker). `check --deploy` warns about
# it (srm_site.W001), so a production server can't miss it.
SECRET_KEY_IS_EPHEMERAL = not SECRET_KEY and not DEBUG
if not SECRET_KEY:
    SECRET_KEY = (
        "django-insecure-development-only-key-never-use-in-production"
        if DEBUG
        else secrets.token_urlsafe(50)
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Template partials ({% partialdef %}, "page.html#name") are part of Django from 6.0;
# before that the django-template-partials package provides the same tags.
if django.VERSION >= (6, 0):
    TEMPLATE_PARTIALS_APP, TEMPLATE_PARTIALS_BUILTINS = [], []
else:
    TEMPLATE_PARTIALS_APP = ["template_partials"]
    TEMPLATE_PARTIALS_BUILTINS = ["template_partials.templatetags.partials"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    *TEMPLATE_PARTIALS_APP,
    "simple_history",
    "srm_site",
    "srm_site.accounts",
    "lessons",
    "quizzes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "srm_site.middleware.content_security_policy",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Records who made each change in a question's history (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    "srm_site.middleware.DatabaseUnavailableMiddleware",  # a 503 page while the database is away
]

ROOT_URLCONF = "srm_site.urls"
WSGI_APPLICATION = "srm_site.wsgi.application"

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
                "quizzes.review.context_processors.review_due",
            ],
            "builtins": TEMPLATE_PARTIALS_BUILTINS,
        },
    }
]

# SQLite by default; any dj-database-url URL (postgres://…) in production.
# Connections (SQLite's too: opening one costs more than a small page) are kept
# CONN_MAX_AGE seconds (0: one per request) and, unless CONN_HEALTH_CHECKS is off,
# checked before reuse, so a restarted database costs one failed check, not a 500.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and a writer overlap; IMMEDIATE takes the write lock at
    # BEGIN so concurrent writers wait (busy timeout) instead of failing mid-way.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Several app servers share everything through the database and, when
# REDIS_URL is set, Redis: the cache, and sessions read through it (cached_db:
# written to both, so a Redis restart logs nobody out). Without Redis (one
# machine) the cache is a folder of files, shared by every worker process, so a
# value one worker forgets (a learner's review count) is forgotten for all; and
# sessions live in the database.
REDIS_URL = os.environ.get("REDIS_URL", "")
# Django's database sessions, read with one plain SELECT.
SESSION_ENGINE = "srm_site.accounts.sessions"
_database = DATABASES["default"]
# Keys are per database, so two sites (or `make run` and `make bench`) sharing a
# Redis or a cache folder never read each other's per-learner values.
_cache_prefix = hashlib.blake2b(
    f"{_database['ENGINE']}:{_database.get('HOST')}:{_database['NAME']}".encode(), digest_size=6
).hexdigest()
CACHE_DIR = Path(
    os.environ.get("CACHE_DIR")
    or Path(tempfile.gettempdir())
    / f"srm-academy-cache-{os.getuid() if hasattr(os, 'getuid') else 0}"
)
# Rendered template fragments keyed by a digest of what they show (the lesson
# page's text): such a key can never serve stale HTML, so each process keeps its
# own, with no trip to Redis or the disk.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(CACHE_DIR),
        "KEY_PREFIX": _cache_prefix,
        "OPTIONS": {"MAX_ENTRIES": 10000},
    },
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
}
if REDIS_URL:
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": _cache_prefix,
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
# English only: Django then skips the translation machinery for every value it renders.
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "srm_site.storage.StaticStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Security. Secure by default whenever DEBUG is off; a local HTTP run of a
# production build can relax these through the environment.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Only our own origin: no inline script or style, no CDN, no framing.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "lessons:home"
LOGOUT_REDIRECT_URL = "lessons:home"

# Login lockout (django-axes): AXES_FAILURE_LIMIT wrong passwords for one
# username from one IP address lock that pair out for AXES_COOLOFF_MINUTES; other
# usernames and other addresses still log in. A success resets the count.
INSTALLED_APPS.append("axes")
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last, as axes requires
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = int(os.environ.get("AXES_COOLOFF_MINUTES", "15")) / 60  # hours, as a float
# Argon2id first (srm_site/accounts/hashers.py); PBKDF2 hashes made before still check and
# are upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "srm_site.accounts.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"  # served with 429 Too Many Requests
# Behind proxies every request comes from the nearest one's address; with their
# number the learner's is read from X-Forwarded-For (srm_site/shared/client_ip.py).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "srm_site.shared.client_ip.client_ip"

# Guests' practice answers (practice, the matrix drill, classify sheets): at most
# GUEST_ANSWER_LIMIT per GUEST_ANSWER_WINDOW seconds from one address (counted in
# the cache); past that, 429 and nothing stored. Signed-in learners aren't limited.
# 0 turns the limit off.
GUEST_ANSWER_LIMIT = int(os.environ.get("GUEST_ANSWER_LIMIT", "30"))
GUEST_ANSWER_WINDOW = int(os.environ.get("GUEST_ANSWER_WINDOW", "60"))

# Password-reset mail. In development it is printed to the console unless an SMTP
# host is configured; in production it always goes through SMTP (Django's own
# default, a relay on localhost:25, unless EMAIL_HOST names another), since a
# console "mailer" would silently send nothing (Django 6.1's deploy check says so).
# Django 6.1 replaces the EMAIL_* settings with MAILERS (the old ones warn there);
# the same environment variables configure either.
_relay = os.environ.get("EMAIL_HOST", "")  # an SMTP service, on 587 with TLS by default
_smtp_host = _relay or ("" if DEBUG else "localhost")
_mailer = (
    {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _smtp_host,
            "port": int(os.environ.get("EMAIL_PORT", "587" if _relay else "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", bool(_relay)),
        },
    }
    if _smtp_host
    else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
)
if django.VERSION >= (6, 1):
    MAILERS = {"default": _mailer}
else:
    EMAIL_BACKEND = _mailer["BACKEND"]
    if _smtp_host:
        EMAIL_HOST = _smtp_host
        _options = _mailer["OPTIONS"]
        EMAIL_PORT, EMAIL_USE_TLS = _options["port"], _options["use_tls"]
        EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = _options["username"], _options["password"]
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "SRM Academy <no-reply@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO").upper()},
}
