"""Provisioning 20 unions by cloning the template schema, against running every migration.

Both ways run interleaved in the same database, so both see the same number of schemas.
Goal (issue 2): clone at least 10x faster, clone p50 under 0.5 s.
"""

from __future__ import annotations

import statistics

import pytest
from django.db import connection

from federation.models import District
from tenants.registry.models import Union
from tenants.registry.services import union_provision
from tests.benchmarks.conftest import bench_line, percentile
from tests.factories import PASSWORD, credit_code

ROUNDS = 20


def _provision(slug: str, n: int, *, migrate: bool) -> float:
    result = union_provision(
        name=f"基准测试单位{n}工会", slug=slug, credit_code=credit_code(90_000 + n),
        # get_or_create: another transactional benchmark may have flushed the session's rows
        district=District.objects.get_or_create(code="110105", defaults={"name": "朝阳区"})[0],
        officer_mobile=f"1660000{n:04d}",
        officer_name="测试", officer_password=PASSWORD, migrate=migrate,
    )  # fmt: skip
    assert result.created
    return result.seconds


def _drop(slugs: list[str]) -> None:
    connection.set_schema_to_public()
    for union in Union.objects.filter(slug__in=slugs):
        union.delete(force_drop=True)


@pytest.mark.benchmark
@pytest.mark.django_db(transaction=True)  # provisioning commits, as in production
def test_bench_provisioning_clone_vs_migrate():
    clone, migrate, slugs = [], [], []
    if True:
        try:
            for i in range(ROUNDS):
                slugs += [f"bench-clone-{i}", f"bench-migrate-{i}"]
                clone.append(_provision(f"bench-clone-{i}", 2 * i, migrate=False))
                migrate.append(_provision(f"bench-migrate-{i}", 2 * i + 1, migrate=True))
        finally:
            from accounts.models import Account

            _drop(slugs)
            Account.objects.filter(mobile__startswith="1660000").delete()
    clone_p50, migrate_p50 = statistics.median(clone), statistics.median(migrate)
    print(f"\nclone p50 {clone_p50:.3f}s p95 {percentile(clone, 95):.3f}s; "
          f"migrate p50 {migrate_p50:.3f}s p95 {percentile(migrate, 95):.3f}s")  # fmt: skip
    bench_line(
        "provision_clone_p50", clone_p50, "s", migrate_p50,
        "clone>=10x_faster_and_p50<0.5s", clone_p50 < 0.5 and migrate_p50 / clone_p50 >= 10,
    )  # fmt: skip
    bench_line(
        "provision_clone_p95", percentile(clone, 95), "s", percentile(migrate, 95), "p95_reported", True
    )
