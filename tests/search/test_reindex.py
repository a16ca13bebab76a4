"""``search_reindex`` rebuilds into new indices and swaps the aliases: search keeps answering
throughout, and what is saved during the rebuild is not lost."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django_tenants.utils import schema_context

from search.documents import VISIBILITIES, alias_indices, alias_name, next_alias_name
from search.query import Audience, search_run
from search.reindex import search_reindex
from tenants.mechanisms.models import PartnerOrganisation
from tests.search.conftest import PUBLIC_KIND, STAFF_KIND
from tests.search.fixtures import refresh

pytestmark = pytest.mark.django_db


def kind_count(client, visibility: str, kind: str) -> int:
    return client.count(index=alias_name(visibility), query={"term": {"kind": kind}})["count"]


@pytest.fixture
def partners(search_index, test_sources, union_a, union_b):
    """Rows that exist in the database but were never indexed (``bulk_create`` sends no signal)."""
    with schema_context(union_a.schema_name):
        PartnerOrganisation.objects.bulk_create(
            [PartnerOrganisation(name="星河读书会", offer="职工书屋每月共读一本书")]
        )
    with schema_context(union_b.schema_name):
        PartnerOrganisation.objects.bulk_create(
            [
                PartnerOrganisation(name="恒通读书会", offer="物流园区流动书屋"),
                PartnerOrganisation(name="恒通暂存", offer="草稿：未公开"),
            ]
        )


def test_reindex_fills_new_indices_from_every_union_and_swaps_the_aliases(
    search_index, partners, union_a, union_b
):
    before = {v: alias_indices(search_index, alias_name(v)) for v in VISIBILITIES}
    assert search_run(text="读书会", audience=Audience.portal()).total == 0

    result = search_reindex(schemas=["public", union_a.schema_name, union_b.schema_name])

    refresh()
    assert kind_count(search_index, "public", PUBLIC_KIND) == 2  # the draft is staff-only
    assert kind_count(search_index, "staff", STAFF_KIND) == 3
    assert result.documents["public"] >= 2  # the real apps' sources (home pages...) too
    for visibility in VISIBILITIES:
        assert alias_indices(search_index, alias_name(visibility)) == [result.indices[visibility]]
        assert alias_indices(search_index, next_alias_name(visibility)) == []
        for old in before[visibility]:
            assert not search_index.indices.exists(index=old)
    assert search_run(text="读书会", audience=Audience.portal()).total == 2


def test_search_answers_from_the_old_index_during_the_rebuild_and_live_saves_reach_the_new_one(
    search_index, partners, union_a, union_b, django_capture_on_commit_callbacks
):
    search_reindex(schemas=["public", union_a.schema_name])  # the live index holds union A only
    answers: list[int] = []

    def during(schema: str) -> None:
        # Mid-rebuild: the live alias still answers, from the old index...
        answers.append(search_run(text="读书会", audience=Audience.portal()).total)
        if schema == "public":
            # ...and a record saved now goes to both the old and the new index.
            with schema_context(union_a.schema_name), django_capture_on_commit_callbacks(execute=True):
                PartnerOrganisation.objects.create(name="星河新读书会", offer="新成立")
            refresh()

    search_reindex(schemas=["public", union_b.schema_name], progress=during)
    assert answers == [1, 2]  # union A's, then union A's plus the one saved mid-rebuild
    found = {hit.title for hit in search_run(text="读书会", audience=Audience.portal()).hits}
    assert found == {"恒通读书会", "星河新读书会"}  # union B rebuilt, the live save kept


def test_a_failed_rebuild_leaves_the_live_index_alone(search_index, partners, union_a):
    search_reindex(schemas=["public", union_a.schema_name])
    live = {v: alias_indices(search_index, alias_name(v)) for v in VISIBILITIES}

    def fail(schema: str) -> None:
        raise RuntimeError("worker killed")

    with pytest.raises(RuntimeError):
        search_reindex(schemas=["public", union_a.schema_name], progress=fail)
    assert {v: alias_indices(search_index, alias_name(v)) for v in VISIBILITIES} == live
    assert all(alias_indices(search_index, next_alias_name(v)) == [] for v in VISIBILITIES)
    assert search_run(text="读书会", audience=Audience.portal()).total == 1


def test_the_command_reindexes_every_active_union(search_index, partners, capsys):
    call_command("search_reindex", "--no-input", "--no-progress")
    assert "staff document(s) from" in capsys.readouterr().out
    assert search_run(text="读书会", audience=Audience.portal()).total == 2
