"""Settings for charte, read from the environment.

Production differs from development only by environment variables (see docs/deploy.md).
`DJANGO_ENV=production` refuses to start without its secrets; development generates a secret
key once into `var/` so that sessions survive restarts, and never commits it.
"""

import ipaddress
import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CHARTE_VAR_DIR", BASE_DIR / "var"))

ENV = os.environ.get("DJANGO_ENV", "development")
# Two environments only: a name that changes nothing would let a typo pass for production.
if ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be development or production, not {ENV!r}.")
PRODUCTION = ENV == "production"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production (DJANGO_ENV=production).")
    return value


def development_secret_key(filename: str = "secret_key") -> str:
    """A key generated once per checkout, kept in var/ (git-ignored), never used in production."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / filename
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


# Core ------------------------------------------------------------------------------------------

if PRODUCTION:
    SECRET_KEY = required("SECRET_KEY")
    DEBUG = env_bool("DEBUG", False)
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")
else:
    SECRET_KEY = os.environ.get("SECRET_KEY") or development_secret_key()
    # Off unless asked for: even the demo never shows a stack trace to a visitor.
    DEBUG = env_bool("DEBUG", False)
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

# The journal's key (charte/audit/chain.py) signs every entry and seal, so that whoever can write
# to the database cannot rewrite the journal unnoticed. Apart from SECRET_KEY, whose rotation must
# not make a year of journal unverifiable.
if PRODUCTION:
    CHARTE_JOURNAL_KEY = required("JOURNAL_KEY")
else:
    CHARTE_JOURNAL_KEY = os.environ.get("JOURNAL_KEY") or f"development-journal-{SECRET_KEY}"
# How many chains ("lanes") the journal writes side by side on PostgreSQL, so that concurrent
# writers do not queue on one head (docs/journal.md). More lanes than concurrent writers is
# enough; lowering it later is harmless (old lanes stay verifiable, new entries avoid them).
CHARTE_JOURNAL_LANES = max(1, min(int(os.environ.get("JOURNAL_LANES", "16")), 256))

# Learning events name people by a keyed pseudonym (charte/learning/pseudonyms.py): the key of
# each school year is drawn from this secret, apart from SECRET_KEY (checked at deploy).
if PRODUCTION:
    CHARTE_PSEUDONYM_SECRET = required("PSEUDONYM_SECRET")
else:
    CHARTE_PSEUDONYM_SECRET = os.environ.get("PSEUDONYM_SECRET") or development_secret_key(
        "pseudonym_secret"
    )
# Statistics (charte/statistics): no figure about fewer than this many people is shown (a
# system check refuses less than 5).
CHARTE_STATISTICS_K = int(os.environ.get("STATISTICS_K", "10"))

SITE_URL = os.environ.get(
    "SITE_URL", "https://" + ALLOWED_HOSTS[0] if PRODUCTION else "http://127.0.0.1:8000"
)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.messages",
    "charte.core.static_files.StaticFiles",  # django.contrib.staticfiles, see its docstring
    "django_tasks_db",
    "ninja",
    "django_htmx",
    # Ours, in the order of their layers (pyproject.toml [tool.importlinter], checked):
    # core <- audit <- privacy <- accounts <- domain <- rights, retention, reports.
    "charte.core",
    "charte.audit",
    "charte.privacy",
    "charte.accounts",
    # The second factor: django-otp's verified session and its TOTP devices, then ours.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "charte.second_factor",
    "charte.notifications",
    "charte.cookies",
    "charte.support",
    "charte.payments",
    "charte.consent",
    "charte.families",
    "charte.schools",
    "charte.content",
    "charte.results",
    "charte.coach",
    "charte.resources",
    "charte.assignments",
    "charte.dashboards",
    "charte.recipients",
    "charte.mailings",
    "charte.learning",
    "charte.statistics",
    "charte.audience",
    # The top layer: it reaches the apps above through the registry.
    "charte.subject_requests",
    "charte.retention",
    "charte.reports",
    # Last, so that our templates override the framework's form templates.
    "django.forms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the session, CSRF and messages: it sees, and vets, every cookie they set.
    "charte.cookies.middleware.ConsentMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # What PostgreSQL cannot store (a NUL, a lone surrogate) is cleaned before any view reads it.
    "charte.core.text.StorableTextMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control for signed-in people, Permissions-Policy, CORP, Reporting-Endpoints.
    "charte.core.headers.SecurityHeadersMiddleware",
    # The device cookie set at sign-in, so that an attack elsewhere never locks its owner out.
    "charte.accounts.middleware.DeviceCookieMiddleware",
    # Which second factor verified the session; then staff are held until they pass one.
    "django_otp.middleware.OTPMiddleware",
    "charte.second_factor.middleware.SecondFactorGate",
    "charte.accounts.middleware.LastActivityMiddleware",
    "charte.consent.middleware.ConsentGateMiddleware",
    "charte.audit.middleware.DeniedAccessMiddleware",
    "charte.privacy.middleware.CardNumberGuard",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages: a charter version published since this session was told of one.
    "charte.consent.middleware.CharterChangeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last: refuses an oversized body on its Content-Length before anything reads it (the CSRF
    # check reads the form after every middleware has seen the request), with a page in words.
    "charte.core.bodies.BodyLimitMiddleware",
]

ROOT_URLCONF = "config.urls"
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
CSRF_FAILURE_VIEW = "charte.core.views.csrf_failure"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "charte.core.context_processors.site",
            ],
            "builtins": ["charte.core.templatetags.charte"],
        },
    },
]

# Database --------------------------------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'charte.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the task worker read while the other writes; IMMEDIATE takes
    # the write lock at BEGIN so that two writers queue instead of failing with "locked".
    # synchronous=NORMAL, SQLite's advice for WAL: a commit appends to the WAL without an fsync
    # (the WAL is synced at each checkpoint). The database cannot be corrupted; a crash of the
    # process loses nothing; a power cut or an OS crash may lose the last commits before the
    # next checkpoint (docs/decisions/0007-settings.md). PostgreSQL is the production database.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    VAR_DIR.mkdir(parents=True, exist_ok=True)
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set (shared by web processes and workers), else per process.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "charte.core.cache.RedisCache",  # Django's, keeping its clients
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "charte"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background tasks: stored in the database, run by `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Accounts and security -------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["charte.accounts.backends.EmailOrUsernameBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

# The client's address (charte/core/net.py): the reverse proxies whose X-Forwarded-For header is
# believed, as addresses or networks ("127.0.0.1", "10.0.0.0/24"), or "unix" for the proxy that
# talks to gunicorn through its unix socket. Empty: none, the address of the connection is the
# client's. Name only the proxies, never a network the clients are in.
CHARTE_TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")
for proxy in CHARTE_TRUSTED_PROXIES:
    if proxy == "unix":
        continue
    try:
        ipaddress.ip_network(proxy, strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {proxy!r} is not an address, a network or 'unix' ({error})."
        ) from error
# Second factor (charte/second_factor): the name authenticator apps show, and a wrong code
# doubles the wait before the next one may be checked (1, 2, 4... seconds per device).
OTP_TOTP_ISSUER = os.environ.get("OTP_ISSUER", "charte")
OTP_TOTP_THROTTLE_FACTOR = 1

# Our session model carries the user so that sessions can be listed, closed and erased by person.
SESSION_ENGINE = "charte.accounts.sessions"
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = PRODUCTION and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# Nothing from a third party: every script, style, image and font comes from our own origin.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
    # Violations are reported to us and journalled (charte/audit/csp.py).
    "report-uri": ["/securite/csp/"],
    "report-to": ["csp"],
}

# Headers, cookies and request bodies -------------------------------------------------------------
# (charte/core/headers.py, charte/core/bodies.py, charte/core/quota.py)

CHARTE_CSP_REPORT_PATH = "/securite/csp/"
# Browser features we deny to every page (and to anything a page could frame). Passkeys
# (WebAuthn) are allowed for our own pages only; every other feature listed is unused.
CHARTE_PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "ambient-light-sensor": [],
    "autoplay": [],
    "bluetooth": [],
    "browsing-topics": [],
    "camera": [],
    "display-capture": [],
    "encrypted-media": [],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "idle-detection": [],
    "interest-cohort": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "picture-in-picture": [],
    "publickey-credentials-create": ["self"],
    "publickey-credentials-get": ["self"],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}
CHARTE_CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
# The API's docs and schema (/api/docs, /api/openapi.json): the operator's staff only, in
# production; open in development (charte/core/api.py).
CHARTE_API_DOCS_STAFF_ONLY = PRODUCTION


def _static_file_headers(headers: object, path: str, url: str) -> None:
    """WhiteNoise wants a function, not a dotted path: the headers of each static file."""
    from charte.core.headers import add_static_headers

    add_static_headers(headers, path, url)


WHITENOISE_ADD_HEADERS_FUNCTION = _static_file_headers

# In production every cookie the server sets is a "__Host-" cookie: the browser keeps it only
# if it is Secure, has Path=/ and no Domain, so neither a sibling subdomain nor a network
# attacker on plain HTTP can plant or overwrite it. Outside production (plain HTTP) no prefix.
CHARTE_COOKIE_PREFIX = "__Host-" if PRODUCTION else ""
SESSION_COOKIE_NAME = f"{CHARTE_COOKIE_PREFIX}sessionid"
CSRF_COOKIE_NAME = f"{CHARTE_COOKIE_PREFIX}csrftoken"
LANGUAGE_COOKIE_NAME = f"{CHARTE_COOKIE_PREFIX}django_language"
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
MESSAGE_STORAGE = "charte.core.messages.MessageStorage"  # its cookie carries the prefix too

# Request bodies. A page that takes no file accepts CHARTE_MAX_BODY_BYTES; a page that takes
# files (decorated with `accepts_files(n)`) n files of CHARTE_UPLOAD_MAX_FILE_BYTES more. Both
# are checked on Content-Length before the body is read, and files again while they stream in.
MIB = 1024 * 1024
CHARTE_UPLOAD_MAX_FILE_BYTES = int(float(os.environ.get("UPLOAD_MAX_FILE_MB", "5")) * MIB)
DATA_UPLOAD_MAX_MEMORY_SIZE = 1 * MIB  # the form's fields, files apart
CHARTE_MAX_BODY_BYTES = DATA_UPLOAD_MAX_MEMORY_SIZE + 64 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 512 * 1024  # a larger file goes to a temporary file as it arrives
DATA_UPLOAD_MAX_NUMBER_FILES = 10
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_HANDLERS = [
    "charte.core.bodies.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# What one person may keep in files in all (resources, work handed in, any upload).
CHARTE_STORAGE_QUOTA_BYTES = int(float(os.environ.get("STORAGE_QUOTA_MB", "100")) * MIB)

# Paths where typing a card number is the point: the payment provider's own hosted page (in
# development, the test provider served by this site; in production it is another site).
CHARTE_CARD_ENTRY_PATHS: tuple[str, ...] = ("/fournisseur-test/",) if not PRODUCTION else ()
# Privacy: how many minutes may pass before a signed-in user's "last seen" time is written again.
CHARTE_LAST_SEEN_RESOLUTION_MINUTES = int(os.environ.get("LAST_SEEN_RESOLUTION_MINUTES", "15"))
# Consent API: requests allowed per service ("600/m"), counted in the shared cache.
CHARTE_CONSENT_API_RATE = os.environ.get("CONSENT_API_RATE", "600/m")
# Retention: the last day of the school year ("MM-DD"; set the official date each year), how
# many days before its expiry a person (or their guardian) is told, and the sweep's batch size.
CHARTE_SCHOOL_YEAR_END = os.environ.get("SCHOOL_YEAR_END", "08-31")
CHARTE_RETENTION_NOTICE_DAYS = int(os.environ.get("RETENTION_NOTICE_DAYS", "30"))
CHARTE_RETENTION_BATCH = int(os.environ.get("RETENTION_BATCH", "5000"))
# The operator, named on the charter and in every email.
CHARTE_OPERATOR = {
    "name": os.environ.get("OPERATOR_NAME", "Charte Éducation SAS"),
    "address": os.environ.get("OPERATOR_ADDRESS", "12 rue de l'École, 75005 Paris, France"),
    "dpo_email": os.environ.get("DPO_EMAIL", "dpo@charte.example"),
    "support_email": os.environ.get("SUPPORT_EMAIL", "aide@charte.example"),
}

# Payments (charte/payments): the provider that takes card payments on its own page, and the
# secret that signs its webhooks. The test provider takes no money: never in production, where
# no provider set means nothing is for sale.
PAYMENT_PROVIDER = os.environ.get("PAYMENT_PROVIDER", "" if PRODUCTION else "test")
if PRODUCTION and PAYMENT_PROVIDER == "test":
    raise ImproperlyConfigured("PAYMENT_PROVIDER=test takes no money: not in production.")
if PRODUCTION:
    PAYMENT_WEBHOOK_SECRET = required("PAYMENT_WEBHOOK_SECRET") if PAYMENT_PROVIDER else ""
else:
    PAYMENT_WEBHOOK_SECRET = os.environ.get("PAYMENT_WEBHOOK_SECRET") or development_secret_key(
        "payment_webhook_secret"
    )
# How old (in seconds) a signed webhook may be before it is refused as a possible replay.
PAYMENT_WEBHOOK_TOLERANCE = int(os.environ.get("PAYMENT_WEBHOOK_TOLERANCE", "300"))

# Dependency audit (charte/audit/dependencies.py): the advisory service the installed packages
# are checked against, every six hours. On in production (PyPI's JSON API); off elsewhere unless
# set, so that the demo and the tests never reach the Internet.
CHARTE_ADVISORY_URL = os.environ.get("ADVISORY_URL", "https://pypi.org/pypi" if PRODUCTION else "")
CHARTE_ADVISORY_TIMEOUT = float(os.environ.get("ADVISORY_TIMEOUT", "10"))

# Email -----------------------------------------------------------------------------------------

DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Charte <noreply@charte.example>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
if os.environ.get("EMAIL_HOST"):
    email_port = int(os.environ.get("EMAIL_PORT", "587"))
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": email_port,
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", email_port == 587),
                "use_ssl": env_bool("EMAIL_USE_SSL", email_port == 465),
                "timeout": 20,
            },
        }
    }
elif PRODUCTION:
    raise ImproperlyConfigured("EMAIL_HOST must be set in production.")
else:
    # Development keeps every email as a file under var/mail, to be read there.
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }

# Internationalisation: French first, English second ---------------------------------------------

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]

TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# Static files ----------------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Outside production, WhiteNoise serves the files straight from the apps (no collectstatic).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
# collectstatic compresses each file twice (gzip, brotli); source maps (django-ninja's Swagger and
# ReDoc bundles bring 11 MB of them) are fetched by developer tools only: served as they are.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
# Access and portability archives: private files, never served as media, deleted on expiry.
CHARTE_ARCHIVE_DIR = Path(os.environ.get("ARCHIVE_DIR", VAR_DIR / "archives"))
# Files (uploads, productions, access archives, generated documents) go through Django's
# storage API: the local disk by default, or any S3-compatible object storage when
# FILE_STORAGE=s3, so that several web processes on several machines see the same files.
# Archives are private: never public, downloaded after the access check (streamed back, or
# through a signed URL valid for ARCHIVE_URL_SECONDS).
FILE_STORAGE = os.environ.get("FILE_STORAGE", "local")
if FILE_STORAGE not in {"local", "s3"}:
    raise ImproperlyConfigured("FILE_STORAGE is 'local' or 's3'.")
if FILE_STORAGE == "s3" and not os.environ.get("S3_BUCKET"):
    raise ImproperlyConfigured("FILE_STORAGE=s3 needs S3_BUCKET (and S3_ENDPOINT_URL, keys).")


def s3_storage(location: str) -> dict[str, Any]:
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("S3_BUCKET", ""),
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY", ""),
            "location": location,
            "default_acl": None,  # the bucket's own: private
            "querystring_auth": True,  # every URL signed...
            "querystring_expire": int(os.environ.get("ARCHIVE_URL_SECONDS", "60")),  # ...briefly
            "file_overwrite": False,
            "signature_version": "s3v4",
        },
    }


STORAGES: dict[str, dict[str, Any]] = {
    "default": (
        s3_storage("media")
        if FILE_STORAGE == "s3"
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "archives": (
        s3_storage("archives")
        if FILE_STORAGE == "s3"
        else {"BACKEND": "charte.core.files.ArchiveStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Logging: to stderr; personal data never goes into application logs (see docs/architecture.md).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint tells each step of every PDF at INFO: only its warnings are worth a line.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
