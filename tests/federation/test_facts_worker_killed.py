"""Facts are never lost or doubled: the Celery worker delivering a batch of facts is killed
half-way, and every fact still arrives exactly once.

A real worker on Redis, on the test database (the same harness as the warnings' test in
``tests/incidents/test_worker_killed.py``): the worker's batch delivery waits on an advisory
lock the test holds (``OUTBOX_TEST_BARRIER``) after the facts are written and before the batch
is marked dispatched, inside one transaction; the test kills it there, then a fresh worker and
the sweep deliver the batch. Committed for real, so it removes what it made at the end.
"""

from __future__ import annotations

import random
import subprocess

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from federation.models import Fact
from tenants.events.models import OutboxEvent
from tenants.events.services import event_emit
from tenants.events.tasks import outbox_deliver_all
from tenants.registry.models import Union
from tests.conftest import end_other_sessions
from tests.incidents.test_worker_killed import _backend_alive, _blocked_on, _start_worker, _wait_for
from workershome.celery import app as celery_app

pytestmark = pytest.mark.celery_worker


def _facts(ids) -> int:
    with schema_context("public"):
        return Fact.objects.filter(event_id__in=ids).count()


def test_a_batch_of_facts_arrives_exactly_once_although_its_worker_was_killed(
    django_db_setup, django_db_blocker
):
    if not settings.REDIS_URL:
        pytest.skip("no Redis server: tests/run.sh starts one")
    key = random.randint(1_000_000, 2_000_000_000)
    workers: list[subprocess.Popen] = []
    ids: list = []
    with django_db_blocker.unblock():
        union = Union.objects.get(slug="hengtong")
        since = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [key])
        celery_app.conf.task_always_eager = False
        try:
            workers.append(_start_worker(key))
            # Given three facts-only events committed in one transaction: its commit queues one
            # delivery, which the worker runs as one batch.
            with tenant_context(union), transaction.atomic():
                ids = [event_emit(name="library.loaned", payload={"n": n}).pk for n in range(3)]

            # When the worker is inside the batch's transaction (facts written, not committed)
            # it is killed.
            pid = _wait_for(lambda: _blocked_on(key), what="the worker to reach the barrier")
            assert _facts(ids) == 0
            workers[0].kill()
            workers[0].wait(timeout=20)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
            _wait_for(lambda: not _backend_alive(pid), what="the dead worker's session to end", seconds=60)
            assert _facts(ids) == 0
            with tenant_context(union):
                assert OutboxEvent.objects.filter(pk__in=ids, dispatched_at__isnull=True).count() == 3

            # Then a fresh worker and the sweep deliver the batch, once; a second sweep adds nothing.
            workers.append(_start_worker(key))
            with schema_context("public"):
                outbox_deliver_all.delay().get(timeout=30)
            _wait_for(lambda: _facts(ids) == 3, what="the sweep to deliver the facts")
            with schema_context("public"):
                outbox_deliver_all.delay().get(timeout=30)
            assert _facts(ids) == 3
            with tenant_context(union):
                assert not OutboxEvent.objects.filter(pk__in=ids, dispatched_at__isnull=True).exists()
        finally:
            celery_app.conf.task_always_eager = True
            for process in workers:
                if process.poll() is None:
                    process.terminate()
                    process.wait(timeout=20)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock_all()")
            with tenant_context(union):
                events = OutboxEvent.objects.filter(occurred_at__gte=since)
                event_ids = list(events.values_list("pk", flat=True))
                with schema_context("public"):
                    Fact.objects.filter(event_id__in=event_ids).delete()
                events.delete()
    end_other_sessions(django_db_blocker)
