"""A warning is never lost: the Celery worker delivering it is killed half-way, and it still
arrives in the district's inbox, exactly once.

A real worker on Redis, on the test database. The test holds a PostgreSQL advisory lock that
the worker's delivery waits on (``OUTBOX_TEST_BARRIER``) *inside* its transaction, after it
locked the outbox row and wrote the inbox row. The test kills the worker there (SIGKILL),
releases the lock, starts a fresh worker and runs the every-minute sweep.

The data is committed for real (the worker is another connection), so this test uses no test
transaction and removes what it made at the end.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from accounts.models import Account
from federation.models import Fact, InboxWarning
from tenants.cases.models import Case, Procedure
from tenants.events.models import OutboxEvent
from tenants.events.tasks import outbox_deliver_all
from tenants.incidents.models import IncidentWarning
from tenants.incidents.services import incident_warning_report
from tenants.notifications.models import Notification
from tenants.registry.models import Union
from tests.conftest import end_other_sessions
from tests.factories import make_person
from workershome.celery import app as celery_app

from .conftest import WAGE_ARREARS

pytestmark = pytest.mark.celery_worker
ROOT = Path(__file__).resolve().parents[2]


def _database_url(db: dict) -> str:
    host = db.get("HOST") or "127.0.0.1"
    user = db.get("USER") or "postgres"
    if host.startswith("/"):
        return f"postgres://{user}@{quote(host, safe='')}/{db['NAME']}"
    return f"postgres://{user}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


def _start_worker(barrier: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "workershome.settings.test",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "OUTBOX_TEST_BARRIER": str(barrier),
        "PYTHONPATH": f"{ROOT}:{ROOT / 'platform'}",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "workershome", "worker", "--pool", "solo",
         "-Q", settings.CELERY_TASK_DEFAULT_QUEUE, "--loglevel", "WARNING", "--without-heartbeat",
         "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 120  # the machine is shared: a worker can be slow to start
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"worker exited: {process.stdout.read().decode()[-2000:]}")  # type: ignore[union-attr]
        if celery_app.control.ping(timeout=0.5):
            return process
    process.kill()
    pytest.fail("worker did not answer within 120 s")


def _wait_for(condition, *, what: str, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def _blocked_on(key: int) -> int | None:
    """The backend waiting for the advisory lock ``key``, if any."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = 0 AND objid = %s",
            [key],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


def _in_public(query):
    with schema_context("public"):
        return query()


def test_a_warning_arrives_exactly_once_although_its_worker_was_killed_mid_delivery(
    django_db_setup, django_db_blocker
):
    if not settings.REDIS_URL:
        pytest.skip("no Redis server: tests/run.sh starts one")
    key = random.randint(1_000_000, 2_000_000_000)
    workers: list[subprocess.Popen] = []
    made: dict = {}
    with django_db_blocker.unblock():
        union = Union.objects.get(slug="xinghe")
        account, officer = make_person(union, "officer", name="赵干事")
        made["account"] = account.pk
        with tenant_context(union):
            made["procedures"] = set(Procedure.objects.values_list("pk", flat=True))
            made["since"] = timezone.now()
            made["notifications"] = (
                Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            )
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [key])
        celery_app.conf.task_always_eager = False
        try:
            workers.append(_start_worker(key))
            # Given an officer's report, committed; its delivery is queued on commit.
            with tenant_context(union):
                warning = incident_warning_report(by=officer, **WAGE_ARREARS)
            made["warning"] = warning.pk
            event_id = warning.event_id

            # When the worker is inside the delivery's transaction (row locked, inbox row
            # written, not committed) ...
            pid = _wait_for(lambda: _blocked_on(key), what="the worker to reach the barrier")
            assert not _in_public(lambda: InboxWarning.objects.filter(event_id=event_id).exists())
            # ... it is killed.
            workers[0].kill()
            workers[0].wait(timeout=20)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
            # Its database session can never commit: it ends, and everything it wrote goes.
            _wait_for(lambda: not _backend_alive(pid), what="the dead worker's session to end", seconds=60)
            assert not _in_public(lambda: InboxWarning.objects.filter(event_id=event_id).exists())
            with tenant_context(union):
                assert OutboxEvent.objects.get(pk=event_id).dispatched_at is None

            # Then a fresh worker and the every-minute sweep deliver it.
            workers.append(_start_worker(key))
            with schema_context("public"):
                outbox_deliver_all.delay().get(timeout=30)

            def dispatched():
                with tenant_context(union):
                    return OutboxEvent.objects.get(pk=event_id).dispatched_at

            _wait_for(dispatched, what="the sweep to deliver the warning")
            # A second sweep finds nothing more to do.
            with schema_context("public"):
                outbox_deliver_all.delay().get(timeout=30)
            assert _in_public(lambda: InboxWarning.objects.filter(event_id=event_id).count()) == 1
            with tenant_context(union):
                warning.refresh_from_db()
                assert warning.delivered_at is not None
        finally:
            celery_app.conf.task_always_eager = True
            for process in workers:
                if process.poll() is None:
                    process.terminate()
                    process.wait(timeout=20)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock_all()")
            _clean_up(union, made)
    end_other_sessions(django_db_blocker)


def _clean_up(union: Union, made: dict) -> None:
    """Remove what this test committed, so the other tests find the database as it was."""
    with tenant_context(union):
        warnings = IncidentWarning.objects.filter(pk=made.get("warning"))
        event_ids = list(warnings.values_list("event_id", flat=True))
        case_ids = list(warnings.values_list("case_id", flat=True))
        with schema_context("public"):
            InboxWarning.objects.filter(event_id__in=event_ids).delete()
        warnings.delete()
        if "since" in made:
            events = OutboxEvent.objects.filter(occurred_at__gte=made["since"])
            event_ids = list(events.values_list("pk", flat=True))
            with schema_context("public"):  # the facts the worker delivered, committed too
                Fact.objects.filter(event_id__in=event_ids).delete()
            events.delete()
        Case.objects.filter(pk__in=case_ids).delete()
        Notification.objects.filter(pk__gt=made.get("notifications", 0)).delete()
        Procedure.objects.exclude(pk__in=made.get("procedures", set())).delete()
        from tenants.users.models import User

        User.objects.filter(account_id=made.get("account")).delete()
    Account.objects.filter(pk=made.get("account")).delete()


@pytest.mark.django_db
def test_the_delivery_barrier_is_off_unless_a_test_sets_it():
    # (Also the reason this module's worker test finds a test database when run on its own:
    # pytest-django sets databases up for the tests marked ``django_db``.)
    assert settings.OUTBOX_TEST_BARRIER is None
