"""Indexing through a real Celery worker: a commit queues the indexing task on Redis, a worker
process runs it in the union's schema, and the document appears in the engine; unpublishing and
deleting remove it. While the engine is down the task is retried, not lost: once the engine is
back the document arrives.

A real worker on Redis, on the test database (the harness of ``tests/incidents/
test_worker_killed.py``), with ``CELERY_TASK_ALWAYS_EAGER`` off, and an embedded engine of its
own on a port chosen in advance, started only after the worker has failed to reach it. The data
is committed for real (the worker is another connection), so the test removes what it made.
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django_tenants.utils import tenant_context

from search.client import search_client, search_client_reset
from search.documents import alias_name
from search.engine import engine_start
from tenants.groups.models import InterestGroup
from tenants.registry.models import Union
from tests.conftest import end_other_sessions
from tests.incidents.test_worker_killed import _database_url, _wait_for
from workershome.celery import app as celery_app

pytestmark = pytest.mark.celery_worker
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_worker(*, engine_url: str, prefix: str, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "workershome.settings.test",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "ELASTICSEARCH_URL": engine_url,
        "SEARCH_PLAIN_JSON": "true",
        "SEARCH_INDEX_PREFIX": prefix,
        "PYTHONPATH": f"{ROOT}:{ROOT / 'platform'}",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "workershome", "worker", "--pool", "solo",
         "-Q", settings.CELERY_TASK_DEFAULT_QUEUE, "--loglevel", "INFO", "--logfile", str(log),
         "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 120  # the machine is shared: a worker can be slow to start
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"worker exited: {log.read_text(errors='replace')[-2000:] if log.exists() else ''}")
        if celery_app.control.ping(timeout=0.5):
            return process
    process.kill()
    pytest.fail("worker did not answer within 120 s")


def _document(doc_id: str) -> dict | None:
    """The engine's document ``doc_id`` (None while it or the index does not exist)."""
    client = search_client().options(ignore_status=404)
    client.indices.refresh(index=alias_name("public"))
    found = client.search(index=alias_name("public"), query={"ids": {"values": [doc_id]}})
    hits = found.body.get("hits", {}).get("hits", []) if found.meta.status == 200 else []
    return hits[0]["_source"] if hits else None


@pytest.mark.django_db
def test_the_worker_uses_the_test_database():
    """(Also makes pytest-django set up the test database when this module runs alone: the
    worker test below uses no test transaction, so it carries no ``django_db`` mark.)"""
    assert connection.settings_dict["NAME"].startswith("test_")


def test_a_worker_indexes_after_commit_retries_while_the_engine_is_down_and_removes(
    django_db_setup, django_db_blocker, tmp_path
):
    if not settings.REDIS_URL:
        pytest.skip("no Redis server: tests/run.sh starts one")
    port = _free_port()
    engine_url = f"http://127.0.0.1:{port}"
    prefix = f"worker-{os.getpid()}-{random.randint(1000, 9999)}"
    log = tmp_path / "worker.log"
    worker: subprocess.Popen | None = None
    engine_pid = None
    names = [
        f"搜索索引测试羽毛球队{random.randint(100000, 999999)}",
        f"搜索索引测试乒乓球队{random.randint(100000, 999999)}",
    ]
    with (
        django_db_blocker.unblock(),
        override_settings(ELASTICSEARCH_URL=engine_url, SEARCH_PLAIN_JSON=True, SEARCH_INDEX_PREFIX=prefix),
    ):
        search_client_reset()
        union = Union.objects.get(slug="xinghe")
        celery_app.conf.task_always_eager = False
        try:
            worker = _start_worker(engine_url=engine_url, prefix=prefix, log=log)

            # Given the engine is down, when a group is created (committed), then the worker's
            # indexing task fails to reach the engine and is retried.
            with tenant_context(union):
                badminton = InterestGroup.objects.create(
                    name=names[0], kind="badminton", description="每周三晚训练"
                )
            doc_id = f"{union.schema_name}:interest_group:{badminton.pk}"
            _wait_for(
                lambda: log.exists() and "search_documents_sync" in (text := log.read_text(errors="replace"))
                and "retry" in text.lower(),
                what="the indexing task to be retried while the engine is down",
            )  # fmt: skip

            # When the engine comes back (empty, on the same address), then the retried task
            # indexes the group: nothing was lost.
            state = engine_start(tmp_path / "engine", addr=f"127.0.0.1:{port}", parent_pid=os.getpid())
            engine_pid = state["pid"]
            search_client_reset()
            source = _wait_for(
                lambda: _document(doc_id), what="the retried task to index the group", seconds=180
            )
            assert source["title"] == names[0] and source["union_schema"] == union.schema_name

            # Unpublishing (an inactive group is off the site) removes the document.
            with tenant_context(union):
                badminton.active = False
                badminton.save(update_fields=["active"])
            _wait_for(lambda: _document(doc_id) is None, what="the inactive group's document to go")

            # A new group appears through the worker; deleting it removes it.
            with tenant_context(union):
                table_tennis = InterestGroup.objects.create(name=names[1], kind="table_tennis")
            second_id = f"{union.schema_name}:interest_group:{table_tennis.pk}"
            _wait_for(lambda: _document(second_id), what="the second group's document")
            with tenant_context(union):
                table_tennis.delete()
            _wait_for(lambda: _document(second_id) is None, what="the deleted group's document to go")
        finally:
            celery_app.conf.task_always_eager = True
            if worker is not None and worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=20)
            with tenant_context(union):  # (indexed eagerly now, while the engine still runs)
                InterestGroup.objects.filter(name__in=names).delete()
            if engine_pid:
                os.kill(engine_pid, 15)
            search_client_reset()
    search_client_reset()
    end_other_sessions(django_db_blocker)
