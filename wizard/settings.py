"""Settings for VPN Wizard, all read from the environment (see README.md for the table)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from wizard.env import (
    celery_broker_url,
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    redis_url,
    secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("WIZARD_VAR_DIR", "").strip() or BASE_DIR / "var")

WIZARD_MODE = env_choice("WIZARD_MODE", "development", ("development", "production"))
PRODUCTION = WIZARD_MODE == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be false in production mode.")

SECRET_KEY = secret_key(VAR_DIR, production=PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production mode (comma-separated host names).")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "wizard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into a clear page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Throttles failed logins per user name and address before Django checks the password.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1, maximum=100)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1, maximum=24 * 60))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Content Security Policy: no inline scripts or styles, nothing from other origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "wizard.urls"
WSGI_APPLICATION = "wizard.wsgi.application"
ASGI_APPLICATION = "wizard.asgi.application"

# Forms, fields and widgets are drawn by Jinja2 (wizard/forms/renderer.py); pages by Django's engine.
FORM_RENDERER = "wizard.forms.renderer.FormRenderer"

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
    }
]

_database_url = os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
except ValueError as error:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {error}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file (not memory) so that a real Celery worker in another process sees the test data; one per
    # test process so that parallel runs never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=300, maximum=30 * 86400)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

# Security headers; production mode turns on everything `check --deploy` asks for.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=3600, maximum=63072000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Celery on Redis. Request state lives in the database; results only for the health round trip.
REDIS_URL = redis_url(VAR_DIR)
CELERY_BROKER_URL = celery_broker_url(REDIS_URL)
CELERY_RESULT_BACKEND = CELERY_BROKER_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {}

# Four-eyes review: a reviewer may not approve their own request unless this is on.
REVIEW_ALLOW_SELF_APPROVAL = env_bool("REVIEW_ALLOW_SELF_APPROVAL", default=False)

# Calls per user and minute on the expensive endpoints.
RATE_LIMITS = {
    "validate": env_int("RATE_LIMIT_VALIDATE", 600, minimum=1, maximum=100000),
    "import": env_int("RATE_LIMIT_IMPORT", 20, minimum=1, maximum=10000),
    "download": env_int("RATE_LIMIT_DOWNLOAD", 120, minimum=1, maximum=100000),
}

# The cloud provider that provisioning talks to.
WIZARD_PROVIDER = env_choice("WIZARD_PROVIDER", "sandbox", ("sandbox", "huaweicloud", "strongswan"))
SANDBOX_DELAY_SECONDS = env_float("SANDBOX_DELAY_SECONDS", 0.0, minimum=0.0, maximum=60.0)
SANDBOX_FAILURE_RATE = env_float("SANDBOX_FAILURE_RATE", 0.0, minimum=0.0, maximum=1.0)
# Huawei Cloud / Open Telekom Cloud v5 API. The secret key comes from the environment, either plain
# (HUAWEICLOUD_SK) or as a token encrypted with FIELD_ENCRYPTION_KEYS (HUAWEICLOUD_SK_ENCRYPTED,
# made with `python manage.py encrypt_secret`).
HUAWEICLOUD_ENDPOINT = os.environ.get("HUAWEICLOUD_ENDPOINT", "").strip()
HUAWEICLOUD_PROJECT_ID = os.environ.get("HUAWEICLOUD_PROJECT_ID", "").strip()
HUAWEICLOUD_AK = os.environ.get("HUAWEICLOUD_AK", "").strip()
HUAWEICLOUD_SK = os.environ.get("HUAWEICLOUD_SK", "").strip()
HUAWEICLOUD_SK_ENCRYPTED = os.environ.get("HUAWEICLOUD_SK_ENCRYPTED", "").strip()
if WIZARD_PROVIDER == "huaweicloud":
    _missing = [
        name
        for name, value in (
            ("HUAWEICLOUD_ENDPOINT", HUAWEICLOUD_ENDPOINT),
            ("HUAWEICLOUD_PROJECT_ID", HUAWEICLOUD_PROJECT_ID),
            ("HUAWEICLOUD_AK", HUAWEICLOUD_AK),
            ("HUAWEICLOUD_SK or HUAWEICLOUD_SK_ENCRYPTED", HUAWEICLOUD_SK or HUAWEICLOUD_SK_ENCRYPTED),
        )
        if not value
    ]
    if _missing:
        raise ImproperlyConfigured(f"WIZARD_PROVIDER=huaweicloud needs {', '.join(_missing)}.")
    if not HUAWEICLOUD_ENDPOINT.startswith(("https://", "http://")):
        raise ImproperlyConfigured(
            "HUAWEICLOUD_ENDPOINT must be a URL, e.g. https://vpn.eu-de.otc.t-systems.com."
        )
# A self-hosted strongSwan gateway driven over VICI.
STRONGSWAN_VICI_SOCKET = os.environ.get("STRONGSWAN_VICI_SOCKET", "").strip() or "/var/run/charon.vici"
STRONGSWAN_GATEWAY_IPS = env_list("STRONGSWAN_GATEWAY_IPS", [])
if WIZARD_PROVIDER == "strongswan" and len(STRONGSWAN_GATEWAY_IPS) != 2:
    raise ImproperlyConfigured(
        "WIZARD_PROVIDER=strongswan needs STRONGSWAN_GATEWAY_IPS: the gateway's two IPs."
    )
# Provisioning timing: lease held by a task, wait for a status in place, re-send an unclaimed approval.
PROVISIONING_LEASE_SECONDS = env_int("PROVISIONING_LEASE_SECONDS", 120, minimum=10, maximum=3600)
PROVISIONING_WAIT_SECONDS = env_int("PROVISIONING_WAIT_SECONDS", 20, minimum=1, maximum=600)
PROVISIONING_REQUEUE_SECONDS = env_int("PROVISIONING_REQUEUE_SECONDS", 60, minimum=5, maximum=3600)

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "").strip() or (
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "").strip() or "vpn-wizard@localhost"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO").upper()},
    # Template debug logging dumps context variables: never below INFO, whatever LOG_LEVEL says.
    "loggers": {"django.template": {"level": "INFO"}},
}

# A cache shared by every web process (rate limits count per user across processes): Redis when REDIS_URL
# is given (as `make run` and production do), else a per-process memory cache.
if os.environ.get("REDIS_URL", "").strip():
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "vpn-wizard",
            "OPTIONS": {"socket_timeout": 1, "socket_connect_timeout": 1},
        }
    }
