"""hrmonitor settings: one file, every knob from the environment (see README, "Configuration").

The defaults run on a laptop with no setup: SQLite in `var/`, local files, console e-mail.
Production sets DATABASE_URL, SECRET_KEY, HRMONITOR_ALLOWED_HOSTS and friends.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from hrmonitor.env import (
    env_bool,
    env_int,
    env_list,
    env_secret,
    env_str,
    generated_secret,
)

PACKAGE_DIR = Path(__file__).resolve().parent
# Where the platform keeps its state on a laptop: database, secret key, uploads, demo credentials.
VAR_DIR = Path(env_str("HRMONITOR_VAR_DIR", str(Path.cwd() / "var"))).resolve()

# --- Core -----------------------------------------------------------------------------------
DEBUG = env_bool("HRMONITOR_DEBUG", False)
SECRET_KEY = env_secret("SECRET_KEY") or generated_secret(VAR_DIR / "secret_key")
ALLOWED_HOSTS = env_list("HRMONITOR_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("HRMONITOR_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("HRMONITOR_SITE_URL", "http://127.0.0.1:8000")
SITE_ID = 1

INSTALLED_APPS = [
    # modeltranslation must come before admin so the admin sees the translated fields.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "simple_history",
    "django_tasks_db",
    "ninja",
    "hrmonitor.core",
    "hrmonitor.framework",
    "hrmonitor.index",
    "hrmonitor.policy",
    "hrmonitor.monitoring",
    "hrmonitor.rights",
    "hrmonitor.clm",
    "hrmonitor.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hrmonitor.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "hrmonitor.core.middleware.MfaRequiredMiddleware",
    # Case roles are signed out after HRMONITOR_CASE_IDLE_MINUTES without activity.
    "hrmonitor.core.middleware.CaseSessionTimeout",
    "simple_history.middleware.HistoryRequestMiddleware",
    # axes last: it turns a lockout into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hrmonitor.urls"
WSGI_APPLICATION = "hrmonitor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "hrmonitor.core.context_processors.platform",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# DATABASE_URL, e.g. postgres://user:pass@host:5432/hrmonitor. Default: SQLite in var/.
DATABASE_URL = env_secret("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'hrmonitor.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web processes read while the task worker writes; IMMEDIATE avoids
    # "database is locked" on write transactions that start as reads.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Each thread keeps its connection a minute: a new SQLite connection re-reads the schema,
    # which cost more than the OpenRosa intake itself (bench/clm.py: 66 → 155 submissions/s).
    DATABASES["default"]["CONN_MAX_AGE"] = 60
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background jobs ------------------------------------------------------------------------
# The database backend needs no broker; `hrmonitor serve` starts its worker. Tests may set
# HRMONITOR_TASKS_BACKEND=django.tasks.backends.immediate.ImmediateBackend.
TASKS = {
    "default": {
        "BACKEND": env_str("HRMONITOR_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Accounts and security ------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
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
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:account"
LOGOUT_REDIRECT_URL = "portal:home"

ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
# Accounts are created by the Secretariat, never by self sign-up.
ACCOUNT_ADAPTER = "hrmonitor.core.adapters.AccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("HRMONITOR_MFA_ISSUER", "hrmonitor")

AXES_FAILURE_LIMIT = env_int("HRMONITOR_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("HRMONITOR_LOGIN_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "hrmonitor.core.adapters.axes_username"
AXES_VERBOSE = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("HRMONITOR_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = env_int("HRMONITOR_SESSION_HOURS", 12) * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("HRMONITOR_BEHIND_PROXY", False) else None
)

# Content Security Policy: no inline scripts, nothing from outside this server.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    # Bootstrap and ECharts set element styles from script; inline style attributes are harmless.
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}

# Roles that may read case data or approve values must enrol a second factor.
HRMONITOR_MFA_REQUIRED = env_bool("HRMONITOR_MFA_REQUIRED", True)

# Users who may read case data are signed out after this many minutes without a request.
HRMONITOR_CASE_IDLE_MINUTES = env_int("HRMONITOR_CASE_IDLE_MINUTES", 15)
# Identifying data of a case (narrative, client code, free texts, files — history included) is
# erased this many months after the case was closed (`hrmonitor purge-identifying`, daily).
HRMONITOR_CASE_RETENTION_MONTHS = env_int("HRMONITOR_CASE_RETENTION_MONTHS", 24)

# Encryption keys of case data (hrmonitor.core.crypto). Production passes the key ring JSON in
# HRMONITOR_KEYRING or a file in HRMONITOR_KEYRING_FILE (read by crypto.py itself); otherwise
# this file is used, created on first use (mode 0600). Back it up apart from the database:
# without it the encrypted data cannot be read.
HRMONITOR_KEYRING_PATH = Path(env_str("HRMONITOR_KEYRING_PATH", str(VAR_DIR / "keyring.json")))
# Published case statistics show counts below this as "<N" (small-cell suppression).
HRMONITOR_SUPPRESSION_THRESHOLD = env_int("HRMONITOR_SUPPRESSION_THRESHOLD", 5)

# --- Community-led monitoring (ODK) -----------------------------------------------------------
# The Digest realm ODK Collect signs with. Changing it invalidates every monitor's Digest hash
# until they set their password again.
HRMONITOR_OPENROSA_REALM = env_str("HRMONITOR_OPENROSA_REALM", "hrmonitor")
# The largest submission one POST may carry (Collect splits bigger ones over several POSTs).
HRMONITOR_OPENROSA_MAX_BYTES = env_int("HRMONITOR_OPENROSA_MAX_BYTES", 10_000_000)
# Scorecards show no score for fewer respondents than this.
HRMONITOR_CLM_MIN_RESPONDENTS = env_int("HRMONITOR_CLM_MIN_RESPONDENTS", 5)

# --- E-mail ---------------------------------------------------------------------------------
# Password-reset and notification mail. The console backend prints mail to the server's output,
# which is enough on a laptop; production sets the SMTP knobs.
_EMAIL_BACKEND = env_str(
    "HRMONITOR_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
_SMTP_OPTIONS = {
    "host": env_str("HRMONITOR_EMAIL_HOST", "localhost"),
    "port": env_int("HRMONITOR_EMAIL_PORT", 25),
    "username": env_str("HRMONITOR_EMAIL_USER", ""),
    "password": env_secret("HRMONITOR_EMAIL_PASSWORD") or "",
    "use_tls": env_bool("HRMONITOR_EMAIL_TLS", False),
}
MAILERS = {
    "default": {
        "BACKEND": _EMAIL_BACKEND,
        "OPTIONS": _SMTP_OPTIONS if _EMAIL_BACKEND.endswith("smtp.EmailBackend") else {},
    }
}
DEFAULT_FROM_EMAIL = env_str("HRMONITOR_EMAIL_FROM", "hrmonitor <noreply@localhost>")

# --- Languages ------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "hrmonitor_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = env_str("HRMONITOR_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("HRMONITOR_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploads larger than this are refused (bytes).
HRMONITOR_MAX_UPLOAD_BYTES = env_int("HRMONITOR_MAX_UPLOAD_MB", 25) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
WHITENOISE_USE_FINDERS = True

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("HRMONITOR_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs each step of every PDF at INFO; its warnings are what matter.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# matplotlib (report charts) keeps its font cache here rather than in a home directory that
# may be read-only for the service account.
os.environ.setdefault("MPLCONFIGDIR", str(VAR_DIR / "matplotlib"))
