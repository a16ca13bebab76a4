"""Test settings: real PostgreSQL and Redis, the machine's own when reachable.

The machine's servers on 127.0.0.1 are preferred; without them the embedded PostgreSQL is used
and the tests that need Redis and a Celery worker start what they need themselves.
"""

import hashlib
import os

from workershome.embedded import tcp_reachable

if not os.environ.get("DATABASE_URL") and tcp_reachable("127.0.0.1", 5432):
    os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/workershome"
_worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
_worker_index = int(_worker[2:]) if _worker[2:].isdigit() else 0
# Per-worker values are always recomputed: xdist workers inherit the controller's environment,
# so a value computed there (database 15, var/test/gw0) must not leak into every worker.
_redis = os.environ.get("TEST_REDIS") or (
    "redis://127.0.0.1:6379" if tcp_reachable("127.0.0.1", 6379) else ""
)
os.environ["TEST_REDIS"] = _redis
if _redis:
    # One Redis database per xdist worker, so clearing the cache in one never touches another.
    # TEST_REDIS_DB moves the range, for several test runs on one machine at once.
    os.environ["REDIS_URL"] = f"{_redis}/{int(os.environ.get('TEST_REDIS_DB', '15')) - _worker_index}"
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
# Tests only: the same published key as development (tenants/privacy encrypts with it).
os.environ.setdefault("SENSITIVE_DATA_KEYS", "uNttCzxXKLcgTl72BxvMjV8wc0PydCpnXy6txaNVg5g=")
os.environ["WORKERSHOME_VAR_DIR"] = os.path.abspath(
    os.path.join(os.path.dirname(__file__), "../../../var/test", _worker)
)

from .base import *

# The embedded search engine a test process starts on demand (search.conf.engine_dir): one per
# checkout, test run and xdist worker. VAR_DIR is already this checkout's var/test/<worker>; the
# hash of the checkout's real path keeps two checkouts apart even where they share var/ (a
# symlink), and TEST_REDIS_DB (set apart for runs at once) two runs in one checkout.
_search_run = f"{os.path.realpath(BASE_DIR)}\0{os.environ.get('TEST_REDIS_DB', '')}"
SEARCH_ENGINE_DIR = VAR_DIR / f"search-{hashlib.sha1(_search_run.encode()).hexdigest()[:10]}"

DEBUG = False
CACHE_MIDDLEWARE_SECONDS = 0  # tests see every change at once; the benchmark measures the cache
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SMS_BACKEND = "accounts.sms.LocmemSmsBackend"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
BASE_DOMAIN = "localhost"
SITE_PORT = ""  # links in tests carry no port, whatever the shell exported
ALLOWED_HOSTS = ["*"]
AXES_FAILURE_LIMIT = 5
CELERY_TASK_DEFAULT_QUEUE = f"test-{_worker}"
LOGGING = {"version": 1, "disable_existing_loggers": False}
# No persistent connections in tests: server and worker subprocesses end cleanly, and the test
# databases can be dropped at the end of the run.
DATABASES["default"]["CONN_MAX_AGE"] = 0
