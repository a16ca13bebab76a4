"""亮制度 on a phone (390x844): a signed-in member opens the union's published work plan (/plan/,
in the site's menu) and reads the year's tasks with their progress, status and owners; an overdue task is
flagged. The page fits the screen and passes axe's WCAG 2.1 AA rules; the screenshot is kept."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import Account
from tenants.registry.models import Union
from tenants.registry.services import union_provision
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_calendar_phone import PHONE, _fits_and_passes_axe
from tests.factories import PASSWORD, credit_code, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
SLUG = "plans-phone"
CHAIRMAN = "13812348911"
TASKS = [
    ("召开第五届职工代表大会第三次会议", "democracy", (1, 10), (3, 31), 100, "周建华"),
    ("开展“安康杯”安全生产知识竞赛", "rights", (4, 1), (9, 30), 60, "吴丽萍"),
    ("建设职工书屋和职工减压室", "home", (3, 1), (6, 30), 40, "周建华"),
    ("举办数控车工技能比武", "skills", (5, 1), (11, 30), 20, "吴丽萍"),
]


@pytest.fixture(scope="module")
def union_with_plan(django_db_setup, django_db_blocker):
    """A union with a member and this year's published plan (committed, for the server)."""
    from tenants.membership.services import member_create
    from tenants.plans.services import item_create, item_progress_record, plan_adopt, plan_create

    year = timezone.localdate().year
    with django_db_blocker.unblock():
        union = union_provision(
            name="朝阳区星河计划测试有限公司工会", slug=SLUG, credit_code=credit_code(8911),
            employer="北京星河计划测试有限公司", officer_mobile=CHAIRMAN, officer_name="周主席",
            officer_password=PASSWORD,
        ).union  # fmt: skip
        worker_account, _worker = make_person(union, "member", name="郑晓雨")
        with tenant_context(union):
            owners = {
                "周建华": member_create(name="周建华", mobile="13920008911", department="工会办公室"),
                "吴丽萍": member_create(name="吴丽萍", mobile="13920008912", department="生产部"),
            }
            plan = plan_create(year=year, title=f"{year}年工会工作计划", published=True,
                               introduction="坚持服务职工，围绕企业中心工作，建设职工信赖的职工之家。")  # fmt: skip
            for task, category, start, due, progress, owner in TASKS:
                item = item_create(
                    plan=plan, task=task, category=category, owner_member=owners[owner],
                    starts_on=datetime.date(year, *start), due_on=datetime.date(year, *due),
                )  # fmt: skip
                item_progress_record(item=item, progress=progress, note="按计划推进",
                                     on=datetime.date(year, *start))  # fmt: skip
            plan_adopt(plan=plan, on=datetime.date(year, 1, 8))
    yield union, worker_account
    with django_db_blocker.unblock():
        for created in Union.objects.filter(slug=SLUG):
            created.delete(force_drop=True)
        Account.objects.filter(mobile__in=[CHAIRMAN, worker_account.mobile]).delete()


def test_a_member_reads_the_published_plan_on_a_phone(server, browser, union_with_plan):
    _union, worker_account = union_with_plan
    base = f"http://{SLUG}.localhost:{server}"
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/?next=/")
    page.fill("input[name=username]", worker_account.mobile)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/plan/")
    main = page.locator("main").inner_text()
    year = timezone.localdate().year
    assert f"{year}年工会工作计划" in main
    for task, *_rest in TASKS:
        assert task in main
    assert "周建华" in main  # owners, for members
    assert page.locator("progress").count() == len(TASKS)
    overdue = timezone.localdate() > datetime.date(year, 6, 30)  # the home-building task, at 40%
    assert (page.locator(".tag.overdue").count() >= 1) == overdue
    _fits_and_passes_axe(page, "work plan")
    page.screenshot(path=str(SCREENSHOTS / "plans-published-phone.png"), full_page=True)
    context.close()
