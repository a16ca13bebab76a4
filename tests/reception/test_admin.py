"""The reception day in the union's admin: schedules, cancelled dates, the coming bookings, the
visit log and "open a case from this visit"; for staff only, and only in their own union."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.cases.models import Case
from tenants.reception.models import (
    ReceptionBooking,
    ReceptionCancellation,
    ReceptionSchedule,
    ReceptionVisit,
)
from tenants.reception.services import reception_booking_create, reception_visit_record
from tests.factories import PASSWORD, make_person
from tests.reception.conftest import next_weekday

pytestmark = pytest.mark.django_db


def signed_in(client, account):
    assert (
        client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD}).status_code == 302
    )
    return client


SCHEDULE = {
    "title": "主席接待日", "place": "职工之家二楼调解室", "frequency": "monthly", "interval": 1, "weekday": 1,
    "week_of_month": 2, "starts_on": "2026-01-01", "start_time": "14:00", "end_time": "16:00",
    "slot_minutes": 30, "people_per_slot": 2, "booking_open": "on", "booking_weeks_ahead": 8,
    "published": "on", "notes": "请携带工牌",
}  # fmt: skip


def test_the_chairman_sets_up_a_schedule_and_cancels_a_date(union_a, client_for, people):
    chairman_account, chairman = people["chairman"]
    client = signed_in(client_for(union_a), chairman_account)
    assert client.get("/admin/reception/schedules/").status_code == 200
    assert client.get("/admin/reception/schedules/new/").status_code == 200
    # A schedule that ends before it starts is refused on the field, and nothing is saved
    response = client.post(
        "/admin/reception/schedules/new/", {**SCHEDULE, "host": chairman.pk, "end_time": "13:00"}
    )
    assert response.status_code == 400
    with tenant_context(union_a):
        assert not ReceptionSchedule.objects.exists()
    # A good one is saved and shows its coming dates
    response = client.post("/admin/reception/schedules/new/", {**SCHEDULE, "host": chairman.pk})
    assert response.status_code == 302
    with tenant_context(union_a):
        schedule = ReceptionSchedule.objects.get()
        day = schedule.dates_between(
            timezone.localdate(), timezone.localdate().replace(year=timezone.localdate().year + 1)
        )[0]
    page = client.get(f"/admin/reception/schedules/{schedule.pk}/").content.decode()
    assert day.strftime("%Y-%m-%d") in page
    # Cancelling a date that is not one is refused; a real one is cancelled
    response = client.post(
        f"/admin/reception/schedules/{schedule.pk}/", {"date": "2026-01-01", "reason": "假期"}
    )
    assert response.status_code == 400
    response = client.post(
        f"/admin/reception/schedules/{schedule.pk}/", {"date": day.isoformat(), "reason": "春节假期"}
    )
    assert response.status_code == 302
    with tenant_context(union_a):
        assert ReceptionCancellation.objects.get().reason == "春节假期"
    # The schedule's edit form works too
    assert client.get(f"/admin/reception/schedules/{schedule.pk}/edit/").status_code == 200
    response = client.post(
        f"/admin/reception/schedules/{schedule.pk}/edit/",
        {**SCHEDULE, "host": chairman.pk, "place": "会议室"},
    )
    assert response.status_code == 302
    with tenant_context(union_a):
        assert ReceptionSchedule.objects.get().place == "会议室"


def test_an_officer_logs_a_booked_visit_and_opens_a_case_from_it(union_a, client_for, people, weekly):
    with tenant_context(union_a):
        booking = reception_booking_create(
            schedule=weekly, slot_start=weekly.slot_starts(next_weekday(weekly.weekday))[0],
            member=people["worker"][1], topic="宿舍热水",
        )  # fmt: skip
    client = signed_in(client_for(union_a), people["officer"][0])
    page = client.get("/admin/reception/bookings/").content.decode()
    assert "宿舍热水" in page and "王职工" in page and f"?booking={booking.pk}" in page
    assert "宿舍热水" in client.get(f"/admin/reception/visits/new/?booking={booking.pk}").content.decode()
    response = client.post("/admin/reception/visits/new/", {
        "booking": booking.pk, "visited_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "topic": "宿舍热水", "notes": "宿舍楼热水器经常坏。", "follow_up": "联系后勤处维修",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(union_a):
        visit = ReceptionVisit.objects.get()
        assert visit.member == people["worker"][1] and visit.booking == booking
        assert visit.received_by == people["chairman"][1]  # the schedule's host, whoever typed it in
        assert ReceptionBooking.objects.get().status == ReceptionBooking.Status.ATTENDED
    listing = client.get("/admin/reception/visits/").content.decode()
    assert "宿舍热水" in listing and "王职工" in listing
    # One step: the case
    response = client.post(f"/admin/reception/visits/{visit.pk}/", {
        "action": "case", "title": "宿舍热水器维修", "category": "request", "priority": 2,
    })  # fmt: skip
    assert response.status_code == 302
    with tenant_context(union_a):
        case = Case.objects.get()
        assert ReceptionVisit.objects.get().case == case and case.channel == "reception_day"
    assert f"/admin/cases/{case.pk}/" in client.get(f"/admin/reception/visits/{visit.pk}/").content.decode()


def test_a_visit_for_an_unknown_mobile_is_refused_on_the_field(union_a, client_for, people):
    client = signed_in(client_for(union_a), people["chairman"][0])
    response = client.post("/admin/reception/visits/new/", {
        "member_mobile": "13000000000", "visited_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "topic": "食堂", "notes": "内容",
    })  # fmt: skip
    assert response.status_code == 400
    with tenant_context(union_a):
        assert not ReceptionVisit.objects.exists()


def test_members_have_no_reception_admin(union_a, client_for, people, weekly):
    client = signed_in(client_for(union_a), people["worker"][0])
    for url in ("/admin/reception/schedules/", "/admin/reception/bookings/", "/admin/reception/visits/",
                f"/admin/reception/schedules/{weekly.pk}/"):  # fmt: skip
        assert client.get(url).status_code in (302, 403, 404), url


def test_another_unions_chairman_finds_nothing_of_this_union(union_a, union_b, client_for, people, weekly):
    with tenant_context(union_a):
        visit = reception_visit_record(
            by=people["chairman"][1], member=people["worker"][1], topic="食堂", notes="价格"
        )
    b_chairman, _ = make_person(union_b, "chairman", name="刘主席")
    client = signed_in(client_for(union_b), b_chairman)
    assert client.get(f"/admin/reception/schedules/{weekly.pk}/").status_code == 404
    assert client.get(f"/admin/reception/visits/{visit.pk}/").status_code == 404
    assert "食堂" not in client.get("/admin/reception/visits/").content.decode()
    response = client.post(
        f"/admin/reception/visits/{visit.pk}/", {"action": "case", "title": "x", "priority": 2}
    )
    assert response.status_code == 404
    with tenant_context(union_a):
        assert ReceptionVisit.objects.get().case is None
    # A's staff session is worthless on B's host
    a_client = signed_in(client_for(union_a), people["chairman"][0])
    a_client.defaults["HTTP_HOST"] = union_b.primary_host
    assert a_client.get("/admin/reception/visits/").status_code == 302
