"""openimi settings: one module, every value from the environment with a safe default.

Development needs no configuration at all: the database is an SQLite file under ``var/``
and the secret key is generated once and kept there.  Production (``OPENIMI_ENV=production``)
refuses to start without an explicit ``SECRET_KEY``.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import babel
import dj_database_url
import django.conf.locale
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from openimi.observability.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("OPENIMI_VAR_DIR", BASE_DIR.parent.parent / "var")).resolve()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("OPENIMI_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
DEBUG = env_bool("DEBUG", default=not PRODUCTION)


def _development_secret(filename: str, nbytes: int) -> str:
    """A secret generated once per checkout and kept under var/ (never in production)."""
    path = VAR_DIR / filename
    if not path.exists():
        # Several processes may start at once on a new checkout (gunicorn's workers, a worker):
        # each writes its own candidate aside, and a hard link puts the first one in place
        # whole, so that nobody reads a half-written file or keeps a secret another replaced.
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        candidate = VAR_DIR / f".{filename}.{os.getpid()}.{secrets.token_hex(4)}"
        candidate.write_text(secrets.token_urlsafe(nbytes))
        candidate.chmod(0o600)
        try:
            os.link(candidate, path)
        except FileExistsError:
            pass  # another process was first: its secret counts
        finally:
            candidate.unlink()
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when OPENIMI_ENV=production.")
    SECRET_KEY = _development_secret("secret_key", 50)


def site_address(address: str) -> tuple[str, str]:
    """``OPENIMI_ADDRESS`` as runserver takes it (``port``, ``host:port``, ``[v6]:port``) →
    (host for links, port). Listening on every interface gives no address to link to: the
    links then name this machine's loopback, and SITE_URL should say how others reach it."""
    host, _colon, port = address.strip().rpartition(":")
    if not port.isdigit():
        raise ImproperlyConfigured(f"OPENIMI_ADDRESS must be host:port or a port, not {address!r}.")
    if host in ("", "0.0.0.0", "0", "[::]"):  # noqa: S104 - recognised, not bound
        host = "127.0.0.1"
    return host, port


# Where `make run` (scripts/run.sh) serves the site; links in e-mails and printed sheets point
# there unless SITE_URL names the public address.
OPENIMI_ADDRESS = os.environ.get("OPENIMI_ADDRESS", "127.0.0.1:8000")
_SITE_HOST, _SITE_PORT = site_address(OPENIMI_ADDRESS)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
if "ALLOWED_HOSTS" not in os.environ and _SITE_HOST not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(_SITE_HOST)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = (os.environ.get("SITE_URL") or f"http://{_SITE_HOST}:{_SITE_PORT}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "django_tasks_db",
    "openimi.common",
    "openimi.authorities",
    "openimi.accounts",
    "openimi.access",
    "openimi.notifications",
    "openimi.exchange",
    "openimi.demo",
    "openimi.monitoring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Lets the single sign-on forms lead to a provider (form-action); nothing without one.
    "openimi.accounts.sso.middleware.SsoFormActionMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "openimi.exchange.via.ViaMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "openimi.urls"
WSGI_APPLICATION = "openimi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "openimi.common.context_processors.navigation",
                "openimi.accounts.context_processors.session_timeout",
            ],
        },
    },
]

FORM_RENDERER = "openimi.common.forms.GovukFormRenderer"

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'openimi.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server read while the worker writes; IMMEDIATE avoids lock upgrades.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Caches ---------------------------------------------------------------------------------
# "content": rendered read pages, keyed by the versions of the data they show
# (common/content_cache.py). CONTENT_CACHE_SECONDS bounds how long a page is kept whatever
# happens (0 = no cache). Without REDIS_URL both caches are each process's own memory (the
# versions in the database keep the processes in step). With REDIS_URL every process on every
# machine shares them (Django's Redis backend): a content-cache entry is encrypted before it
# leaves the process (common/shared_cache.py, AES-256-GCM with CACHE_ENCRYPTION_KEYS; the
# system check openimi.common.E002 refuses a shared content cache without a key).
CONTENT_CACHE_SECONDS = env_int("CONTENT_CACHE_SECONDS", 120)
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "content": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "openimi-content",
        "OPTIONS": {"MAX_ENTRIES": env_int("CONTENT_CACHE_MAX_ENTRIES", 1000)},
    },
}
if REDIS_URL:
    # Several deployments (or test runs) may share one Redis: each keeps to its own prefix.
    # Short socket timeouts: a Redis that is down costs a request one second, not a hang.
    _CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "openimi")
    _REDIS_OPTIONS = {
        "socket_connect_timeout": float(os.environ.get("REDIS_TIMEOUT_SECONDS", "1")),
        "socket_timeout": float(os.environ.get("REDIS_TIMEOUT_SECONDS", "1")),
    }
    CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"{_CACHE_KEY_PREFIX}:{alias}",
            "OPTIONS": dict(_REDIS_OPTIONS),
        }
        for alias in ("default", "content")
    }


def _aes_keys(setting: str, value: str) -> dict[str, bytes]:
    """Parse ``id1:base64key,id2:base64key`` into {key id: 32-byte AES-256 key}, in order."""
    import base64
    import binascii
    import re

    keys: dict[str, bytes] = {}
    for item in value.split(","):
        if not item.strip():
            continue
        key_id, _sep, encoded = item.strip().partition(":")
        if not re.fullmatch(r"[A-Za-z0-9_.-]{1,32}", key_id):
            raise ImproperlyConfigured(
                f"{setting}: every key needs an id of 1-32 letters, digits, '.', '_' "
                "or '-' before a colon (id1:base64key,id2:base64key)."
            )
        encoded = encoded.strip().replace("+", "-").replace("/", "_")
        try:
            key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except (binascii.Error, ValueError):
            key = b""
        if len(key) != 32:
            raise ImproperlyConfigured(
                f"{setting}: key {key_id!r} must be 32 bytes in base64 (make one "
                "with: openssl rand -base64 32)."
            )
        keys[key_id] = key
    return keys


# AES-256-GCM keys for entries of a shared content cache, by key id: the first encrypts, all
# decrypt (rotation: put a new key first, keep the old one for CONTENT_CACHE_SECONDS).
CACHE_ENCRYPTION_KEYS = _aes_keys(
    "CACHE_ENCRYPTION_KEYS", os.environ.get("CACHE_ENCRYPTION_KEYS", "")
)

# --- Client address and rate limits (common/net.py, common/ratelimit.py) ----------------------
# Reverse proxies in front of the web processes that each append to X-Forwarded-For: the
# client address (login limits, API rate limits, security log) is read from that header.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Where rate-limit counters live: every process must see the same ones. The database by
# default; with REDIS_URL, Redis ("RedisStore": one atomic script per call, the database when
# Redis does not answer). "openimi.common.ratelimit.CacheStore" keeps them in the cache
# RATE_LIMIT_CACHE.
RATE_LIMIT_STORE = os.environ.get(
    "RATE_LIMIT_STORE",
    "openimi.common.ratelimit.RedisStore"
    if REDIS_URL
    else "openimi.common.ratelimit.DatabaseStore",
)
RATE_LIMIT_CACHE = os.environ.get("RATE_LIMIT_CACHE", "default")

# --- Users and passwords --------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    # argon2id at OWASP's cost (m=19 MiB, t=2, p=1); older argon2 hashes are rewritten at login.
    "openimi.accounts.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Offline (accounts/passwords.py): not a leaked password (ASVS 6.2.12), and not easy to
    # guess with the user's names and authority as known words (zxcvbn).
    {"NAME": "openimi.accounts.passwords.BreachedPasswordValidator"},
    {"NAME": "openimi.accounts.passwords.PasswordStrengthValidator"},
]
# The least zxcvbn score (0-4) a new password must reach; 3 is about 10^8 guesses.
PASSWORD_MIN_STRENGTH = env_int("PASSWORD_MIN_STRENGTH", 3)

# --- Sessions and security headers -------------------------------------------------------------
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_TIMEOUT_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # the cookie age is an idle timeout
# How long before the idle timeout every page warns, with a way to stay logged in.
SESSION_TIMEOUT_WARNING_SECONDS = env_int("SESSION_TIMEOUT_WARNING_SECONDS", 2 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
)
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- Login, lockout, security code and session lifetime (accounts; see docs/security.md) ------
# Everything about how people log in lives in this one block.
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses locked accounts before anything checks a credential.
    "axes.backends.AxesStandaloneBackend",
    # Password (checked at step 1) plus three characters of the security code (step 2).
    "openimi.accounts.backends.SecurityCodeBackend",
]
INSTALLED_APPS.append("axes")
# The absolute session lifetime is enforced before any view runs (LoginRequiredMiddleware
# acts in process_view); after MessageMiddleware so that it can say why the session ended.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "openimi.accounts.middleware.SessionLifetimeMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("openimi.accounts.middleware.SessionLifetimeMiddleware") + 1,
    "openimi.accounts.middleware.LoggedInHintMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # axes wants to be last

# Failure counters in the database (every process sees them; accounts/login_limits.py): a
# wrong password and a wrong security code count alike. Within LOGIN_COOLOFF,
# LOGIN_FAILURE_LIMIT failures lock a name for the address they came from only (its owner
# still logs in from elsewhere); LOGIN_ADDRESS_FAILURE_LIMIT failures stop an address whatever
# the names; LOGIN_ACCOUNT_FAILURE_LIMIT failures of a name from any addresses lock it for
# every address it has not logged in from within LOGIN_KNOWN_ADDRESS_DAYS.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("LOGIN_ACCOUNT_FAILURE_LIMIT", 20)
LOGIN_KNOWN_ADDRESS_DAYS = env_int("LOGIN_KNOWN_ADDRESS_DAYS", 90)
# Step 1 of the login costs a password hash, right or wrong: attempts per address and minute
# (an office behind one address logs in at nine o'clock; a flood does not).
LOGIN_ATTEMPTS_PER_MINUTE = env_int("LOGIN_ATTEMPTS_PER_MINUTE", 60)
LOGIN_COOLOFF = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = LOGIN_COOLOFF
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "openimi.accounts.login_limits.LoginLimitHandler"
AXES_RESET_ON_SUCCESS = True
# A refused attempt during the cool-off does not restart it: "try again in 15 minutes" holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "openimi.accounts.views.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # successes go to our own security log (SecurityEvent)
# Axes copies GET/POST data into its attempt records: mask every secret our forms post.
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "ip_address",
    "password",
    "old_password",
    "new_password1",
    "new_password2",
    "character_1",
    "character_2",
    "character_3",
    "current_code",
    "code1",
    "code2",
    "code",
    "recovery_code",
    "current_password",
    "csrfmiddlewaretoken",
]
# axes asks the one client-address function (common/net.py) like everything else.
AXES_CLIENT_IP_CALLABLE = "openimi.accounts.login_limits.axes_client_address"
SILENCED_SYSTEM_CHECKS = list(globals().get("SILENCED_SYSTEM_CHECKS", []))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # models.W040: SQLite keeps the incoming-list index without its included deadline columns
    # (there only to let PostgreSQL count overdue requests from the index alone).
    SILENCED_SYSTEM_CHECKS.append("models.W040")

# Absolute session lifetime, whatever the activity (the idle timeout is SESSION_COOKIE_AGE).
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 10 * 3600)
# Single sign-on (OpenID Connect, accounts/sso/): the providers this installation offers, as
# a JSON list in OIDC_PROVIDERS (docs/operations.md); none by default. Parsed and checked at
# start-up, so that a mistake stops the start with a clear message.
OIDC_PROVIDERS = os.environ.get("OIDC_PROVIDERS", "[]")
# How far the clocks of openimi and a provider may differ when an ID token's exp/iat are checked.
OIDC_CLOCK_SKEW_SECONDS = env_int("OIDC_CLOCK_SKEW_SECONDS", 60)
# Seconds openimi waits for a provider's discovery, keys and token endpoints.
OIDC_TIMEOUT_SECONDS = env_int("OIDC_TIMEOUT_SECONDS", 10)
# Passkeys (WebAuthn, accounts/passkeys/): the relying party's id (a registrable domain, e.g.
# imi.example.eu) and the origins a browser may sign for (https://imi.example.eu). Empty: the
# host of the request (one of ALLOWED_HOSTS) and its own scheme and host. A passkey is bound to
# the RP id: changing it later makes every registered passkey unusable.
WEBAUTHN_RP_ID = os.environ.get("WEBAUTHN_RP_ID", "")
WEBAUTHN_ORIGINS = env_list("WEBAUTHN_ORIGINS", "")
# The ways step 2 of the login offers (accounts/second_factors.py), comma-separated from
# security_code, authenticator, passkey, recovery_code; all of them by default.
LOGIN_WAYS = tuple(
    way.strip()
    for way in os.environ.get(
        "LOGIN_WAYS", "security_code,authenticator,passkey,recovery_code"
    ).split(",")
    if way.strip()
)
# A new user's temporary password is e-mailed this long after the account is made (seed 6.1).
TEMPORARY_PASSWORD_DELAY = timedelta(hours=env_int("TEMPORARY_PASSWORD_DELAY_HOURS", 24))
# A temporary password stops working this long after its e-mail is due (ASVS 6.4.1).
TEMPORARY_PASSWORD_VALID = timedelta(days=env_int("TEMPORARY_PASSWORD_VALID_DAYS", 14))


def _security_code_keys(value: str) -> dict[str, bytes]:
    """Parse ``id1:base64key,id2:base64key`` into {key id: 32-byte AES-256 key}."""
    return _aes_keys("SECURITY_CODE_KEYS", value)


# AES-256-GCM keys for the security codes, by key id; SECURITY_CODE_CURRENT_KEY_ID encrypts
# new codes, the others only decrypt until `openimi rotate_security_code_key` has run.
SECURITY_CODE_KEYS = _security_code_keys(os.environ.get("SECURITY_CODE_KEYS", ""))
SECURITY_CODE_CURRENT_KEY_ID = os.environ.get("SECURITY_CODE_CURRENT_KEY_ID", "").strip()
if not SECURITY_CODE_KEYS:
    if PRODUCTION:
        raise ImproperlyConfigured("SECURITY_CODE_KEYS must be set when OPENIMI_ENV=production.")
    # Development: one key generated once per checkout and kept under var/, like SECRET_KEY.
    SECURITY_CODE_KEYS = _security_code_keys("dev:" + _development_secret("security_code_key", 32))
if not SECURITY_CODE_CURRENT_KEY_ID and len(SECURITY_CODE_KEYS) == 1:
    SECURITY_CODE_CURRENT_KEY_ID = next(iter(SECURITY_CODE_KEYS))
if SECURITY_CODE_CURRENT_KEY_ID not in SECURITY_CODE_KEYS:
    raise ImproperlyConfigured(
        "SECURITY_CODE_CURRENT_KEY_ID must name one of the keys in SECURITY_CODE_KEYS."
    )
# --- end of the login block -------------------------------------------------------------------

# --- Languages --------------------------------------------------------------------------------
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en")
# The 24 official languages of the EU and the EEA's Icelandic and Norwegian (Bokmål), each
# named in itself as CLDR writes it (Babel), never typed here. A message a catalogue lacks
# falls back to English.
INTERFACE_LANGUAGES = [
    "bg",
    "cs",
    "da",
    "de",
    "el",
    "en",
    "es",
    "et",
    "fi",
    "fr",
    "ga",
    "hr",
    "hu",
    "it",
    "lt",
    "lv",
    "mt",
    "nl",
    "pl",
    "pt",
    "ro",
    "sk",
    "sl",
    "sv",
    "is",
    "nb",
]
LANGUAGES = [
    (code, babel.Locale.parse(code).get_display_name(code)) for code in INTERFACE_LANGUAGES
]
# Django knows every one of them but Maltese: its LANG_INFO (get_language_info and the
# {% get_language_info %} tags) is extended, as Django has no setting for it, with CLDR's names.
for _code in INTERFACE_LANGUAGES:
    django.conf.locale.LANG_INFO.setdefault(
        _code,
        {
            "bidi": False,
            "code": _code,
            "name": babel.Locale.parse(_code).get_display_name("en"),
            "name_local": babel.Locale.parse(_code).get_display_name(_code),
        },
    )
# A browser that asks for Norwegian ("no") or Nynorsk ("nn") alone gets Bokmål.
for _code in ("no", "nn"):
    django.conf.locale.LANG_INFO[_code].setdefault("fallback", ["nb"])
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Dates read day, month, year in every language, and date fields show stored dates (formats/).
FORMAT_MODULE_PATH = ["openimi.formats"]
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Brussels")

# --- Static files -------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.environ.get("MEDIA_ROOT", str(VAR_DIR / "media"))},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing

# --- Background work ----------------------------------------------------------------------------
TASKS = {
    "default": {
        # django-tasks-db's backend, carrying the request id to the task (observability/tasks.py).
        "BACKEND": os.environ.get("TASKS_BACKEND", "openimi.observability.tasks.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- E-mail -------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "openimi <no-reply@openimi.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
MAILERS = {
    "default": {
        "BACKEND": os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"),
        "OPTIONS": {
            "host": os.environ.get("SMTP_HOST", "127.0.0.1"),
            "port": env_int("SMTP_PORT", 8025 if not PRODUCTION else 25),
            "username": os.environ.get("SMTP_USER", ""),
            "password": os.environ.get("SMTP_PASSWORD", ""),
            "use_tls": env_bool("SMTP_STARTTLS", False),
            "timeout": env_int("SMTP_TIMEOUT_SECONDS", 20),
        },
    }
}
if MAILERS["default"]["BACKEND"] != "django.core.mail.backends.smtp.EmailBackend":
    MAILERS["default"]["OPTIONS"] = {}
if not PRODUCTION and "EMAIL_BACKEND" not in os.environ and "SMTP_HOST" not in os.environ:
    # In development, mail is written to var/mail so nothing needs a mail server.
    MAILERS["default"] = {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
    }

# Outbox delivery: attempts, backoff (seconds, doubling) and the sweeper's view of "stale".
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
OUTBOX_BACKOFF_SECONDS = env_int("OUTBOX_BACKOFF_SECONDS", 60)
OUTBOX_BACKOFF_MAX_SECONDS = env_int("OUTBOX_BACKOFF_MAX_SECONDS", 6 * 3600)
OUTBOX_SWEEP_INTERVAL_SECONDS = env_int("OUTBOX_SWEEP_INTERVAL_SECONDS", 60)
# A worker that loses the database waits 1, 2, 4 … seconds, at most this long, between tries.
WORKER_DB_RETRY_MAX_SECONDS = env_int("WORKER_DB_RETRY_MAX_SECONDS", 10)
OUTBOX_STALE_AFTER = timedelta(seconds=env_int("OUTBOX_STALE_AFTER_SECONDS", 600))
# Every worker writes a heartbeat this often (``notifications.heartbeat``), while it idles and
# while a task runs; one not heard of for WORKER_HEARTBEAT_DEAD_AFTER is dead, and its row is
# deleted after WORKER_HEARTBEAT_KEEP. WORKER_REQUIRED: the readiness check fails while no
# worker is alive (production: a site without a worker sends no e-mail; `make run` starts one
# beside the web server, but tests and one-off commands run without).
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 15)
WORKER_HEARTBEAT_DEAD_AFTER = timedelta(seconds=env_int("WORKER_HEARTBEAT_DEAD_AFTER_SECONDS", 60))
WORKER_HEARTBEAT_KEEP = timedelta(seconds=env_int("WORKER_HEARTBEAT_KEEP_SECONDS", 24 * 3600))
WORKER_REQUIRED = env_bool("WORKER_REQUIRED", PRODUCTION)
# How long a worker holds a message while sending it; a dead worker's message waits this long.
OUTBOX_SEND_LEASE_SECONDS = env_int("OUTBOX_SEND_LEASE_SECONDS", 300)
# How overdue a pending message must be before the sweeper queues its delivery again.
OUTBOX_SWEEP_GRACE_SECONDS = env_int("OUTBOX_SWEEP_GRACE_SECONDS", 300)

# --- Information requests (exchange) ------------------------------------------------------------
# Attachments: the largest file accepted, and the types accepted (checked on the file's name and
# its first bytes, never on the browser's word). Files go to the default storage (var/media),
# which no URL serves: they are downloaded only through the permission check.
EXCHANGE_ATTACHMENT_MAX_BYTES = env_int("EXCHANGE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
EXCHANGE_ATTACHMENT_MAX_COUNT = env_int("EXCHANGE_ATTACHMENT_MAX_COUNT", 20)
EXCHANGE_ATTACHMENT_CONTENT_TYPES = env_list(
    "EXCHANGE_ATTACHMENT_CONTENT_TYPES",
    "application/pdf,image/jpeg,image/png,text/plain,"
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
    "application/vnd.oasis.opendocument.text,"
    "application/vnd.oasis.opendocument.spreadsheet",
)
# Office files are zip archives: every upload of one (attachments, the rollout table) must
# unpack to at most this much, in at most this many entries (common/archives.py).
UPLOAD_ARCHIVE_MAX_UNPACKED_BYTES = env_int("UPLOAD_ARCHIVE_MAX_UNPACKED_BYTES", 100 * 1024 * 1024)
UPLOAD_ARCHIVE_MAX_ENTRIES = env_int("UPLOAD_ARCHIVE_MAX_ENTRIES", 10_000)

# --- Directory ----------------------------------------------------------------------------------
SEARCH_PAGE_SIZE = env_int("SEARCH_PAGE_SIZE", 20)

# --- Health, metrics and logs (observability/; docs/operations.md) -----------------------------
INSTALLED_APPS += ["openimi.observability"]
# First: every line logged while a request is answered carries its id (X-Request-ID), and
# every request is counted, timed and its queries counted for /metrics/.
MIDDLEWARE[:0] = [
    "openimi.observability.middleware.RequestIdMiddleware",
    "openimi.observability.middleware.MetricsMiddleware",
]
# Logs: "plain" lines (the default) or one JSON object a line ("json"); on standard error, or
# LOG_FILE. Each line carries the request id; query strings, e-mail addresses, tokens and
# credentials are removed, and SQL is never logged (observability/logs.py).
LOGGING = logging_config(
    log_format=os.environ.get("LOG_FORMAT", "plain"),
    level=os.environ.get("LOG_LEVEL", "INFO"),
    filename=os.environ.get("LOG_FILE", ""),
)
# The bearer token Prometheus sends to /metrics/; without one the endpoint answers 404.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
# /health/ready/ fails when an e-mail due has waited longer than this to be sent.
HEALTH_OUTBOX_MAX_AGE_SECONDS = env_int("HEALTH_OUTBOX_MAX_AGE_SECONDS", 15 * 60)

# --- Deadlines, monitoring and the personal-data lifecycle (issue 5) ---------------------------
INSTALLED_APPS += ["openimi.retention", "openimi.deadlines"]


def _env_json(name: str, default: dict) -> dict:
    import json

    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    value = json.loads(raw)
    if not isinstance(value, dict):
        raise ImproperlyConfigured(f"{name} must be a JSON object.")
    return value


# The personal-data lifecycle per legislative area code ("*" for every other area):
# "delete_after_6_months" (the seed: deleted when the period after closing ends) or
# "block_then_delete" (the IMI Regulation: blocked after RETENTION_BLOCK_AFTER_MONTHS, deleted
# RETENTION_BLOCKED_DELETE_AFTER_MONTHS after closing). Periods count from closing, rejecting
# or withdrawing a request.
RETENTION_LIFECYCLE = _env_json("RETENTION_LIFECYCLE", {"*": "delete_after_6_months"})
RETENTION_DELETE_AFTER_MONTHS = env_int("RETENTION_DELETE_AFTER_MONTHS", 6)
RETENTION_BLOCK_AFTER_MONTHS = env_int("RETENTION_BLOCK_AFTER_MONTHS", 6)
RETENTION_BLOCKED_DELETE_AFTER_MONTHS = env_int("RETENTION_BLOCKED_DELETE_AFTER_MONTHS", 36)
# Users are told this many days ahead that a request's personal data will go.
RETENTION_NOTICE_DAYS = env_int("RETENTION_NOTICE_DAYS", 30)
# People who left (issue 19): the name, e-mail, telephone and department of a user deleted
# this many days ago (or invited and never logged in for as long) are removed by the daily job;
# the history names them "Former user <number>" from then on. Two years by default: long
# enough for the requests they worked on to be closed and their retention period to run out.
USERS_ANONYMISE_AFTER_DAYS = env_int("USERS_ANONYMISE_AFTER_DAYS", 730)
# Requests handled in the daily job's first transaction; the next ones are sized so that each
# holds its locks about RETENTION_BATCH_SECONDS (retention.services.BatchSizer).
RETENTION_BATCH_SIZE = env_int("RETENTION_BATCH_SIZE", 200)
RETENTION_BATCH_SECONDS = float(os.environ.get("RETENTION_BATCH_SECONDS", "0.4"))
RETENTION_RUN_INTERVAL_SECONDS = env_int("RETENTION_RUN_INTERVAL_SECONDS", 24 * 3600)
# Finished background-task results (django-tasks-db rows; the outbox sweeper alone adds 1,440
# a day) are pruned by django-tasks-db's own prune_db_task_results once a day: successful ones
# after TASK_RESULTS_KEEP_DAYS, failed ones (what an operator looks into) after
# TASK_RESULTS_FAILED_KEEP_DAYS. Queued and running tasks are never pruned.
TASK_RESULTS_KEEP_DAYS = env_int("TASK_RESULTS_KEEP_DAYS", 7)
TASK_RESULTS_FAILED_KEEP_DAYS = env_int("TASK_RESULTS_FAILED_KEEP_DAYS", 30)
TASK_RESULTS_PRUNE_INTERVAL_SECONDS = env_int("TASK_RESULTS_PRUNE_INTERVAL_SECONDS", 24 * 3600)

# Deadlines: count in working days (Monday to Friday) or calendar days.
DEADLINES_WORKING_DAYS = env_bool("DEADLINES_WORKING_DAYS", False)
# Days to accept or forward a request, per legislative area code ("*" for every other area).
DEADLINES_ACCEPTANCE_DAYS = _env_json("DEADLINES_ACCEPTANCE_DAYS", {"*": 7})
# Reminders go out this many days before a deadline (comma-separated, e.g. "3,1").
DEADLINES_REMINDER_DAYS = [int(v) for v in env_list("DEADLINES_REMINDER_DAYS", "2")]
# Days a request stays overdue before the late authority's supervising coordinator is told.
DEADLINES_ESCALATION_AFTER_DAYS = env_int("DEADLINES_ESCALATION_AFTER_DAYS", 5)
DEADLINES_CHECK_INTERVAL_SECONDS = env_int("DEADLINES_CHECK_INTERVAL_SECONDS", 3600)

# --- REST API (api; see README "API" and docs/openapi.yaml) -------------------------------------
INSTALLED_APPS += ["rest_framework", "drf_spectacular", "openimi.api"]
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "openimi.api.authentication.ApiTokenAuthentication",
        "openimi.api.authentication.SessionAuthentication",  # 403 on a CSRF failure
    ],
    # The one permission class: it asks access/policy.py for the action the view declares.
    "DEFAULT_PERMISSION_CLASSES": ["openimi.api.permissions.PolicyPermission"],
    "DEFAULT_PAGINATION_CLASS": "openimi.api.pagination.Cursor",
    "PAGE_SIZE": env_int("API_PAGE_SIZE", 50),
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Counted in RATE_LIMIT_STORE (shared by every process), per client_address() or user.
    "DEFAULT_THROTTLE_CLASSES": [
        "openimi.api.throttling.AnonThrottle",
        "openimi.api.throttling.UserThrottle",
    ],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "60/minute"),
        "user": os.environ.get("API_THROTTLE_USER", "1200/minute"),
    },
    "EXCEPTION_HANDLER": "openimi.api.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "openimi.api.schema.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "openimi API",
    "DESCRIPTION": "Information requests between competent authorities, for back-office systems.",
    "VERSION": "1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "RequestStatusEnum": "openimi.exchange.workflow.State",
        "TransitionEnum": "openimi.exchange.workflow.Transition",
        # Alerts (issue 22): their choices share field names with the requests' and the
        # directory's; those keep the names they had.
        "KindEnum": "openimi.authorities.models.Authority.Kind",
        "AlertStatusEnum": "openimi.alerts.workflow.State",
        "AlertTransitionEnum": "openimi.alerts.workflow.Transition",
        "AlertRecipientStatusEnum": "openimi.alerts.workflow.RecipientState",
        "AlertKindEnum": "openimi.alerts.types.AlertType",
        "AlertUpdateKindEnum": "openimi.alerts.models.AlertUpdate.Kind",
        "AlertUpdateStatusEnum": "openimi.alerts.models.AlertUpdate.Status",
    },
}
# Longest lifetime of an API token (days); every token expires.
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365)
# Webhook deliveries: attempts (backoff as the e-mail outbox: OUTBOX_BACKOFF_*), the timeout,
# and whether URLs on loopback or private addresses are allowed (never in production: SSRF).
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)
# How long a worker holds a delivery while sending it; a killed worker's delivery is sent again
# by the webhook sweeper once this has run out (its grace and interval: OUTBOX_SWEEP_*).
WEBHOOK_SEND_LEASE_SECONDS = env_int("WEBHOOK_SEND_LEASE_SECONDS", 300)
# --- end of the REST API block ------------------------------------------------------------------

# --- Reports and onboarding (issue 6) -----------------------------------------------------------
# Word reports; a PDF of each where LibreOffice is found on PATH under this name.
INSTALLED_APPS += ["openimi.reports", "openimi.onboarding"]
REPORTS_LIBREOFFICE = os.environ.get("REPORTS_LIBREOFFICE", "libreoffice")
REPORTS_PDF_TIMEOUT_SECONDS = env_int("REPORTS_PDF_TIMEOUT_SECONDS", 60)
# Rollout table: the largest file accepted for import, and rows processed per batch when the
# users are created (the page shows the progress after each batch).
ONBOARDING_IMPORT_MAX_BYTES = env_int("ONBOARDING_IMPORT_MAX_BYTES", 2 * 1024 * 1024)
ONBOARDING_APPLY_BATCH_SIZE = env_int("ONBOARDING_APPLY_BATCH_SIZE", 25)
# --- end of the reports and onboarding block ----------------------------------------------------

# --- Daily digest (notifications; issue 5) ------------------------------------------------------
# Users who chose one daily summary get it at this hour, in TIME_ZONE (0-23).
NOTIFICATIONS_DIGEST_HOUR = env_int("NOTIFICATIONS_DIGEST_HOUR", 7)
# --- end of the daily digest block --------------------------------------------------------------

# Privacy: the personal-data access log and data-subject requests (Administration).
INSTALLED_APPS += ["openimi.privacy", "openimi.network"]
# The FAQ pages turn addresses into links (urlize): "www.example.eu" links to https.
URLIZE_ASSUME_HTTPS = True

# --- Alerts (issue 22: the second workflow, openimi.alerts) -------------------------------------
INSTALLED_APPS += ["openimi.alerts"]
# Days after an alert is closed or withdrawn before its personal data (the person, the free
# texts, the documents) is removed, per kind of alert (docs/alerts.md explains the defaults):
# the professional-qualifications alerts 3 days (Directive 2005/36/EC, Art. 56a(7): deleted
# within three days of the revoking decision or the end of the restriction), services alerts
# 180 days. ALERT_RETENTION_DAYS='{"services": 90}' changes one kind; "*" every other.
ALERT_RETENTION_DAYS = {
    "services": 180,
    "pq_health": 3,
    "pq_minors": 3,
    "pq_falsified": 3,
    **_env_json("ALERT_RETENTION_DAYS", {}),
}
# Article 56a(1)-(3): an alert is sent within this many days of the decision.
ALERT_SENDING_DEADLINE_DAYS = env_int("ALERT_SENDING_DEADLINE_DAYS", 3)
# How often the alerts' periodic job runs (alerts.tasks): it reminds the senders of live
# alerts whose restriction ended to propose closure, once per alert. Daily: the end date is a
# date, so running more often finds nothing new.
ALERT_REMINDERS_INTERVAL_SECONDS = env_int("ALERT_REMINDERS_INTERVAL_SECONDS", 24 * 3600)
# --- end of the alerts block --------------------------------------------------------------------
