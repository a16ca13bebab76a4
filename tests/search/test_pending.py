"""The durable catch-up: indexing the engine did not take during an outage longer than the task's
retries is kept in PostgreSQL (``search.PendingIndexOp``) and applied by the periodic sweep once
the engine answers; deletions still delete, records are indexed from the database as it is then,
and a union's pending records never reach another union's documents.

The outage is a closed port; "the retries are used up" is the task's last attempt run directly
(``apply(retries=max_retries)``), or an in-process task that cannot retry (tests run tasks eagerly,
as the embedded default does): no test waits for a backoff.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils.module_loading import import_string
from django_tenants.utils import schema_context

from search.client import search_client_reset
from search.documents import alias_name
from search.indexing import union_info_forget
from search.models import PendingIndexOp
from search.pending import pending_count, pending_record_items, pending_sweep
from search.query import Audience, search_run
from search.tasks import search_documents_sync, search_pending_sweep, search_union_remove
from tenants.mechanisms.models import PartnerOrganisation
from tenants.registry.services import union_set_status
from tests.search.conftest import PUBLIC_KIND, STAFF_KIND
from tests.search.fixtures import refresh, worker_prefix
from tests.search.test_engine import closed_port

pytestmark = pytest.mark.django_db


class Outage:
    """Point search at a closed port while active (``with outage:``); the engine "comes back"
    when the block ends."""

    def __enter__(self) -> Outage:
        search_client_reset()
        self._override = override_settings(
            ELASTICSEARCH_URL=f"http://127.0.0.1:{closed_port()}", SEARCH_PLAIN_JSON=True
        )
        self._override.enable()
        return self

    def __exit__(self, *exc: object) -> None:
        self._override.disable()
        search_client_reset()


@pytest.fixture
def outage(search_index):
    yield Outage()
    search_client_reset()


def pending() -> dict[tuple[str, str, str], str]:
    return {(row.schema_name, row.kind, row.object_id): row.operation for row in PendingIndexOp.objects.all()}


def document(client, visibility: str, schema: str, kind: str, pk: object) -> dict | None:
    client.indices.refresh(index=alias_name(visibility))
    found = client.options(ignore_status=404).get(
        index=alias_name(visibility), id=f"{schema}:{kind}:{pk}", routing=schema
    )
    return found.body["_source"] if found.meta.status == 200 else None


def test_an_outage_longer_than_the_retries_is_kept_and_indexed_by_the_sweep_once_the_engine_answers(
    outage, search_index, test_sources, union_a, django_capture_on_commit_callbacks, monkeypatch
):
    schema = union_a.schema_name
    with outage, schema_context(schema):
        # Given the engine is down, when a record is saved, then the request still succeeds and
        # the indexing its task could not do is kept, one row per document kind.
        with django_capture_on_commit_callbacks(execute=True):
            partner = PartnerOrganisation.objects.create(name="停机期间登记的协作单位", offer="法律咨询")
        pk = str(partner.pk)
        assert pending() == {(schema, PUBLIC_KIND, pk): "index", (schema, STAFF_KIND, pk): "index"}
        assert pending_count() == 2

    # The sweep while the engine is down: one ping, nothing applied, nothing counted as tried.
    def never(**kwargs):
        raise AssertionError("the sweep must not index while the engine is down")

    monkeypatch.setattr("search.indexing.documents_sync", never)
    with outage:
        result = pending_sweep()
    assert result.engine_up is False and result.applied == 0 and result.left == 2
    assert set(PendingIndexOp.objects.values_list("attempts", flat=True)) == {0}
    monkeypatch.undo()

    # The record changes without a signal (no new task): the sweep reads the database, not the row.
    with schema_context(schema):
        PartnerOrganisation.objects.filter(pk=partner.pk).update(name="恢复后读取的协作单位")

    # When the engine answers again, the sweep (the periodic task) indexes it and drops the rows.
    assert search_pending_sweep() == 2
    assert pending() == {}
    public = document(search_index, "public", schema, PUBLIC_KIND, pk)
    assert public is not None and public["title"] == "恢复后读取的协作单位"
    assert public["union_schema"] == schema
    assert document(search_index, "staff", schema, STAFF_KIND, pk) is not None
    # Nothing pending: the next sweep does not even ask the engine.
    assert pending_sweep().engine_up is None


def test_the_last_retry_keeps_the_work_instead_of_failing(outage, test_sources, union_a):
    schema = union_a.schema_name
    with outage, schema_context(schema):
        partner = PartnerOrganisation.objects.create(name="重试用尽的协作单位")
        items = [[PUBLIC_KIND, str(partner.pk)], [PUBLIC_KIND, "987654"]]
        result = search_documents_sync.apply(
            kwargs={"items": items}, retries=search_documents_sync.max_retries
        )
        assert result.successful() and result.get() == 0
        assert search_union_remove.apply(
            kwargs={"schema": "gone_union"}, retries=search_union_remove.max_retries
        ).successful()
    assert pending() == {
        (schema, PUBLIC_KIND, str(partner.pk)): "index",
        (schema, PUBLIC_KIND, "987654"): "delete",  # no such row: its document is to go
        ("gone_union", "", ""): "union_remove",
    }
    row = PendingIndexOp.objects.get(object_id=str(partner.pk))
    assert "SearchEngineError" in row.last_error
    # Recorded again: still one row, the newest operation wins.
    with schema_context(schema):
        before = row.recorded_at
        partner.delete()
        pending_record_items(schema=schema, items=[(PUBLIC_KIND, str(row.object_id))], error="again")
    row = PendingIndexOp.objects.get(object_id=row.object_id)
    assert (row.operation, row.last_error) == ("delete", "again") and row.recorded_at > before
    assert PendingIndexOp.objects.filter(object_id=row.object_id).count() == 1


def test_a_deletion_during_the_outage_is_applied_by_the_sweep(
    outage, search_index, test_sources, union_a, django_capture_on_commit_callbacks
):
    schema = union_a.schema_name
    with schema_context(schema), django_capture_on_commit_callbacks(execute=True):
        partner = PartnerOrganisation.objects.create(name="将被删除的协作单位", offer="心理疏导")
    pk = str(partner.pk)
    assert document(search_index, "public", schema, PUBLIC_KIND, pk) is not None

    with outage, schema_context(schema), django_capture_on_commit_callbacks(execute=True):
        partner.delete()
    assert pending() == {(schema, PUBLIC_KIND, pk): "delete", (schema, STAFF_KIND, pk): "delete"}
    assert document(search_index, "public", schema, PUBLIC_KIND, pk) is not None  # still there

    result = pending_sweep()
    assert result.engine_up and result.applied == 2 and pending() == {}
    assert document(search_index, "public", schema, PUBLIC_KIND, pk) is None
    assert document(search_index, "staff", schema, STAFF_KIND, pk) is None
    refresh()
    assert search_run(text="心理疏导", audience=Audience.portal()).total == 0


def test_union_b_pending_records_never_reach_union_a_documents(
    outage, search_index, test_sources, union_a, union_b, django_capture_on_commit_callbacks
):
    # The same primary key in both unions' schemas, and one only union B has.
    with outage:
        with schema_context(union_a.schema_name), django_capture_on_commit_callbacks(execute=True):
            PartnerOrganisation.objects.create(pk=90001, name="星河同号协作单位", offer="甲工会的服务")
        with schema_context(union_b.schema_name), django_capture_on_commit_callbacks(execute=True):
            PartnerOrganisation.objects.create(pk=90001, name="恒通同号协作单位", offer="乙工会的服务")
            PartnerOrganisation.objects.create(pk=90002, name="恒通独有协作单位", offer="乙工会的服务")
    assert {key[0] for key in pending()} == {union_a.schema_name, union_b.schema_name}

    assert pending_sweep().applied == 6 and pending() == {}
    a_doc = document(search_index, "public", union_a.schema_name, PUBLIC_KIND, 90001)
    b_doc = document(search_index, "public", union_b.schema_name, PUBLIC_KIND, 90001)
    assert (a_doc["title"], a_doc["union_schema"]) == ("星河同号协作单位", union_a.schema_name)
    assert (b_doc["title"], b_doc["union_schema"]) == ("恒通同号协作单位", union_b.schema_name)
    assert document(search_index, "public", union_a.schema_name, PUBLIC_KIND, 90002) is None
    refresh()
    a_titles = {
        hit.title for hit in search_run(text="协作单位", audience=Audience.site(union_a.schema_name)).hits
    }
    assert a_titles == {"星河同号协作单位"}
    union_a_docs = search_index.search(
        index=f"{worker_prefix()}-*", query={"term": {"union_schema": union_a.schema_name}}, size=50
    )["hits"]["hits"]
    assert {hit["_source"]["title"] for hit in union_a_docs} == {"星河同号协作单位"}


def test_a_suspended_unions_pending_records_are_dropped_and_its_documents_removed(
    outage, search_index, test_sources, union_a, union_b, django_capture_on_commit_callbacks
):
    with schema_context(union_b.schema_name), django_capture_on_commit_callbacks(execute=True):
        indexed = PartnerOrganisation.objects.create(name="恒通已索引协作单位")
    try:
        with outage:
            with schema_context(union_b.schema_name), django_capture_on_commit_callbacks(execute=True):
                PartnerOrganisation.objects.create(name="恒通停机期间的协作单位")
            # The suspension's removal cannot be queued either: kept as a whole-union row.
            with django_capture_on_commit_callbacks(execute=True):
                union_set_status(union=union_b, status="suspended", reason="停业整顿")
        assert pending()[(union_b.schema_name, "", "")] == "union_remove"
        assert len(pending()) == 3

        result = pending_sweep()
        assert (result.applied, result.dropped, pending()) == (1, 2, {})
        count = search_index.count(
            index=f"{worker_prefix()}-*", query={"term": {"union_schema": union_b.schema_name}}
        )["count"]
        assert count == 0  # the whole union removed, the records kept for it never indexed
        assert document(search_index, "public", union_b.schema_name, PUBLIC_KIND, indexed.pk) is None
    finally:
        union_info_forget()


def test_the_backlog_is_in_the_readiness_answer_and_the_sweep_is_scheduled(client, union_a):
    with schema_context(union_a.schema_name):
        pending_record_items(schema=union_a.schema_name, items=[(PUBLIC_KIND, "1"), (PUBLIC_KIND, "2")])
    answer = client.get("/readyz").json()
    assert answer["backlog"] == {"search_pending": 2}
    entry = settings.CELERY_BEAT_SCHEDULE["search-pending-sweep"]
    assert import_string(entry["task"]) is search_pending_sweep and entry["schedule"] <= 10 * 60


def test_a_full_reindex_forgets_what_was_pending_before_it(search_index, test_sources, union_a):
    from search.reindex import search_reindex

    with schema_context(union_a.schema_name):
        partner = PartnerOrganisation.objects.create(name="重建索引前待办的协作单位")
        pending_record_items(schema=union_a.schema_name, items=[(PUBLIC_KIND, str(partner.pk))])
    assert pending_count() == 1
    search_reindex(schemas=["public", union_a.schema_name])
    assert pending_count() == 0
    assert document(search_index, "public", union_a.schema_name, PUBLIC_KIND, partner.pk) is not None


def test_the_command_lists_the_backlog_and_applies_it(search_index, test_sources, union_a):
    from io import StringIO

    from django.core.management import call_command

    with schema_context(union_a.schema_name):
        partner = PartnerOrganisation.objects.create(name="命令补做的协作单位")
        pending_record_items(
            schema=union_a.schema_name, items=[(PUBLIC_KIND, str(partner.pk)), (STAFF_KIND, str(partner.pk))]
        )
    out = StringIO()
    call_command("search_pending", stdout=out)
    assert f"{union_a.schema_name}\tindex\t2\t" in out.getvalue() and "2 pending." in out.getvalue()

    with Outage():
        err = StringIO()
        call_command("search_pending", "--apply", stdout=StringIO(), stderr=err)
    assert "does not answer" in err.getvalue() and pending_count() == 2

    out = StringIO()
    call_command("search_pending", "--apply", stdout=out)
    assert "Applied 2, dropped 0." in out.getvalue() and "0 pending." in out.getvalue()
    assert document(search_index, "public", union_a.schema_name, PUBLIC_KIND, partner.pk) is not None
