"""The federation dashboard (数据看板, issue 7) for 1,000 unions with a year of facts.

Measured in one run over the same rows:

- page: the city page as a city administrator opens it (``GET /admin/dashboard/``, the whole
  Wagtail page rendered). It reads the yearly rollup for this year and the monthly one for the
  trend (``federation.rollup``: one row per union, year or month, fact name and kind, counted as
  facts arrive), the registry and the committee-term facts. The first request builds the
  user's admin sidebar, the measured ones find it in the cache (``federation.sidebar``).
- figures: the same page's tables built without rendering (``dashboard_build``).
- UNION ALL: the same figures computed from the 1,000 union schemas, as a platform without the
  facts pipeline would: each union's schema holds its outbox (``events_outboxevent``, created
  from the template schema's table) with the union's year of events, and the dashboard's own
  aggregate queries (figures by union, breakdowns by kind, the monthly trend, the latest
  committee terms) run over a ``UNION ALL`` of the 1,000 tables. The schemas hold only the table
  the figures come from: the rest of a union's tables would not change what these queries read.
- loop: the per-union loop of the first version (one aggregate query per union), for the record.

The unions are registry rows made in bulk, spread over 10 districts of 10 streets; each has
``BENCH_DASHBOARD_FACTS`` facts (default 150) over the last year, drawn from the metrics' fact
names with realistic payloads; the rollup is then counted from them, as the migration that added
it does. ``BENCH_DASHBOARD_UNIONS`` sets how many unions (default 1,000). Goal (issue 7): the
page's p95 under 200 ms and at least 20x faster than the UNION ALL.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import statistics
import time
import uuid
from collections import defaultdict

import psycopg
import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.db.models import Count
from django.db.models.fields.json import KT
from django.db.models.functions import TruncMonth
from django.test import Client
from django.utils import timezone

from federation.dashboard import (
    FACT_NAMES,
    METRICS,
    TERM_FACT,
    Scope,
    aggregates_for,
    dashboard_build,
    metric_values,
    period_parse,
)
from federation.models import District, Fact, FactMonth, FactYear, FederationRole, Street
from federation.rollup import rollup_rebuild
from tenants.registry.models import Union
from tenants.registry.template import template_schema_name
from tests.benchmarks.conftest import bench_line, percentile
from tests.factories import PASSWORD, make_person

UNIONS = int(os.environ.get("BENCH_DASHBOARD_UNIONS", "1000"))
FACTS = int(os.environ.get("BENCH_DASHBOARD_FACTS", "150"))
RUNS = 20

# (name, weight, payload maker)
SHAPES = [
    ("case.opened", 20, lambda r: {"kind": r.choice(["appeal", "proposal", "hardship", "mediation"]), "channel": "online"}),
    ("case.closed", 18, lambda r: {"kind": r.choice(["appeal", "proposal"]), "on_time": r.random() < 0.85, "days_open": r.randint(1, 40)}),
    ("case.overdue", 3, lambda r: {"kind": "appeal", "days_over": r.randint(1, 9)}),
    ("hardship.file_opened", 4, lambda r: {"kind": r.choice(["living", "medical"]), "tier": "deep", "fallback": False}),
    ("hardship.file_closed", 2, lambda r: {"kind": "living", "tier": "relative", "months_open": 8}),
    ("hardship.assistance", 8, lambda r: {"kind": "medical", "tier": "deep", "form": "money", "source": "union_funds", "amount": f"{r.randint(200, 3000)}.00"}),
    ("followup.due", 5, lambda r: {"tier": "deep", "count": r.randint(1, 4)}),
    ("followup.done", 8, lambda r: {"tier": "deep", "on_time": r.random() < 0.8, "days_late": 0}),
    ("followup.overdue", 2, lambda r: {"tier": "deep", "count": 1}),
    ("activity.held", 20, lambda r: {"kind": r.choice(["sports", "culture", "lecture"]), "participants": r.randint(5, 80), "attended": r.randint(5, 60), "walk_ins": 0}),
    ("congress.session_held", 1, lambda r: {"session": 1}),
    ("library.loaned", 9, lambda r: {"count": 1, "category": "literature"}),
]  # fmt: skip


def _build(rng: random.Random) -> list[Union]:
    districts = District.objects.bulk_create(
        District(name=f"测试{d}区", code=f"BD{d:02d}") for d in range(10)
    )
    streets = Street.objects.bulk_create(
        Street(district=district, name=f"第{s}街道", code=f"BS{d:02d}{s:02d}")
        for d, district in enumerate(districts)
        for s in range(10)
    )
    unions = Union.objects.bulk_create(
        Union(
            schema_name=f"u_bench_dash_{n:04d}", name=f"基准测试{n:04d}工会", short_name=f"基准{n}", slug=f"bench-dash-{n}",
            district_id=streets[n % len(streets)].district_id, street=streets[n % len(streets)],
            member_count=rng.randint(30, 3000), status="suspended" if n % 50 == 0 else "active",
        )
        for n in range(UNIONS)
    )  # fmt: skip
    names, weights, makers = zip(*[(n, w, m) for n, w, m in SHAPES], strict=True)
    now = timezone.now()
    batch: list[Fact] = []
    for union in unions:
        for _ in range(FACTS):
            index = rng.choices(range(len(names)), weights=weights)[0]
            batch.append(Fact(
                event_id=uuid.uuid4(), union_id=union.pk, district_id=union.district_id, street_id=union.street_id,
                name=names[index], occurred_at=now - datetime.timedelta(minutes=rng.randint(0, 365 * 24 * 60)),
                payload=makers[index](rng),
            ))  # fmt: skip
        for kind in ("union", "funds", "women"):
            ends = timezone.localdate() + datetime.timedelta(days=rng.randint(-200, 1500))
            batch.append(Fact(
                event_id=uuid.uuid4(), union_id=union.pk, district_id=union.district_id, street_id=union.street_id,
                name=TERM_FACT, occurred_at=now - datetime.timedelta(days=rng.randint(1, 900)),
                payload={"committee_kind": kind, "ends_on": ends.isoformat(), "years": 5},
            ))  # fmt: skip
        if len(batch) >= 20000:
            Fact.objects.bulk_create(batch, batch_size=5000)
            batch = []
    Fact.objects.bulk_create(batch, batch_size=5000)
    with connection.cursor() as cursor:  # as autovacuum would after a load this size
        cursor.execute(f"ANALYZE {Fact._meta.db_table}")
        cursor.execute(f"ANALYZE {Union._meta.db_table}")
    return unions


def loop_figures(unions: list[Union]) -> dict[int, dict[str, int]]:
    """The baseline: per union, one aggregate query for its facts and one for its terms, summed
    by district (the city page's rows)."""
    period = period_parse({})
    today = timezone.localdate()
    by_district: dict[int, dict[str, int]] = {}
    for union in Union.objects.exclude(schema_name="public").filter(pk__in=[u.pk for u in unions]):
        figures = metric_values(
            Fact.objects.filter(period.q(), union_id=union.pk)
            .values("name")
            .annotate(**aggregates_for(METRICS)),
            METRICS,
        )
        latest: dict[str, str] = {}
        for kind, ends in (
            Fact.objects.filter(union_id=union.pk, name=TERM_FACT)
            .annotate(kind=KT("payload__committee_kind"), ends=KT("payload__ends_on"))
            .order_by("occurred_at", "pk")
            .values_list("kind", "ends")
        ):
            latest[kind] = ends
        overdue = sum(1 for ends in latest.values() if datetime.date.fromisoformat(ends) < today)
        target = by_district.setdefault(union.district_id, {"unions": 0, "members": 0, "terms_overdue": 0})
        target["unions"] += 1
        target["members"] += union.member_count
        target["terms_overdue"] += overdue
        for key, value in figures.items():
            target[key] = target.get(key, 0) + (value or 0)
    return by_district


def other_connection() -> psycopg.Connection:
    """A second connection to the test database, in autocommit: the union schemas are made and
    read there, so that 1,000 schemas never pile their locks into the test's one transaction."""
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"], user=settings["USER"] or None, host=settings["HOST"] or None,
        port=settings["PORT"] or None, password=settings["PASSWORD"] or None, autocommit=True,
    )  # fmt: skip


def schemas_build(other: psycopg.Connection, unions: list[Union]) -> None:
    """Each union's schema with its outbox table (the template's) holding the union's events."""
    template = template_schema_name()
    events: dict[int, list[tuple]] = defaultdict(list)
    rows = Fact.objects.filter(union_id__in=[u.pk for u in unions]).values_list(
        "union_id", "event_id", "name", "occurred_at", "payload", "received_at"
    )
    for union_id, event_id, name, occurred_at, payload, received_at in rows.iterator(chunk_size=10_000):
        events[union_id].append((event_id, name, occurred_at, json.dumps(payload), received_at, 1))
    with other.cursor() as cursor:
        for union in unions:
            schema = union.schema_name
            cursor.execute(f'CREATE SCHEMA "{schema}"')
            cursor.execute(
                f'CREATE TABLE "{schema}".events_outboxevent (LIKE "{template}".events_outboxevent INCLUDING ALL)'
            )
            columns = "id, name, occurred_at, payload, dispatched_at, attempts"
            with cursor.copy(f'COPY "{schema}".events_outboxevent ({columns}) FROM STDIN') as copy:
                for row in events[union.pk]:
                    copy.write_row(row)
            cursor.execute(f'ANALYZE "{schema}".events_outboxevent')


def schemas_drop(other: psycopg.Connection, unions: list[Union]) -> None:
    with other.cursor() as cursor:
        for union in unions:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{union.schema_name}" CASCADE')


def union_all_run(other: psycopg.Connection, queryset, unions: list[Union]) -> list[tuple]:
    """Run a ``Fact`` query of the dashboard over the union schemas' outboxes instead."""
    parts = [
        f"SELECT id, {u.pk} AS union_id, {u.district_id or 'NULL'} AS district_id, "
        f'{u.street_id or "NULL"} AS street_id, name, occurred_at, payload FROM "{u.schema_name}".events_outboxevent'
        for u in unions
    ]
    sql, params = queryset.query.sql_with_params()
    table = f'FROM "{Fact._meta.db_table}"'
    assert sql.count(table) == 1, sql
    sql = sql.replace(table, f'FROM ({" UNION ALL ".join(parts)}) "{Fact._meta.db_table}"')
    with psycopg.ClientCursor(other) as cursor:  # bound client-side, as Django binds
        cursor.execute(sql, params)
        return cursor.fetchall()


def union_all_figures(other: psycopg.Connection, unions: list[Union]) -> dict[str, object]:
    """The city page's figures from the union schemas: the four aggregate queries the dashboard
    ran over the facts before the rollup, each over a UNION ALL of the 1,000 outboxes."""
    period = period_parse({})
    last_month = period.last_day.replace(day=1)
    first_month = last_month - relativedelta(months=11)
    aggregates = aggregates_for(METRICS)
    by_union = (
        Fact.objects.filter(period.q(), name__in=FACT_NAMES)
        .values("union_id", "name")
        .annotate(**aggregates)
        .order_by()
    )
    by_kind = (
        Fact.objects.filter(period.q(), name__in=FACT_NAMES)
        .values("name", kind=KT("payload__kind"))
        .annotate(**aggregates)
        .order_by()
    )
    trend = (
        Fact.objects.filter(
            occurred_at__gte=timezone.make_aware(datetime.datetime.combine(first_month, datetime.time.min)),
            name__in=["case.opened", "case.closed", "activity.held"],
        )
        .annotate(month=TruncMonth("occurred_at"))
        .values("month", "name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    terms = (Fact.objects.filter(name=TERM_FACT).annotate(committee=KT("payload__committee_kind"), ends=KT("payload__ends_on"))
             .order_by("union_id", "committee", "-occurred_at", "-pk").distinct("union_id", "committee")
             .values_list("union_id", "committee", "ends"))  # fmt: skip
    rows = union_all_run(other, by_union, unions)
    columns = ["union_id", "name", *aggregates]
    district_of = {u.pk: u.district_id for u in unions}
    figures: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        record = dict(zip(columns, row, strict=True))
        figures[district_of[record["union_id"]]].append(record)
    return {
        "districts": {district: metric_values(grouped, METRICS) for district, grouped in figures.items()},
        "kinds": union_all_run(other, by_kind, unions),
        "trend": union_all_run(other, trend, unions),
        "terms": union_all_run(other, terms, unions),
    }  # fmt: skip


@pytest.mark.benchmark
@pytest.mark.django_db
def test_bench_dashboard_city_page(portal, client_for):
    rng = random.Random(7)
    with other_connection() as other, other.cursor() as cursor:
        # An earlier run on a reused test database rolled its rows back: the tables still hold
        # them as dead rows until autovacuum comes, and reading them made a run slower than the
        # one before. Clear them first, as autovacuum would.
        cursor.execute(f"VACUUM {Fact._meta.db_table}, {FactMonth._meta.db_table}, {FactYear._meta.db_table}")
    started = time.perf_counter()
    unions = _build(rng)
    facts = Fact.objects.filter(union_id__in=[u.pk for u in unions]).count()
    print(f"\nbuilt {UNIONS} unions and {facts} facts in {time.perf_counter() - started:.1f}s")
    started = time.perf_counter()
    rollup_rebuild(union_ids=[u.pk for u in unions])
    months = FactMonth.objects.filter(union_id__in=[u.pk for u in unions]).count()
    with connection.cursor() as cursor:  # as autovacuum would
        cursor.execute(f"ANALYZE {FactMonth._meta.db_table}")
        cursor.execute(f"ANALYZE {FactYear._meta.db_table}")
    print(f"counted the rollup ({months} rows) in {time.perf_counter() - started:.1f}s")
    started = time.perf_counter()
    with other_connection() as other:
        try:
            schemas_build(other, unions)
            print(
                f"made {len(unions)} union schemas with their outboxes in {time.perf_counter() - started:.1f}s"
            )
            _measure(other, unions, facts, months, portal, client_for)
        finally:
            schemas_drop(other, unions)


def _measure(other, unions, facts, months, portal, client_for) -> None:
    account, user = make_person(portal, "city_admin", name="陈主任")
    FederationRole.objects.create(user=user, kind=FederationRole.Kind.CITY_ADMIN)
    client: Client = client_for(portal)
    assert (
        client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD}).status_code == 302
    )
    with connection_queries() as queries:
        first = client.get("/admin/dashboard/")
    assert first.status_code == 200
    page_queries = len(queries)
    with connection_queries() as again:  # the sidebar from the cache, as every later page
        assert client.get("/admin/dashboard/").status_code == 200
    page, page_cpu = [], []
    for _ in range(RUNS):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get("/admin/dashboard/")
        page.append(time.perf_counter() - started)
        page_cpu.append(time.process_time() - cpu_started)  # this process only: less swayed by load
        assert response.status_code == 200
    built = []
    for _ in range(RUNS):
        started = time.perf_counter()
        board = dashboard_build(Scope("city"), period_parse({}), link=lambda level, pk: "")
        built.append(time.perf_counter() - started)
    union_all = []
    for _ in range(3):
        started = time.perf_counter()
        baseline = union_all_figures(other, unions)
        union_all.append(time.perf_counter() - started)
    loop_started = time.perf_counter()
    loop = loop_figures(unions)
    loop_seconds = time.perf_counter() - loop_started
    # All ways count the same: the page's district rows hold the UNION ALL's and the loop's figures.
    names = dict(District.objects.values_list("name", "pk"))
    tables = {table.key: table for table in board.units}
    checked = 0
    for key, column in (("unions", "members"), ("cases", "cases_opened"), ("cases", "cases_on_time"),
                        ("activities", "activity_attended"), ("hardship", "assistance_amount"),
                        ("terms", "terms_overdue")):  # fmt: skip
        for row in tables[key].rows:
            district = names.get(row.label)
            if district not in loop:
                continue  # the test session's own two unions, not the benchmark's
            assert row.values[column] == loop[district][column], (key, column, row.label)
            if column in baseline["districts"][district]:
                assert row.values[column] == baseline["districts"][district][column], (key, column, row.label)
                checked += 1
    assert checked
    trend_total = sum(n for _month, name, n in baseline["trend"] if name == "case.opened")
    assert sum(row.values["cases_opened"] for row in board.trend.rows) >= trend_total
    print(
        f"{UNIONS} unions, {facts} facts, {months} rollup rows; city page: {page_queries} queries "
        f"({len(again)} with the user's sidebar cached); slowest:"
    )
    for seconds, sql in sorted(queries, reverse=True)[:4]:
        print(f"  {seconds * 1000:.0f} ms {sql[:160]}")
    print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print(f"page p50 {statistics.median(page) * 1000:.1f} ms p95 {percentile(page, 95) * 1000:.1f} ms "
          f"(Python CPU p50 {statistics.median(page_cpu) * 1000:.1f} ms); "
          f"figures p95 {percentile(built, 95) * 1000:.1f} ms; UNION ALL over {len(unions)} schemas: "
          f"p50 {statistics.median(union_all) * 1000:.0f} ms; per-union loop {loop_seconds * 1000:.0f} ms")  # fmt: skip
    label = "" if UNIONS >= 1000 else f"_at_{UNIONS}_unions"
    baseline_seconds = statistics.median(union_all)
    p95 = percentile(page, 95)
    goal = p95 < 0.2 and baseline_seconds / p95 >= 20
    bench_line(
        f"dashboard_city_page_p95{label}", p95, "s", baseline_seconds, "p95<0.2s_and>=20x_union_all", goal
    )
    figures_p95 = percentile(built, 95)
    figures_goal = figures_p95 < 0.2 and baseline_seconds / figures_p95 >= 20
    bench_line(f"dashboard_figures_p95{label}", figures_p95, "s", baseline_seconds,
               "p95<0.2s_and>=20x_union_all", figures_goal)  # fmt: skip


class connection_queries:
    """Collects the SQL run inside the block."""

    def __enter__(self) -> list:
        from django.db import connection

        self._context = connection.execute_wrapper(self._record)
        self._context.__enter__()
        self.queries: list[tuple[float, str]] = []
        return self.queries

    def _record(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((time.perf_counter() - started, sql))

    def __exit__(self, *exc) -> None:
        self._context.__exit__(*exc)
