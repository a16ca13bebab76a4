"""The query builder: bad input gets a clear Chinese answer, syntax characters are harmless,
paging past the end and unknown facet values never fail; facets, highlighting, "did you
mean", suggestions while typing and a union's own content first."""

from __future__ import annotations

import datetime

import pytest
from django_tenants.utils import schema_context

from search.query import Audience, SearchQueryError, search_run, search_suggest
from tenants.mechanisms.models import PartnerOrganisation
from tests.search.conftest import PUBLIC_KIND
from tests.search.fixtures import refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(search_index, test_sources, union_a, union_b, django_capture_on_commit_callbacks):
    today = datetime.date.today()
    rows = {
        union_a.schema_name: [
            ("劳动争议调解室", "调解室在二楼，调解员每周二、四接待职工", today),
            ("职工法律援助站", "免费法律咨询，协助申请劳动仲裁", today - datetime.timedelta(days=400)),
            ("<b>篮球</b>兴趣小组", "每周五晚上在体育馆打篮球 & 交流", today + datetime.timedelta(days=10)),
        ],
        union_b.schema_name: [
            ("恒通调解工作室", "物流园区的劳动争议调解", today - datetime.timedelta(days=20)),
            ("恒通心理疏导室", "心理咨询师每周三值班", None),
        ],
    }
    for schema, entries in rows.items():
        with schema_context(schema), django_capture_on_commit_callbacks(execute=True):
            for name, offer, day in entries:
                PartnerOrganisation.objects.create(name=name, offer=offer, agreement_starts_on=day)
    refresh()


@pytest.mark.parametrize(
    ("text", "code", "says"),
    [
        ("", "query_empty", "请输入"),
        ("   \t ", "query_empty", "请输入"),
        ("调解" * 101, "query_too_long", "200"),
        ("？！。，……", "query_no_words", "标点"),
        ("*** ::: ###", "query_no_words", "标点"),
    ],
)
def test_bad_words_get_a_clear_chinese_error(search_index, text, code, says):
    with pytest.raises(SearchQueryError) as raised:
        search_run(text=text, audience=Audience.portal())
    assert raised.value.code == code
    assert says in raised.value.message


@pytest.mark.parametrize(
    "text",
    ['title:(调解 AND "室") OR *', "调解~2 ^3 [a TO z] \\", "调解 /.*/ {}", "-调解 +室 && || !"],
)
def test_query_syntax_characters_are_searched_as_text(corpus, union_a, text):
    results = search_run(text=text, audience=Audience.site(union_a.schema_name))
    assert results.total >= 0


def test_a_page_past_the_end_is_empty_and_paging_is_clamped(corpus):
    first = search_run(text="调解", audience=Audience.portal(), per_page=1)
    assert first.total == 2 and len(first.hits) == 1 and first.has_next
    past = search_run(text="调解", audience=Audience.portal(), page=99, per_page=1)
    assert past.hits == [] and past.total == 2
    deep = search_run(text="调解", audience=Audience.portal(), page=10**9, per_page=10**6)
    assert deep.hits == [] and deep.per_page == 50
    odd = search_run(text="调解", audience=Audience.portal(), page="x", per_page="y")  # type: ignore[arg-type]
    assert odd.page == 1 and len(odd.hits) == 2


def test_unknown_facet_values_are_ignored(corpus):
    plain = search_run(text="调解", audience=Audience.portal())
    odd = search_run(
        text="调解", audience=Audience.portal(), kinds=["no_such_kind"], district="999999",
        union="u_nobody", date_range="someday",
    )  # fmt: skip
    assert odd.total == plain.total == 2


def test_facets_count_each_choice_under_the_other_choices(corpus, union_a, union_b):
    results = search_run(text="调解", audience=Audience.portal())
    facets = {facet.name: {b.value: b.count for b in facet.buckets} for facet in results.facets}
    assert facets["kind"] == {PUBLIC_KIND: 2}
    assert facets["district"] == {"110105": 1, "110108": 1}
    assert facets["union"] == {union_a.schema_name: 1, union_b.schema_name: 1}
    assert sum(facets["date"].values()) == 2
    district = results.facet("district")
    assert district is not None and {b.label for b in district.buckets} == {"朝阳区", "海淀区"}

    chosen = search_run(text="调解", audience=Audience.portal(), district="110108")
    assert [hit.union_schema for hit in chosen.hits] == [union_b.schema_name]
    district = chosen.facet("district")
    assert district is not None
    # The district facet still offers the other district; the union facet follows the choice.
    assert {b.value: (b.count, b.selected) for b in district.buckets} == {
        "110105": (1, False),
        "110108": (1, True),
    }
    union = chosen.facet("union")
    assert union is not None and {b.value for b in union.buckets} == {union_b.schema_name}

    month = search_run(text="调解", audience=Audience.portal(), date_range="month")
    assert [hit.title for hit in month.hits] == ["恒通调解工作室"]
    dated = search_run(
        text="调解",
        audience=Audience.portal(),
        date_from=datetime.date.today(),
        date_to=datetime.date.today(),
    )
    assert [hit.title for hit in dated.hits] == ["劳动争议调解室"]


def test_titles_weigh_more_and_matches_are_highlighted_safely(corpus, union_a):
    results = search_run(text="篮球", audience=Audience.portal())
    hit = results.hits[0]
    assert hit.title == "<b>篮球</b>兴趣小组"
    assert hit.title_html == "&lt;b&gt;<mark>篮球</mark>&lt;&#x2F;b&gt;兴趣小组"
    assert "<mark>篮球</mark>" in hit.snippet_html and "&amp;" in hit.snippet_html

    law = search_run(text="法律", audience=Audience.portal())
    assert law.hits[0].title == "职工法律援助站"


def test_a_union_site_ranks_its_own_content_first(corpus, union_a, union_b):
    own_b = search_run(text="调解", audience=Audience.site(union_b.schema_name))
    assert [hit.union_schema for hit in own_b.hits] == [union_b.schema_name]  # A's is not on B's site
    portal = search_run(text="劳动争议调解", audience=Audience.portal())
    assert portal.hits[0].title == "劳动争议调解室"


def test_did_you_mean_corrects_a_mistyped_word(corpus):
    results = search_run(text="心理疏道", audience=Audience.portal())
    assert results.suggestion == "心理疏导"
    assert search_run(text="心理疏导", audience=Audience.portal()).suggestion == ""


def test_suggestions_while_typing(corpus, union_a):
    found = search_suggest(prefix="劳动", audience=Audience.portal())
    assert [s.title for s in found] == ["劳动争议调解室"]
    assert found[0].url.startswith(f"http://{union_a.primary_host}/")
    assert search_suggest(prefix="恒通", audience=Audience.site(union_a.schema_name)) == []
    assert search_suggest(prefix="  ", audience=Audience.portal()) == []
    assert search_suggest(prefix="！？", audience=Audience.portal()) == []


def test_the_date_facet_is_counted_from_months_and_the_days_of_split_months():
    """One aggregation counts every facet: whole months, and the days of the months a date
    range's boundary falls in (today, 30 and 365 days ago), give the same counts as the ranges."""
    from search.querybuild import date_range_bounds, date_split_months, facet_counts

    today = datetime.date(2026, 11, 24)
    assert date_split_months(today) == ["2025-11", "2026-10", "2026-11"]
    assert date_range_bounds("month", today) == {"gte": "2026-10-25", "lt": "2026-11-24"}
    buckets = {
        "kind:activity": 6, "union:u_a": 6, "district:110105": 6,
        "month:2026-12": 3,  # upcoming
        "month:2026-11": 99, "day:2026-11-24": 1, "day:2026-11-23": 2,  # split: today upcoming, before it month
        "month:2026-10": 99, "day:2026-10-25": 1, "day:2026-10-24": 4,  # split at today-30
        "month:2026-09": 5,  # year
        "month:2025-11": 99, "day:2025-11-24": 1, "day:2025-11-23": 1,  # split at today-365
        "month:2024-01": 7, "day:2024-01-05": 50,  # older; a day of a month not split is not counted
    }  # fmt: skip
    aggregation = {
        "facets": {"buckets": [{"key": key, "doc_count": count} for key, count in buckets.items()]}
    }
    counts = facet_counts(aggregation, today)
    assert counts["date"] == {"upcoming": 4, "month": 3, "year": 10, "older": 8}
    assert (
        counts["kind"] == {"activity": 6}
        and counts["union"] == {"u_a": 6}
        and counts["district"] == {"110105": 6}
    )
