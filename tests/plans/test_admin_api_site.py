"""The work plan in the admin, the API and on the site: the officer makes the plan and its
items in the admin (refusals on the form, nothing saved), records progress through the API;
the published plan is on the site (owners' names for members only); and union B reaches none
of union A's plan through pages, admin or API."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.plans.models import PlanItem, WorkPlan
from tenants.plans.services import plan_save
from tests.membership.roster_helpers import api_client, staff_client

pytestmark = pytest.mark.django_db


def test_the_officer_makes_the_plan_and_its_items_in_the_admin(union_a, client_for, roster):
    """Given an officer, when the plan and an item are made in the admin, then both are saved;
    a second plan for the year, an unknown owner and dates outside the year are refused on the
    form with nothing saved."""
    admin = staff_client(client_for, union_a, "officer", name="李干事")
    assert admin.get("/admin/work-plans/").status_code == 200
    created = admin.post("/admin/work-plans/", {"year": 2030, "title": "2030年工会工作计划"})
    assert created.status_code == 302
    with tenant_context(union_a):
        plan = WorkPlan.objects.get(year=2030)
    twice = admin.post("/admin/work-plans/", {"year": 2030, "title": "重复"})
    assert twice.status_code == 400
    url = f"/admin/work-plans/{plan.pk}/"
    item = {"action": "item", "task": "开展“安康杯”竞赛", "category": "rights", "owner_mobile": roster[0].mobile,
            "starts_on": "2030-03-01", "due_on": "2030-10-31"}  # fmt: skip
    assert admin.post(url, item).status_code == 302
    assert admin.post(url, {**item, "owner_mobile": "13900000000"}).status_code == 400
    outside = admin.post(url, {**item, "due_on": "2031-01-31"})
    assert outside.status_code == 400
    page = admin.get(url)
    assert page.status_code == 200 and "开展“安康杯”竞赛" in page.content.decode()
    with tenant_context(union_a):
        saved = PlanItem.objects.get()
        assert saved.owner_member == roster[0] and WorkPlan.objects.count() == 1
    progress = admin.post(f"/admin/work-plans/items/{saved.pk}/", {"action": "progress", "progress": 30,
                                                                   "note": "完成动员部署"})  # fmt: skip
    assert progress.status_code == 302
    assert admin.post(url, {"action": "adopt"}).status_code == 302
    with tenant_context(union_a):
        saved.refresh_from_db()
        plan.refresh_from_db()
        assert saved.progress == 30 and saved.status == "in_progress" and plan.adopted_on is not None
    member = staff_client(client_for, union_a, "member", name="王职工")
    assert member.get("/admin/work-plans/").status_code in (302, 403, 404)


def test_the_plan_api(union_a, client_for, plan):
    """Given this year's plan, the API lists it with figures and items with the overdue flag;
    progress and bad input come back as the services say."""
    api = api_client(client_for, union_a, "officer", name="钱干事")
    listing = api.get("/api/v1/plans/").json()["results"]
    assert listing[0]["year"] == plan.year and listing[0]["figures"]["items"] == 3
    items = api.get(f"/api/v1/plan-items/?plan={plan.pk}").json()["results"]
    overdue = {row["task"]: row["overdue"] for row in items}
    assert overdue["召开职工代表大会"] is True and overdue["开展职工技能比武"] is False
    assert [row["task"] for row in api.get("/api/v1/plan-items/?overdue=1").json()["results"]] == [
        "召开职工代表大会"
    ]
    target = next(row for row in items if row["task"] == "开展职工技能比武")
    done = api.post(f"/api/v1/plan-items/{target['id']}/progress/", {"progress": 100, "note": "圆满完成"},
                    content_type="application/json")  # fmt: skip
    assert done.status_code == 200 and done.json()["status"] == "done"
    bad = api.post("/api/v1/plan-items/", {"plan": plan.pk, "task": "x", "category": "other",
                   "starts_on": f"{plan.year}-05-01", "due_on": f"{plan.year}-04-01"}, content_type="application/json")  # fmt: skip
    assert bad.status_code == 400 and bad.json()["code"] == "item_dates"
    twice = api.post("/api/v1/plans/", {"year": plan.year, "title": "x"}, content_type="application/json")
    assert twice.status_code == 409
    member = api_client(client_for, union_a, "member", name="孙职工")
    assert member.get("/api/v1/plans/").status_code == 403


def test_the_published_plan_on_the_site(union_a, client_for, plan):
    """Given this year's plan unpublished, then /plan/ says so and /plan/<year>/ is a 404; once
    published, anyone reads the tasks and progress, members also see the owners."""
    visitor = client_for(union_a)
    assert visitor.get("/plan/").status_code == 200
    assert visitor.get(f"/plan/{plan.year}/").status_code == 404
    with tenant_context(union_a):
        plan.published = True
        plan_save(plan=plan)
    page = visitor.get("/plan/").content.decode()
    assert "开展职工技能比武" in page and "王志刚" not in page
    member = staff_client(client_for, union_a, "member", name="王职工")
    assert "王志刚" in member.get(f"/plan/{plan.year}/").content.decode()


def test_union_b_reaches_none_of_union_as_plan(union_a, union_b, client_for, plan):
    """Given union A's published plan, then union B's site, admin and API show nothing of it and
    answer 404 for its ids; nothing of A's changes."""
    with tenant_context(union_a):
        plan.published = True
        plan_save(plan=plan)
        item = plan.items.first()
    site_b = client_for(union_b)
    assert "开展职工技能比武" not in site_b.get("/plan/").content.decode()
    assert site_b.get(f"/plan/{plan.year}/").status_code == 404
    admin_b = staff_client(client_for, union_b, "chairman", name="刘主席")
    listing = admin_b.get("/admin/work-plans/").content.decode()
    # (B's form to make this year's plan suggests the same title: A's plan is not listed, by link)
    assert f'href="/admin/work-plans/{plan.pk}/"' not in listing and "开展职工技能比武" not in listing
    assert admin_b.get(f"/admin/work-plans/{plan.pk}/").status_code == 404
    assert admin_b.get(f"/admin/work-plans/items/{item.pk}/").status_code == 404
    assert admin_b.post(f"/admin/work-plans/{plan.pk}/", {"action": "adopt"}).status_code == 404
    assert admin_b.post(f"/admin/work-plans/items/{item.pk}/", {"action": "progress", "progress": 100,
                                                                "note": "x"}).status_code == 404  # fmt: skip
    api_b = api_client(client_for, union_b, "officer", name="王干事")
    assert api_b.get("/api/v1/plans/").json()["results"] == []
    assert api_b.get(f"/api/v1/plans/{plan.pk}/").status_code == 404
    assert api_b.get(f"/api/v1/plan-items/{item.pk}/").status_code == 404
    assert api_b.post(f"/api/v1/plan-items/{item.pk}/progress/", {"progress": 100, "note": "x"},
                      content_type="application/json").status_code == 404  # fmt: skip
    assert api_b.post(f"/api/v1/plans/{plan.pk}/adopt/").status_code == 404
    assert api_b.post(f"/api/v1/plans/{plan.pk}/summary/", {"summary": "x"},
                      content_type="application/json").status_code == 404  # fmt: skip
    assert api_b.put(f"/api/v1/plans/{plan.pk}/", {"year": plan.year, "title": "改"},
                     content_type="application/json").status_code == 404  # fmt: skip
    assert api_b.post(f"/api/v1/plan-items/{item.pk}/cancel/", {"note": "x"},
                      content_type="application/json").status_code == 404  # fmt: skip
    assert api_b.put(f"/api/v1/plan-items/{item.pk}/", {"plan": plan.pk, "task": "改", "category": "other",
                     "starts_on": f"{plan.year}-02-01", "due_on": f"{plan.year}-03-01"},
                     content_type="application/json").status_code == 404  # fmt: skip
    with tenant_context(union_a):
        item.refresh_from_db()
        assert item.progress == 0 and item.status == "not_started" and item.task != "改"
        assert WorkPlan.objects.get().adopted_on is None and WorkPlan.objects.get().title == plan.title


def test_the_plan_pages_of_the_admin_open_and_flag_overdue_items(union_a, client_for, plan):
    admin = staff_client(client_for, union_a, "chairman", name="张主席")
    index = admin.get("/admin/work-plans/")
    assert index.status_code == 200 and plan.title in index.content.decode()
    detail = admin.get(f"/admin/work-plans/{plan.pk}/")
    assert (
        detail.status_code == 200 and detail.content.decode().count('class="wp-flag">') >= 2
    )  # figure + item
    with tenant_context(union_a):
        item = plan.items.get(task="召开职工代表大会")
    page = admin.get(f"/admin/work-plans/items/{item.pk}/")
    assert page.status_code == 200 and "wp-flag" in page.content.decode()
    cancelled = admin.post(
        f"/admin/work-plans/items/{item.pk}/", {"action": "cancel", "note": "并入职代会筹备"}
    )
    assert cancelled.status_code == 302
    with tenant_context(union_a):
        item.refresh_from_db()
        assert item.status == "cancelled" and not item.is_overdue(item.due_on.replace(month=12, day=31))
