"""Journey 10 in Chromium: a city administrator opens the dashboard on a desk and on a phone,
sees the charts drawn without any script (CSP ``script-src 'self'``), drills down to a union and
exports a table."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from federation.models import Fact, FederationRole, Street
from federation.rollup import rollup_add, rollup_rebuild
from tenants.registry.models import Union
from tests.browser.conftest import SCREENSHOTS
from tests.factories import PASSWORD, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture(scope="module")
def city_admin(django_db_setup, django_db_blocker):
    """A city administrator, and a year of facts for the two unions placed on streets
    (committed, as the server process must see them); all undone afterwards."""
    with django_db_blocker.unblock():
        portal = Union.objects.get(schema_name="public")
        account, user = make_person(portal, "city_admin", name="市总管理员")
        with schema_context("public"):
            FederationRole.objects.create(user=user, kind="city_admin")
        union_a, union_b = Union.objects.get(slug="xinghe"), Union.objects.get(slug="hengtong")
        before = {union.pk: union.street_id for union in (union_a, union_b)}
        union_a.street = Street.objects.get(code="110105010")
        union_b.street = Street.objects.get(code="110108015")
        for union in (union_a, union_b):
            union.save(update_fields=["street"])
        now = timezone.now()
        facts = []
        for month in range(12):
            at = now - datetime.timedelta(days=30 * month)
            for union, cases, activities in ((union_a, 3 + month % 4, 2), (union_b, 1 + month % 3, 1)):
                facts += [("case.opened", {"kind": "appeal"}, at, union)] * cases
                facts += [("case.closed", {"kind": "appeal", "on_time": month % 5 != 0}, at, union)] * (
                    cases - 1
                )
                facts += [
                    ("activity.held", {"kind": "sports", "participants": 30, "attended": 25}, at, union)
                ] * activities
        facts += [("hardship.file_opened", {"kind": "medical", "tier": "deep"}, now, union_a)] * 2
        created = Fact.objects.bulk_create(
            Fact(event_id=uuid.uuid4(), union=union, district_id=union.district_id, street_id=union.street_id,
                 name=name, occurred_at=at, payload=payload)
            for name, payload, at, union in facts
        )  # fmt: skip
        rollup_add(created)
    yield account, union_a
    with django_db_blocker.unblock():
        Fact.objects.filter(pk__in=[fact.pk for fact in created]).delete()
        rollup_rebuild(union_ids=[union_a.pk, union_b.pk])
        for union in (union_a, union_b):
            Union.objects.filter(pk=union.pk).update(street_id=before[union.pk])
        with schema_context("public"):
            user.delete()
        account.delete()


def sign_in(page, base: str, mobile: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", mobile)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_the_city_admin_reads_the_dashboard_on_a_desk_and_a_phone(server, browser, city_admin):
    account, union_a = city_admin
    base = f"http://localhost:{server}"
    problems: list[str] = []

    desk = browser.new_context(viewport={"width": 1280, "height": 800})
    page = desk.new_page()
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    sign_in(page, base, account.mobile)
    response = page.goto(f"{base}/admin/dashboard/?period=12m")
    assert response.status == 200
    assert page.locator("svg[role=img] title").count() >= 3  # bar charts and the trend line
    assert page.locator("polyline").count() == 3
    page.screenshot(path=str(SCREENSHOTS / "dashboard-city-1280.png"), full_page=False)
    page.screenshot(path=str(SCREENSHOTS / "dashboard-city-1280-full.png"), full_page=True)

    page.click("table[data-table=unions] a:has-text('朝阳区')")
    page.click("table[data-table=unions] a:has-text('望京街道')")
    page.click(f"table[data-table=unions] a:has-text('{union_a.name}')")
    page.wait_for_load_state()
    assert f"/admin/dashboard/union/{union_a.pk}/" in page.url
    page.screenshot(path=str(SCREENSHOTS / "dashboard-union-1280-full.png"), full_page=True)
    assert page.locator("table[data-table=hardship] .dashboard-suppressed").count() >= 1  # two files
    with page.expect_download() as download:
        page.click("#section-cases a.dashboard-export")
    assert download.value.suggested_filename.endswith(".xlsx")
    assert "朝阳区星河科技有限公司工会" in download.value.suggested_filename

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    mobile = phone.new_page()
    mobile.on("console", lambda message: message.type == "error" and problems.append(message.text))
    sign_in(mobile, base, account.mobile)
    mobile.goto(f"{base}/admin/dashboard/?period=12m")
    mobile.screenshot(path=str(SCREENSHOTS / "dashboard-city-390.png"), full_page=True)
    assert not [text for text in problems if "Content Security Policy" in text], problems
