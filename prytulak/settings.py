"""Prytulak settings: one file, read from the environment.

Development defaults are obviously fake; production sets the variables listed in
docs/deployment.md. SQLite is the embedded default; DATABASE_URL switches to PostgreSQL.
"""

import datetime
import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.getenv(name, default).strip().lower()
    if value not in {"true", "false", "1", "0", "yes", "no", "on", "off"}:
        raise ValueError(f"{name} must be a boolean, got {value!r}")
    return value in {"true", "1", "yes", "on"}


def envint(name: str, default: str) -> int:
    return int(os.getenv(name, default))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


def envnetworks(name: str, default: str) -> list[str]:
    """A list of IP addresses or networks (CIDR); a typo fails at start-up, not per request."""
    values = envlist(name, default)
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError as exc:
            raise ValueError(f"{name}: {value!r} is not an IP address or network") from exc
    return values


def envsecret(name: str, default: str) -> str:
    """Read a secret from NAME, or from the file named by NAME_FILE (Docker/systemd secrets)."""
    path = os.getenv(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.getenv(name, default)


SECRET_KEY = envsecret("SECRET_KEY", "---")
DEBUG = envbool("DEBUG", "false")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
SITE_URL = os.getenv("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", SITE_URL)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "prytulak.core",
    "prytulak.places",
    "prytulak.orgs",
    "prytulak.people",
    "prytulak.housing",
    "prytulak.intake",
    "prytulak.matching",
    "prytulak.audit",
    "prytulak.accounts",
    "prytulak.maps",
    "prytulak.journeys",
    "prytulak.aid",
    "prytulak.assistance",
    "prytulak.api",
    "prytulak.sheets",
    "prytulak.notify",
    "prytulak.selfservice",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "simple_history",
    "csp",
]

# Background jobs: django-tasks with its database backend. No extra server by default;
# run `manage.py db_worker` on as many machines as needed (they share the database).
# The production profile sets TASKS_BACKEND=django_tasks_rq.RQBackend: jobs go through Redis
# (REDIS_URL) and `manage.py rqworker default` runs them (docs/deployment.md).
TASKS = {
    "default": {
        "BACKEND": os.getenv("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
if "rq" in TASKS["default"]["BACKEND"].lower():
    # Only with the RQ backend: django-rq's content type otherwise breaks PostgreSQL test
    # runs that flush the database (a duplicate `django_rq.dashboard` row).
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    # While Redis is unreachable jobs wait in the database (prytulak.core.rq); the profile runs
    # `manage.py db_worker --backend fallback` beside the RQ workers.
    TASKS["fallback"] = {"BACKEND": "django_tasks_db.DatabaseBackend"}
# django-rq's queues, used only by the RQ backend; a job killed with its worker is retried
# once the worker's heartbeat has lapsed (prytulak.core.rq), never run twice at once.
RQ_QUEUES = {
    "default": {
        "URL": os.getenv("RQ_REDIS_URL", "")
        or os.getenv("REDIS_URL", "")
        or "redis://127.0.0.1:6379/0",
        "DEFAULT_TIMEOUT": envint("RQ_JOB_TIMEOUT", "3600"),
    }
}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "prytulak.core.site.CurrentRequestMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "prytulak.accounts.middleware.SessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "prytulak.urls"
WSGI_APPLICATION = "prytulak.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "prytulak" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "prytulak.core.context_processors.membership",
            ],
        },
    },
]
# Forms render with Django's Jinja2 copies of its form templates (faster, same HTML).
FORM_RENDERER = "prytulak.core.renderers.FormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL", f"sqlite:///{BASE_DIR / 'prytulak.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", "0"),
        # A persistent connection is tested before each request reuses it, so the web recovers
        # by itself after the database restarts (errors only while it is down).
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so two writers never both read "a bed is free".
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    # A file, not memory, so tests with several processes share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-prytulak.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The shared cache: rate-limit counters and the map snapshot's version. With several web
# processes it must be Redis, or each process counts on its own.
REDIS_URL = os.getenv("REDIS_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "prytulak.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            # Fail fast when Redis is down (pages still serve, see RATELIMIT_FAIL_OPEN).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses logins for a locked-out username before checking a password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff-home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
    ("be", _("Belarusian")),
    ("pl", _("Polish")),
    ("de", _("German")),
    ("lt", _("Lithuanian")),
]
LOCALE_PATHS = [BASE_DIR / "prytulak" / "locale"]
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static-collected"
STATICFILES_DIRS = [BASE_DIR / "prytulak" / "static"]
# Serve static files straight from the apps when `collectstatic` has not been run (the demo).
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.getenv(
            "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Telegram bot (optional): the token from @BotFather, the bot's username, and the secret
# Telegram sends with each webhook call (register it with setWebhook, see docs/deployment.md).
TELEGRAM_BOT_TOKEN = envsecret("TELEGRAM_BOT_TOKEN", "")
TELEGRAM_BOT_NAME = os.getenv("TELEGRAM_BOT_NAME", "prytulak_bot")
TELEGRAM_WEBHOOK_SECRET = envsecret("TELEGRAM_WEBHOOK_SECRET", "")
TELEGRAM_API_URL = os.getenv("TELEGRAM_API_URL", "https://api.telegram.org")
# Updates one chat may send; more are dropped unanswered (django-ratelimit's rate syntax).
TELEGRAM_CHAT_RATE = os.getenv("TELEGRAM_CHAT_RATE", "30/m")

# Without configuration (development, `make demo`) e-mails are written to files in sent-mail/,
# one per message batch, instead of burying the terminal; production sets the SMTP backend.
EMAIL_BACKEND = os.getenv("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = os.getenv("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
EMAIL_HOST = os.getenv("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "Prytulak <noreply@prytulak.invalid>")

# Public intake forms: how many submissions one address may make, and how long a
# confirmation link stays valid.
INTAKE_RATE = os.getenv("INTAKE_RATE", "10/h")
# Own pages of hosts and households (signed links): requests per address, refused tokens per
# address before the address is turned away altogether, and how long each kind of link lives.
LINK_RATE = os.getenv("LINK_RATE", "60/m")
LINK_REFUSED_RATE = os.getenv("LINK_REFUSED_RATE", "10/h")
LINK_DAYS = {
    "proposal": envint("LINK_PROPOSAL_DAYS", "21"),
    "offers": envint("LINK_OFFERS_DAYS", "30"),
    "household": envint("LINK_HOUSEHOLD_DAYS", "60"),
}
# SMS: "console" (the log), "file" (one line per message in SMS_FILE_PATH) or "twilio".
SMS_BACKEND = os.getenv("SMS_BACKEND", "console")
SMS_FILE_PATH = os.getenv("SMS_FILE_PATH", str(BASE_DIR / "sms-outbox.txt"))
SMS_FROM = os.getenv("SMS_FROM", "")
TWILIO_ACCOUNT_SID = os.getenv("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = envsecret("TWILIO_AUTH_TOKEN", "")
TWILIO_API_URL = os.getenv("TWILIO_API_URL", "https://api.twilio.com")
INTAKE_CONFIRM_MAX_AGE_DAYS = envint("INTAKE_CONFIRM_MAX_AGE_DAYS", "7")
# Shown to children who register without an adult: the EU child helpline and 112.
CHILD_HELPLINE = os.getenv("CHILD_HELPLINE", "116 111")
EMERGENCY_NUMBER = os.getenv("EMERGENCY_NUMBER", "112")
RATELIMIT_ENABLE = envbool("RATELIMIT_ENABLE", "true")
# While the cache (Redis) is unreachable the forms' rate limit cannot count: true lets
# submissions through (people fleeing must still reach us; lockout lives in the database),
# false refuses them until Redis is back.
RATELIMIT_FAIL_OPEN = envbool("RATELIMIT_FAIL_OPEN", "true")
RATELIMIT_VIEW = "prytulak.intake.views.rate_limited"
RATELIMIT_IP_META_KEY = "prytulak.core.client_ip.client_ip"

# Production hardening: one switch, so `manage.py check --deploy` is clean when SECURE=true.
SECURE = envbool("SECURE", "false")
SECURE_SSL_REDIRECT = SECURE
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000" if SECURE else "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "true" if SECURE else "false")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_PROXY", "false") else None
)
# The client's address behind a reverse proxy (prytulak.core.client_ip): X-Forwarded-For is
# believed only from these addresses or networks, and read from the right, skipping
# PROXY_COUNT - 1 further proxies. Empty: no proxy is trusted and the header is ignored.
TRUSTED_PROXIES = envnetworks("TRUSTED_PROXIES", "")
PROXY_COUNT = envint("PROXY_COUNT", "1")
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# The map: an OpenStreetMap tile layer when online (empty: only the offline country outlines),
# and how long the map's snapshot of offers may be reused before it is reloaded.
MAP_TILE_URL = os.getenv("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.getenv(
    "MAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors (openstreetmap.org/copyright)"
)
# The snapshot is reloaded when the offers' shared version moves (prytulak/maps/snapshot.py);
# MAP_SNAPSHOT_SECONDS is only the longest it is kept all the same (writes outside the services).
MAP_SNAPSHOT_SECONDS = envint("MAP_SNAPSHOT_SECONDS", "600")
# Lists' totals (page N of M) kept this long in the cache (prytulak.core.counts); 0 counts each
# time. The production profile sets 30: counting 100k rows is most of a list page's cost.
LIST_COUNT_CACHE_SECONDS = envint("LIST_COUNT_CACHE_SECONDS", "0")
MAP_VERSION_CHECK_SECONDS = float(os.getenv("MAP_VERSION_CHECK_SECONDS", "1"))
# Build the new snapshot in a job worker after each change (the production profile), rather
# than in each web process's background thread.
MAP_SNAPSHOT_BUILD_IN_WORKER = envbool("MAP_SNAPSHOT_BUILD_IN_WORKER", "false")


def _origin(url: str) -> list[str]:
    parts = url.split("/")
    return ["/".join(parts[:3])] if url.startswith("https://") and len(parts) > 2 else []


# Content-Security-Policy (django-csp): only our own scripts and styles, no inline code;
# images also from the tile server (and MAP_TILE_ORIGINS, e.g. for a{s}.tile… subdomains).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": [
            "'self'",
            "data:",
            *_origin(MAP_TILE_URL),
            *envlist("MAP_TILE_ORIGINS", ""),
        ],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Accounts: two-factor authentication (TOTP, django-otp) for every role that sees personal
# data; lockout after repeated failures (django-axes); idle and absolute session limits.
REQUIRE_2FA = envbool("REQUIRE_2FA", "true")
OTP_TOTP_ISSUER = os.getenv("OTP_TOTP_ISSUER", "Prytulak")
# A username is locked from one client address after LOGIN_FAILURE_LIMIT failures there, so
# nobody can lock a user out from elsewhere; an address is locked for every username after
# LOGIN_ADDRESS_FAILURE_LIMIT failures on any usernames (password spraying). The two limits
# are applied by prytulak.accounts.lockout.LockoutHandler; docs/deployment.md has the policy.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", "5")
LOGIN_ADDRESS_FAILURE_LIMIT = envint("LOGIN_ADDRESS_FAILURE_LIMIT", "20")
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "prytulak.accounts.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "prytulak.core.client_ip.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "prytulak.accounts.views.locked_out"
AXES_VERBOSE = False
SESSION_IDLE_MINUTES = envint("SESSION_IDLE_MINUTES", "60")
SESSION_MAX_HOURS = envint("SESSION_MAX_HOURS", "12")
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True  # the idle limit restarts with every request

# Personal data at rest: contact details and notes are encrypted with Fernet
# (django-fernet-encrypted-fields). The key is derived from SECRET_KEY and FIELD_ENCRYPTION_SALT;
# to rotate, put the new salt first (comma-separated list) or move the old SECRET_KEY to
# SECRET_KEY_FALLBACKS, then run `manage.py reencrypt`. docs/deployment.md has the steps.
SALT_KEY = envlist("FIELD_ENCRYPTION_SALT", "---development-salt---")
SECRET_KEY_FALLBACKS = envlist("SECRET_KEY_FALLBACKS", "")
# A separate key for the blind index (keyed hashes of phone numbers and e-mail addresses
# used to find duplicates without decrypting).
BLIND_INDEX_KEY = envsecret("BLIND_INDEX_KEY", "---")

# Retention (days): what the daily purge erases or deletes once it is this old.
RETENTION_DAYS = {
    "closed_household": envint("RETENTION_CLOSED_HOUSEHOLD_DAYS", "365"),
    "unclaimed_household": envint("RETENTION_UNCLAIMED_HOUSEHOLD_DAYS", "90"),
    "draft_offer": envint("RETENTION_DRAFT_OFFER_DAYS", "30"),
    "withdrawn_offer": envint("RETENTION_WITHDRAWN_OFFER_DAYS", "365"),
    "access_log": envint("RETENTION_ACCESS_LOG_DAYS", "730"),
    "change_history": envint("RETENTION_CHANGE_HISTORY_DAYS", "730"),
}
# Follow-up: offers lapse unless the host re-confirms; welfare check-ins after arrival.
OFFER_RECONFIRM_DAYS = envint("OFFER_RECONFIRM_DAYS", "30")
OFFER_RECONFIRM_REMINDER_DAYS = envint("OFFER_RECONFIRM_REMINDER_DAYS", "5")
# Journeys: an open journey this many hours past its expected arrival raises an alert;
# drivers see their passengers' names from this many hours before departure.
JOURNEY_LATE_HOURS = envint("JOURNEY_LATE_HOURS", "6")
DRIVER_SEES_PASSENGERS_HOURS = envint("DRIVER_SEES_PASSENGERS_HOURS", "24")
CHECKIN_DAYS_AFTER_ARRIVAL = [int(d) for d in envlist("CHECKIN_DAYS_AFTER_ARRIVAL", "3,14,42")]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"quiet_4xx": {"()": "prytulak.core.logging.QuietClientErrors"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "WARNING")},
    # Once (not also through Django's own console handler), and 403/404 without a traceback.
    "loggers": {
        "django.request": {
            "handlers": ["console"],
            "filters": ["quiet_4xx"],
            "level": "WARNING",
            "propagate": False,
        }
    },
}
