"""Settings for AI Policy Tracker, read from the environment.

Local development (``DEBUG=1``, as ``make run`` sets it) gets safe defaults: a SQLite
database and an insecure key that never leaves the machine. With ``DEBUG`` off, which is the
default, ``SECRET_KEY`` is required to serve and the security settings are on.
"""

import datetime
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=()):
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or list(default)


DEBUG = env_bool("DEBUG", default=False)

# Required when DEBUG is off. Left empty here, Django refuses to use it (the first time
# anything signs or hashes), and tracker/wsgi.py refuses to start, so production fails
# loudly; commands that need no key (migrations, checks) still run without one.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_filters",
    "django_countries",
    "reversion",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "tracker",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tracker.urls"

TEMPLATES = [
    {  # the public pages (see tracker/jinja2.py)
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "tracker.jinja2.environment"},
    },
    {  # the admin, feeds and the 500 page
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

WSGI_APPLICATION = "tracker.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
# The site is in English. Translation machinery off saves a gettext lookup per country name
# and per form label on every page (measured: a fifth of the timeline's rendering time).
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGIN_URL = "admin:login"

# Facet counts and totals of the timeline are cached per process, keyed by the data version
# (tracker.models.DataVersion), so an edit is seen by every worker at once.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "TIMEOUT": int(os.environ.get("CACHE_TIMEOUT", "3600")),
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "1000"))},
    }
}

# Security: on by default whenever DEBUG is off (``manage.py check --deploy`` is clean).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY"):
    # The load balancer terminates TLS and says so in this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Security headers (tracker/security.py; README "Security and reliability") ---------------
# Content-Security-Policy (django-csp): nothing but this site's own files, no inline script or
# style on any page, no plugins, no framing, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Added to the policy under these paths only (the longest matching prefix counts). Swagger UI
# draws its icons as data: images. The admin needs nothing more: Django 5.2's admin, its
# autocomplete, two-pane lists and prepopulated slugs set no inline style or script
# (tests/test_csp_browser.py and tests/test_security_headers.py check it).
CONTENT_SECURITY_POLICY_PATH_ADDITIONS = {
    "/api/docs/": {"img-src": ["data:"]},
}
# Browser features the site never uses, denied to it and to anything it could embed.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"  # no other site may embed our responses
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"  # Django's default, said out loud
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "tracker.security.ContentSecurityPolicyMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("tracker.security.ContentSecurityPolicyMiddleware") + 1,
    "tracker.security.HeadersMiddleware",
)
# The Contact of /.well-known/security.txt (RFC 9116): a mailto: or https: URI. Unset, it is
# mailto:security@ the host the file is asked for on.
SECURITY_CONTACT = os.environ.get("SECURITY_CONTACT", "")
# --- end of security headers -----------------------------------------------------------------

# Bound what a request may carry, so a huge query string cannot tie up a worker.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The JSON API (tracker/api/): read for everyone, write for staff with the model permission,
# by token (tokens are kept in the admin) or the admin session with CSRF.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["tracker.api.permissions.ReadOnlyOrStaffWithPermission"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_RATE", "1200/minute")},
    # Throttle by the client's address: REMOTE_ADDR, or the address NUM_PROXIES proxies back
    # in X-Forwarded-For when the app runs behind that many (set it to the real number).
    "NUM_PROXIES": int(os.environ.get("NUM_PROXIES", "0")),
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "AI Policy Tracker API",
    "DESCRIPTION": (
        "Events, organizations, people and topics of the AI Policy Tracker. Events take the "
        "timeline's query parameters. Dates keep their precision: 2023, 2023-12 or 2023-12-09."
    ),
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "tracker.api.schema.blank_as_any_of",
    ],
}

# --- Faults: a database or a cache that is down (tracker/outage.py, tracker/caching.py,
# tracker/cache_backends.py, /healthz; README "Security and reliability") ---------------
# A request that needs the database while it is down gets a 503 page with Retry-After
# within DATABASE_CONNECT_TIMEOUT seconds; pages already cached are still served.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "3"))
    )
OUTAGE_RETRY_AFTER = int(os.environ.get("OUTAGE_RETRY_AFTER", "30"))  # seconds, in the 503
# How long before an outage the last data version read may have been read for the pages
# cached under it to be served during the outage (tracker/caching.py).
DATA_VERSION_GRACE = int(os.environ.get("DATA_VERSION_GRACE", "60"))
MIDDLEWARE.append("tracker.outage.DatabaseOutageMiddleware")
# A load balancer's health check speaks plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# A shared cache: CACHE_URL=redis://host:6379/0. While it is down, pages are computed.
if os.environ.get("CACHE_URL"):
    if not os.environ["CACHE_URL"].startswith(("redis://", "rediss://", "unix://")):
        raise ValueError("CACHE_URL must be a Redis URL (redis://host:6379/0).")
    CACHES["default"] = {
        "BACKEND": "tracker.cache_backends.ForgivingRedisCache",
        "LOCATION": os.environ["CACHE_URL"],
        # Set to the release (a commit), so a deploy never serves pages of the old templates.
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", ""),
        "TIMEOUT": int(os.environ.get("CACHE_TIMEOUT", "3600")),
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
# ---------------------------------------------------------------------------------------

# --- The admin's door: login lockout, passwords, client address, rate limits -----------------
# (README, "Security and reliability" → "The admin's door".)

# The client's address. Directly on the internet it is REMOTE_ADDR and nothing a client sends
# changes it. Behind a proxy (BEHIND_TLS_PROXY=1) every request comes from the proxy, so the
# address is the one the proxy appended to X-Forwarded-For: TRUSTED_PROXIES hops back from the
# right (default 1 behind a proxy, 0 otherwise); entries to the left of it are the client's own
# say and never trusted. DRF's throttle reads the same number (NUM_PROXIES above, unless set).
TRUSTED_PROXIES = int(
    os.environ.get("TRUSTED_PROXIES", "1" if env_bool("BEHIND_TLS_PROXY") else "0")
)
if "NUM_PROXIES" not in os.environ:
    REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXIES

# Login lockout (django-axes): 5 failed logins for one user name from one address lock that
# pair out for AXES_COOLOFF_MINUTES; attempts are kept in the database (axes' own tables), so
# every worker agrees. Successful and failed logins are logged (logger "axes", below).
INSTALLED_APPS += ["axes"]
MIDDLEWARE += [
    "axes.middleware.AxesMiddleware",  # after authentication
    "tracker.door.RefuseNulInAdmin",  # a NUL in an admin address: 400 on every database
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out pair before any password check
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=float(os.environ.get("AXES_COOLOFF_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "tracker.door.client_address"
AXES_LOCKOUT_CALLABLE = "tracker.door.locked_out"  # 429, Retry-After, admin/locked_out.html
AXES_RESET_ON_SUCCESS = True  # a successful login forgives the pair's earlier typos
# A locked-out client who keeps trying does not extend their own wait: the page's time holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False  # no banner at start-up; the per-login lines below stay
# The log names the user name and address of each login and failure (axes masks both by
# default), so an attack can be seen and its address blocked; passwords are never logged.
AXES_SENSITIVE_PARAMETERS = []
LOGGING["loggers"] = {"axes": {"handlers": ["console"], "level": "INFO", "propagate": False}}

# Passwords: Django's validators, at least 12 characters. (manage.py ensure_local_admin makes
# admin/admin for local development only, with DEBUG on: it does not go through validators.)
for validator in AUTH_PASSWORD_VALIDATORS:
    if validator["NAME"].endswith("MinimumLengthValidator"):
        validator["OPTIONS"] = {"min_length": 12}

# Where a login lands when its ?next= is missing or refused (not /accounts/profile/, a 404).
LOGIN_REDIRECT_URL = "admin:index"

# Anonymous requests that compute a public page (not those served from the page cache), per
# client address: RATE_LIMIT requests per window ("120/m", "2000/h"; "off" for none). The
# counters live in the default cache: per process with the local-memory cache, shared by every
# worker when the cache is shared (Redis). Staff are never limited.
RATE_LIMIT = os.environ.get("RATE_LIMIT", "120/m")
# --- end of the admin's door -----------------------------------------------------------------
