"""Production settings: every server named in the environment, nothing embedded, HTTPS only.

A missing or unusable required setting stops start-up with one line on stderr naming it (exit
status 2), before anything else is loaded: the pod never serves half-configured.
"""

import os
import sys

_DEV_SECRET = "dev-only-insecure-key-change-me-in-production"
_REQUIRED = {
    "SECRET_KEY": (
        lambda value: len(value) >= 50 and value != _DEV_SECRET,
        "a random string of at least 50 characters",
    ),
    "DATABASE_URL": (
        lambda value: value.startswith(("postgres://", "postgresql://")),
        "postgres://user@host/db",
    ),
    "REDIS_URL": (lambda value: value.startswith(("redis://", "rediss://")), "redis://host:6379/0"),
    "BASE_DOMAIN": (
        lambda value: "." in value and "/" not in value,
        "the platform's domain, e.g. ghzj.example.cn",
    ),
    "SENSITIVE_DATA_KEYS": (
        lambda value: all(_is_fernet_key(key) for key in value.split(",")),
        "comma-separated Fernet keys, the first encrypts: see docs/operations.md",
    ),
}


def _is_fernet_key(key: str) -> bool:
    import base64
    import binascii

    try:
        return len(base64.urlsafe_b64decode(key.strip().encode())) == 32
    except (binascii.Error, ValueError):
        return False


def _stop(name: str, problem: str, hint: str) -> None:
    sys.stderr.write(f"配置错误 / configuration error: {name} {problem} ({hint})\n")
    raise SystemExit(2)


for _name, (_valid, _hint) in _REQUIRED.items():
    _value = os.environ.get(_name, "")
    if not _value:
        _stop(_name, "is not set", _hint)
    if not _valid(_value):
        _stop(_name, "is not valid", _hint)

os.environ.setdefault("LOG_FORMAT", "json")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"

from .base import *

DEBUG = False
SITE_SCHEME = "https"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", f"https://{BASE_DOMAIN}")

# Hosts: a union answers at <slug>.BASE_DOMAIN and at the custom domains in its registry, which
# change without a deploy. The tenant middleware (first after the probes) answers any host that
# is not in the registry with the unknown-host page before anything reads the host, so the
# registry is the allow-list; Django's own list would have to be redeployed for every custom
# domain. ALLOWED_HOSTS can still narrow it (e.g. to the wildcard only).
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["*"])

# HTTPS, terminated at the ingress, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True  # every union is a subdomain, all on HTTPS
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"  # Wagtail's preview frames the site on the same host
SILENCED_SYSTEM_CHECKS = [
    *SILENCED_SYSTEM_CHECKS,
    # X-Frame-Options SAMEORIGIN, not DENY: Wagtail's live preview frames the page it edits.
    "security.W019",
    # HSTS preload is a commitment for the whole domain, all subdomains, for good: the operator
    # opts in with SECURE_HSTS_PRELOAD=true once every host is HTTPS only.
    "security.W021",
]

# Cookies: secure, and host-only by the __Host- prefix, which the browser enforces (no Domain
# attribute can be set), so one union's session never reaches another union's host.
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-session"
CSRF_COOKIE_NAME = "__Host-csrftoken"

# Database: fail fast when the server is unreachable, instead of hanging a worker.
# The same for every database: the directory, its second connection and the shards.
for _database in DATABASES.values():
    _database["OPTIONS"] = {
        **_database.get("OPTIONS", {}),
        "connect_timeout": int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5")),
    }
    _database["CONN_MAX_AGE"] = int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))

# Static files: hashed names, compressed, served by WhiteNoise from the image (no CDN).
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
WHITENOISE_MAX_AGE = 3600  # for unhashed names; hashed ones are cached for ever by WhiteNoise

SMS_BACKEND = os.environ.get("SMS_BACKEND", "accounts.sms.HttpSmsBackend")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")

# Error reports, only where a DSN is given; no personal data leaves: no user, cookies, headers,
# bodies or query strings (sensitive cases travel in all of them).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk

    from workershome.logs import scrub

    def _sentry_before_send(event, hint):
        request = event.get("request") or {}
        for key in ("cookies", "data", "headers", "query_string", "env"):
            request.pop(key, None)
        event.pop("user", None)
        for exception in (event.get("exception") or {}).get("values", []):
            if exception.get("value"):
                exception["value"] = scrub(exception["value"])
        return event

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
        before_send=_sentry_before_send,
    )
