"""One union out and back in at the database's current size: the template's script and COPY,
beside the old way (``pg_dump --format=custom --schema`` and ``pg_restore``), in the same run.

A union is provisioned and committed, exported both ways, then dropped and restored from each
archive in turn, in this same database (so both ways see the same number of schemas). Restore by
pg_dump is timed without the ``migrate_schemas`` it used to run after (which only made it slower).
Goal: the new way at most as slow as pg_dump's in both directions; issue 10 measured pg_dump at
0.16 s with 5 schemas and 3 s with 1,000, the new way reads nothing outside the union's tables.
"""

from __future__ import annotations

import statistics
import threading
import time

import pytest
from django.db import connection, connections

from tests.benchmarks.conftest import bench_line
from tests.factories import PASSWORD, credit_code
from workershome.tenancy import use_public_schema

ROUNDS = 3
SLUG = "bench-transfer"
MOBILE = "16800000001"


def _committed(work):
    result: dict = {}

    def run():
        try:
            result["value"] = work()
        except BaseException as error:
            result["error"] = error
        finally:
            connections["default"].close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")


def _union():
    from tenants.registry.models import Union

    return Union.objects.get(slug=SLUG)


def _provision() -> None:
    from federation.models import District
    from tenants.registry.services import union_provision

    union_provision(
        name="迁移基准单位工会", slug=SLUG, credit_code=credit_code(70_001), officer_mobile=MOBILE,
        officer_name="测试", officer_password=PASSWORD,
        district=District.objects.get_or_create(code="110105", defaults={"name": "朝阳区"})[0],
    )  # fmt: skip


def _drop() -> None:
    from accounts.models import Account
    from tenants.registry.models import Union

    use_public_schema()
    for union in Union.objects.filter(slug=SLUG):
        union.delete(force_drop=True)
    Account.objects.filter(mobile=MOBILE).delete()


def _timed(work) -> float:
    start = time.perf_counter()
    _committed(work)
    return time.perf_counter() - start


@pytest.mark.benchmark
@pytest.mark.django_db
def test_bench_one_union_out_and_back_in(tmp_path, django_db_blocker):
    from tenants.registry.transfer import union_export, union_restore

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'u\\_%%'")
        schemas = cursor.fetchone()[0]
    _committed(_drop)
    _committed(_provision)
    times: dict[str, list[float]] = {
        "export_copy": [],
        "export_pg_dump": [],
        "restore_copy": [],
        "restore_pg_dump": [],
    }
    archives = {"copy": tmp_path / "copy.tar.gz", "pg_dump": tmp_path / "pg_dump.tar.gz"}
    try:
        for _round in range(ROUNDS):
            for way, archive in archives.items():
                times[f"export_{way}"].append(
                    _timed(
                        lambda way=way, archive=archive: union_export(
                            union=_union(), path=archive, schema_by=way
                        )
                    )
                )
        for _round in range(ROUNDS):
            for way, archive in archives.items():
                _committed(_drop)
                times[f"restore_{way}"].append(
                    _timed(lambda archive=archive: union_restore(path=archive, migrate=False))
                )
    finally:
        _committed(_drop)
    median = {name: statistics.median(values) for name, values in times.items()}
    print(
        f"\n{schemas + 1} union schemas in the database; "
        + ", ".join(f"{k} {v:.3f}s" for k, v in median.items())
    )
    for direction in ("export", "restore"):
        new, old = median[f"{direction}_copy"], median[f"{direction}_pg_dump"]
        bench_line(
            f"union_{direction}_copy_{schemas + 1}_schemas",
            new,
            "s",
            old,
            "copy<=pg_dump_same_run",
            new <= old,
        )
