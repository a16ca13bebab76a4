"""Journey 3's end, on a phone (390x844): a signed-in worker opens the union's activity calendar,
taps Saturday's basketball match and signs up on its page (two taps from the calendar); then turns
on their private calendar feed, whose address, fetched as a phone's calendar app would, holds the
match. The calendar fits the screen, passes axe's WCAG 2.1 AA rules and is screenshotted."""

from __future__ import annotations

import datetime
import urllib.request
from urllib.parse import urlsplit

import icalendar
import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import Account
from tenants.activities.models import ActivitySignup
from tenants.registry.models import Union
from tenants.registry.services import union_provision
from tests.activities.calendar_data import make_activity
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_journey_speak_up import committed
from tests.factories import PASSWORD, credit_code, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
SLUG = "calendar-phone"
CHAIRMAN = "13812348601"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}
MONTH_PROGRAMME = [
    (2, "sports", "周六职工篮球赛", "职工活动中心篮球场"),
    (4, "lecture", "劳动合同法知识讲座", "三楼多功能厅"),
    (4, "culture", "书法兴趣班", "职工书屋"),
    (9, "family", "亲子植树活动", "朝阳公园东门"),
    (12, "volunteering", "志愿服务进社区", "望京街道社区服务中心"),
    (16, "skills_exchange", "数控车床技能交流会", "二号车间"),
]


def _next_saturday_morning() -> datetime.datetime:
    today = timezone.localdate()
    day = today + datetime.timedelta(days=(5 - today.weekday()) % 7 or 7)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


@pytest.fixture(scope="module")
def union_with_programme(django_db_setup, django_db_blocker):
    """A union with a worker and a month of published activities (committed, for the server)."""
    with django_db_blocker.unblock():
        union = union_provision(
            name="朝阳区星河日历测试有限公司工会", slug=SLUG, credit_code=credit_code(8601),
            employer="北京星河日历测试有限公司", officer_mobile=CHAIRMAN, officer_name="孙主席",
            officer_password=PASSWORD,
        ).union  # fmt: skip
        worker_account, worker = make_person(union, "member", name="郑晓雨")
        saturday = _next_saturday_morning()
        with tenant_context(union):
            made = []
            for offset, kind, title, place in MONTH_PROGRAMME:
                starts = saturday + datetime.timedelta(days=offset - 2, hours=10 if kind == "lecture" else 0)
                made.append(make_activity(starts_at=starts, kind=kind, title=title, place=place, capacity=30))
    yield union, worker_account, worker, made[0]
    with django_db_blocker.unblock():
        for created in Union.objects.filter(slug=SLUG):
            created.delete(force_drop=True)
        Account.objects.filter(mobile__in=[CHAIRMAN, worker_account.mobile]).delete()


def _fits_and_passes_axe(page, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    )
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]
    assert not violations, (name, violations)


def test_a_worker_finds_saturdays_match_on_the_calendar_signs_up_and_gets_it_in_their_feed(
    server, browser, union_with_programme
):
    union, worker_account, worker, match = union_with_programme
    base = f"http://{SLUG}.localhost:{server}"
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/?next=/")
    page.fill("input[name=username]", worker_account.mobile)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")
    # The home page lists the coming activities and leads to the calendar
    assert page.locator(f'#main a[href="/activities/{match.pk}/"]').first.is_visible()
    assert page.locator('#main a[href="/activities/calendar/"]').first.is_visible()
    page.screenshot(path=str(SCREENSHOTS / "calendar-home-phone.png"), full_page=True)

    # The calendar of the match's month, as a list of days on the phone
    starts = timezone.localtime(match.starts_at)
    response = page.goto(f"{base}/activities/calendar/?year={starts.year}&month={starts.month}")
    assert response.status == 200
    link = page.locator(f'main a[href="/activities/{match.pk}/"]').first
    assert link.is_visible() and "周六职工篮球赛" in link.inner_text()
    assert page.locator(".cal-wd").first.is_hidden()  # no seven-column grid on a phone
    _fits_and_passes_axe(page, "calendar")
    page.screenshot(path=str(SCREENSHOTS / "calendar-month-phone.png"), full_page=True)
    page.goto(f"{base}/activities/calendar/?year={starts.year}&month={starts.month}&view=list")
    _fits_and_passes_axe(page, "calendar list")
    page.screenshot(path=str(SCREENSHOTS / "calendar-list-phone.png"), full_page=True)

    # Tap 1: the match; tap 2: sign up
    page.goto(f"{base}/activities/calendar/?year={starts.year}&month={starts.month}")
    page.locator(f'main a[href="/activities/{match.pk}/"]').first.tap()
    page.wait_for_url(f"{base}/activities/{match.pk}/")
    assert "周六职工篮球赛" in page.content()
    with page.expect_navigation():
        page.locator(f'form[action="/activities/{match.pk}/signup/"] button[type=submit]').tap()
    page.screenshot(path=str(SCREENSHOTS / "calendar-signed-up-phone.png"), full_page=True)
    status = committed(
        union, lambda: ActivitySignup.objects.get(activity_id=match.pk, user_id=worker.pk).status
    )
    assert status == "confirmed"

    # The private feed: turned on under /my/calendar/, fetched without the session cookie
    page.goto(f"{base}/my/calendar/")
    with page.expect_navigation():
        page.locator("button[name=action][value=issue]").tap()
    address = page.locator("#feed-address").input_value()
    assert address.startswith(f"http://{SLUG}.localhost:{server}/activities/my/")
    assert page.locator('a[href^="webcal://"]').first.is_visible()
    _fits_and_passes_axe(page, "subscribe")
    page.screenshot(path=str(SCREENSHOTS / "calendar-subscribe-phone.png"), full_page=True)
    context.close()

    # A calendar app fetches the address: no cookies (the test's resolver does not know *.localhost,
    # so the request goes to 127.0.0.1 with the union's Host header)
    path = urlsplit(address).path
    request = urllib.request.Request(
        f"http://127.0.0.1:{server}{path}", headers={"Host": f"{SLUG}.localhost:{server}"}
    )
    with urllib.request.urlopen(request, timeout=30) as feed:
        assert feed.status == 200 and feed.headers["Content-Type"].startswith("text/calendar")
        events = icalendar.Calendar.from_ical(feed.read()).walk("VEVENT")
    assert [str(event["SUMMARY"]) for event in events] == ["周六职工篮球赛"]
    assert str(events[0]["UID"]) == f"activity-{match.pk}@{SLUG}.localhost"


def test_on_a_desktop_the_month_is_a_grid_of_weeks(server, browser, union_with_programme):
    _, _, _, match = union_with_programme
    starts = timezone.localtime(match.starts_at)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.goto(
        f"http://{SLUG}.localhost:{server}/activities/calendar/?year={starts.year}&month={starts.month}"
    )
    assert page.locator(".cal-wd").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    days = page.locator(".cal-month .cal-day")
    assert days.count() % 7 == 0
    first, eighth = days.nth(0).bounding_box(), days.nth(7).bounding_box()
    assert (
        first and eighth and eighth["y"] > first["y"] and abs(eighth["x"] - first["x"]) < 1
    )  # rows of seven
    assert page.locator(f'main a[href="/activities/{match.pk}/"]').first.is_visible()
    page.screenshot(path=str(SCREENSHOTS / "calendar-month-desktop.png"), full_page=True)
    context.close()
