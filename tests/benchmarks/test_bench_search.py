"""Search benchmark (1): indexing through the platform's pipeline beside a raw bulk load, and
the p95 of ``search_run`` (facets, highlighting, "did you mean") beside the same request body
sent straight to the engine, word by word in turn.

The corpus: 10,000 documents (100,000 where ``ELASTICSEARCH_URL`` points at a real cluster) of
Chinese text made from the demo generator's vocabulary (activities, books, groups, courses,
partners, motions, names, districts), varied by a seeded random generator. The rows are real
model rows in a union's schema; the pipeline is the reindex path (rows → the source's document
→ union facts → bulk), the raw load the very same JSON documents sent with ``helpers.bulk``.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
import random
import re
import time

import pytest
from django_tenants.utils import schema_context
from elasticsearch import helpers

from search.documents import alias_name, index_create
from search.query import Audience, search_run
from search.querybuild import search_body, selection_check
from search.registry import SearchDocument, SearchSource, source_register, source_unregister
from search.reindex import search_reindex
from tenants.mechanisms.models import PartnerOrganisation
from tests.benchmarks.conftest import bench_line, percentile
from tests.search.fixtures import refresh, search_engine, search_index  # noqa: F401

pytestmark = pytest.mark.django_db

REAL_CLUSTER = bool(os.environ.get("ELASTICSEARCH_URL"))
DOCUMENTS = 100_000 if REAL_CLUSTER else 10_000
QUERIES = 200
KIND = "bench_partner"
_CJK = re.compile(r"[\u4e00-\u9fff]")
_DEMO_MODULES = (
    "tenants.activities.demo", "tenants.library.demo", "tenants.groups.demo", "tenants.training.demo",
    "tenants.mechanisms.demo", "tenants.congress.demo", "tenants.appraisal.demo", "tenants.mediation.demo",
    "tenants.plans.demo", "tenants.reception.demo", "tenants.elections.demo", "tenants.registry.demo_data",
)  # fmt: skip


def _strings(value: object, found: list[str]) -> None:
    if isinstance(value, str):
        if len(value) >= 4 and _CJK.search(value):
            found.append(value)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.astuple(value):
            _strings(item, found)
    elif isinstance(value, tuple | list):
        for item in value:
            _strings(item, found)
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, found)


def demo_vocabulary() -> tuple[list[str], list[str]]:
    """(phrases, sentences) from the demo modules' constants: short ones make titles, long ones bodies."""
    found: list[str] = []
    for name in _DEMO_MODULES:
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if attr.isupper() or (attr.startswith("_") and attr[1:].isupper()):
                _strings(value, found)
    phrases = sorted({s for s in found if len(s) <= 16})
    sentences = sorted(
        {piece for s in found if len(s) > 16 for piece in re.split(r"(?<=[。；！？])", s) if len(piece) > 6}
    )
    return phrases, sentences


def corpus(n: int) -> list[tuple[str, str]]:
    phrases, sentences = demo_vocabulary()
    assert len(phrases) > 50 and len(sentences) > 50, "the demo vocabulary shrank"
    from tenants.registry.demo_data import _GIVEN_NAMES, _SURNAMES

    places = ("朝阳区", "海淀区", "东城区", "西城区", "丰台区", "通州区", "顺义区", "大兴区")
    rng = random.Random(20261124)
    rows = []
    for i in range(n):
        person = rng.choice(_SURNAMES) + rng.choice(_GIVEN_NAMES)
        title = f"{rng.choice(places)}{rng.choice(phrases)}·{rng.choice(phrases)}（{person}）{i}"[:200]
        body = "".join(rng.choice(sentences) for _ in range(rng.randint(2, 5)))
        rows.append((title, body))
    return rows


def bench_document(partner: PartnerOrganisation) -> SearchDocument:
    return SearchDocument(
        title=partner.name, body=partner.offer, url=f"/partners/{partner.pk}/",
        date=partner.agreement_starts_on, keywords=(partner.contact_person,),
    )  # fmt: skip


@pytest.fixture
def bench_source():
    source = SearchSource(
        kind=KIND, label=PartnerOrganisation._meta.verbose_name, model=PartnerOrganisation, visibility="public",
        document=bench_document, queryset=lambda: PartnerOrganisation.objects.order_by("pk"),
    )  # fmt: skip
    source_register(source)
    yield source
    source_unregister(KIND)


def test_search_indexing_and_query_speed(search_index, bench_source, union_a):  # noqa: F811
    import datetime

    client = search_index
    rows = corpus(DOCUMENTS)
    today = datetime.date.today()
    with schema_context(union_a.schema_name):
        PartnerOrganisation.objects.bulk_create(
            [
                PartnerOrganisation(
                    name=title,
                    offer=body,
                    contact_person=title[-6:],
                    agreement_starts_on=today + datetime.timedelta(days=(i % 730) - 365),
                )
                for i, (title, body) in enumerate(rows)
            ],
            batch_size=2000,
        )

    # (1a) The platform's pipeline: rows → documents → bulk, as search_reindex does it.
    started = time.perf_counter()
    result = search_reindex(schemas=[union_a.schema_name])
    pipeline_seconds = time.perf_counter() - started
    indexed = result.documents["public"]
    assert indexed >= DOCUMENTS

    # (1b) Raw: the same documents, already as JSON, straight into a fresh index.
    documents = [
        hit["_source"] | {"_id": hit["_id"]}
        for hit in helpers.scan(
            client.options(request_timeout=120),
            index=alias_name("public"),
            query={"query": {"term": {"kind": KIND}}},
        )
    ]
    raw_index = index_create(client, visibility="public")
    started = time.perf_counter()
    helpers.bulk(
        client.options(request_timeout=120),
        (
            {"_index": raw_index, "_id": d.pop("_id"), "_routing": d["union_schema"], "_source": d}
            for d in documents
        ),
        chunk_size=500,
        refresh=True,
    )
    raw_seconds = time.perf_counter() - started
    client.options(request_timeout=120).indices.delete(index=raw_index)

    pipeline_rate = indexed / pipeline_seconds
    raw_rate = len(documents) / raw_seconds
    bench_line(
        f"search_index_rate_{DOCUMENTS}", pipeline_rate, "docs/s", raw_rate,
        "at least half the raw bulk rate", pipeline_rate >= raw_rate / 2,
    )  # fmt: skip
    # bench_line's ratio is baseline/value; for a rate, value/baseline is the figure that matters.
    print(f"search_index_rate ratio pipeline/raw {pipeline_rate / raw_rate:.2f}", flush=True)

    # (2) Queries: search_run for the portal with facets and highlighting, and the same body raw.
    refresh()
    rng = random.Random(7)
    words = []
    while len(words) < QUERIES:  # two to four characters of a real title or body: words people type
        text = re.sub(r"[^\u4e00-\u9fff]", "", rng.choice(rows)[rng.randint(0, 1)])
        size = rng.randint(2, 4)
        if len(text) > size:
            start = rng.randint(0, len(text) - size)
            words.append(text[start : start + size])
    audience = Audience.portal()
    for word in words[:10]:  # warm up
        search_run(text=word, audience=audience)
    selection = selection_check(
        audience=audience, visibility="public", kinds=(), district=None, union=None,
        date_range=None, date_from=None, date_to=None,
    )  # fmt: skip
    # Each word through the platform and, right after, its request body straight to the engine:
    # the machine is shared, and a burst of other work then weighs on both alike rather than on
    # whichever ran during it.
    platform_ms: list[float] = []
    raw_ms: list[float] = []
    totals = 0
    for word in words:
        started = time.perf_counter()
        found = search_run(text=word, audience=audience)
        platform_ms.append((time.perf_counter() - started) * 1000)
        totals += found.total
        _v, _r, body = search_body(text=word, audience=audience, selection=selection, start=0, size=10)
        started = time.perf_counter()
        client.search(index=alias_name("public"), body=body)
        raw_ms.append((time.perf_counter() - started) * 1000)
    assert totals > QUERIES  # the queries find things: facets and highlighting do real work
    p95 = percentile(platform_ms, 95)
    raw_p95 = percentile(raw_ms, 95)
    bench_line(
        f"search_query_p95_{DOCUMENTS}", p95, "ms", raw_p95,
        "p95 under 50 ms and at most 1.5x the raw query", p95 < 50 and p95 <= 1.5 * raw_p95,
    )  # fmt: skip
    # The machine is shared: the figures mean little without the load they were measured under.
    print(
        f"search_query medians platform {percentile(platform_ms, 50):.1f} ms raw {percentile(raw_ms, 50):.1f} ms; "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        flush=True,
    )
