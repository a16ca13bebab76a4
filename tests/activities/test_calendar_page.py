"""The union's activity calendar page (/activities/calendar/): the month and list views, moving
between months, the kind filter, bad query parameters, the page cache, and the sources merged."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.activities import selectors_calendar
from tenants.activities.calendar import CalendarEntry
from tenants.activities.selectors_calendar import calendar_entries, calendar_month
from tests.activities.calendar_data import at, make_activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def march(union_a, union_b):
    """Union A's March 2027: two published activities, a draft and a cancelled one; union B's own."""
    with tenant_context(union_a):
        made = {
            "match": make_activity(starts_at=at(2027, 3, 6, 9), title="周六篮球赛"),
            "lecture": make_activity(starts_at=at(2027, 3, 18, 19), kind="lecture", title="劳动法知识讲座"),
            "draft": make_activity(starts_at=at(2027, 3, 10), status="draft", title="草稿里的书法课"),
            "cancelled": make_activity(starts_at=at(2027, 3, 12), status="cancelled", title="取消的羽毛球赛"),
            "april": make_activity(starts_at=at(2027, 4, 2), kind="family", title="亲子植树活动"),
        }
    with tenant_context(union_b):
        make_activity(starts_at=at(2027, 3, 20), title="恒通物流拔河比赛")
    return made


def test_the_month_shows_published_activities_each_linking_to_its_page(union_a, client_for, march):
    response = client_for(union_a).get("/activities/calendar/?year=2027&month=3")
    assert response.status_code == 200
    html = response.content.decode()
    assert "活动日历" in html and "2027年3月" in html
    assert "周六篮球赛" in html and f'href="/activities/{march["match"].pk}/"' in html
    assert "劳动法知识讲座" in html and "09:00" in html
    # Given a draft, a cancelled activity and another union's: none of them shows
    assert "草稿里的书法课" not in html and "取消的羽毛球赛" not in html and "恒通物流拔河比赛" not in html
    # The calendar can be subscribed to
    assert "webcal://xinghe.localhost/activities/feed.ics" in html


def test_previous_and_next_month_links_wrap_around_the_year(union_a, client_for, march):
    html = client_for(union_a).get("/activities/calendar/?year=2027&month=1").content.decode()
    assert "?year=2026&amp;month=12" in html and "?year=2027&amp;month=2" in html
    html = client_for(union_a).get("/activities/calendar/?year=2027&month=12&view=list").content.decode()
    assert "?year=2027&amp;month=11&amp;view=list" in html and "?year=2028&amp;month=1&amp;view=list" in html
    # Following "next" from March shows April's activity and not March's
    html = client_for(union_a).get("/activities/calendar/?year=2027&month=4").content.decode()
    assert "亲子植树活动" in html and "周六篮球赛" not in html


def test_the_list_view_lists_the_days_that_have_something_on(union_a, client_for, march):
    html = client_for(union_a).get("/activities/calendar/?year=2027&month=3&view=list").content.decode()
    assert 'id="d-20270306"' in html and 'id="d-20270318"' in html and 'id="d-20270307"' not in html
    assert "09:00–11:00" in html and "职工活动中心篮球场" in html


def test_the_kind_filter_shows_only_that_kind(union_a, client_for, march):
    html = client_for(union_a).get("/activities/calendar/?year=2027&month=3&kind=lecture").content.decode()
    assert "劳动法知识讲座" in html and "周六篮球赛" not in html
    html = client_for(union_a).get("/activities/calendar/?year=2027&month=3&kind=family").content.decode()
    assert "本月没有" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=2027&month=13", "月份应为1到12"),
        ("year=2027&month=0", "月份应为1到12"),
        ("year=abc&month=3", "年份应为"),
        ("year=99999&month=3", "年份应为"),
        ("month=%E4%B8%89", "月份应为1到12"),
        ("year=2027&month=3&view=week", "没有这种视图"),
        ("year=2027&month=3&kind=%3Cscript%3E", "没有这种活动类别"),
    ],
)
def test_bad_query_parameters_get_a_clear_message_and_a_sane_month(
    union_a, client_for, march, query, message
):
    response = client_for(union_a).get(f"/activities/calendar/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'role="alert"' in html and "<script>" not in html
    today = timezone.localdate()
    if "year=2027&month=3" not in query:
        assert f"{today.year}年{today.month}月" in html  # this month instead


def test_an_activity_published_after_the_page_was_cached_shows_at_once(
    union_a, client_for, settings, django_capture_on_commit_callbacks
):
    settings.CACHE_MIDDLEWARE_SECONDS = 300
    client = client_for(union_a)
    url = "/activities/calendar/?year=2027&month=5"
    assert "五月登山" not in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert not any("activities_activity" in query["sql"] for query in queries.captured_queries), (
        "an anonymous visitor gets the calendar from the page cache"
    )
    # When an activity is saved (its transaction commits)
    with tenant_context(union_a), django_capture_on_commit_callbacks(execute=True):
        activity = make_activity(starts_at=at(2027, 5, 8), title="五月登山")
    connection.set_schema_to_public()
    # Then the cached page is stale and the calendar shows it
    assert "五月登山" in client.get(url).content.decode()
    with tenant_context(union_a), django_capture_on_commit_callbacks(execute=True):
        activity.status = "cancelled"
        activity.save()
    connection.set_schema_to_public()
    assert "五月登山" not in client.get(url).content.decode()


def test_the_page_costs_a_fixed_number_of_queries_whatever_the_number_of_activities(
    union_a, client_for, settings
):
    settings.CACHE_MIDDLEWARE_SECONDS = 0
    client = client_for(union_a)
    client.get("/activities/calendar/?year=2027&month=6")  # the site's chrome is cached on the first visit
    counts = []
    for n in (2, 40):
        with tenant_context(union_a):
            for i in range(n):
                make_activity(starts_at=at(2027, 6, 1 + i % 28, 8 + i % 10))
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/activities/calendar/?year=2027&month=6").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_month_grid_puts_long_entries_on_each_day_and_starts_on_monday(union_a):
    with tenant_context(union_a):
        make_activity(starts_at=at(2027, 3, 30, 9), ends_at=at(2027, 4, 1, 17), title="三天的志愿服务")
        month = calendar_month(year=2027, month=3, today=datetime.date(2027, 3, 15))
    assert month.days[0].date == datetime.date(2027, 3, 1) and month.days[0].date.weekday() == 0
    assert len(month.days) % 7 == 0 and month.days[-1].date == datetime.date(2027, 4, 4)
    on = {day.date for day in month.days if any(e.entry.title == "三天的志愿服务" for e in day.entries)}
    assert on == {datetime.date(2027, 3, 30), datetime.date(2027, 3, 31), datetime.date(2027, 4, 1)}
    assert [day.date for day in month.days if day.is_today] == [datetime.date(2027, 3, 15)]
    assert month.previous == (2027, 2) and month.next == (2027, 4)
    with tenant_context(union_a):
        april = calendar_month(year=2027, month=4)
    assert april.days[0].date == datetime.date(2027, 3, 29) and not april.days[0].in_month
    assert [(e.entry.title, e.continued) for e in april.days[1].entries] == [("三天的志愿服务", False)]
    assert [(e.entry.title, e.continued) for e in april.days[3].entries] == [("三天的志愿服务", True)]


def test_other_sources_are_merged_by_time_and_filtered_by_kind(union_a, monkeypatch, march):
    def meetings(*, start, end):
        return [
            CalendarEntry(uid="group-meeting-1-20270306", title="摄影小组例会", starts_at=at(2027, 3, 6, 8),
                          ends_at=at(2027, 3, 6, 9), kind="group_meeting", url="/groups/1/"),
            CalendarEntry(uid="group-meeting-1-20270501", title="窗外的例会", starts_at=at(2027, 5, 1),
                          ends_at=at(2027, 5, 1, 21), kind="group_meeting"),
        ]  # fmt: skip

    monkeypatch.setattr(
        selectors_calendar, "CALENDAR_SOURCES", [*selectors_calendar.CALENDAR_SOURCES, meetings]
    )
    with tenant_context(union_a):
        entries = calendar_entries(start=at(2027, 3, 1, 0), end=at(2027, 4, 1, 0))
        titles = [entry.title for entry in entries if entry.uid.startswith(("activity-", "group-meeting-1-"))]
        assert titles[:3] == ["摄影小组例会", "周六篮球赛", "劳动法知识讲座"]
        only = calendar_entries(start=at(2027, 3, 1, 0), end=at(2027, 4, 1, 0), kinds=["group_meeting"])
        assert {entry.kind for entry in only} == {"group_meeting"}
        with_cancelled = calendar_entries(
            start=at(2027, 3, 1, 0), end=at(2027, 4, 1, 0), include_cancelled=True
        )
        assert [e.cancelled for e in with_cancelled if e.title == "取消的羽毛球赛"] == [True]


def test_the_home_page_lists_the_next_activities_for_at_most_one_query_more(
    union_a, client_for, settings, django_capture_on_commit_callbacks
):
    settings.CACHE_MIDDLEWARE_SECONDS = 0
    client = client_for(union_a)
    client.get("/")
    with CaptureQueriesContext(connection) as before:
        html = client.get("/").content.decode()
    assert "近期活动" in html and "/activities/calendar/" in html and "近期暂无活动安排" in html
    with tenant_context(union_a), django_capture_on_commit_callbacks(execute=True):
        soon = make_activity(
            starts_at=timezone.now() + datetime.timedelta(days=2), title="下周三羽毛球友谊赛"
        )
        make_activity(starts_at=timezone.now() + datetime.timedelta(days=3), title="草稿活动", status="draft")
        make_activity(starts_at=timezone.now() - datetime.timedelta(days=3), title="上周的讲座")
    connection.set_schema_to_public()
    with CaptureQueriesContext(connection) as after:
        html = client.get("/").content.decode()
    assert "下周三羽毛球友谊赛" in html and f'href="/activities/{soon.pk}/"' in html
    assert "草稿活动" not in html and "上周的讲座" not in html
    assert len(after) == len(before) + 1  # the activities, once after they change
    with CaptureQueriesContext(connection) as cached:
        client.get("/")
    assert not any("activities_activity" in q["sql"] for q in cached.captured_queries)
    assert len(cached) == len(before)
