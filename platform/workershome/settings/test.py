"""Test settings: real PostgreSQL and Redis, the machine's own when reachable.

The machine's servers on 127.0.0.1 are preferred; without them the embedded PostgreSQL is used
and the tests that need Redis and a Celery worker start what they need themselves.
"""

import os

from workershome.embedded import tcp_reachable

if not os.environ.get("DATABASE_URL") and tcp_reachable("127.0.0.1", 5432):
    os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/workershome"
if not os.environ.get("REDIS_URL") and tcp_reachable("127.0.0.1", 6379):
    os.environ["REDIS_URL"] = "redis://127.0.0.1:6379/15"
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("WORKERSHOME_VAR_DIR", os.path.join(os.path.dirname(__file__), "../../../var/test"))

from .base import *  # noqa: F403
from .base import CACHES, REDIS_URL

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SMS_BACKEND = "accounts.sms.LocmemSmsBackend"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
BASE_DOMAIN = "localhost"
ALLOWED_HOSTS = ["*"]
AXES_FAILURE_LIMIT = 5
# Each xdist worker gets its own cache key prefix so parallel runs do not see each other.
if REDIS_URL:
    CACHES["default"]["KEY_PREFIX"] = "test-" + os.environ.get("PYTEST_XDIST_WORKER", "main")
LOGGING = {"version": 1, "disable_existing_loggers": False}
