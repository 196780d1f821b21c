"""fazhi settings: one file, everything that varies read from the environment.

FAZHI_DATA_DIR   where the SQLite file, uploads and the generated secret live
DATABASE_URL     e.g. postgres://postgres@127.0.0.1:5432/fazhi (default: SQLite)
REDIS_URL        cache in Redis instead of process memory
FAZHI_S3_BUCKET  store files in S3-compatible storage (with FAZHI_S3_ENDPOINT_URL …)
FAZHI_SECRET_KEY required in production; generated into the data dir otherwise
FAZHI_DEBUG, FAZHI_HTTPS, FAZHI_ALLOWED_HOSTS, FAZHI_UPLOAD_MAX_MB
FAZHI_TRUSTED_PROXIES  reverse proxies whose X-Forwarded-For is believed
FAZHI_AUDIT_KEY (+ FAZHI_AUDIT_ANCHOR_EVERY, FAZHI_AUDIT_ANCHOR_MINUTES, FAZHI_AUDIT_SYSLOG)
                 the audit log's HMAC key and its anchor file
FAZHI_PUBLIC_VOTES_PER_HOUR, FAZHI_PUBLIC_POSTS_PER_HOUR  public 惠民实事 pages, per address
FAZHI_EMAIL_URL, FAZHI_EMAIL_FROM   where reminders are mailed (smtp://…; default: files in the data dir)
FAZHI_SMS_BACKEND (+ FAZHI_SMS_URL, FAZHI_SMS_SECRET)   the SMS gateway (log by default, or http)
FAZHI_REMINDER_DAYS  days before a deadline that reminders go out (and the day after it passed)
FAZHI_WATERMARK      viewer's name and time on previews and exported files (on by default)
FAZHI_DOC_PREFIX     the 机关代字 of the office's document numbers
FAZHI_PRODUCTION     production mode: refuses to start unless PostgreSQL, Redis, keys from the
                     environment and debug off (fazhi/lib/production.py); sessions in Redis
                     backed by the database, static files with hashed names (`make serve-prod`)
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

from fazhi.lib import clientip, env, keyfile, mailurl, production

BASE_DIR = Path(__file__).resolve().parent.parent

try:
    PRODUCTION = env.env_bool("FAZHI_PRODUCTION", False)
    DEBUG = env.env_bool("FAZHI_DEBUG", False)
    HTTPS = env.env_bool("FAZHI_HTTPS", False)
    DATA_DIR = Path(env.env_str("FAZHI_DATA_DIR", str(BASE_DIR / "data"))).resolve()
    UPLOAD_MAX_MB = env.env_int("FAZHI_UPLOAD_MAX_MB", 20, minimum=1)
    ALLOWED_HOSTS = env.env_list("FAZHI_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
    # Reverse proxies (IPs or CIDRs) whose X-Forwarded-For is believed; empty:
    # the header is ignored and REMOTE_ADDR is the client (audit/middleware.py).
    TRUSTED_PROXIES = env.env_list("FAZHI_TRUSTED_PROXIES", [])
    clientip.parse_networks(TRUSTED_PROXIES)
    AUDIT_ANCHOR_EVERY = env.env_int("FAZHI_AUDIT_ANCHOR_EVERY", 100, minimum=1)
    AUDIT_ANCHOR_MINUTES = env.env_int("FAZHI_AUDIT_ANCHOR_MINUTES", 60, minimum=1)
    AUDIT_SYSLOG = env.env_str("FAZHI_AUDIT_SYSLOG").strip()
    if AUDIT_SYSLOG and not AUDIT_SYSLOG.startswith("/"):
        _host, _, _port = AUDIT_SYSLOG.rpartition(":")
        if not _host or not _port.isdigit() or not 0 < int(_port) < 65536:
            raise ValueError(
                f"FAZHI_AUDIT_SYSLOG 应为 /dev/log 这样的套接字路径或 主机:端口，收到的是“{AUDIT_SYSLOG}”"
            )
    # Public 惠民实事 pages (/public/huimin/): per client address and hour.
    PUBLIC_VOTES_PER_HOUR = env.env_int("FAZHI_PUBLIC_VOTES_PER_HOUR", 60, minimum=1)
    PUBLIC_POSTS_PER_HOUR = env.env_int("FAZHI_PUBLIC_POSTS_PER_HOUR", 10, minimum=1)
    # Reminders (notices/reminding.py): e-mail through Django's backends from one URL
    # (fazhi/lib/mailurl.py); without it each mail is written as a file under
    # DATA_DIR/outbox, so a development machine never mails anyone.
    EMAIL_URL = env.env_str("FAZHI_EMAIL_URL").strip()
    _email = mailurl.parse_email_url(EMAIL_URL or f"file://{DATA_DIR / 'outbox'}")
    DEFAULT_FROM_EMAIL = env.env_str("FAZHI_EMAIL_FROM", "fazhi@localhost").strip()
    EMAIL_TIMEOUT = env.env_int("FAZHI_EMAIL_TIMEOUT", 10, minimum=1)
    # SMS: "log" records each text (notices/sms.py) instead of sending it; "http"
    # posts it to the provider's gateway at FAZHI_SMS_URL, signed with FAZHI_SMS_SECRET.
    SMS_BACKEND = env.env_str("FAZHI_SMS_BACKEND", "log").strip().lower()
    SMS_URL = env.env_str("FAZHI_SMS_URL").strip()
    SMS_SECRET = env.env_str("FAZHI_SMS_SECRET").strip()
    if SMS_BACKEND not in ("log", "http"):
        raise ValueError(f"FAZHI_SMS_BACKEND 应为 log 或 http，收到的是“{SMS_BACKEND}”")
    if SMS_BACKEND == "http" and (not SMS_URL.startswith(("https://", "http://")) or len(SMS_SECRET) < 16):
        raise ValueError(
            "FAZHI_SMS_BACKEND=http 时须设置 FAZHI_SMS_URL（http(s)://…）和至少 16 个字符的 FAZHI_SMS_SECRET"
        )
    SMS_LOG_FILE = DATA_DIR / "sms.log"
    # Days before a deadline on which a reminder goes out; one more goes out the day after it passed.
    try:
        REMINDER_DAYS = sorted(
            {int(d) for d in env.env_list("FAZHI_REMINDER_DAYS", ["3", "1"])}, reverse=True
        )
    except ValueError:
        raise ValueError("FAZHI_REMINDER_DAYS 应为逗号分隔的天数，例如 3,1") from None
    if any(d < 0 or d > 60 for d in REMINDER_DAYS):
        raise ValueError("FAZHI_REMINDER_DAYS 的每个天数应在 0—60 之间")
    # The address people open from a reminder's link (no trailing slash).
    SITE_URL = env.env_str("FAZHI_SITE_URL", "http://127.0.0.1:8000").strip().rstrip("/")
    if SITE_URL and not SITE_URL.startswith(("https://", "http://")):
        raise ValueError(f"FAZHI_SITE_URL 应以 http:// 或 https:// 开头，收到的是“{SITE_URL}”")
    WATERMARK = env.env_bool("FAZHI_WATERMARK", True)
    DOCUMENT_NUMBER_PREFIX = env.env_str("FAZHI_DOC_PREFIX", "江依法治办").strip() or "江依法治办"
except ValueError as exc:
    raise ImproperlyConfigured(str(exc)) from exc

if PRODUCTION and (_refusals := production.production_problems(os.environ)):
    raise ImproperlyConfigured("生产模式拒绝启动：" + "；".join(_refusals) + "。")

DATA_DIR.mkdir(parents=True, exist_ok=True)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_FILE_PATH = _email.get("EMAIL_FILE_PATH", "")
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
SERVER_EMAIL = DEFAULT_FROM_EMAIL


def _secret_key() -> str:
    key = env.env_str("FAZHI_SECRET_KEY")
    if key:
        return key
    if HTTPS and not DEBUG:
        raise ImproperlyConfigured("生产环境必须通过 FAZHI_SECRET_KEY 环境变量设置密钥")
    # Embedded set-up: a random key kept beside the data, never in the repository,
    # created 0600 and atomically (concurrent workers end with the same key).
    try:
        return keyfile.read_or_create_key(DATA_DIR / "secret_key")
    except keyfile.KeyFileError as exc:
        raise ImproperlyConfigured(str(exc)) from exc


SECRET_KEY = _secret_key()


def _audit_key() -> str:
    # The audit log's HMAC key lives outside the database (and outside every
    # backup), so database access alone cannot rewrite the log undetected.
    key = env.env_str("FAZHI_AUDIT_KEY").strip()
    if key:
        if len(key) < 32:
            raise ImproperlyConfigured(
                "FAZHI_AUDIT_KEY 至少需要 32 个字符（建议用 openssl rand -base64 48 生成）"
            )
        return key
    try:
        return keyfile.read_or_create_key(DATA_DIR / "audit.key")
    except keyfile.KeyFileError as exc:
        raise ImproperlyConfigured(str(exc)) from exc


AUDIT_KEY = _audit_key()
# One line per anchor (time, last entry, its hash, HMAC), appended beside the
# database at least every AUDIT_ANCHOR_EVERY entries or AUDIT_ANCHOR_MINUTES
# minutes and by `fazhi audit anchor`; FAZHI_AUDIT_SYSLOG also sends each line
# to syslog ("/dev/log" or "host:port" over UDP).
AUDIT_ANCHOR_FILE = DATA_DIR / "audit-anchor.log"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",  # its default AppConfig wraps the loaders so "page.html#partial" resolves
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    # Before django_tasks_db: its `db_worker` command is replaced by jobs' (heartbeat and recovery).
    "jobs",
    "django_tasks",
    "django_tasks_db",
    # fazhi
    "orgs",
    "accounts",
    "audit",
    "attachments",
    "workbench",
    "documents",
    "performance",
    "assessments",
    "provincial",
    "problems",
    "experts",
    "selections",
    "accountability",
    "notices",
    "backups",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Everything below is dynamic: never cached. CSP and X-Frame-Options come before
    # the body limit so its 413 carries them too.
    "fazhi.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything reads the body (CSRF reads request.POST): refuse it unread.
    "fazhi.middleware.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.middleware.RequestContextMiddleware",
    # Exported PDF/xlsx/docx carry the viewer's name and the time (FAZHI_WATERMARK).
    "documents.watermark.WatermarkMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",  # after messages: it tells the user why they were logged out
    # After the idle check (an idle session is gone first) and inside the header middleware
    # (its redirects and 403s carry CSP and X-Frame-Options): TOTP enrolment, forced password change.
    "accounts.middleware.LoginGateMiddleware",
    "axes.middleware.AxesMiddleware",
    # Innermost: a view's dropped database connection becomes a 503 saying nothing was saved.
    "fazhi.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "fazhi.urls"
WSGI_APPLICATION = "fazhi.wsgi.application"

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
                "csp.context_processors.nonce",
                "workbench.context_processors.navigation",
                "selections.context_processors.public_site",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

try:
    DATABASES = {
        "default": dj_database_url.config(default=f"sqlite:///{DATA_DIR / 'fazhi.sqlite3'}", conn_max_age=60)
    }
except Exception as exc:  # dj_database_url raises plain errors on a bad URL
    raise ImproperlyConfigured(f"DATABASE_URL 无法解析: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            # reads through the operating system's page cache without a copy per
            # page, and 20 MB of pages kept per connection (the default is 2 MB)
            "PRAGMA mmap_size=268435456; PRAGMA cache_size=-20000; PRAGMA temp_store=MEMORY;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = env.env_str("REDIS_URL")
if REDIS_URL:
    # Redis down → process memory for the cache and the database for sessions, with one
    # logged warning (fazhi/cache.py); short timeouts so a dead server costs little.
    CACHES = {
        "default": {
            "BACKEND": "fazhi.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 2},
            # Installations sharing one Redis keep apart (the scale-out test's own database).
            "KEY_PREFIX": env.env_str("FAZHI_CACHE_PREFIX", ""),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if PRODUCTION:
    # Sessions read from Redis and written through to the database: every app server
    # sees the same session, and one survives a Redis restart.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, with the user's role and org read with the user (one query per request)
    "accounts.backends.UserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.validators.PolicyPasswordValidator"},
    {"NAME": "accounts.validators.PasswordHistoryValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workbench:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock-out: thresholds come from the security policy the 安全管理员 edits.
AXES_FAILURE_LIMIT = "accounts.security.failure_limit"
AXES_COOLOFF_TIME = "accounts.security.cooloff_time"
AXES_LOCKOUT_CALLABLE = "accounts.security.lockout_response"
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# The failure log also drives the per-address throttle (accounts.security.address_wait_seconds).
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
# The same address as the audit log (trusted proxies only).
AXES_CLIENT_IP_CALLABLE = "audit.middleware.client_ip"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "workbench.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # nothing of the app is ever framed (previews open in a new tab)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.env_bool("FAZHI_SSL_REDIRECT", False)
    SECURE_HSTS_SECONDS = 31536000

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = DATA_DIR / "files"
MEDIA_URL = "/media/"  # never served directly: downloads go through permission-checked views

S3_BUCKET = env.env_str("FAZHI_S3_BUCKET")
if S3_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env.env_str("FAZHI_S3_ENDPOINT_URL") or None,
            "access_key": env.env_str("FAZHI_S3_ACCESS_KEY") or None,
            "secret_key": env.env_str("FAZHI_S3_SECRET_KEY") or None,
            "region_name": env.env_str("FAZHI_S3_REGION") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# Production serves what `collectstatic` wrote: compressed (gzip, brotli) under
# hashed names, which WhiteNoise sends with a year-long immutable Cache-Control.
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "fazhi.staticstorage.StaticStorage"
        if PRODUCTION
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
WHITENOISE_USE_FINDERS = not PRODUCTION
# Pages name static files through {% static %}: only the hashed copies are kept and
# compressed (half the work of collectstatic); source maps are served as they are.
WHITENOISE_KEEP_ONLY_HASHED_FILES = PRODUCTION
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

TASKS = {
    "default": {
        "BACKEND": env.env_str("FAZHI_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# A worker writes a heartbeat this often; a running job whose worker has been silent for
# FAZHI_WORKER_STALE_SECONDS is marked failed (任务执行中断) by the next worker (jobs/recovery.py).
WORKER_HEARTBEAT_SECONDS = env.env_int("FAZHI_WORKER_HEARTBEAT_SECONDS", 10)
WORKER_STALE_SECONDS = env.env_int("FAZHI_WORKER_STALE_SECONDS", 120)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.CappedLimitOffsetPagination",  # ?limit capped at 200
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.AnonThrottle",
        "api.throttling.UserThrottle",
        "api.throttling.ScopedWriteThrottle",
    ],
    # anon per client address, user per account; "token": POST /api/v1/auth/token/ per account
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "600/min", "token": "10/hour"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "fazhi API",
    "DESCRIPTION": "法治建设考评与绩效管理平台 REST API（/api/v1）。使用 Token 认证：请求头 Authorization: Token 令牌（在 /api/v1/auth/token/ 创建）。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    # Swagger UI (sidecar 2026.x) switches to a virtualised list once the expanded tags hold 150 rows
    # (tags + operations): only the rows in the viewport are drawn, so the page seemed to stop after the
    # first tag. Tags start collapsed (each opens to its operations, drawn whole) and the filter finds a tag.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "docExpansion": "none", "filter": True},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Choice sets sharing a field name (status, state, phase, severity, source) get names of
    # their own instead of hashed ones (Status3eaEnum).
    "ENUM_NAME_OVERRIDES": {
        "JobStatusEnum": "jobs.models.JobStatus",
        "AdminRoleRequestStatusEnum": "accounts.models.AdminRoleRequest.Status",
        "BudgetProjectStatusEnum": "performance.models.ProjectStatus",
        "FrameworkStatusEnum": "assessments.models.FrameworkStatus",
        "CampaignPhaseEnum": "assessments.models.Phase",
        "SelfAssessmentStatusEnum": "assessments.models.SelfAssessmentStatus",
        "ScoreStatusEnum": "assessments.models.ScoreStatus",
        "ScoreChangeSourceEnum": "assessments.models.ScoreChangeSource",
        "AppealStatusEnum": "assessments.models.AppealStatus",
        "RectificationStatusEnum": "assessments.models.RectificationStatus",
        "BonusClaimStatusEnum": "assessments.models.BonusClaimStatus",
        "ProvincialTaskStatusEnum": "provincial.models.TaskStatus",
        "ProblemSourceEnum": "problems.models.Source",
        "ProblemSeverityEnum": "problems.models.Severity",
        "ProblemStateEnum": "problems.models.STATE_CHOICES",
        "ExtensionRequestStatusEnum": "problems.models.ExtensionStatus",
        "ExpertStatusEnum": "experts.models.ExpertStatus",
        "DrawStatusEnum": "experts.models.DrawStatus",
        "AssignmentStatusEnum": "experts.models.AssignmentStatus",
        "EditionPhaseEnum": "selections.models.Phase",
        "NominationSourceEnum": "selections.models.Source",
        "PanelMemberStatusEnum": "selections.models.MemberStatus",
        "ShufaReportStateEnum": "accountability.models.ReportState",
        "FindingSeverityEnum": "accountability.models.Severity",
        "AccountabilityActionStateEnum": "accountability.models.ActionState",
        "NoticeStatusEnum": "notices.models.NoticeStatus",
        "DocumentNumberStatusEnum": "notices.models.NumberStatus",
        "ReminderStatusEnum": "notices.models.ReminderStatus",
    },
    # Every operation's error answers (api/schema.py), after the default enum hook.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
}


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"axes": {"level": "ERROR"}},
}

# Lock-out is per account: a whole bureau shares one NAT address, so locking by
# address at the account threshold would lock every colleague out after one
# person's typos. A spray over many accounts from one address is slowed by a
# separate, higher per-address limit in the log-in views (accounts.security).
# Files sent with public 惠民实事 nominations belong to this org (the office).
SELECTIONS_FILES_ORG = env.env_str("FAZHI_SELECTIONS_FILES_ORG", "440700-YFZSB")
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
