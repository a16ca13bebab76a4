"""The reception day API: dates and slots for members, their own bookings, the visit log and
"open a case" for staff; and nothing of one union through another's host."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context
from rest_framework.authtoken.models import Token

from tenants.cases.models import Case
from tenants.reception.models import ReceptionBooking, ReceptionVisit
from tenants.reception.services import reception_booking_create
from tests.factories import make_person
from tests.reception.conftest import next_weekday

pytestmark = pytest.mark.django_db


def api(client_for, union, user):
    with tenant_context(union):
        key = Token.objects.create(user=user).key
    return client_for(union, HTTP_AUTHORIZATION=f"Token {key}")


def test_a_member_lists_slots_books_and_cancels_through_the_api(union_a, client_for, people, weekly):
    client = api(client_for, union_a, people["worker"][1])
    occurrences = client.get("/api/v1/reception/occurrences/").json()
    assert occurrences and occurrences[0]["place"] == "劳动争议调解室"
    slot = occurrences[0]["slots"][0]
    assert (slot["capacity"], slot["free"], slot["mine"], slot["bookable"]) == (2, 2, False, True)
    schedules = client.get("/api/v1/reception/schedules/").json()
    assert schedules["results"][0]["host"] == "张主席"

    response = client.post(
        "/api/v1/reception/bookings/", {"schedule": weekly.pk, "slot_start": slot["starts_at"], "topic": "技能补贴"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    booking = response.json()
    assert booking["status"] == "booked" and booking["topic"] == "技能补贴"
    assert client.get("/api/v1/reception/occurrences/").json()[0]["slots"][0]["mine"] is True
    # The same day again: 409 with a code and a message
    again = client.post(
        "/api/v1/reception/bookings/", {"schedule": weekly.pk, "slot_start": slot["starts_at"], "topic": "技能补贴"},
        content_type="application/json",
    )  # fmt: skip
    assert again.status_code == 409 and again.json()["code"] == "booking_twice" and again.json()["message"]
    assert client.get("/api/v1/reception/bookings/").json()["results"][0]["id"] == booking["id"]
    assert client.post(f"/api/v1/reception/bookings/{booking['id']}/cancel/").json()["status"] == "cancelled"


def test_bad_booking_input_is_a_400_with_fields(union_a, client_for, people, weekly):
    client = api(client_for, union_a, people["worker"][1])
    response = client.post("/api/v1/reception/bookings/", {"schedule": weekly.pk, "slot_start": "soon"},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 400 and set(response.json()["fields"]) == {"slot_start", "topic"}
    off_grid = timezone.localtime(weekly.slot_starts(next_weekday(weekly.weekday))[0]).replace(minute=7)
    response = client.post(
        "/api/v1/reception/bookings/", {"schedule": weekly.pk, "slot_start": off_grid.isoformat(), "topic": "x"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 400 and response.json()["code"] == "booking_no_slot"
    with tenant_context(union_a):
        assert not ReceptionBooking.objects.exists()


def test_members_see_only_their_own_bookings_and_not_the_visit_log(union_a, client_for, people, weekly):
    with tenant_context(union_a):
        theirs = reception_booking_create(
            schedule=weekly, slot_start=weekly.slot_starts(next_weekday(weekly.weekday))[0],
            member=people["other"][1], topic="别人的预约",
        )  # fmt: skip
    client = api(client_for, union_a, people["worker"][1])
    assert client.get("/api/v1/reception/bookings/").json()["results"] == []
    assert client.get(f"/api/v1/reception/bookings/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/v1/reception/bookings/{theirs.pk}/cancel/").status_code == 404
    assert client.get("/api/v1/reception/visits/").status_code == 403
    assert client.post("/api/v1/reception/visits/", {"visitor_name": "x", "topic": "x", "notes": "x"},
                       content_type="application/json").status_code == 403  # fmt: skip
    assert client_for(union_a).get("/api/v1/reception/occurrences/").status_code == 401


def test_staff_log_a_visit_and_open_a_case_through_the_api(union_a, client_for, people):
    client = api(client_for, union_a, people["officer"][1])
    response = client.post("/api/v1/reception/visits/", {
        "member_mobile": people["worker"][0].mobile, "topic": "劳动合同续签", "notes": "合同下月到期，未接到续签通知。",
    }, content_type="application/json")  # fmt: skip
    assert response.status_code == 201, response.json()
    visit = response.json()
    assert visit["visitor_name"] == "王职工" and visit["case"] is None
    unknown = client.post("/api/v1/reception/visits/", {"member_mobile": "13000000001", "topic": "x", "notes": "x"},
                          content_type="application/json")  # fmt: skip
    assert unknown.status_code == 400 and unknown.json()["code"] == "visit_member_unknown"
    case = client.post(f"/api/v1/reception/visits/{visit['id']}/case/", {"category": "request"},
                       content_type="application/json")  # fmt: skip
    assert case.status_code == 201 and case.json()["reference"].startswith("SQ-")
    assert client.get(f"/api/v1/reception/visits/{visit['id']}/").json()["case"]["id"] == case.json()["id"]
    twice = client.post(f"/api/v1/reception/visits/{visit['id']}/case/", {}, content_type="application/json")
    assert twice.status_code == 409 and twice.json()["code"] == "visit_has_case"


def test_another_union_reaches_nothing_of_this_union_through_the_api(
    union_a, union_b, client_for, people, weekly
):
    with tenant_context(union_a):
        booking = reception_booking_create(
            schedule=weekly, slot_start=weekly.slot_starts(next_weekday(weekly.weekday))[0],
            member=people["worker"][1], topic="加班费",
        )  # fmt: skip
        visit = ReceptionVisit.objects.create(visitor_name="周某", topic="食堂", notes="价格")
    _, b_chairman = make_person(union_b, "chairman", name="刘主席")
    client = api(client_for, union_b, b_chairman)
    assert client.get("/api/v1/reception/occurrences/").json() == []
    assert client.get(f"/api/v1/reception/visits/{visit.pk}/").status_code == 404
    assert (
        client.post(
            f"/api/v1/reception/visits/{visit.pk}/case/", {}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.post(f"/api/v1/reception/bookings/{booking.pk}/cancel/").status_code == 404
    slot = timezone.localtime(weekly.slot_starts(next_weekday(weekly.weekday))[1]).isoformat()
    response = client.post("/api/v1/reception/bookings/", {"schedule": weekly.pk, "slot_start": slot, "topic": "x"},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 404
    # Union A's token is unknown on union B's host
    with tenant_context(union_a):
        a_key = Token.objects.create(user=people["chairman"][1]).key
    assert (
        client_for(union_b, HTTP_AUTHORIZATION=f"Token {a_key}").get("/api/v1/reception/visits/").status_code
        == 401
    )
    with tenant_context(union_a):
        assert ReceptionVisit.objects.get().case is None and not Case.objects.exists()
        assert ReceptionBooking.objects.get().status == "booked"
