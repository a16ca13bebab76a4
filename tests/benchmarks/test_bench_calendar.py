"""The union's activity calendar page and iCalendar feed for a union with 5,000 activities
(issue 6): p95 time and SQL queries per request, beside the feed built from a bare query in the
same run.

- page_cold: /activities/calendar/ (this month, some 330 activities) rendered, the page cache
  missed (its generation moved on before every request, as after a publish);
- page_cached: the same page from the page cache (an anonymous visitor);
- feed_cold: /activities/feed.ics built (about 5,000 events), its own cache missed likewise;
- feed_cached: the feed's bytes from its cache; feed_304: a calendar app asking again with
  If-None-Match;
- bare_query: no view, no request: ``Activity.objects.filter(...).values(...)`` straight into
  ``icalendar`` events and ``to_ical()``, the least any feed of these events can cost.

Goals: the page and the feed read the activities in one query (no N+1); the built feed within
1.5x of the bare query; a cached feed or a 304 at least ten times faster than the bare query.
"""

from __future__ import annotations

import datetime
import random
import statistics
import time

import icalendar
import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from tests.benchmarks.conftest import bench_line, percentile

EVENTS = 5000
ROUNDS = {
    "page_cold": 30,
    "page_cached": 30,
    "feed_cold": 12,
    "feed_cached": 30,
    "feed_304": 30,
    "bare_query": 12,
}
WARM_UP = 2
TITLES = [
    "职工篮球赛",
    "劳动法知识讲座",
    "书法兴趣班",
    "亲子植树活动",
    "羽毛球友谊赛",
    "心理健康讲座",
    "志愿服务进社区",
    "技能交流会",
]
KINDS = ["sports", "lecture", "culture", "family", "sports", "lecture", "volunteering", "skills_exchange"]


def build_activities(n: int) -> None:
    """``n`` published activities spread over the feed's window (90 days back to a year ahead),
    a few drafts and cancelled ones among them, as a busy union's would be."""
    from tenants.activities.feeds import feed_window
    from tenants.activities.models import Activity

    start, end = feed_window()
    span = int((end - start).total_seconds() // 3600) - 4
    rng = random.Random(6)
    activities = []
    for i in range(n):
        begins = start + datetime.timedelta(hours=rng.randrange(span))
        status = "draft" if i % 50 == 7 else "cancelled" if i % 50 == 13 else "published"
        activities.append(
            Activity(
                title=f"{TITLES[i % len(TITLES)]}（第{i + 1}期）", kind=KINDS[i % len(KINDS)], starts_at=begins,
                ends_at=begins + datetime.timedelta(hours=1 + i % 3), status=status, place="职工活动中心",
                description="请提前十分钟到场签到，穿着舒适的服装。活动结束后欢迎留下意见和建议。",
            )
        )  # fmt: skip
    Activity.objects.bulk_create(activities, batch_size=1000)


def bare_query_feed(*, host: str) -> bytes:
    """The floor: one query, straight into icalendar, no view, no entries, no cache."""
    from tenants.activities.feeds import feed_window
    from tenants.activities.models import Activity

    start, end = feed_window()
    tz = timezone.get_default_timezone()
    cal = icalendar.Calendar.new(name="bare", prodid="-//bench//bare//ZH")
    cal.add_component(
        icalendar.Timezone.from_tzid("Asia/Shanghai", first_date=datetime.date(start.year - 1, 1, 1))
    )
    rows = Activity.objects.filter(
        status__in=["published", "cancelled"], starts_at__lt=end, ends_at__gt=start
    ).values("pk", "title", "starts_at", "ends_at", "place", "description", "status", "updated_at")
    for row in rows:
        event = icalendar.Event()
        event.add("UID", f"activity-{row['pk']}@{host}")
        event.add("DTSTAMP", row["updated_at"])
        event.add("DTSTART", row["starts_at"].astimezone(tz))
        event.add("DTEND", row["ends_at"].astimezone(tz))
        event.add("SUMMARY", row["title"])
        event.add("LOCATION", row["place"])
        event.add("URL", f"http://{host}/activities/{row['pk']}/")
        event.add("DESCRIPTION", row["description"])
        event.add("STATUS", "CANCELLED" if row["status"] == "cancelled" else "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()


@pytest.mark.benchmark
@pytest.mark.django_db
def test_bench_calendar_page_and_feed_with_5000_activities(union_a, settings):
    from workershome.page_cache import GENERATION_KEY

    settings.CACHE_MIDDLEWARE_SECONDS = 300
    with tenant_context(union_a):
        build_activities(EVENTS)
    host = union_a.primary_host
    client = Client(HTTP_HOST=host)
    feed_etag = client.get("/activities/feed.ics")["ETag"]

    def new_generation() -> None:
        with tenant_context(union_a):
            cache.set(GENERATION_KEY, (cache.get(GENERATION_KEY) or 0) + 1, None)

    def bare() -> tuple[int, bytes]:
        with tenant_context(union_a):
            return 200, bare_query_feed(host=host)

    def warm(url: str):
        def fill() -> None:  # whatever ran before, the cache holds this one now
            connection.set_schema_to_public()
            client.cookies.clear()
            client.get(url)

        return fill

    kinds = {
        "page_cold": (lambda: client.get("/activities/calendar/"), new_generation),
        "page_cached": (lambda: client.get("/activities/calendar/"), warm("/activities/calendar/")),
        "feed_cold": (lambda: client.get("/activities/feed.ics"), new_generation),
        "feed_cached": (lambda: client.get("/activities/feed.ics"), warm("/activities/feed.ics")),
        "feed_304": (
            lambda: client.get("/activities/feed.ics", HTTP_IF_NONE_MATCH=feed_etag),
            warm("/activities/feed.ics"),
        ),
        "bare_query": (bare, None),
    }
    results: dict[str, list[tuple[float, int, int]]] = {name: [] for name in kinds}
    sizes: dict[str, int] = {}
    for round_ in range(WARM_UP + max(ROUNDS.values())):
        for name, (request, before) in kinds.items():
            if round_ >= WARM_UP + ROUNDS[name]:
                continue
            if before is not None:
                before()
            connection.set_schema_to_public()
            client.cookies.clear()  # a new anonymous visitor (or a calendar app) each time
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = request()
                elapsed = (time.perf_counter() - started) * 1000
            status, content = (
                response if isinstance(response, tuple) else (response.status_code, response.content)
            )
            assert status == (304 if name == "feed_304" else 200), name
            sizes[name] = len(content)
            ours = sum(1 for q in queries.captured_queries if "activities_activity" in q["sql"])
            if round_ >= WARM_UP:
                results[name].append((elapsed, len(queries), ours))

    def times(name: str) -> list[float]:
        return [ms for ms, _, _ in results[name]]

    def median_of(name: str, index: int) -> int:
        return round(statistics.median(row[index] for row in results[name]))

    feed = icalendar.Calendar.from_ical(client.get("/activities/feed.ics").content)
    events = len(feed.walk("VEVENT"))
    print(f"\ncalendar with {EVENTS} activities ({events} events in the feed), ms p50/p95, SQL statements "
          f"(of which on activities), bytes:")  # fmt: skip
    for name in results:
        print(f"  {name:12} p50 {statistics.median(times(name)):8.2f} p95 {percentile(times(name), 95):8.2f} "
              f"statements {median_of(name, 1):3} activities {median_of(name, 2)} bytes {sizes[name]}")  # fmt: skip
    bare_p95 = percentile(times("bare_query"), 95)
    for name in ("page_cold", "feed_cold"):
        bench_line(f"calendar_{name}_activity_queries", median_of(name, 2), "queries", 1, "one_query_on_activities",
                   median_of(name, 2) <= 1)  # fmt: skip
        bench_line(f"calendar_{name}_queries", median_of(name, 1), "queries", median_of("page_cached", 1),
                   "reported", True)  # fmt: skip
    bench_line("calendar_page_cold_p95", percentile(times("page_cold"), 95), "ms",
               percentile(times("page_cached"), 95), "reported", True)  # fmt: skip
    bench_line("calendar_page_cached_p95", percentile(times("page_cached"), 95), "ms",
               percentile(times("page_cold"), 95), "reported", True)  # fmt: skip
    feed_p95 = percentile(times("feed_cold"), 95)
    bench_line("calendar_feed_cold_p95", feed_p95, "ms", bare_p95, "within_1.5x_of_bare_query",
               feed_p95 <= 1.5 * bare_p95)  # fmt: skip
    for name in ("feed_cached", "feed_304"):
        p95 = percentile(times(name), 95)
        bench_line(
            f"calendar_{name}_p95", p95, "ms", bare_p95, "10x_faster_than_bare_query", p95 * 10 <= bare_p95
        )
        bench_line(f"calendar_{name}_activity_queries", median_of(name, 2), "queries", 1, "no_query_on_activities",
                   median_of(name, 2) == 0)  # fmt: skip
    assert events >= EVENTS * 0.9
    assert django_settings.TIME_ZONE == "Asia/Shanghai"
