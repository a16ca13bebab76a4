"""Scale: one database grown to 10, 100 and 1,000 unions; at each size the figures of issue 10.

At each size it prints, new way against old way in the same run:
- provisioning p50: ``union_provision`` taking a spare schema (the pool is refilled between
  samples, untimed, as a worker does after commit), the same with the pool empty (snapshot
  replay), and django-tenants' ``clone_schema`` of the template (a few samples: it is slow);
- a no-op deploy: ``migrate_unions`` over every union, against ``migrate_schemas --tenant`` timed
  per union on a sample and multiplied by the number of unions (said so in the goal text);
- one union's home page p95 through the Django test client on its host, against the 10-union run;
- one union's export (``union_export``: the template's script and ``COPY``) p50, against
  ``union_export --pg-dump`` (``pg_dump --schema``), in turns;
- the memory of one database session after it served every union's home page
  (``pg_backend_memory_contexts``), against a session that served one;
- the template's script alone, replayed here and in a database holding one such schema, in
  turns: the replay's time follows the disk's fsync latency (one fsync per index build on
  PostgreSQL 15 and 16), which other processes move more than the number of schemas does, so
  only the ratio of the two in the same minutes says what the number of schemas costs.

The unions are built with the fast provisioning in 4 threads. ``BENCH_SCALE_SIZES`` (default
``10,100,1000``) picks the sizes. It takes minutes (the 1,000-union step is most of it).
"""

from __future__ import annotations

import os
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from unittest import mock

import psycopg
import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client, override_settings

from federation.models import District
from tenants.registry.models import SpareSchema, Union
from tenants.registry.services import union_provision
from tenants.registry.snapshot import PLACEHOLDER, template_snapshot_current
from tenants.registry.spares import spare_schemas_fill
from tenants.registry.template import template_schema_name
from tests.benchmarks.conftest import bench_line, percentile
from tests.factories import PASSWORD, credit_code

SIZES = [int(size) for size in os.environ.get("BENCH_SCALE_SIZES", "10,100,1000").split(",")]
SAMPLES = 7
REPLAY_SAMPLES = 5  # provisionings with the pool empty: each replays the script (about a second)
CLONE_SAMPLES = {10: 3, 100: 3}  # larger sizes: 2
MIGRATE_SAMPLE = 10
HOME_REQUESTS = 20
REPLAY_TURNS = 4  # each database replays the script this many times, in turns
EXPORT_TURNS = 4


def say(text: str) -> None:
    print(f"[scale {time.strftime('%H:%M:%S')}] {text}", flush=True)


def _provision(n: int, *, prefix: str = "scale") -> float:
    result = union_provision(
        name=f"规模测试单位{prefix}{n}工会", slug=f"{prefix}-{n}", credit_code=credit_code(200_000 + n),
        district=District.objects.get_or_create(code="110105", defaults={"name": "朝阳区"})[0],
        officer_mobile=f"167{n:08d}", officer_name="测试", officer_password=PASSWORD,
    )  # fmt: skip
    connection.set_schema_to_public()
    assert result.created
    return result.seconds


def _build(start: int, stop: int) -> None:
    def one(n: int) -> None:
        try:
            _provision(n)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(4) as pool:
        for done, _ in enumerate(pool.map(one, range(start, stop)), start=1):
            if done % 50 == 0 or done == stop - start:
                say(f"built {done} of {stop - start} unions")


def _unions() -> int:
    return Union.objects.exclude(schema_name="public").count()


def _provision_p50(size: int, serial: list[int]) -> tuple[float, float]:
    """p50 with a spare ready for each sample, and with the pool empty (snapshot replay)."""
    spare, replay = [], []
    for _ in range(SAMPLES):
        spare_schemas_fill(target=1)
        serial[0] += 1
        spare.append(_provision(serial[0]))
    SpareSchema.objects.all().delete()  # their schemas are dropped below
    for _ in range(REPLAY_SAMPLES):
        serial[0] += 1
        replay.append(_provision(serial[0]))
    say(
        f"{size}: provision via spare p50 {statistics.median(spare):.3f}s, via replay {statistics.median(replay):.3f}s"
    )
    return statistics.median(spare), statistics.median(replay)


def _clone_p50(size: int) -> float:
    from django_tenants.clone import CloneSchema

    times = []
    for i in range(CLONE_SAMPLES.get(size, 2)):
        name = f"bench_clone_{size}_{i}"
        started = time.perf_counter()
        CloneSchema().clone_schema(template_schema_name(), name, set_connection=False)
        times.append(time.perf_counter() - started)
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA "{name}" CASCADE')
    say(f"{size}: clone_schema {[round(t, 2) for t in times]}")
    return statistics.median(times)


def _deploy_noop(size: int) -> tuple[float, float, int]:
    started = time.perf_counter()
    call_command("migrate_template", verbosity=0)
    call_command("migrate_unions", no_progress=True, no_spares=True, verbosity=0)
    new = time.perf_counter() - started
    schemas = list(
        Union.objects.exclude(schema_name="public").order_by("?").values_list("schema_name", flat=True)
    )
    sample = schemas[: min(MIGRATE_SAMPLE, len(schemas))]
    started = time.perf_counter()
    for schema in sample:
        call_command("migrate_schemas", schema_name=schema, tenant=True, interactive=False, verbosity=0)
    per_union = (time.perf_counter() - started) / len(sample)
    connection.set_schema_to_public()
    say(f"{size}: no-op deploy {new:.2f}s; migrate_schemas {per_union:.3f}s/union over {len(sample)}")
    return new, per_union * len(schemas), len(sample)


def _export_p50(size: int, union: Union, folder) -> tuple[float, float]:
    """p50 of one union's export by ``COPY`` and by ``pg_dump --schema``, in turns."""
    from tenants.registry.transfer import union_export

    times: dict[str, list[float]] = {"copy": [], "pg_dump": []}
    for turn in range(EXPORT_TURNS):
        ways = ["copy", "pg_dump"] if turn % 2 == 0 else ["pg_dump", "copy"]
        for way in ways:
            started = time.perf_counter()
            union_export(union=union, path=folder / f"{size}-{way}.tar.gz", schema_by=way)
            times[way].append(time.perf_counter() - started)
            connection.set_schema_to_public()
    say(
        f"{size}: export by copy {[round(t, 2) for t in times['copy']]}, by pg_dump {[round(t, 2) for t in times['pg_dump']]}"
    )
    return statistics.median(times["copy"]), statistics.median(times["pg_dump"])


def _home_p95(host: str) -> float:
    client = Client(HTTP_HOST=host)
    assert client.get("/").status_code == 200
    times = []
    for _ in range(HOME_REQUESTS):
        started = time.perf_counter()
        assert client.get("/").status_code == 200
        times.append(time.perf_counter() - started)
    connection.set_schema_to_public()
    return percentile(times, 95)


def _session_memory_mb() -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(total_bytes) FROM pg_backend_memory_contexts")
        return cursor.fetchone()[0] / 2**20


def _memory_after_touching(hosts: list[str]) -> float:
    connections.close_all()  # a fresh session
    cache.clear()  # every pass reads what a cold page reads, not what an earlier pass cached
    for host in hosts:
        assert Client(HTTP_HOST=host).get("/").status_code == 200
    connection.set_schema_to_public()
    return _session_memory_mb()


def _conninfo(dbname: str) -> str:
    db = connection.settings_dict
    return psycopg.conninfo.make_conninfo(
        dbname=dbname, user=db.get("USER") or "postgres", password=db.get("PASSWORD") or None,
        host=db.get("HOST") or "", port=str(db.get("PORT") or ""),
    )  # fmt: skip


@contextmanager
def _small_database():
    """A database beside the test database holding nothing but the extensions the script needs
    (the replays put one schema at a time in it); dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_replay_ref"[:63]
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'")
        extensions = [row[0] for row in cursor.fetchall()]
    with psycopg.connect(_conninfo("postgres"), autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}"')
        server.execute(f'CREATE DATABASE "{name}"')
    try:
        with psycopg.connect(_conninfo(name), autocommit=True) as small:
            for extension in extensions:
                small.execute(f'CREATE EXTENSION IF NOT EXISTS "{extension}"')
        yield name
    finally:
        with psycopg.connect(_conninfo("postgres"), autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _replay_seconds(dbname: str, sql: str, schema: str) -> float:
    """One replay of the script as ``schema`` in its own transaction on a new session, committed."""
    with psycopg.connect(_conninfo(dbname)) as session:
        started = time.perf_counter()
        session.execute(sql.replace(PLACEHOLDER, schema).encode())
        session.commit()
        return time.perf_counter() - started


def _replay_here_and_small(size: int, small: str) -> tuple[float, float]:
    """p50 of the script's replay in the test database and in the small one, in turns (ABBA),
    so both see the same load. The schemas are dropped after all turns: dropping one deletes
    about 1,100 files, which slows the next file creations for a while on some filesystems."""
    sql = template_snapshot_current().sql
    here_db = connection.settings_dict["NAME"]
    here, there, made = [], [], []
    for turn in range(REPLAY_TURNS):
        pair = [(here_db, here), (small, there)]
        for dbname, times in pair if turn % 2 == 0 else pair[::-1]:
            schema = f"bench_replay_{size}_{turn}"
            times.append(_replay_seconds(dbname, sql, schema))
            made.append((dbname, schema))
    for dbname, schema in made:
        with psycopg.connect(_conninfo(dbname), autocommit=True) as session:
            session.execute(f'DROP SCHEMA "{schema}" CASCADE')
    say(
        f"{size}: the script alone, here {[round(t, 2) for t in here]}, in a one-schema database {[round(t, 2) for t in there]}"
    )
    return statistics.median(here), statistics.median(there)


def _drop_bench_unions() -> None:
    connection.set_schema_to_public()
    for union in Union.objects.filter(slug__startswith="scale-"):
        union.delete(force_drop=True)
    for spare in SpareSchema.objects.all():
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{spare.schema_name}" CASCADE')
    SpareSchema.objects.all().delete()


@pytest.mark.benchmark
@pytest.mark.django_db(transaction=True)  # provisioning commits, and migrate runs in other processes
def test_bench_scale(django_db_keepdb, tmp_path):
    serial = [0]
    figures: dict[int, dict] = {}
    home_host = None
    no_refill = mock.patch("tenants.registry.tasks.spare_schemas_refill.delay")
    no_refill.start()
    # Untimed: unions the session set up at an older state (a reused database) are brought to the
    # code's state first, so each no-op deploy below has really nothing to apply.
    call_command("migrate_unions", no_progress=True, no_spares=True, verbosity=0)
    try:
        with _small_database() as small:
            for size in SIZES:
                figures[size] = _measure(size, serial, small, home_host, tmp_path)
                home_host = figures[size]["home_host"]
                say(f"{size}: {figures[size]}")
                _emit(size, figures[size], figures[SIZES[0]])
    finally:
        no_refill.stop()
        if django_db_keepdb:  # else the whole test database is dropped at the end of the run
            say("dropping the benchmark's unions")
            _drop_bench_unions()


def _measure(size: int, serial: list[int], small: str, home_host: str | None, folder) -> dict:
    """Every figure at ``size`` unions, growing the database to that size first."""
    have, target = _unions(), max(0, size - SAMPLES - REPLAY_SAMPLES)
    if have < target:  # the provisioning samples below add the rest
        say(f"growing from {have} to {target} unions")
        _build(10_000 + have, 10_000 + target)
    spare, replay = _provision_p50(size, serial)
    replay_here, replay_small = _replay_here_and_small(size, small)
    home_host = home_host or Union.objects.get(slug="scale-1").primary_host
    clone = _clone_p50(size)
    deploy, migrate_schemas_total, sampled = _deploy_noop(size)
    home = _home_p95(home_host)
    export, export_pg_dump = _export_p50(size, Union.objects.get(slug="scale-1"), folder)
    hosts = [u.primary_host for u in Union.objects.exclude(schema_name="public")]
    one = _memory_after_touching(hosts[:1])
    every = _memory_after_touching(hosts)
    # What recycling bounds a session to: its memory after as many unions as it may serve.
    limit = settings.DATABASE_RECYCLE_AFTER_SCHEMAS or len(hosts)
    with override_settings(DATABASE_RECYCLE_AFTER_SCHEMAS=0):
        at_limit = _memory_after_touching(hosts[:limit])
    return dict(
        unions=len(hosts), spare=spare, replay=replay, replay_here=replay_here,
        replay_small=replay_small, clone=clone, deploy=deploy,
        migrate_schemas=migrate_schemas_total, sampled=sampled, home=home, one=one, every=every,
        export=export, export_pg_dump=export_pg_dump, home_host=home_host, at_limit=at_limit,
        limit=min(limit, len(hosts)),
    )  # fmt: skip


def _emit(size: int, f: dict, small: dict) -> None:
    n = f["unions"]
    bench_line(
        f"scale_{size}_provision_p50", f["spare"], "s", f["clone"],
        f"p50<=0.3s_and<=1.5x_the_{SIZES[0]}-union_p50_(spare_schema;baseline_django-tenants_clone_schema)",
        f["spare"] <= 0.3 and f["spare"] <= 1.5 * small["spare"],
    )  # fmt: skip
    bench_line(
        f"scale_{size}_provision_replay_p50", f["replay"], "s", f["clone"],
        f"reported:_pool_empty_snapshot_replay_<=1.5x_the_{SIZES[0]}-union_p50",
        f["replay"] <= 1.5 * small["replay"],
    )  # fmt: skip
    bench_line(
        f"scale_{size}_replay_script_vs_one_schema_db", f["replay_here"], "s", f["replay_small"],
        "reported:_<=1.5x_the_same_script_replayed_in_turns_in_a_database_of_one_schema",
        f["replay_here"] <= 1.5 * f["replay_small"],
    )  # fmt: skip
    bench_line(
        f"scale_{size}_noop_deploy", f["deploy"], "s", f["migrate_schemas"],
        f"<=20s_over_{n}_unions_(baseline:_migrate_schemas_timed_on_{f['sampled']}_unions_x{n})",
        f["deploy"] <= 20,
    )  # fmt: skip
    bench_line(
        f"scale_{size}_home_p95", f["home"], "s", small["home"],
        f"<=1.5x_the_{SIZES[0]}-union_p95", f["home"] <= 1.5 * small["home"],
    )  # fmt: skip
    bench_line(
        f"scale_{size}_export", f["export"], "s", f["export_pg_dump"],
        f"<=1.5x_the_{SIZES[0]}-union_export_(copy;baseline_pg_dump_--schema_same_run)",
        f["export"] <= 1.5 * small["export"],
    )  # fmt: skip
    bench_line(
        f"scale_{size}_session_memory", f["every"], "MB", f["one"],
        f"reported:_one_session_after_serving_all_{n}_unions_(baseline_after_one;"
        f"_DATABASE_RECYCLE_AFTER_SCHEMAS={getattr(settings, 'DATABASE_RECYCLE_AFTER_SCHEMAS', 0)})", True,
    )  # fmt: skip
    bench_line(
        f"scale_{size}_session_memory_at_recycle_limit", f["at_limit"], "MB", f["one"],
        f"reported:_one_session_after_serving_{f['limit']}_unions_unrecycled_(the_most_a_recycled_session_"
        f"holds;baseline_after_one)", True,
    )  # fmt: skip
