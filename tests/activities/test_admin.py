"""活动管理 in the union's admin: the list, create and publish, sign-ups with the waiting list,
attendance, the check-in QR code, cancelling, summary and photos; for staff only, and only in
their own union."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.activities.models import Activity, ActivityPhoto, ActivitySignup
from tenants.activities.services import activity_signup
from tenants.notifications.models import Notification
from tests.activities.conftest import move, signed_in, soon
from tests.activities.test_afterwards import png
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def form(start: datetime.datetime, **overrides) -> dict:
    local = timezone.localtime(start)
    values = {
        "title": "周六篮球赛", "kind": "sports", "description": "三人制，自由组队", "place": "职工篮球场",
        "starts_at": local.strftime("%Y-%m-%d %H:%M"),
        "ends_at": (local + datetime.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M"),
        "capacity": "20", "audience": "sister_unions", "signup_required": "on", "contact": "李干事 13800138000",
    }  # fmt: skip
    values.update(overrides)
    return values


def test_an_officer_creates_publishes_and_follows_an_activity(union_a, client_for, people):
    client = signed_in(client_for(union_a), people["officer"][0])
    assert client.get("/admin/activities/").status_code == 200
    assert client.get("/admin/activities/new/").status_code == 200
    start = soon(days=4)
    # Ending before it starts: refused on the field, nothing saved
    bad = client.post(
        "/admin/activities/new/", form(start, ends_at=timezone.localtime(start).strftime("%Y-%m-%d 00:00"))
    )
    assert bad.status_code == 400
    with tenant_context(union_a):
        assert not Activity.objects.exists()
    response = client.post("/admin/activities/new/", {**form(start), "action": "publish"})
    assert response.status_code == 302
    with tenant_context(union_a):
        activity = Activity.objects.get()
        assert activity.status == "published" and activity.organiser == people["officer"][1]
        for key in ("worker", "other"):
            activity_signup(activity=activity, user=people[key][1])
    page = client.get(f"/admin/activities/{activity.pk}/").content.decode()
    assert "王职工" in page and "<svg" in page and activity.check_in_token in page
    assert client.get(f"/admin/activities/{activity.pk}/qr/").status_code == 200
    listing = client.get("/admin/activities/?status=published").content.decode()
    assert "周六篮球赛" in listing
    # Editing keeps it published; dropping places below those confirmed is refused
    assert client.post(f"/admin/activities/{activity.pk}/edit/", form(start, capacity="1")).status_code == 400
    # Cancelling needs a reason and tells those signed up
    assert (
        client.post(f"/admin/activities/{activity.pk}/", {"action": "cancel", "reason": ""}).status_code
        == 400
    )
    client.post(f"/admin/activities/{activity.pk}/", {"action": "cancel", "reason": "球场改造"})
    with tenant_context(union_a):
        activity.refresh_from_db()
        assert activity.status == "cancelled"
        assert Notification.objects.filter(recipient=people["worker"][1], body__contains="球场改造").exists()


def test_attendance_summary_and_photos_afterwards(union_a, client_for, people, basketball, media_root):
    client = signed_in(client_for(union_a), people["chairman"][0])
    with tenant_context(union_a):
        signup = activity_signup(activity=basketball, user=people["worker"][1])
        move(basketball, starts_at=timezone.now() - datetime.timedelta(hours=3))
    client.post(f"/admin/activities/{basketball.pk}/", {"action": "attended", "signup": signup.pk})
    response = client.post(
        f"/admin/activities/{basketball.pk}/", {"action": "summary", "summary": "比赛圆满结束。"}
    )
    assert response.status_code == 302
    bad = client.post(
        f"/admin/activities/{basketball.pk}/",
        {"action": "photo", "image": SimpleUploadedFile("a.png", b"not an image", content_type="image/png")},
    )
    assert bad.status_code == 400
    good = client.post(
        f"/admin/activities/{basketball.pk}/",
        {
            "action": "photo",
            "caption": "合影",
            "image": SimpleUploadedFile("a.png", png(), content_type="image/png"),
        },
    )
    assert good.status_code == 302
    with tenant_context(union_a):
        signup.refresh_from_db()
        basketball.refresh_from_db()
        assert signup.attended_at is not None and basketball.summary == "比赛圆满结束。"
        assert ActivityPhoto.objects.filter(activity=basketball).count() == 1
    site = client_for(union_a).get(f"/activities/{basketball.pk}/").content.decode()
    assert "比赛圆满结束" in site and "合影" in site


def test_members_and_other_unions_staff_do_not_get_in(union_a, union_b, client_for, people, basketball):
    member = signed_in(client_for(union_a), people["worker"][0])
    assert member.get("/admin/activities/").status_code in (302, 403)
    account_b, _ = make_person(union_b, "chairman", name="恒通主席")
    staff_b = signed_in(client_for(union_b), account_b)
    assert staff_b.get("/admin/activities/").status_code == 200
    assert "周六篮球赛" not in staff_b.get("/admin/activities/").content.decode()
    pk = basketball.pk
    assert staff_b.get(f"/admin/activities/{pk}/").status_code == 404
    assert staff_b.get(f"/admin/activities/{pk}/edit/").status_code == 404
    assert staff_b.get(f"/admin/activities/{pk}/qr/").status_code == 404
    assert staff_b.post(f"/admin/activities/{pk}/", {"action": "cancel", "reason": "x"}).status_code == 404
    assert staff_b.post(f"/admin/activities/{pk}/edit/", form(soon(), title="被改")).status_code == 404
    with tenant_context(union_a):
        basketball.refresh_from_db()
        assert basketball.status == "published" and basketball.title == "周六篮球赛"
        assert not ActivitySignup.objects.exists()
