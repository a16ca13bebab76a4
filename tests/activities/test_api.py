"""The activities API: list and detail as the site shows them, sign-up/cancel/rate/check-in for
the signed-in person, create/change/publish/cancel, sign-up lists and attendance for staff; and
every endpoint answering "not found" for union A's activity through union B's host."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context
from rest_framework.authtoken.models import Token

from tenants.activities.models import Activity, ActivitySignup
from tenants.activities.services import activity_signup
from tests.activities.conftest import move, new_activity, soon
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def api(client_for, union, user):
    with tenant_context(union):
        key = Token.objects.create(user=user).key
    return client_for(union, HTTP_AUTHORIZATION=f"Token {key}")


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_a_member_lists_signs_up_waits_and_cancels_through_the_api(union_a, client_for, people, basketball):
    client = api(client_for, union_a, people["worker"][1])
    listing = client.get("/api/v1/activities/").json()
    assert listing["results"][0]["title"] == "周六篮球赛" and listing["results"][0]["confirmed"] == 0
    assert client.get("/api/v1/activities/?kind=culture").json()["results"] == []
    assert client.get("/api/v1/activities/?kind=nonsense").status_code == 400
    response = post(client, f"/api/v1/activities/{basketball.pk}/signup/")
    assert response.status_code == 201 and response.json()["status"] == "confirmed"
    again = post(client, f"/api/v1/activities/{basketball.pk}/signup/")
    assert again.status_code == 409 and again.json()["code"] == "signup_twice" and again.json()["message"]
    detail = client.get(f"/api/v1/activities/{basketball.pk}/").json()
    assert detail["my_signup"]["status"] == "confirmed" and detail["check_in_url"] is None
    assert [s["activity"]["title"] for s in client.get("/api/v1/activities/mine/").json()] == ["周六篮球赛"]
    # A full activity: the waiting list with a position
    with tenant_context(union_a):
        activity_signup(activity=basketball, user=people["other"][1])
    third = api(client_for, union_a, people["third"][1])
    waiting = post(third, f"/api/v1/activities/{basketball.pk}/signup/").json()
    assert (waiting["status"], waiting["position"]) == ("waiting", 1)
    # Cancelling promotes the waiting person
    assert post(client, f"/api/v1/activities/{basketball.pk}/signup/cancel/").json()["status"] == "cancelled"
    assert third.get(f"/api/v1/activities/{basketball.pk}/").json()["my_signup"]["status"] == "confirmed"


def test_members_cannot_use_staff_endpoints(union_a, client_for, people, basketball):
    client = api(client_for, union_a, people["worker"][1])
    pk = basketball.pk
    assert post(client, "/api/v1/activities/", {"title": "x"}).status_code == 403
    assert (
        client.patch(
            f"/api/v1/activities/{pk}/", {"capacity": 9}, content_type="application/json"
        ).status_code
        == 403
    )
    assert post(client, f"/api/v1/activities/{pk}/publish/").status_code == 403
    assert post(client, f"/api/v1/activities/{pk}/cancel/", {"reason": "x"}).status_code == 403
    assert client.get(f"/api/v1/activities/{pk}/signups/").status_code == 403
    assert post(client, f"/api/v1/activities/{pk}/attendance/", {"signup": 1}).status_code == 403


def test_staff_create_publish_change_and_cancel_with_clear_refusals(union_a, client_for, people):
    client = api(client_for, union_a, people["officer"][1])
    start = soon(days=6)
    body = {
        "title": "劳动法知识讲座", "kind": "lecture", "starts_at": start.isoformat(),
        "ends_at": (start - datetime.timedelta(hours=1)).isoformat(), "place": "三楼报告厅", "capacity": 80,
        "audience": "public",
    }  # fmt: skip
    bad = post(client, "/api/v1/activities/", body)
    assert bad.status_code == 400 and bad.json()["code"] == "activity_times"
    with tenant_context(union_a):
        assert not Activity.objects.exists()
    body["ends_at"] = (start + datetime.timedelta(hours=2)).isoformat()
    created = post(client, "/api/v1/activities/", body)
    assert created.status_code == 201 and created.json()["status"] == "draft"
    pk = created.json()["id"]
    assert created.json()["check_in_url"].startswith(f"http://xinghe.localhost/activities/{pk}/check-in/")
    published = post(client, f"/api/v1/activities/{pk}/publish/")
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert post(client, f"/api/v1/activities/{pk}/publish/").status_code == 409
    changed = client.patch(f"/api/v1/activities/{pk}/", {"capacity": 100}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["capacity"] == 100
    assert post(client, f"/api/v1/activities/{pk}/cancel/", {}).status_code == 400
    cancelled = post(client, f"/api/v1/activities/{pk}/cancel/", {"reason": "讲师临时有事"})
    assert cancelled.json()["status"] == "cancelled"


def test_staff_see_sign_ups_and_mark_attendance_and_workers_check_in_and_rate(
    union_a, client_for, people, basketball
):
    staff = api(client_for, union_a, people["chairman"][1])
    worker = api(client_for, union_a, people["worker"][1])
    post(worker, f"/api/v1/activities/{basketball.pk}/signup/")
    signups = staff.get(f"/api/v1/activities/{basketball.pk}/signups/").json()
    assert [(s["name"], s["status"]) for s in signups] == [("王职工", "confirmed")]
    with tenant_context(union_a):
        move(basketball, starts_at=timezone.now() + datetime.timedelta(minutes=15))
    bad = post(worker, f"/api/v1/activities/{basketball.pk}/check-in/", {"token": "wrong"})
    assert bad.status_code == 404 and bad.json()["code"] == "check_in_token"
    checked = post(
        worker, f"/api/v1/activities/{basketball.pk}/check-in/", {"token": basketball.check_in_token}
    )
    assert checked.status_code == 200 and checked.json()["attended_at"]
    other = api(client_for, union_a, people["other"][1])
    walk_in = post(
        other, f"/api/v1/activities/{basketball.pk}/check-in/", {"token": basketball.check_in_token}
    )
    assert walk_in.json()["walk_in"] is True
    unmark = post(
        staff,
        f"/api/v1/activities/{basketball.pk}/attendance/",
        {"signup": walk_in.json()["id"], "attended": False},
    )
    assert unmark.status_code == 200 and unmark.json()["attended_at"] is None
    with tenant_context(union_a):
        move(basketball, starts_at=timezone.now() - datetime.timedelta(hours=3))
    assert post(worker, f"/api/v1/activities/{basketball.pk}/rate/", {"rating": 0}).status_code == 400
    rated = post(worker, f"/api/v1/activities/{basketball.pk}/rate/", {"rating": 5, "comment": "好"})
    assert rated.status_code == 200 and rated.json()["rating"] == 5
    refused = post(other, f"/api/v1/activities/{basketball.pk}/rate/", {"rating": 5})
    assert refused.status_code == 403 and refused.json()["code"] == "rating_not_attended"


def test_drafts_are_for_staff_only(union_a, client_for, people):
    with tenant_context(union_a):
        draft = new_activity(people["chairman"][1], title="草稿", publish=False)
    assert (
        api(client_for, union_a, people["worker"][1]).get(f"/api/v1/activities/{draft.pk}/").status_code
        == 404
    )
    assert (
        api(client_for, union_a, people["officer"][1]).get(f"/api/v1/activities/{draft.pk}/").status_code
        == 200
    )
    assert client_for(union_a).get("/api/v1/activities/").status_code == 200


def test_union_b_reaches_none_of_union_a_activities_through_any_endpoint(
    union_a, union_b, client_for, people, basketball
):
    with tenant_context(union_a):
        signup = activity_signup(activity=basketball, user=people["worker"][1])
    _, chairman_b = make_person(union_b, "chairman", name="恒通主席")
    client = api(client_for, union_b, chairman_b)
    pk = basketball.pk
    assert client.get("/api/v1/activities/").json()["results"] == []
    assert client.get(f"/api/v1/activities/{pk}/").status_code == 404
    assert (
        client.patch(
            f"/api/v1/activities/{pk}/", {"capacity": 1}, content_type="application/json"
        ).status_code
        == 404
    )
    for action, body in [
        ("publish", {}), ("cancel", {"reason": "x"}), ("signup", {}), ("signup/cancel", {}), ("rate", {"rating": 5}),
        ("check-in", {"token": basketball.check_in_token}), ("attendance", {"signup": signup.pk}),
    ]:  # fmt: skip
        assert post(client, f"/api/v1/activities/{pk}/{action}/", body).status_code == 404, action
    assert client.get(f"/api/v1/activities/{pk}/signups/").status_code == 404
    assert client.get("/api/v1/activities/mine/").json() == []
    # Union A's token is worthless on B's host
    with tenant_context(union_a):
        key = Token.objects.create(user=people["chairman"][1]).key
    assert (
        client_for(union_b, HTTP_AUTHORIZATION=f"Token {key}")
        .get(f"/api/v1/activities/{pk}/signups/")
        .status_code
        == 401
    )
    with tenant_context(union_a):
        basketball.refresh_from_db()
        assert basketball.status == "published" and basketball.capacity == 2
        assert ActivitySignup.objects.get(pk=signup.pk).status == "confirmed"
