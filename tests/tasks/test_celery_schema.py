"""A real Celery worker on Redis runs a union's task in that union's schema."""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context, tenant_context

from tenants.registry.tasks import schema_probe
from tenants.users.models import User
from tests.conftest import end_other_sessions
from workershome.celery import app as celery_app

pytestmark = [pytest.mark.django_db, pytest.mark.celery_worker]
ROOT = Path(__file__).resolve().parents[2]


def _database_url(db: dict) -> str:
    """The test database as a URL, for a TCP server or the embedded one's socket directory."""
    host = db.get("HOST") or "127.0.0.1"
    user = db.get("USER") or "postgres"
    if host.startswith("/"):
        return f"postgres://{user}@{quote(host, safe='')}/{db['NAME']}"
    return f"postgres://{user}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker):
    if not settings.REDIS_URL:
        pytest.skip("no Redis server: tests/run.sh starts one")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "workershome.settings.test",
        "DATABASE_URL": _database_url(db),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PYTHONPATH": f"{ROOT}:{ROOT / 'platform'}",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "workershome", "worker", "--pool", "solo",
         "-Q", settings.CELERY_TASK_DEFAULT_QUEUE, "--loglevel", "WARNING", "--without-heartbeat",
         "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    celery_app.conf.task_always_eager = False
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"worker exited: {process.stdout.read().decode()[-2000:]}")
            if celery_app.control.ping(timeout=0.5):
                break
        else:
            pytest.fail("worker did not answer within 60 s")
        yield process
    finally:
        celery_app.conf.task_always_eager = True
        process.terminate()
        process.wait(timeout=20)
        end_other_sessions(django_db_blocker)


def test_a_task_sent_from_union_a_runs_in_union_a(worker, union_a, union_b):
    with tenant_context(union_a):
        users_a = User.objects.count()
        answer = schema_probe.delay().get(timeout=30)
    assert answer == {"schema": union_a.schema_name, "users": users_a}
    with tenant_context(union_b):
        answer = schema_probe.delay().get(timeout=30)
    assert answer["schema"] == union_b.schema_name


def test_a_task_sent_from_the_public_schema_runs_there(worker):
    with schema_context("public"):
        users = User.objects.count()
        answer = schema_probe.delay().get(timeout=30)
    assert answer == {"schema": "public", "users": users}


def test_check_worker_command_passes_on_a_real_worker(worker):
    from django.core.management import call_command

    call_command("check_worker", verbosity=0, timeout=30)
