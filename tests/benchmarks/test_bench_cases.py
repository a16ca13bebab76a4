"""The case list API of a union with 50,000 cases, and opening a case (issue 4).

Measured in one run, interleaved so that every figure sees the same machine:

- list: ``GET /api/v1/cases/`` filtered by status, kind, assignee and overdue (50 per page, with
  the page count), signed in by API token as an officer, through the whole middleware stack;
- bare: the same list served by a bare ``Case.objects.filter(...)[:50]`` query in a plain Django
  view (``.values()`` to JSON) through the same middleware: the floor any API could reach;
- query: that bare query alone, in process (for reference);
- create: ``POST /api/v1/cases/`` recording a walk-in appeal (case, timeline entry, outbox event,
  in-site notifications of the staff);

Goals: list p95 under 100 ms and within 3x of the bare query; create p95 under 100 ms.
"""

from __future__ import annotations

import datetime
import random
import time

import pytest
from django.db import connection
from django.http import JsonResponse
from django.test import Client
from django.urls import path
from django.utils import timezone
from django_tenants.utils import tenant_context
from rest_framework.authtoken.models import Token

from tenants.cases.kinds import KINDS
from tenants.cases.models import Case
from tenants.cases.procedures import procedure_current
from tests.benchmarks.conftest import bench_line, percentile
from tests.factories import make_person

TOTAL = 50_000
LIST_FIELDS = ("id", "kind", "category", "title", "status", "step", "priority", "channel", "requester_type",
               "assignee_id", "opened_at", "due_at", "closed_at")  # fmt: skip


def _bare_queryset(params) -> list[dict]:
    qs = Case.objects.all()
    if "status" in params:
        qs = qs.filter(status=params["status"])
    if "kind" in params:
        qs = qs.filter(kind=params["kind"])
    if "assignee" in params:
        qs = qs.filter(assignee_id=params["assignee"])
    if params.get("overdue") == "true":
        qs = qs.filter(status="open", due_at__lt=timezone.now())
    elif params.get("overdue") == "false":
        qs = qs.exclude(status="open", due_at__lt=timezone.now())
    return list(qs.order_by("-opened_at", "-id").values(*LIST_FIELDS)[:50])


def bare_view(request):
    return JsonResponse({"results": _bare_queryset(request.GET.dict())})


def __getattr__(name: str):
    if name == "urlpatterns":  # this module is the benchmark's URL conf: the union's URLs + the bare view
        from workershome.urls_tenant import urlpatterns

        return [path("bench-bare/", bare_view), *urlpatterns]
    raise AttributeError(name)


ROUNDS = 120
WARM_UP = 10


def _fill(officers, members) -> None:
    rng = random.Random(4)
    procedures = {kind: procedure_current(kind) for kind in KINDS}
    starts = {kind: p.steps.order_by("sort_order").first().code for kind, p in procedures.items()}
    now = timezone.now()
    batch = []
    for index in range(TOTAL):
        kind = rng.choices(["appeal", "proposal", "warning"], weights=[80, 15, 5])[0]
        opened = now - datetime.timedelta(days=rng.uniform(0, 3 * 365))
        closed = rng.random() < 0.8
        batch.append(Case(
            kind=kind, procedure=procedures[kind], title=f"职工反映事项{index}", description="……",
            requester_type="member", requester=rng.choice(members), channel="web_form",
            step="closed" if closed else starts[kind], status="closed" if closed else "open",
            outcome="已答复" if closed else "", assignee=rng.choice(officers), opened_at=opened,
            due_at=opened + datetime.timedelta(days=procedures[kind].time_limit_days),
            closed_at=opened + datetime.timedelta(days=5) if closed else None,
        ))  # fmt: skip
        if len(batch) == 5000:
            Case.objects.bulk_create(batch)
            batch = []
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")


@pytest.mark.benchmark
@pytest.mark.django_db
def test_bench_case_list_and_create(union_a, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    officers = [make_person(union_a, "officer", name=f"干事{i}")[1] for i in range(8)]
    members = [make_person(union_a, "member", name=f"职工{i}")[1] for i in range(40)]
    with tenant_context(union_a):
        _fill(officers, members)
        token = Token.objects.create(user=officers[0]).key
    client = Client(HTTP_HOST=union_a.primary_host, HTTP_AUTHORIZATION=f"Token {token}")
    filters = [
        {"status": "open"},
        {"status": "open", "kind": "appeal"},
        {"status": "open", "kind": "appeal", "assignee": officers[0].pk},
        {"overdue": "true"},
        {"status": "closed", "kind": "proposal", "assignee": officers[1].pk},
        {"kind": "warning", "overdue": "false"},
    ]

    settings.ROOT_URLCONF = __name__
    timings: dict[str, list[float]] = {"list": [], "bare": [], "query": [], "create": []}
    for round_ in range(WARM_UP + ROUNDS):
        params = filters[round_ % len(filters)]
        start = time.perf_counter()
        response = client.get("/api/v1/cases/", {**params, "page_size": 50})
        list_ms = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, response.content[:300]
        start = time.perf_counter()
        served = client.get("/bench-bare/", params)
        bare_ms = (time.perf_counter() - start) * 1000
        assert [row["id"] for row in served.json()["results"]] == [
            row["id"] for row in response.json()["results"]
        ]
        with tenant_context(union_a):
            start = time.perf_counter()
            _bare_queryset(params)
            query_ms = (time.perf_counter() - start) * 1000
        connection.set_schema_to_public()
        start = time.perf_counter()
        created = client.post("/api/v1/cases/", {
            "kind": "appeal", "title": f"来访反映{round_}", "description": "宿舍热水供应时间短",
            "channel": "walk_in", "requester_type": "member", "requester": members[round_ % 40].pk,
        }, content_type="application/json")  # fmt: skip
        create_ms = (time.perf_counter() - start) * 1000
        assert created.status_code == 201, created.content[:300]
        if round_ >= WARM_UP:
            timings["list"].append(list_ms)
            timings["bare"].append(bare_ms)
            timings["query"].append(query_ms)
            timings["create"].append(create_ms)

    list_p95, bare_p95, query_p95, create_p95 = (
        percentile(timings[name], 95) for name in ("list", "bare", "query", "create")
    )
    bench_line("case_list_api_p95", list_p95, "ms", bare_p95, "<100ms_and_within_3x_of_bare",
               list_p95 < 100 and list_p95 <= 3 * bare_p95)  # fmt: skip
    bench_line("case_list_bare_query_p95", query_p95, "ms", bare_p95, "reference_only", True)
    bench_line("case_create_api_p95", create_p95, "ms", bare_p95, "<100ms", create_p95 < 100)
