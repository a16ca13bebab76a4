"""The indexing pipeline: a record is indexed after its transaction commits, never on rollback;
unpublishing and deletion remove its document."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_tenants.utils import schema_context

from search.documents import alias_name
from search.query import Audience, search_run
from tenants.mechanisms.models import PartnerOrganisation
from tests.search.conftest import PUBLIC_KIND, STAFF_KIND
from tests.search.fixtures import refresh

pytestmark = pytest.mark.django_db


def public_ids(client) -> set[str]:
    refresh()
    response = client.search(index=alias_name("public"), query={"match_all": {}}, size=100)
    return {hit["_id"] for hit in response["hits"]["hits"]}


def test_a_saved_record_is_indexed_after_commit_with_its_union_filled_in(
    search_index, test_sources, union_a, django_capture_on_commit_callbacks
):
    with schema_context(union_a.schema_name):
        with django_capture_on_commit_callbacks(execute=True):
            partner = PartnerOrganisation.objects.create(
                name="朝阳法律援助中心", offer="为职工提供免费的劳动争议法律咨询"
            )
        assert public_ids(search_index) == {f"{union_a.schema_name}:{PUBLIC_KIND}:{partner.pk}"}

    results = search_run(text="法律咨询", audience=Audience.site(union_a.schema_name))
    assert results.total == 1
    hit = results.hits[0]
    assert hit.kind == PUBLIC_KIND
    assert hit.url == f"http://{union_a.primary_host}/partners/{partner.pk}/"
    assert hit.union_name == union_a.name
    assert (hit.district_code, hit.district_name) == ("110105", "朝阳区")
    assert "<mark>" in hit.snippet_html


def test_nothing_is_sent_before_the_commit(
    search_index, test_sources, union_a, django_capture_on_commit_callbacks
):
    with schema_context(union_a.schema_name), django_capture_on_commit_callbacks(execute=False):
        PartnerOrganisation.objects.create(name="未提交的组织")
        assert public_ids(search_index) == set()
    assert public_ids(search_index) == set()  # the transaction never committed


def test_a_rolled_back_record_is_never_indexed(
    search_index, test_sources, union_a, django_capture_on_commit_callbacks
):
    with schema_context(union_a.schema_name), django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            PartnerOrganisation.objects.create(name="回滚的组织")
            raise RuntimeError("roll back")
        kept = PartnerOrganisation.objects.create(name="保留的组织")
    assert public_ids(search_index) == {f"{union_a.schema_name}:{PUBLIC_KIND}:{kept.pk}"}


def test_one_task_per_commit_indexes_every_record_it_touched(
    search_index, test_sources, union_a, django_capture_on_commit_callbacks
):
    from celery.signals import task_prerun

    ran: list[str] = []

    def count(sender=None, **kwargs):
        ran.append(sender.name)

    task_prerun.connect(count, weak=False)
    try:
        with schema_context(union_a.schema_name), django_capture_on_commit_callbacks(execute=True):
            for n in range(5):
                PartnerOrganisation.objects.create(name=f"协作单位{n}")
    finally:
        task_prerun.disconnect(count)
    assert ran == ["search.tasks.search_documents_sync"]
    assert len(public_ids(search_index)) == 5
    assert search_index.count(index=alias_name("staff"))["count"] == 5  # the model's staff kind too


def test_unpublishing_and_deleting_remove_the_document(
    search_index, test_sources, union_a, django_capture_on_commit_callbacks
):
    with schema_context(union_a.schema_name):
        with django_capture_on_commit_callbacks(execute=True):
            partner = PartnerOrganisation.objects.create(name="心理服务中心", offer="心理疏导与减压讲座")
        assert search_run(text="心理疏导", audience=Audience.portal()).total == 1

        with django_capture_on_commit_callbacks(execute=True):
            partner.offer = "草稿：心理疏导与减压讲座"
            partner.save()
        refresh()
        assert search_run(text="心理疏导", audience=Audience.portal()).total == 0

        with django_capture_on_commit_callbacks(execute=True):
            partner.offer = "心理疏导与减压讲座"
            partner.save()
        refresh()
        assert search_run(text="心理疏导", audience=Audience.portal()).total == 1

        staff_id = f"{union_a.schema_name}:{STAFF_KIND}:{partner.pk}"
        with django_capture_on_commit_callbacks(execute=True):
            partner.delete()
    assert public_ids(search_index) == set()
    assert not search_index.options(ignore_status=404).exists(
        index=alias_name("staff"), id=staff_id, routing=union_a.schema_name
    )


def test_a_depends_on_model_reindexes_the_records_it_affects(
    search_index, union_a, django_capture_on_commit_callbacks
):
    from search.registry import SearchDocument, SearchSource, source_register, source_unregister
    from tenants.plans.models import WorkPlan

    def partner_with_plans(partner: PartnerOrganisation) -> SearchDocument:
        return SearchDocument(
            title=partner.name, keywords=tuple(WorkPlan.objects.values_list("title", flat=True))
        )

    source_register(
        SearchSource(
            kind="test_partner_plans",
            label="partners",
            model=PartnerOrganisation,
            visibility="public",
            document=partner_with_plans,
            queryset=lambda: PartnerOrganisation.objects.all(),
            depends_on={WorkPlan: lambda plan: PartnerOrganisation.objects.all()},
        )
    )
    try:
        with schema_context(union_a.schema_name):
            with django_capture_on_commit_callbacks(execute=True):
                PartnerOrganisation.objects.create(name="协作律师事务所")
            refresh()
            assert search_run(text="职工素质提升", audience=Audience.portal()).total == 0
            with django_capture_on_commit_callbacks(execute=True):
                WorkPlan.objects.create(year=2026, title="职工素质提升计划")
            refresh()
            assert [
                hit.title for hit in search_run(text="职工素质提升", audience=Audience.portal()).hits
            ] == ["协作律师事务所"]
    finally:
        source_unregister("test_partner_plans")
