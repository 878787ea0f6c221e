"""Settings for PropDesk, every value from the environment with a safe default (12-factor).

- ``DATABASE_URL``: defaults to an SQLite file under ``var/`` in WAL mode, so a laptop needs
  nothing else; point it at PostgreSQL (``postgres://user@host:5432/db``) for a group.
- ``SECRET_KEY``: generated once into ``var/secret_key`` when unset; never committed.
- ``DEBUG``, ``ALLOWED_HOSTS`` (comma separated), ``PROPDESK_VAR_DIR``.
- ``PUBLIC_URL``: the address residents reach the site at (the links sent to them).
- HTTPS: ``SECURE_SSL_REDIRECT``, ``SECURE_HSTS_*``, ``SESSION_COOKIE_SECURE``,
  ``CSRF_COOKIE_SECURE``, ``SECURE_PROXY_SSL_HEADER`` (README: the deployment section).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PROPDESK_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """The key from the environment, else one generated into var/ on first run."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
# The key that seals secrets stored in the database (core/sealed.py: providers' AccessKey
# secrets, AppSecrets, robot keys); SECRET_KEY when unset. Older keys, comma-separated, are
# still accepted for reading while `propdesk reseal_secrets` seals everything with the new one.
SEALING_KEY = os.environ.get("SEALING_KEY", "")
SEALING_KEY_FALLBACKS = [
    k.strip() for k in os.environ.get("SEALING_KEY_FALLBACKS", "").split(",") if k.strip()
]
DEBUG = _env_bool("DEBUG", False)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
#: Where residents reach this site: the survey links sent to them start with it.
PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://localhost:8000").strip().rstrip("/")
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

# HTTPS (README: the deployment section): all off by default, so `make run` and a laptop work
# over plain HTTP; a site served over HTTPS turns them on from the environment.
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = _env_bool("CSRF_COOKIE_SECURE", False)
#: Behind a proxy that ends TLS: the header it sets to "https" (e.g. X-Forwarded-Proto). Only
#: set it when the proxy always sets or strips that header, or a client could claim HTTPS.
if _proxy_header := os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip():
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves its own Swagger UI assets: no CDN on an intranet
    "csp",
    "django_tasks",
    "django_tasks_db",
    "propdesk.core",
    "propdesk.org",
    "propdesk.residents",
    "propdesk.worktime",
    "propdesk.tickets",
    "propdesk.sla",
    "propdesk.callbacks",
    "propdesk.notify",
    "propdesk.hotissues",
    "propdesk.surveys",
    "propdesk.knowledge",
    "propdesk.casework",
    "propdesk.improvement",
    "propdesk.search",
    "propdesk.suggest",
    "propdesk.stats",
    "propdesk.console",
    "propdesk.portal",
    "propdesk.demo",
    # The admin's import/export pages (residents/admin_import.py). After PropDesk's apps: its
    # `import` and `export` commands must not hide `propdesk import company` / `export company`
    # (the first app in this list that has a command name wins).
    "import_export",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Static assets (admin, API docs, console) served by the app itself: no CDN, no extra
    # web server needed behind gunicorn; run `propdesk collectstatic` when deploying.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "propdesk.core.middleware.ApiMethodNotAllowed",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Content-Security-Policy (django-csp) on every page: scripts and styles only from this site's
# own files, never inline (no inline script, style block, style attribute or on… handler in a
# template: behaviour lives in static/*.js, looks in static/*.css). data: images are Bootstrap's
# and Swagger UI's built-in icons; ECharts draws on canvas.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF],
        "img-src": [csp.SELF, "data:", "blob:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}

ROOT_URLCONF = "propdesk.urls"
WSGI_APPLICATION = "propdesk.wsgi.application"
ASGI_APPLICATION = "propdesk.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project-wide overrides (the admin's look) come before the apps' own templates.
        "DIRS": [BASE_DIR / "propdesk" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "propdesk.console.context.console",
            ],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'propdesk.sqlite3'}"
    config = dj_database_url.parse(url, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Django's SQLite backend, keeping the append-only triggers of ticket events and the
        # audit log through a flush and a table rebuild (core/append_only.py).
        config["ENGINE"] = "propdesk.core.db.sqlite3"
        # Tests in memory, as Django does for SQLite; said outright because pytest-django
        # recognises SQLite by the engine's name and would otherwise name a file per worker.
        config["TEST"] = {"NAME": ":memory:"}
        # WAL lets the web server and a worker read while one writes; IMMEDIATE takes the
        # write lock at BEGIN so two writers queue up instead of failing half-way.
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    else:
        config["CONN_HEALTH_CHECKS"] = True
        # PostgreSQL's default random_page_cost (4) prices an index lookup for a spinning
        # disk, so at a million tickets it scans whole tables where an index answers in a
        # tenth of the time (benchmarks/results/latest.md). 1.1 is the usual value for SSDs;
        # PG_RANDOM_PAGE_COST="" leaves the server's own setting.
        # A pooler in transaction mode (PgBouncer) refuses startup options: set it empty
        # there and use ALTER DATABASE … SET random_page_cost = 1.1 instead.
        cost = os.environ.get("PG_RANDOM_PAGE_COST", "1.1").strip()
        if cost:
            try:
                value = float(cost)
            except ValueError:
                raise ImproperlyConfigured(
                    f"PG_RANDOM_PAGE_COST must be a number (or empty), not {cost!r}"
                ) from None
            options = config.setdefault("OPTIONS", {})
            given = options.get("options", "")
            options["options"] = f"{given} -c random_page_cost={value}".strip()
        # Server-side binding lets psycopg prepare an INSERT (or a one-row UPDATE) that a
        # connection has run this many times: PostgreSQL then skips parsing and planning it
        # (registration writes a dozen rows; planning was a third of the database's work per
        # registration at a million tickets). SELECTs are not prepared: see core/pgcursor.py.
        # PgBouncer in transaction mode keeps prepared statements only from 1.21 on, with
        # max_prepared_statements set: otherwise PG_PREPARE_THRESHOLD="" there.
        threshold = os.environ.get("PG_PREPARE_THRESHOLD", "5").strip()
        if threshold:
            if not threshold.isdigit():
                raise ImproperlyConfigured(
                    f"PG_PREPARE_THRESHOLD must be a whole number (or empty), not {threshold!r}"
                )
            from propdesk.core.pgcursor import PreparedWritesCursor

            config.setdefault("OPTIONS", {}).update(
                server_side_binding=True,
                prepare_threshold=int(threshold),
                cursor_factory=PreparedWritesCursor,
            )
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "propdesk.org.passwords.MinimumLength"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "propdesk" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns about a missing directory
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
#: Where ``propdesk backup`` writes its archives unless told ``--output`` (README "Backup and
#: restore"); never under MEDIA_ROOT, which is served to the web.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", VAR_DIR / "backups"))
#: Company files uploaded on the import page (residents.models.CompanyImport), kept as the record
#: of what was imported; like backups, never under MEDIA_ROOT. Web and workers must share it.
IMPORT_DIR = Path(os.environ.get("IMPORT_DIR", VAR_DIR / "imports"))

LOGIN_URL = "/login/"
#: How long a first-login link stays good (org/first_login.py: staff created by an import, or
#: without a password, set their own). Django's password-reset tokens, which it is made of,
#: read this setting; PropDesk has no other use of them.
FIRST_LOGIN_DAYS = int(os.environ.get("FIRST_LOGIN_DAYS", "7"))
PASSWORD_RESET_TIMEOUT = FIRST_LOGIN_DAYS * 24 * 3600
# Failed logins at every way in (console, admin, API token; org.logins): this many wrong
# passwords in a row lock the account, this many failures from one address within the lockout
# period lock the address (a call centre behind one NAT address shares it), for this long.
LOGIN_FAILURES_PER_USER = int(os.environ.get("LOGIN_FAILURES_PER_USER", "5"))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "30"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
#: Proxies in front that append the client's address to X-Forwarded-For (0: none, the
#: connection's own address counts). Never more than there are, or a client picks its address.
NUM_PROXIES = int(os.environ.get("NUM_PROXIES", "0"))

# Background work: Django's Tasks API (django-tasks backport) on the database backend, so a
# timer is a row written in the same transaction as the business change that set it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Notifications (SPEC §10): outbox delivery through pluggable providers.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))  # None could hang a worker
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "PropDesk <noreply@localhost>")
NOTIFY_PROVIDERS = {
    "in_app": "propdesk.notify.providers.InAppProvider",
    "email": os.environ.get("NOTIFY_EMAIL_PROVIDER", "propdesk.notify.providers.EmailProvider"),
    "sms": os.environ.get("NOTIFY_SMS_PROVIDER", "propdesk.notify.providers.LoggingProvider"),
    "wechat": os.environ.get("NOTIFY_WECHAT_PROVIDER", "propdesk.notify.providers.LoggingProvider"),
    "wecom": os.environ.get("NOTIFY_WECOM_PROVIDER", "propdesk.notify.providers.LoggingProvider"),
}
NOTIFY_MAX_ATTEMPTS = int(os.environ.get("NOTIFY_MAX_ATTEMPTS", "24"))
# The lease of a message being sent (seconds): a killed worker's messages go out again after it.
NOTIFY_SENDING_TIMEOUT = int(os.environ.get("NOTIFY_SENDING_TIMEOUT", "60"))
# One call to an SMS, WeCom or WeChat gateway may take this long (well inside the lease).
NOTIFY_PROVIDER_TIMEOUT = float(os.environ.get("NOTIFY_PROVIDER_TIMEOUT", "10"))
# Where the gateways are (companies configure their accounts in the admin); tests and private
# endpoints change them.
NOTIFY_ALIYUN_SMS_ENDPOINT = os.environ.get(
    "NOTIFY_ALIYUN_SMS_ENDPOINT", "https://dysmsapi.aliyuncs.com"
)
NOTIFY_TENCENT_SMS_ENDPOINT = os.environ.get(
    "NOTIFY_TENCENT_SMS_ENDPOINT", "https://sms.tencentcloudapi.com"
)
NOTIFY_WECOM_WEBHOOK_URL = os.environ.get(
    "NOTIFY_WECOM_WEBHOOK_URL", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"
)
NOTIFY_WECHAT_API_URL = os.environ.get("NOTIFY_WECHAT_API_URL", "https://api.weixin.qq.com")
# A task row RUNNING longer than this (seconds) on another host is taken as its worker's death.
TASK_RUNNING_LIMIT = int(os.environ.get("TASK_RUNNING_LIMIT", str(6 * 3600)))
NOTIFY_POLL_SECONDS = int(os.environ.get("NOTIFY_POLL_SECONDS", "60"))
NOTIFY_MESSAGE_ID_DOMAIN = os.environ.get("NOTIFY_MESSAGE_ID_DOMAIN", "")

# Attachments (SPEC §3): photos, video, audio and documents, within these limits.
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024)))
ATTACHMENT_MAX_PER_TICKET = int(os.environ.get("ATTACHMENT_MAX_PER_TICKET", "20"))
DATA_UPLOAD_MAX_MEMORY_SIZE = ATTACHMENT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Company workbooks (residents.onboarding, SPEC §2): a file larger than this is refused before
# it is read. 100 MiB holds a group of about 500,000 residents as .xlsx.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(100 * 1024 * 1024)))

# The resident portal (SPEC §12, portal/): sign-in codes by SMS, and the window in which a
# resident may still confirm or reject a result.
PORTAL_CODE_MINUTES = int(os.environ.get("PORTAL_CODE_MINUTES", "5"))
PORTAL_CODE_TRIES = int(os.environ.get("PORTAL_CODE_TRIES", "5"))
PORTAL_CODES_PER_PHONE_MINUTE = int(os.environ.get("PORTAL_CODES_PER_PHONE_MINUTE", "1"))
PORTAL_CODES_PER_PHONE_HOUR = int(os.environ.get("PORTAL_CODES_PER_PHONE_HOUR", "5"))
#: One address may ask codes for this many phones an hour (a building's shared Wi-Fi is one).
PORTAL_CODES_PER_ADDRESS_HOUR = int(os.environ.get("PORTAL_CODES_PER_ADDRESS_HOUR", "20"))
# Handling plans (casework/rules.py): compensation over this many yuan needs the region
# company's approval as well as the project manager's.
PLAN_REGION_AMOUNT = os.environ.get("PLAN_REGION_AMOUNT", "5000")
# Compensation claims (casework/claims_rules.py): up to the first, the project manager approves;
# up to the second, the region company too; above, HQ as well (yuan).
CLAIM_MANAGER_LIMIT = os.environ.get("CLAIM_MANAGER_LIMIT", "2000")
CLAIM_REGION_LIMIT = os.environ.get("CLAIM_REGION_LIMIT", "20000")
PORTAL_CONFIRM_DAYS = int(os.environ.get("PORTAL_CONFIRM_DAYS", "7"))
PORTAL_SESSION_DAYS = int(os.environ.get("PORTAL_SESSION_DAYS", "30"))
# WeChat Official Account sign-in (OAuth snsapi_base): empty WECHAT_APP_ID switches it off.
WECHAT_APP_ID = os.environ.get("WECHAT_APP_ID", "")
WECHAT_APP_SECRET = os.environ.get("WECHAT_APP_SECRET", "")
WECHAT_OAUTH_AUTHORIZE_URL = os.environ.get(
    "WECHAT_OAUTH_AUTHORIZE_URL", "https://open.weixin.qq.com/connect/oauth2/authorize"
)
WECHAT_API_BASE = os.environ.get("WECHAT_API_BASE", "https://api.weixin.qq.com").rstrip("/")
WECHAT_TIMEOUT = int(os.environ.get("WECHAT_TIMEOUT", "5"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
