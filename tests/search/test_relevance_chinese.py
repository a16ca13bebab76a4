"""Relevance on a Chinese corpus: the demo generator's content of a union, indexed through the
platform's pipeline and searched the way the union's site searches.

Given union A filled by the demo generator (its website, procedures, groups, rooms, library,
activities, counselling lecture and training), when a worker searches its site, then:
调解 finds the mediation room and the mediation procedure first; 心理 finds counselling (the
service, its procedure, the lecture) first; 篮球 finds the basketball group first.
"""

from __future__ import annotations

import pytest

from search.query import Audience, search_run
from tests.search.pages_corpus import demo_corpus_fill, search_index_fill

pytestmark = pytest.mark.django_db


def top(text: str, audience: Audience, n: int = 5) -> list[tuple[str, str]]:
    return [(hit.kind, hit.title) for hit in search_run(text=text, audience=audience).hits[:n]]


def test_chinese_queries_find_what_a_worker_means_first(search_index, union_a):
    demo_corpus_fill(union_a, index=0)
    search_index_fill(union_a)
    site = Audience.site(union_a.schema_name)

    mediation = top("调解", site)
    assert set(mediation[:2]) == {("room", "劳动争议调解室"), ("procedure", "劳动争议调解程序")}, mediation

    counselling = top("心理", site, n=3)
    assert ("service", "心理疏导") in counselling and ("procedure", "职工心理疏导程序") in counselling, (
        counselling
    )
    assert all("心理" in title for _kind, title in counselling)

    basketball = top("篮球", site)
    assert basketball[0] == ("interest_group", "篮球队"), basketball
    assert {kind for kind, _title in basketball[:3]} >= {"interest_group", "activity"}

    # Titles weigh more than bodies: the room named for stress relief comes before pages that
    # only mention it.
    assert top("减压", site)[0] == ("room", "职工减压室")
    # Several words: a course that matches both comes first.
    assert top("安全 培训", site)[0][0] == "course"

    # Words found in different fields: the author is a keyword, the title the title.
    book = top("余华 活着", site)
    assert book[0] == ("book", "《活着》"), book
