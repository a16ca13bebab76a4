"""Settings shared by every environment, read from environment variables (12-factor).

With no variables set the platform runs on its embedded default: PostgreSQL from the
``pgserver`` wheel in ``var/pgdata``, an in-process cache and Celery tasks run eagerly.
``DATABASE_URL`` and ``REDIS_URL`` switch to real servers.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

from workershome.embedded import embedded_database_url
from workershome.shard_settings import databases_for_shards, parse_shards

BASE_DIR = Path(__file__).resolve().parents[3]
VAR_DIR = Path(os.environ.get("WORKERSHOME_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me-in-production")
DEBUG = env_bool("DEBUG", False)

# A union answers at <slug>.<BASE_DOMAIN>; the federation portal at BASE_DOMAIN itself.
BASE_DOMAIN = os.environ.get("BASE_DOMAIN", "localhost")
SITE_PORT = os.environ.get("SITE_PORT", "")  # shown in links the platform prints (demo: 8000)
SITE_SCHEME = os.environ.get("SITE_SCHEME", "http")
# Custom domains of unions are checked against the registry by the tenant middleware, which
# answers unknown hosts with a 404 page; ALLOWED_HOSTS adds Django's own check on top.
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [BASE_DOMAIN, f".{BASE_DOMAIN}", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# ---------------------------------------------------------------------------------------------
# Applications. Deciding once which app lives where: moving one later is a migration project.
# ---------------------------------------------------------------------------------------------
# Each union's site, and the federation portal's, is a Wagtail site: Wagtail is in both lists.
WAGTAIL_APPS = [
    "cms",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.sites",
    "tenants.users.apps.UnionUsersAdminConfig",  # wagtail.users with platform user forms
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
]

SHARED_APPS = [
    "django_tenants",
    "tenants.registry",  # tenants/registry: the Union tenant and its domains
    "federation",  # platform/federation: districts, streets, the federation layer
    "syndication",  # platform/syndication: federation notices and policies pushed to unions' sites
    "assessment",  # platform/assessment: the yearly Workers' Home assessment (职工之家建设考核)
    "stations",  # platform/stations: street service stations and the referrals unions send them
    "reporting",  # platform/reporting: information reports (信息报送) the unions sent up
    "approvals",  # platform/approvals: upward approvals (上级审批) the unions ask their district for
    "docking",  # platform/docking: shared resources (有对接) unions and stations book from each other
    "portal_notifications",  # platform/portal_notifications: in-site notifications of the portal's staff
    "search",  # search/: search documents, the indexing pipeline, the query builder, the embedded engine
    "accounts",  # platform/accounts: one global account per person
    "tenants.users",  # tenants/users: the local User linked to an account (public and every union)
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_celery_beat",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    *WAGTAIL_APPS,
    "django_filters",
]

TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "tenants.users",
    "rest_framework.authtoken",
    "tenants.membership",  # tenants/membership: registration requests an officer approves
    "tenants.events",  # the outbox of federation events
    "tenants.notifications",  # in-site notifications; SMS and email channels
    "tenants.cases",  # the case engine: procedures (亮程序), cases, timelines
    "tenants.appeals",  # 倾听呼声: the appeal form, anonymous follow-up
    "tenants.proposals",  # 合理化建议 campaigns
    "tenants.incidents",  # 群体性事件预警
    "tenants.reception",  # 主席接待日
    "tenants.contact",  # 联系职工: frontline visits, symposiums, hotline/SMS inbound
    "tenants.committees",  # 组织建设: committees, terms, positions held by roster members
    "tenants.privacy",  # PIPL: encrypted fields, masking, the sensitive-data audit log, consent
    "tenants.hardship",  # 困难职工帮扶: household files, assistance, follow-up visits
    "tenants.referrals_out",  # 转介: cases the union refers to its station, district, the city or a sister union
    "tenants.elections",  # 民主选举: election plans, approval, secret ballot, tally, new term
    "tenants.mediation",  # 劳动争议调解: legal consultations, mediation cases, agreements (PDF)
    "tenants.congress",  # 职代会: sessions, delegates and quorum, motions and replies, resolutions, 厂务公开
    "tenants.appraisal",  # 民主评议: anonymous ratings of leaders and work, small groups suppressed
    "tenants.plans",  # 年度工作计划: the annual work plan, its items and year-end summary (label work_plans)
    "tenants.mechanisms",  # 工作机制: joint meetings, partners, activists, duties, reports, appraisal
    "tenants.counselling",  # 心理疏导: counsellors, slots, appointments, session notes, lectures
    "tenants.job_referrals",  # 技能培训推荐、职业介绍: referrals to training and jobs, outcomes
    "tenants.archives",  # 档案管理: archive items by category and year, retention, access, catalogue
    "tenants.activities",  # 文体活动: activities, sign-up, check-in, the calendar
    "tenants.training",  # 技能培训: courses, sessions, enrolment, attendance, hours, certificates
    "tenants.library",  # 职工书屋: catalogue, copies, loans, reservations
    "tenants.groups",  # 兴趣小组: interest groups, members, meetings, posts (label interest_groups)
    "tenants.rooms",  # 场地预约: booking the home's rooms (label room_booking)
    *WAGTAIL_APPS,
]

INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "registry.Union"
TENANT_DOMAIN_MODEL = "registry.Domain"
PUBLIC_SCHEMA_NAME = "public"
# New unions are made from this migrated, seeded template schema (tenants/registry/snapshot.py).
UNION_TEMPLATE_SCHEMA = "union_template"
# Spare union schemas made ahead of time from the template, so provisioning renames one instead
# of replaying the template's DDL (0 turns the pool off): tenants/registry/spares.py.
UNION_SPARE_SCHEMAS = int(os.environ.get("UNION_SPARE_SCHEMAS", "2"))
# Seconds a provisioning waits while migrate_template rebuilds the template, then refuses
# (template_rebuilding, 503): tenants/registry/locks.py.
UNION_TEMPLATE_LOCK_TIMEOUT = float(os.environ.get("UNION_TEMPLATE_LOCK_TIMEOUT", "30"))
TENANT_MULTIPROCESSING_MAX_PROCESSES = int(os.environ.get("TENANT_MIGRATE_PROCESSES", "2"))
TENANT_MULTIPROCESSING_CHUNKS = 2
SHOW_PUBLIC_IF_NO_TENANT_FOUND = False
# Set the search path only when the schema changes, not before every query (halves statements).
TENANT_LIMIT_SET_CALLS = True
# Close a connection once it has served this many union schemas (0: never), so a backend's
# catalog cache stays bounded (about 0.27 MB per union): workershome/connections.py.
DATABASE_RECYCLE_AFTER_SCHEMAS = int(os.environ.get("DATABASE_RECYCLE_AFTER_SCHEMAS", "50"))
EXTRA_SET_TENANT_METHOD_PATH = "workershome.connections.schema_switched"
DATABASE_ROUTERS = ["workershome.shards.ShardRouter", "django_tenants.routers.TenantSyncRouter"]

MIDDLEWARE = [
    # Probes and metrics answer on any host, before a union is chosen (workershome/health.py).
    "workershome.health.ProbeMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "workershome.middleware.UnionMiddleware",
    "workershome.logs.RequestLogMiddleware",
    # Per-site cache for anonymous visitors (keys carry the schema through make_key); signed-in
    # people, whose requests carry a session cookie, always get fresh pages.
    "workershome.page_cache.UpdateCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "workershome.security.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "workershome.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "federation.roles.FederationRolesMiddleware",  # a portal user's federation roles, read once per request
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",
    "workershome.page_cache.FetchFromCacheMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]
# Anonymous pages may be this many seconds old after a publish (0 turns the page cache off).
CACHE_MIDDLEWARE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "60"))
CACHE_MIDDLEWARE_KEY_PREFIX = "page"

ROOT_URLCONF = "workershome.urls_tenant"
PUBLIC_SCHEMA_URLCONF = "workershome.urls_public"
WSGI_APPLICATION = "workershome.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "platform" / "workershome" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "workershome.context_processors.platform",
            ],
        },
    },
]

# ---------------------------------------------------------------------------------------------
# Database: DATABASE_URL, or the embedded PostgreSQL from the pgserver wheel.
# ---------------------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or embedded_database_url(VAR_DIR / "pgdata")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
# django-tenants' backend that can follow a union to another database (workershome/db, shards.py).
DATABASES["default"]["ENGINE"] = "workershome.db"
# Unions on more databases than this one (docs/scaling.md): "shard1=postgres://…,shard2=postgres://…".
# The directory (this database) keeps the registry, accounts and facts; ``Union.database`` names
# the alias each union's schema lives in.
DATABASE_SHARDS = parse_shards(os.environ.get("DATABASE_SHARDS", ""))
DATABASES.update(databases_for_shards(DATABASES["default"], DATABASE_SHARDS))
# The database new unions are made in (``default`` or a shard's alias).
UNION_NEW_DATABASE = os.environ.get("UNION_NEW_DATABASE", "default")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------------------------------------
# Cache, sessions, Celery.
# ---------------------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "wh"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        }
    }

# Sessions live in each schema's own table; cookies are host-only (no parent-domain cookie),
# so a session of union A is neither sent to nor valid on union B or the portal.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "memory://localhost/")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", REDIS_URL or "cache+memory://")
# Without a broker the embedded default runs tasks in process.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Reminders that matter are periodic tasks that read the data (never scheduled one-offs).
# Each entry fans out to every active union (workershome/periodic.py).
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "cases-escalate-overdue": {"task": "tenants.cases.tasks.cases_escalate_overdue_all", "schedule": 15 * 60},
    # Inbound hotline/SMS nonces older than the timestamp window can never be replayed: drop them.
    "inbound-nonces-prune": {"task": "tenants.contact.tasks.inbound_nonces_prune_all", "schedule": 60 * 60},
    # A warning is never lost: sweep every union's outbox for events left undelivered.
    "outbox-deliver": {"task": "tenants.events.tasks.outbox_deliver_all", "schedule": 60},
    # The home checklist reported to the federation daily, for the assessment (职工之家建设考核).
    "home-checklist-count": {"task": "cms.tasks.home_checklist_count_all", "schedule": 24 * 60 * 60},
    # The assessment's open rounds recomputed from the facts every night.
    "assessment-compute": {"task": "assessment.tasks.assessment_rounds_compute", "schedule": 24 * 60 * 60},
    # Re-send unacknowledged warnings to the district, escalating to the city (public schema).
    "inbox-warnings-resend": {"task": "federation.tasks.inbox_warnings_resend", "schedule": 60},
    # Committee terms: renewal reminders 6/3/1 months before the end, overdue terms reported (daily).
    "committee-terms-check": {
        "task": "tenants.committees.tasks.committee_terms_check_all",
        "schedule": 24 * 60 * 60,
    },
    # 年度工作计划: the January reminder when this year's plan is missing, overdue items (daily).
    "work-plans-check": {
        "task": "tenants.plans.tasks.work_plans_check_all",
        "schedule": crontab(hour=8, minute=30),
    },
    # 职代会: motion replies due soon / overdue, and the yearly session check (daily).
    "congress-check": {
        "task": "tenants.congress.tasks.congress_check_all",
        "schedule": crontab(hour=8, minute=40),
    },
    # 民主评议: a closed round reported to the federation once, with how many took part (hourly).
    "appraisal-rounds-closed": {
        "task": "tenants.appraisal.tasks.appraisal_rounds_closed_report_all",
        "schedule": 60 * 60,
    },
    # 帮扶对象回访: reminders of follow-up visits due and `followup.overdue` events, every union.
    "hardship-followups-scan": {"task": "tenants.hardship.tasks.followups_scan_all", "schedule": 60 * 60},
    # 服务站转介: overdue referrals escalated to the district; union records re-synced if a task was lost.
    "stations-referrals-escalate": {"task": "stations.tasks.referrals_escalate", "schedule": 60 * 60},
    # 资源共享: repeat a booking notice whose task was lost; mark ended bookings used; close lapsed requests.
    "docking-bookings-tell": {"task": "docking.tasks.bookings_tell_sweep", "schedule": 15 * 60},
    # The portal staff's read notifications deleted after PORTAL_NOTIFICATIONS_KEEP_READ_DAYS (daily, public).
    "portal-notifications-purge": {
        "task": "portal_notifications.tasks.portal_notifications_purge",
        "schedule": crontab(hour=3, minute=20),
    },
    "referrals-out-sync": {
        "task": "tenants.referrals_out.tasks.referrals_sync_sweep_all",
        "schedule": 15 * 60,
    },
    # 民主选举: close online ballots whose time is up; apply district decisions whose task was lost.
    "elections-sweep": {"task": "tenants.elections.tasks.elections_sweep_all", "schedule": 5 * 60},
    "mediation-limits-scan": {
        "task": "tenants.mediation.tasks.mediation_limits_scan_all",
        "schedule": 60 * 60,
    },
    # Activities that started have their sign-ups counted; those that ended are marked held (once).
    "activities-mark-held": {
        "task": "tenants.activities.tasks.activities_mark_held_all",
        "schedule": 10 * 60,
    },
    # 心理疏导: appointment reminders a day before, and counselling lectures held counted (once each).
    "counselling-periodic": {
        "task": "tenants.counselling.tasks.counselling_periodic_all",
        "schedule": 15 * 60,
    },
    # 职业介绍: reminders of referral follow-ups due (once per due date), hourly.
    "job-referrals-follow-ups": {
        "task": "tenants.job_referrals.tasks.referral_follow_ups_remind_all",
        "schedule": 60 * 60,
    },
    # 职工书屋: overdue reminders (one per loan per day) and uncollected holds passed on, at 9:00 daily.
    "library-daily": {
        "task": "tenants.library.tasks.library_daily_all",
        "schedule": crontab(hour=9, minute=0),
    },
    # 档案管理: last year's and this year's archive coverage reported upward (only when it changed).
    "archives-years-report": {
        "task": "tenants.archives.tasks.archive_years_report_all",
        "schedule": crontab(hour=2, minute=30),
    },
    # Search: indexing kept while the engine was down, applied once it answers (public schema).
    "search-pending-sweep": {"task": "search.tasks.search_pending_sweep", "schedule": 5 * 60},
}
# Sensitive personal data (PIPL, tenants/privacy): comma-separated Fernet keys; the first
# encrypts, all decrypt (put a new key first to rotate). Only dev.py and test.py have a default;
# production refuses to start without it.
SENSITIVE_DATA_KEYS = os.environ.get("SENSITIVE_DATA_KEYS", "")
# 帮扶对象回访: months between follow-up visits by tier (a union may change them in its admin).
HARDSHIP_FOLLOWUP_MONTHS = {"deep": 1, "relative": 3, "sudden": 3}
# A household that left the file and falls back within this many months warns the chairman; so
# does a post-exit visit finding a monthly income per head below the line (yuan).
HARDSHIP_FALLBACK_MONTHS = int(os.environ.get("HARDSHIP_FALLBACK_MONTHS", "12"))
HARDSHIP_INCOME_LINE = os.environ.get("HARDSHIP_INCOME_LINE", "1450")
# One grant larger than this is refused as a typing error (yuan).
HARDSHIP_MAX_AMOUNT = int(os.environ.get("HARDSHIP_MAX_AMOUNT", "200000"))
# Collective-incident warnings: re-sent every N minutes until acknowledged, and escalated to the
# city administrators after M re-sends.
INCIDENT_WARNING_RESEND_MINUTES = int(os.environ.get("INCIDENT_WARNING_RESEND_MINUTES", "10"))
INCIDENT_WARNING_ESCALATE_AFTER = int(os.environ.get("INCIDENT_WARNING_ESCALATE_AFTER", "3"))
# The portal staff's in-site notifications: read ones are deleted after this many days.
PORTAL_NOTIFICATIONS_KEEP_READ_DAYS = int(os.environ.get("PORTAL_NOTIFICATIONS_KEEP_READ_DAYS", "180"))
# Tests only: an advisory-lock key the outbox delivery waits on (tenants/events/delivery.py).
OUTBOX_TEST_BARRIER = (
    int(os.environ["OUTBOX_TEST_BARRIER"]) if os.environ.get("OUTBOX_TEST_BARRIER") else None
)

# ---------------------------------------------------------------------------------------------
# Identity.
# ---------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Only for the activity sign-in of workers of other unions (needs an ``activity`` credential).
    "tenants.activities.backends.ActivityVisitorBackend",
    "accounts.backends.AccountBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# django-axes: lock a mobile number after repeated failures, wherever they happened.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
# Per mobile number, not per IP: many workers share one workplace NAT address, and rotating IPs
# cannot get around a lock on the number itself.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_CALLABLE = "accounts.backends.axes_username"
AXES_VERBOSE = False

# Pluggable senders: one-time codes go out by SMS or email.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "accounts.sms.ConsoleSmsBackend")
NOTIFICATION_CHANNELS = {
    "site": "tenants.notifications.channels.SiteChannel",
    "sms": "tenants.notifications.channels.SmsChannel",
    "email": "tenants.notifications.channels.EmailChannel",
}
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@workershome.local")
ONE_TIME_CODE_TTL = 600  # seconds

# ---------------------------------------------------------------------------------------------
# Internationalisation: Chinese first.
# ---------------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", "简体中文")]

# ---------------------------------------------------------------------------------------------
# Static and media. Media of each union lives under its own schema-named prefix.
# ---------------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "platform" / "workershome" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Behind nginx (deploy/nginx.conf): authorised media is handed over with X-Accel-Redirect to
# this internal location instead of being streamed through Python.
MEDIA_X_ACCEL_PREFIX = os.environ.get("MEDIA_X_ACCEL_PREFIX", "")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# ---------------------------------------------------------------------------------------------
# Wagtail.
# ---------------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "职工之家"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", f"{SITE_SCHEME}://{BASE_DOMAIN}")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False  # one password everywhere, changed on the account
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = False
# Documents are served through Wagtail's view, which honours collection and page privacy; their
# content must match their extension (cms/media.py).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "cms.media.UnionDocumentForm"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]

# ---------------------------------------------------------------------------------------------
# REST API.
# ---------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated call then gets 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": "120/min", "user": "600/min"},
    # Behind a reverse proxy, how many proxies append to X-Forwarded-For: throttles then use the
    # client's address and cannot be dodged with a forged header (docs/operations.md).
    "NUM_PROXIES": int(os.environ["NUM_PROXIES"]) if os.environ.get("NUM_PROXIES") else None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "职工之家平台 API / Workers' Home platform API",
    "DESCRIPTION": "REST API of the Workers' Home platform. Errors carry a machine-readable "
    "`code` and a message in Chinese and English.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["api.schema.only_platform_api"],
    # One name per choice set that several endpoints share (otherwise drf-spectacular invents
    # hashed names such as Kind20fEnum and warns, which fails `check --deploy`).
    "ENUM_NAME_OVERRIDES": {
        "CaseKindEnum": "tenants.cases.kinds.CaseKind",
        "CasePriorityEnum": "tenants.cases.models.Case.Priority",
        "CaseStatusEnum": "tenants.cases.models.Case.Status",
        "AppealCategoryEnum": "tenants.cases.kinds.APPEAL_CATEGORIES",
        "IncidentCategoryEnum": "tenants.incidents.choices.IncidentCategory",
        "ActivityKindEnum": "tenants.activities.models.ActivityKind",
        "ActivityStatusEnum": "tenants.activities.models.Activity.Status",
        "SignupStatusEnum": "tenants.activities.models.ActivitySignup.Status",
        "RoomKindEnum": "cms.models.RoomKind",
        "GroupKindEnum": "tenants.groups.models.GroupKind",
        "RoomBookingStatusEnum": "tenants.rooms.models.RoomBooking.Status",
        "CourseCategoryEnum": "tenants.training.models.CourseCategory",
        "CourseSourceEnum": "tenants.training.models.Course.Source",
        "LibraryClassEnum": "tenants.library.models.LibraryClass",
        "PositionRoleEnum": "tenants.committees.models.Position.Role",
        "HardshipKindEnum": "tenants.hardship.models.HardshipKind",
        "HardshipFileStatusEnum": "tenants.hardship.models.HardshipFile.Status",
        "AssistanceSourceEnum": "tenants.hardship.models.AssistanceRecord.Source",
        "FollowUpMethodEnum": "tenants.hardship.models.FollowUpVisit.Method",
        "CounsellingAppointmentStatusEnum": "tenants.counselling.models.Appointment.Status",
        "ReferralKindEnum": "tenants.job_referrals.models.Referral.Kind",
        "ReferralOutcomeEnum": "tenants.job_referrals.models.Referral.Outcome",
        "MediationClaimKindEnum": "tenants.mediation.models.ClaimKind",
        "ConsultationChannelEnum": "tenants.mediation.models.Consultation.Channel",
        "ChannelEnum": "tenants.cases.models.Case.Channel",  # the name it had before consultations
        "ConsultationStatusEnum": "tenants.mediation.models.Consultation.Status",
        "MediationCaseStatusEnum": "tenants.mediation.models.MediationCase.Status",
        "MediationOutcomeEnum": "tenants.mediation.models.MediationCase.Outcome",
        "MediationReferralTargetEnum": "tenants.mediation.models.MediationCase.ReferralTarget",
        "MediationRespondentKindEnum": "tenants.mediation.models.MediationCase.RespondentKind",
        "ArchiveCategoryEnum": "tenants.archives.models.ArchiveCategory",
        "ArchiveKindEnum": "tenants.archives.models.ArchiveKind",
        "ArchiveRetentionEnum": "tenants.archives.models.Retention",
        "ArchiveAccessEnum": "tenants.archives.models.AccessLevel",
        "ArchiveBundleStatusEnum": "tenants.archives.models.ArchiveBundle.Status",
        "CongressSessionStatusEnum": "tenants.congress.models.CongressSession.Status",
        "MotionStatusEnum": "tenants.congress.models.Motion.Status",
        "MotionReviewDecisionEnum": "tenants.congress.services.REVIEW_DECISION_CHOICES",
        "SatisfactionEnum": "tenants.congress.models.Satisfaction",  # also 民主评议's ratings (same values)
        "ResolutionMethodEnum": "tenants.congress.models.Resolution.Method",
        "DisclosureCategoryEnum": "tenants.congress.models.DisclosureItem.Category",
        "AppraisalSubjectKindEnum": "tenants.appraisal.models.AppraisalSubject.Kind",
        "ElectionMethodEnum": "tenants.elections.models.ElectionPlan.Method",
        "ElectionPlanStatusEnum": "tenants.elections.models.ElectionPlan.Status",
        "ElectionMajorityBaseEnum": "tenants.elections.models.ElectionPlan.MajorityBase",
        "TermYearsEnum": "tenants.committees.models.Term.Years",
        "PlanItemCategoryEnum": "tenants.plans.models.PlanItem.Category",
        "PlanItemStatusEnum": "tenants.plans.models.PlanItem.Status",
        "InfoReportCategoryEnum": "tenants.mechanisms.models.InfoReport.Category",
        "StaffAppraisalRatingEnum": "tenants.mechanisms.models.StaffAppraisal.Rating",
        "PartnerServiceEnum": "tenants.mechanisms.models.PartnerOrganisation.Service",
        "ReferralStatusEnum": "stations.models.ReferralStatus",  # 转介: every level and sister unions
        "ReferralReceiverKindEnum": "stations.models.ReceiverKind",
        "ReferralDifficultyEnum": "stations.models.Difficulty",
        "ReferralSharedItemEnum": "tenants.referrals_out.models.SharedItem",
        "SharedResourceKindEnum": "docking.models.ResourceKind",
        "BookingStatusEnum": "docking.models.BookingStatus",
        "PortalNotificationKindEnum": "portal_notifications.models.NotificationKind",
    },
}

# One line per record, with the union on each; JSON in production (LOG_FORMAT=json), where the
# log collector parses it. Messages are scrubbed of anything that looks personal (logs.py).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "union": {"()": "workershome.logs.UnionFilter"},
        "personal_data": {"()": "workershome.logs.PersonalDataFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(union)s] %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": ["asctime", "levelname", "name", "union", "message"],
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "timestamp": False,
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["union", "personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.server": {"level": "WARNING"},  # the access log is workershome.access
        "axes": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},  # its INFO lines narrate every PDF it lays out
        "fontTools": {"level": "WARNING"},
        "elastic_transport": {"level": "WARNING"},  # its INFO lines log every request to the search engine
    },
}

# Search (issue: search): the cluster's address; empty means no cluster (readiness skips it).
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
# /metrics answers only with "Authorization: Bearer <METRICS_TOKEN>"; empty turns it off.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")

# Content security policy (django-csp): no inline script on the sites, no third-party origin
# anywhere (no CDN, by design). Wagtail's admin and the API docs need inline scripts: the
# middleware allows them on those paths only (workershome/security.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
