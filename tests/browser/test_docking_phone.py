"""The shared-resources catalogue on the portal, on a phone (390x844): anyone opens /resources/,
sees the published resources of unions and stations (not an unpublished one), narrows them to a
district and a kind; the page fits the screen, passes axe's WCAG 2.1 AA rules and is
screenshotted."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from docking.models import SharedResource
from docking.selectors import Party
from docking.services import resource_create
from tenants.registry.models import Union
from tenants.users.models import User
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_calendar_phone import PHONE, _fits_and_passes_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

RESOURCES = {
    "xinghe": [
        ("room", "星河职工服务中心会议室", 30, "30人会议室，配视频会议设备和白板，工作日9:00—18:00开放。", True),
        ("lawyer", "法律援助律师 王律师", 1, "执业十二年，擅长劳动合同、工伤认定和欠薪追讨。", True),
        ("venue", "星河篮球场", 20, "标准室外篮球场，夜间有照明，周末全天开放。", True),
        ("room", "星河未发布的活动室", 10, "尚未发布。", False),
    ],
    "hengtong": [
        ("counsellor", "心理咨询师 李老师", 12, "国家二级心理咨询师，可开展减压团体辅导。", True),
        ("books", "恒通职工书屋流动图书箱", 200, "每箱约200册，含文学、历史、技能类图书，可借出一个月。", True),
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        made = []
        for slug, rows in RESOURCES.items():
            union = Union.objects.get(slug=slug)
            with tenant_context(union):
                chairman = User.objects.filter(groups__name="chairman").order_by("pk").first()
                for kind, title, capacity, description, published in rows:
                    made.append(resource_create(
                        party=Party(union=union), by=chairman, kind=kind, title=title, capacity=capacity,
                        description=description, address="朝阳区望京科技园A座" if slug == "xinghe" else "海淀区上地十街1号",
                        contact="工会办公室 010-64701234", exclusive=kind != "books", publish=published,
                    ).pk)  # fmt: skip
        connection.set_schema_to_public()
    yield made
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        SharedResource.objects.filter(pk__in=made).delete()


def test_anyone_browses_the_shared_resources_on_a_phone(server, browser, shared):
    portal = Union.objects.get(schema_name="public")
    base = f"http://{portal.primary_host}:{server}"
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{base}/resources/")
    main = page.locator("main").inner_text()
    assert "共享资源" in main and "法律援助律师 王律师" in main and "心理咨询师 李老师" in main
    assert "星河未发布的活动室" not in main
    _fits_and_passes_axe(page, "resource catalogue")
    page.screenshot(path=str(SCREENSHOTS / "docking-catalogue-phone.png"), full_page=True)

    page.select_option("#dk-district", "110108")
    page.select_option("#dk-kind", "counsellor")
    page.locator("form.docking-filter button[type=submit]").tap()
    page.wait_for_url("**/resources/?district=110108&kind=counsellor*")
    narrowed = page.locator("main").inner_text()
    assert "心理咨询师 李老师" in narrowed and "法律援助律师" not in narrowed
    context.close()
