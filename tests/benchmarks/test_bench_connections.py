"""A connection's memory after serving every union, with and without connection recycling.

PostgreSQL keeps the catalog entries of every relation a backend has touched until the backend
ends: one long-lived connection that serves union after union grows with the number of unions
(0.27 MB each measured in issue 10). Here a separate process (the real middleware and the
``request_finished`` recycling; Django's test client keeps the connection open between requests,
as ``CONN_MAX_AGE`` does in production) requests the home page of each of the database's unions
in turn and reads its own backend's memory from ``pg_backend_memory_contexts`` after each one:
once with recycling off (the baseline) and once with ``DATABASE_RECYCLE_AFTER_SCHEMAS=5``.

Goal: with recycling, the memory after serving every union stays within what five unions cost
without it (plus a quarter for the fluctuation of one backend's contexts).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection, connections

from tests.benchmarks.conftest import bench_line
from tests.browser.conftest import database_url
from tests.conftest import end_other_sessions
from tests.factories import PASSWORD, credit_code
from workershome.tenancy import use_public_schema

ROOT = Path(__file__).resolve().parents[2]
EXTRA_UNIONS = int(os.environ.get("BENCH_CONNECTION_UNIONS", "20"))
RECYCLE_AFTER = 5
MB = 1024 * 1024

SCRIPT = """
import json
from django.db import connection
from django.test import Client
from tenants.registry.models import Union
from workershome.connections import schemas_touched

def memory():
    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(total_bytes) FROM pg_backend_memory_contexts")
        return int(cursor.fetchone()[0])

hosts = [u.primary_host for u in Union.objects.exclude(schema_name="public").order_by("pk")]
client = Client()
series = []
for host in hosts:
    response = client.get("/", HTTP_HOST=host)
    assert response.status_code == 200, (host, response.status_code)
    series.append(memory())
print(json.dumps({"unions": len(hosts), "series": series}))
"""


def _committed(work):
    result: dict = {}

    def run():
        try:
            result["value"] = work()
        finally:
            connections["default"].close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result.get("value")


def _provision(n: int) -> list[str]:
    from federation.models import District
    from tenants.registry.services import union_provision

    district = District.objects.get_or_create(code="110105", defaults={"name": "朝阳区"})[0]
    slugs = []
    for i in range(n):
        slug = f"bench-conn-{i}"
        union_provision(
            name=f"连接基准单位{i}工会", slug=slug, credit_code=credit_code(80_000 + i), district=district,
            officer_mobile=f"1670000{i:04d}", officer_name="测试", officer_password=PASSWORD,
        )  # fmt: skip
        slugs.append(slug)
    return slugs


def _drop(slugs: list[str]) -> None:
    from accounts.models import Account
    from tenants.registry.models import Union

    use_public_schema()
    for union in Union.objects.filter(slug__in=slugs):
        union.delete(force_drop=True)
    Account.objects.filter(mobile__startswith="1670000").delete()


def _serve_every_union(url: str, recycle_after: int) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "workershome.settings.test",
        "DATABASE_URL": url,
        "PYTHONPATH": f"{ROOT}:{ROOT / 'platform'}",
        "DATABASE_RECYCLE_AFTER_SCHEMAS": str(recycle_after),
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.benchmark
@pytest.mark.django_db
def test_bench_connection_memory_with_and_without_recycling(django_db_blocker):
    with django_db_blocker.unblock():
        url = database_url(connection.settings_dict)
    slugs = _committed(lambda: _provision(EXTRA_UNIONS))
    try:
        kept = _serve_every_union(url, 0)
        recycled = _serve_every_union(url, RECYCLE_AFTER)
    finally:
        end_other_sessions(django_db_blocker)
        _committed(lambda: _drop(slugs))
    unions = kept["unions"]
    kept_series, recycled_series = kept["series"], recycled["series"]
    per_union = (kept_series[-1] - kept_series[0]) / max(1, unions - 1)
    print(
        f"\n{unions} unions; without recycling {kept_series[0] / MB:.1f} MB after the first, "
        f"{kept_series[-1] / MB:.1f} MB after the last ({per_union / MB:.3f} MB per union); "
        f"recycled every {RECYCLE_AFTER}: peak {max(recycled_series) / MB:.1f} MB, "
        f"last {recycled_series[-1] / MB:.1f} MB\n"
        f"without: {[round(m / MB, 2) for m in kept_series]}\nrecycled: {[round(m / MB, 2) for m in recycled_series]}"
    )
    bound = kept_series[min(RECYCLE_AFTER, unions) - 1] * 1.25
    bench_line(
        f"connection_memory_after_{unions}_unions", recycled_series[-1] / MB, "MB", kept_series[-1] / MB,
        f"recycled<=unrecycled_after_{RECYCLE_AFTER}_unions*1.25", max(recycled_series) <= bound,
    )  # fmt: skip
