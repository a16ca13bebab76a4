"""Production settings: every server named in the environment, nothing embedded."""

import os

for required in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL"):
    if not os.environ.get(required):
        raise RuntimeError(f"{required} must be set in production")

from .base import *

DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SMS_BACKEND = os.environ.get("SMS_BACKEND", "accounts.sms.HttpSmsBackend")
