"""Interest groups and room booking on a phone (Chromium at 390x844): a member signs in, asks to
join a group, opens the activity centre's week and books it for an evening; the pages fit the
screen, pass an axe WCAG 2.1 AA audit, and screenshots go to var/screenshots/."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from cms.demo import site_demo_fill
from cms.models import RoomPage
from tenants.groups import demo as groups_demo
from tenants.groups.models import GroupJoinRequest, InterestGroup
from tenants.registry.demo_data import UNIONS
from tenants.registry.models import Union
from tenants.registry.services import union_provision
from tenants.rooms import demo as rooms_demo
from tenants.rooms.models import RoomBooking
from tests.browser.conftest import SCREENSHOTS
from tests.factories import PASSWORD, credit_code, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
SLUG = "groups-rooms"
SPEC = UNIONS[0]
MEMBERS = ("王芳", "赵强", "孙丽", "周敏", "吴涛", "郑洁", "冯磊", "陈静")


@pytest.fixture(scope="module")
def demo_union(django_db_setup, django_db_blocker):
    """A union with the demo site, groups and room setups, and a member outside every group;
    committed for the server to see."""
    with django_db_blocker.unblock():
        union = union_provision(
            name="朝阳区星河兴趣测试有限公司工会", slug=SLUG, credit_code=credit_code(4343),
            employer="北京星河兴趣测试有限公司", officer_mobile="13812340043", officer_name="小组测试主席",
        ).union  # fmt: skip
        for name in MEMBERS:
            make_person(union, "member", name=name)
        with tenant_context(union):
            site_demo_fill(spec=SPEC, index=0)
            groups_demo.demo_fill(spec=SPEC, index=0)
            rooms_demo.demo_fill(spec=SPEC, index=0)
        newcomer = make_person(union, "member", name="新职工")
    yield union, newcomer
    with django_db_blocker.unblock():
        for created in Union.objects.filter(slug=SLUG):
            created.delete(force_drop=True)


def _next_weekday_offset(weekday: int) -> int:
    today = timezone.localdate()
    return ((weekday - today.weekday()) % 7) or 7


def test_a_member_joins_a_group_and_books_a_room_on_a_phone(server, browser, demo_union, django_db_blocker):
    from axe_playwright_python.sync_playwright import Axe

    union, (account, user) = demo_union
    with django_db_blocker.unblock(), tenant_context(union):
        group = InterestGroup.objects.get(name="篮球队")
        centre = RoomPage.objects.get(title="职工活动中心")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    base = f"http://{SLUG}.localhost:{server}"
    page.goto(f"{base}/accounts/login/?next=/groups/")
    page.fill("input[name=username]", account.mobile)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/groups/")
    axe, problems = Axe(), {}

    def check(name: str) -> None:
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
        results = axe.run(
            page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
        )
        if results.response["violations"]:
            problems[name] = [
                (v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]
            ]
        page.screenshot(path=str(SCREENSHOTS / f"{name}-phone.png"), full_page=True)

    assert "羽毛球小组" in page.content()
    check("groups")
    page.locator(f'a[href="/groups/{group.pk}/"]').first.click()
    page.wait_for_url(f"{base}/groups/{group.pk}/")
    page.fill("textarea[name=message]", "高中打过后卫，想参加周六训练")
    page.locator("form:has(input[name=action][value=join]) button[type=submit]").click()
    page.wait_for_url(f"{base}/groups/{group.pk}/")
    check("group")
    with django_db_blocker.unblock(), tenant_context(union):
        assert GroupJoinRequest.objects.filter(group=group, user=user, status="pending").exists()

    # Book the activity centre on the coming Monday evening
    offset = _next_weekday_offset(0)
    day = timezone.localdate() + datetime.timedelta(days=offset)
    page.goto(f"{base}/room-booking/{centre.pk}/?week={day.isoformat()}")
    page.fill("input[name=date]", day.isoformat())
    page.fill("input[name=start]", "19:00")
    page.fill("input[name=end]", "20:30")
    page.select_option("select[name=use]", "study_room")
    page.fill("input[name=purpose]", "班组技能比武复习")
    page.fill("input[name=people]", "12")
    check("room-booking")
    page.locator(".booking-form button[type=submit]").click()
    page.wait_for_url(f"{base}/my/bookings/")
    assert "班组技能比武复习" in page.content()
    check("my-bookings")
    with django_db_blocker.unblock(), tenant_context(union):
        booking = RoomBooking.objects.get(member=user)
        assert (timezone.localtime(booking.starts_at).date(), booking.status) == (day, "approved")
    context.close()
    assert not problems, problems
