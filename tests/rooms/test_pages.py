"""Room booking on the site (/room-booking/, /my/bookings/ and the room's page), in the admin
(场地预约) and through the API; and nothing of one union through another's host."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.rooms.models import RoomBooking
from tenants.rooms.services import room_booking_create
from tests.factories import make_person
from tests.groups.conftest import api, signed_in
from tests.rooms.conftest import at

pytestmark = pytest.mark.django_db


def form(day_offset: int, start: str, end: str, **extra) -> dict:
    day = timezone.localdate() + datetime.timedelta(days=day_offset)
    return {"date": day.isoformat(), "start": start, "end": end, "use": "sports_room", "purpose": "羽毛球练习",
            "people": 8, **extra}  # fmt: skip


def test_the_room_page_links_to_booking_and_anyone_sees_the_week(union_a, client_for, centre):
    client = client_for(union_a)
    with tenant_context(union_a):
        url = centre.url
    assert f"/room-booking/{centre.pk}/" in client.get(url).content.decode()
    assert f"/room-booking/{centre.pk}/" in client.get("/room-booking/").content.decode()
    page = client.get(f"/room-booking/{centre.pk}/").content.decode()
    assert "职工活动中心" in page and "08:00–22:00" in page and "/accounts/login/?next=" in page
    assert client.get(f"/room-booking/{centre.pk}/?week=not-a-date").status_code == 200


def test_a_member_books_on_the_site_sees_it_under_my_and_cancels(union_a, client_for, people, centre):
    client = signed_in(client_for(union_a), people["worker"][0])
    response = client.post(f"/room-booking/{centre.pk}/", form(2, "18:00", "20:00"))
    assert response.status_code == 302 and response["Location"] == "/my/bookings/"
    with tenant_context(union_a):
        booking = RoomBooking.objects.get()
    page = client.get("/my/bookings/").content.decode()
    assert "羽毛球练习" in page and f"/my/bookings/{booking.pk}/cancel/" in page
    # The week shows the time taken
    week = client.get(f"/room-booking/{centre.pk}/?week={at(2, 0).date().isoformat()}").content.decode()
    assert "18:00–20:00" in week
    # Bad input: a clear message, nothing booked
    for data, status in (
        (form(2, "19:00", "21:00"), 409),  # overlaps
        (form(3, "20:00", "18:00"), 400),  # ends before it starts
        (form(3, "21:00", "23:00"), 400),  # outside opening hours
        (form(3, "10:00", "11:00", people=21), 400),  # over capacity
        (form(3, "10:00", "11:00", use="mediation_room"), 400),  # not one of the room's uses
    ):
        response = client.post(f"/room-booking/{centre.pk}/", data)
        assert response.status_code == status, (data, response.status_code)
        assert 'role="alert"' in response.content.decode()
    with tenant_context(union_a):
        assert RoomBooking.objects.count() == 1
    # Another member cannot cancel it (not found); the owner can
    other = signed_in(client_for(union_a), people["other"][0])
    assert other.post(f"/my/bookings/{booking.pk}/cancel/").status_code == 404
    assert client.post(f"/my/bookings/{booking.pk}/cancel/").status_code == 302
    with tenant_context(union_a):
        assert RoomBooking.objects.get().status == RoomBooking.Status.CANCELLED
    assert client_for(union_a).get("/my/bookings/").status_code == 302  # sign in first


def test_a_group_leader_books_for_the_group_on_the_site(union_a, client_for, people, centre, badminton):
    leader = signed_in(client_for(union_a), people["leader"][0])
    page = leader.get(f"/room-booking/{centre.pk}/").content.decode()
    assert f'value="{badminton.pk}"' in page
    response = leader.post(f"/room-booking/{centre.pk}/", form(2, "18:00", "20:00", group=badminton.pk))
    assert response.status_code == 302
    with tenant_context(union_a):
        assert RoomBooking.objects.get().group == badminton
    # A member who leads nothing cannot pick the group
    worker = signed_in(client_for(union_a), people["worker"][0])
    response = worker.post(f"/room-booking/{centre.pk}/", form(3, "18:00", "20:00", group=badminton.pk))
    assert response.status_code == 400


def test_officers_approve_and_decline_in_the_admin(union_a, client_for, people, relief, centre):
    monday = (7 - timezone.localdate().weekday()) or 7
    with tenant_context(union_a):
        first = room_booking_create(
            room=relief, member=people["worker"][1], starts_at=at(monday, 15), ends_at=at(monday, 16),
            use="stress_relief_room", purpose="夜班后放松", people=1,
        )  # fmt: skip
        second = room_booking_create(
            room=relief, member=people["other"][1], starts_at=at(monday, 16), ends_at=at(monday, 17),
            use="stress_relief_room", purpose="心理疏导", people=1,
        )  # fmt: skip
    officer = signed_in(client_for(union_a), people["officer"][0])
    page = officer.get("/admin/rooms/bookings/").content.decode()
    assert "夜班后放松" in page and "心理疏导" in page
    assert (
        officer.post("/admin/rooms/bookings/", {"booking": first.pk, "action": "approve"}).status_code == 302
    )
    officer.post("/admin/rooms/bookings/", {"booking": second.pk, "action": "decline", "reason": ""})
    with tenant_context(union_a):
        assert RoomBooking.objects.get(pk=second.pk).status == "pending"  # a reason is needed
    officer.post("/admin/rooms/bookings/", {"booking": second.pk, "action": "decline", "reason": "设备检修"})
    with tenant_context(union_a):
        assert RoomBooking.objects.get(pk=first.pk).status == "approved"
        assert RoomBooking.objects.get(pk=second.pk).status == "declined"
        rule_id = relief.booking_rule.pk
    # The room's calendar in the admin
    page = officer.get(
        f"/admin/rooms/setup/{rule_id}/?week={at(monday, 0).date().isoformat()}"
    ).content.decode()
    assert "夜班后放松" in page and "王职工" in page
    assert "职工减压室" in officer.get("/admin/rooms/setup/").content.decode()
    assert officer.get("/admin/rooms/setup/new/").status_code == 200
    assert officer.get(f"/admin/rooms/setup/{rule_id}/edit/").status_code == 200
    # Set up a room's hours: a closing time before the opening is refused
    with tenant_context(union_a):
        from tests.groups.conftest import room_add

        library = room_add(title="职工书屋", kind="library", uses=["study_room"], capacity=30)
    data = {"room": library.pk, "bookable": "on", "max_hours": 3, "days_ahead": 14, "notes": "",
            "hours-TOTAL_FORMS": 2, "hours-INITIAL_FORMS": 0, "hours-MIN_NUM_FORMS": 0, "hours-MAX_NUM_FORMS": 28,
            "hours-0-weekday": 0, "hours-0-opens": "19:00", "hours-0-closes": "11:30",
            "hours-1-weekday": "", "hours-1-opens": "", "hours-1-closes": ""}  # fmt: skip
    assert officer.post("/admin/rooms/setup/new/", data).status_code == 400
    data["hours-0-opens"], data["hours-0-closes"] = "11:30", "19:00"
    assert officer.post("/admin/rooms/setup/new/", data).status_code == 302
    with tenant_context(union_a):
        assert [str(h) for h in library.booking_rule.hours.all()] != []
    # A member has no admin page of bookings
    member = signed_in(client_for(union_a), people["worker"][0])
    assert member.get("/admin/rooms/bookings/").status_code in (302, 403, 404)


def test_the_api_lists_rooms_books_and_officers_approve(union_a, client_for, people, centre, relief):
    worker = api(client_for, union_a, people["worker"][1])
    rooms = worker.get("/api/v1/rooms/").json()["results"]
    centre_row = next(r for r in rooms if r["id"] == centre.pk)
    assert (
        centre_row["uses"] == ["activity_centre", "sports_room", "study_room"]
        and centre_row["capacity"] == 20
    )
    week = worker.get(f"/api/v1/rooms/{centre.pk}/week/").json()
    assert len(week) == 7 and all(len(day["periods"]) == 1 for day in week)
    assert worker.get(f"/api/v1/rooms/{centre.pk}/week/?week=x").status_code == 400
    data = {"room": centre.pk, "starts_at": at(2, 10).isoformat(), "ends_at": at(2, 12).isoformat(),
            "use": "study_room", "purpose": "读书分享会", "people": 10}  # fmt: skip
    response = worker.post("/api/v1/room-bookings/", data, content_type="application/json")
    assert response.status_code == 201, response.json()
    overlap = worker.post(
        "/api/v1/room-bookings/",
        {**data, "starts_at": at(2, 11).isoformat()},
        content_type="application/json",
    )
    assert overlap.status_code == 409 and overlap.json()["code"] == "booking_overlap"
    backwards = worker.post(
        "/api/v1/room-bookings/", {**data, "starts_at": at(3, 12).isoformat(), "ends_at": at(3, 10).isoformat()},
        content_type="application/json",
    )  # fmt: skip
    assert backwards.status_code == 400 and backwards.json()["code"] == "booking_ends_before_start"
    mine = worker.get("/api/v1/room-bookings/").json()["results"]
    assert [b["purpose"] for b in mine] == ["读书分享会"]
    assert worker.get("/api/v1/room-bookings/manage/").status_code == 403
    # Approval through the API
    monday = (7 - timezone.localdate().weekday()) or 7
    pending = worker.post(
        "/api/v1/room-bookings/", {**data, "room": relief.pk, "use": "stress_relief_room", "people": 1,
                                   "starts_at": at(monday, 15).isoformat(), "ends_at": at(monday, 16).isoformat()},
        content_type="application/json",
    ).json()  # fmt: skip
    assert pending["status"] == "pending"
    officer = api(client_for, union_a, people["officer"][1])
    waiting = officer.get("/api/v1/room-bookings/manage/?status=pending").json()["results"]
    assert [b["id"] for b in waiting] == [pending["id"]] and waiting[0]["booked_by"] == "王职工"
    assert (
        officer.post(f"/api/v1/room-bookings/manage/{pending['id']}/approve/").json()["status"] == "approved"
    )
    assert worker.post(f"/api/v1/room-bookings/{pending['id']}/cancel/").json()["status"] == "cancelled"


def test_nothing_of_one_union_through_another_host(union_a, union_b, client_for, people, centre):
    with tenant_context(union_a):
        booking = room_booking_create(
            room=centre, member=people["worker"][1], starts_at=at(2, 10), ends_at=at(2, 12), use="sports_room",
            purpose="内部活动", people=5,
        )  # fmt: skip
    account_b, user_b = make_person(union_b, "member", name="恒通职工")
    other = signed_in(client_for(union_b), account_b)
    assert other.get(f"/room-booking/{centre.pk}/").status_code == 404
    assert other.post(f"/room-booking/{centre.pk}/", form(3, "10:00", "11:00")).status_code == 404
    assert other.post(f"/my/bookings/{booking.pk}/cancel/").status_code == 404
    assert "内部活动" not in other.get("/my/bookings/").content.decode()
    client = api(client_for, union_b, user_b)
    assert client.get("/api/v1/rooms/").json()["results"] == []
    assert client.get(f"/api/v1/rooms/{centre.pk}/week/").status_code == 404
    assert client.post(f"/api/v1/room-bookings/{booking.pk}/cancel/").status_code == 404
    officer_b = make_person(union_b, "officer", name="恒通干事")
    staff = api(client_for, union_b, officer_b[1])
    assert staff.get("/api/v1/room-bookings/manage/").json()["results"] == []
    assert staff.post(f"/api/v1/room-bookings/manage/{booking.pk}/approve/").status_code == 404
    admin = signed_in(client_for(union_b), officer_b[0])
    assert "内部活动" not in admin.get("/admin/rooms/bookings/").content.decode()
    assert (
        admin.post("/admin/rooms/bookings/", {"booking": booking.pk, "action": "cancel"}).status_code == 404
    )
    with tenant_context(union_a):
        assert RoomBooking.objects.get().status == RoomBooking.Status.APPROVED
