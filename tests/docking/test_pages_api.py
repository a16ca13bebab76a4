"""Resource sharing through the admin, the API and the portal's catalogue page: union B never
sees union A's unpublished resources nor decides its requests; portal roles are scoped (station
staff their station, district administrators their district, the city everything)."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from docking.models import BookingRequest
from docking.services import booking_decide, resource_unpublish

from .conftest import ask, publish, signed_in, soon

pytestmark = pytest.mark.django_db


def test_admin_publish_browse_book_and_approve(
    union_a, union_b, people, client_for, django_capture_on_commit_callbacks
):
    a = signed_in(client_for(union_a), people["a_chair"].account)
    page = a.get("/admin/docking/mine/")
    assert page.status_code == 200 and "我会发布的资源" in page.content.decode()
    form = {"kind": "venue", "title": "星河篮球场", "address": "朝阳区望京科技园", "capacity": "20", "exclusive": "on",
            "contact": "王干事 13800000000", "requires_approval": "on", "publish": "on"}  # fmt: skip
    assert a.post("/admin/docking/mine/new/", form).status_code == 302
    bad = a.post("/admin/docking/mine/new/", {**form, "title": " "})
    assert bad.status_code == 400
    b = signed_in(client_for(union_b), people["b_chair"].account)
    catalogue = b.get("/admin/docking/catalogue/?kind=venue").content.decode()
    assert "星河篮球场" in catalogue
    resource_id = int(catalogue.split('data-resource="')[1].split('"')[0])
    booking = {"requester_name": "刘洋", "requester_phone": "13800138001", "purpose": "职工篮球友谊赛",
               "headcount": "25", "starts_at": soon(2, 18).strftime("%Y-%m-%dT%H:%M"),
               "ends_at": soon(2, 20).strftime("%Y-%m-%dT%H:%M")}  # fmt: skip
    too_many = b.post(f"/admin/docking/catalogue/{resource_id}/", booking)
    assert too_many.status_code == 400 and "超过了该资源的容纳人数" in too_many.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            b.post(f"/admin/docking/catalogue/{resource_id}/", {**booking, "headcount": "18"}).status_code
            == 302
        )
    assert "待审批" in b.get("/admin/docking/requests/").content.decode()
    request = BookingRequest.objects.get(resource_id=resource_id)
    # B cannot open the request as the publisher
    assert b.get(f"/admin/docking/incoming/{request.pk}/").status_code == 404
    assert b.post(f"/admin/docking/incoming/{request.pk}/", {"decision": "approve"}).status_code == 404
    incoming = a.get("/admin/docking/incoming/").content.decode()
    assert "职工篮球友谊赛" in incoming
    declined = a.post(f"/admin/docking/incoming/{request.pk}/", {"decision": "decline", "reply": ""})
    assert declined.status_code == 400 and "请说明拒绝的理由" in declined.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            a.post(
                f"/admin/docking/incoming/{request.pk}/", {"decision": "approve", "reply": "欢迎"}
            ).status_code
            == 302
        )
    assert BookingRequest.objects.get(pk=request.pk).status == "approved"
    assert "已批准" in b.get("/admin/docking/requests/").content.decode()


def test_union_b_does_not_see_union_a_s_unpublished_resources(union_a, union_b, people, room, client_for):
    with tenant_context(union_a):
        resource_unpublish(resource=room, by=people["a_chair"].user)
    b = signed_in(client_for(union_b), people["b_chair"].account)
    assert "星河会议室" not in b.get("/admin/docking/catalogue/").content.decode()
    assert b.get(f"/admin/docking/catalogue/{room.pk}/").status_code == 404
    assert b.get(f"/admin/docking/mine/{room.pk}/").status_code == 404
    assert b.post(f"/admin/docking/mine/{room.pk}/publish/").status_code == 404
    assert b.get(f"/api/v1/docking/resources/{room.pk}/").status_code == 404
    assert b.get("/api/v1/docking/resources/").json()["count"] == 0
    assert (
        "星河会议室" not in client_for(union_a).get("/resources/").content.decode()
    )  # the page is the portal's
    a = signed_in(client_for(union_a), people["a_chair"].account)
    assert a.get(f"/api/v1/docking/resources/{room.pk}/").json()["is_published"] is False
    assert [r["title"] for r in a.get("/api/v1/docking/resources/?mine=1").json()["results"]] == [
        "星河会议室"
    ]


def test_a_plain_member_has_no_menu_and_no_pages(union_a, people, client_for):
    member = signed_in(client_for(union_a), people["a_member"].account)
    for url in ("/admin/docking/mine/", "/admin/docking/incoming/", "/admin/docking/requests/"):
        assert member.get(url).status_code in (302, 403, 404)


def test_api_request_decide_cancel_with_machine_readable_errors(
    union_a, union_b, people, room, client_for, django_capture_on_commit_callbacks
):
    b = signed_in(client_for(union_b), people["b_chair"].account)
    body = {"resource": room.pk, "requester_name": "刘洋", "requester_phone": "13800138001", "purpose": "培训",
            "headcount": 10, "starts_at": soon(-2, 9).isoformat(), "ends_at": soon(-2, 10).isoformat()}  # fmt: skip
    past = b.post("/api/v1/docking/bookings/", body, content_type="application/json")
    assert past.status_code == 400 and past.json()["code"] == "booking_past"
    with django_capture_on_commit_callbacks(execute=True):
        made = b.post("/api/v1/docking/bookings/", {**body, "starts_at": soon(2, 9).isoformat(),
                      "ends_at": soon(2, 10).isoformat()}, content_type="application/json")  # fmt: skip
    assert made.status_code == 201, made.content
    booking_id = made.json()["id"]
    assert made.json()["requester_phone"] == "13800138001"
    decide = f"/api/v1/docking/bookings/{booking_id}/decide/"
    assert b.post(decide, {"approve": True}, content_type="application/json").status_code == 404
    a = signed_in(client_for(union_a), people["a_chair"].account)
    assert a.post(decide, {"approve": True}, content_type="application/json").json()["status"] == "approved"
    again = a.post(decide, {"approve": True}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "booking_decided"
    assert a.post(f"/api/v1/docking/bookings/{booking_id}/cancel/").status_code == 404
    assert b.post(f"/api/v1/docking/bookings/{booking_id}/cancel/").json()["status"] == "cancelled"
    usage = a.get("/api/v1/docking/usage/")
    assert usage.status_code == 200 and usage.json()["by_resource"] == []


def test_portal_roles_are_scoped(union_a, union_b, people, room, stations, portal_people, portal, client_for):
    """A request to 星河 (朝阳): 朝阳's district administrator and the city see it without the
    contact person; 海淀's administrator does not; 中关村's station staff neither see nor decide it."""
    booking = ask(union_b, people["b_chair"].user, room)
    with tenant_context(union_a):
        booking_decide(booking=booking, approve=True, by=people["a_chair"].user)

    def api(who):
        return signed_in(client_for(portal), portal_people[who].account)

    chaoyang = api("chaoyang").get("/api/v1/docking/bookings/").json()["results"]
    assert [row["id"] for row in chaoyang] == [booking.pk] and chaoyang[0]["requester_phone"] is None
    assert api("city").get(f"/api/v1/docking/bookings/{booking.pk}/").status_code == 200
    haidian = api("haidian")
    assert haidian.get("/api/v1/docking/bookings/").json()["count"] == 0
    assert haidian.get(f"/api/v1/docking/bookings/{booking.pk}/").status_code == 404
    assert haidian.get("/api/v1/docking/usage/").json()["by_resource"] == []
    assert api("chaoyang").get("/api/v1/docking/usage/").json()["by_resource"][0]["approved"] == 1
    zgc = api("zhongguancun")
    assert zgc.get(f"/api/v1/docking/bookings/{booking.pk}/").status_code == 404
    assert zgc.post(f"/api/v1/docking/bookings/{booking.pk}/decide/", {"approve": False, "reply": "x"},
                    content_type="application/json").status_code == 404  # fmt: skip
    # District admins read usage in the admin; station staff have their own station's pages
    page = api("chaoyang").get("/admin/docking/usage/")
    assert page.status_code == 200 and "星河会议室" in page.content.decode()
    assert "星河会议室" not in haidian.get("/admin/docking/usage/").content.decode()
    assert api("chaoyang").get("/admin/docking/mine/").status_code == 404  # no station of their own
    staff = api("wangjing")
    assert staff.get("/admin/docking/mine/").status_code == 200
    assert staff.post("/admin/docking/mine/new/", {
        "kind": "lawyer", "title": "法律援助律师 王律师", "address": "朝阳区阜通东大街6号", "capacity": "1",
        "exclusive": "on", "contact": "周站长 010-84701234", "requires_approval": "on", "publish": "on",
    }).status_code == 302  # fmt: skip
    anonymous = client_for(portal).get("/api/v1/docking/bookings/")
    assert anonymous.status_code in (401, 403)


def test_the_public_catalogue_lists_published_resources_by_district_and_kind(
    union_a, union_b, people, client_for, portal
):
    publish(union_a, people["a_chair"].user)
    publish(union_b, people["b_chair"].user, kind="counsellor", title="心理咨询师 李老师", capacity=12)
    hidden = publish(union_b, people["b_chair"].user, title="恒通未发布会议室", publish=False)
    page = client_for(portal)
    html = page.get("/resources/").content.decode()
    assert "星河会议室" in html and "心理咨询师 李老师" in html and hidden.title not in html
    assert "心理咨询师 李老师" not in page.get("/resources/?district=110105").content.decode()
    only = page.get("/resources/?kind=counsellor&district=nowhere").content.decode()
    assert "心理咨询师 李老师" in only and "星河会议室" not in only
    assert page.get("/resources/?page=99").status_code == 200
    assert client_for(union_a).get("/resources/").status_code == 404


def test_photos_are_served_only_where_the_resource_is_visible(
    union_a, union_b, people, client_for, portal, media_root
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .test_services import _png

    room = publish(union_a, people["a_chair"].user, photo=SimpleUploadedFile("room.png", _png()))
    b = signed_in(client_for(union_b), people["b_chair"].account)
    assert b.get(f"/admin/docking/catalogue/{room.pk}/photo/").status_code == 200
    assert client_for(portal).get(f"/resources/{room.pk}/photo/").status_code == 200
    with tenant_context(union_a):
        resource_unpublish(resource=room, by=people["a_chair"].user)
    assert b.get(f"/admin/docking/catalogue/{room.pk}/photo/").status_code == 404
    assert client_for(portal).get(f"/resources/{room.pk}/photo/").status_code == 404
    a = signed_in(client_for(union_a), people["a_chair"].account)
    assert a.get(f"/admin/docking/catalogue/{room.pk}/photo/").status_code == 200


def test_the_catalogue_page_costs_the_same_queries_for_many_resources(
    union_a, people, client_for, portal, django_assert_max_num_queries
):
    publish(union_a, people["a_chair"].user)
    page = client_for(portal)
    with django_assert_max_num_queries(12) as few:
        assert page.get("/resources/").status_code == 200
    for n in range(15):
        publish(union_a, people["a_chair"].user, title=f"会议室{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert page.get("/resources/").status_code == 200
