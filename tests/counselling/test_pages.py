"""The counselling pages on the union's site: counsellors and free times, the stress-relief
room, the coming lectures, booking with consent, /my/counselling/ and cancelling; and nothing of
union A through union B's pages, admin or API."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.activities.models import Activity
from tenants.counselling.models import Appointment
from tenants.counselling.services import lecture_save
from tests.counselling.conftest import NOTE, api, signed_in
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_the_page_shows_counsellors_times_and_lectures_and_books_with_consent(
    union_a, client_for, people, slots, counsellors
):
    """Given counsellors with free times and a lecture, when a member opens /counselling/,
    then both counsellors, a time and the lecture show; booking without consent shows the
    message and saves nothing; with consent the talk is booked and listed under /my/."""
    with tenant_context(union_a):
        starts = timezone.now() + datetime.timedelta(days=6)
        lecture_save(
            activity=Activity(title="情绪调适讲座", starts_at=starts, ends_at=starts + datetime.timedelta(hours=1),
                              place="多功能厅", capacity=40),
            counsellor=counsellors["hired"], by=people["chairman"], publish=True,
        )  # fmt: skip
    anonymous = client_for(union_a).get("/counselling/").content.decode()
    assert "陈咨询" in anonymous and "林静怡" in anonymous and "情绪调适讲座" in anonymous
    assert 'name="slot"' not in anonymous  # signing in comes first
    client = signed_in(client_for(union_a), people["worker"])
    page = client.get("/counselling/").content.decode()
    slot = slots["own"][0]
    assert f'value="{slot.pk}"' in page and "仅该咨询师本人" in page
    refused = client.post("/counselling/", {"slot": slot.pk})
    assert refused.status_code == 400
    shown = refused.content.decode()
    assert 'role="alert"' in shown and ("Please agree to the purpose" in shown or "请先同意" in shown)
    with tenant_context(union_a):
        assert not Appointment.objects.exists()
    booked = client.post("/counselling/", {"slot": slot.pk, "consent": "1"})
    assert booked.status_code == 302 and booked["Location"] == "/my/counselling/"
    mine = client.get("/my/counselling/").content.decode()
    assert "陈咨询" in mine
    with tenant_context(union_a):
        appointment = Appointment.objects.get()
    assert client.post(f"/my/counselling/{appointment.pk}/cancel/").status_code == 302
    with tenant_context(union_a):
        appointment.refresh_from_db()
        assert appointment.status == "cancelled"


def test_bad_booking_input_shows_a_message_never_a_500(union_a, client_for, people, slots):
    client = signed_in(client_for(union_a), people["worker"])
    for data in ({}, {"slot": "abc", "consent": "1"}, {"slot": "99999999999999999999", "consent": "1"},
                 {"slot": "999999", "consent": "1"}):  # fmt: skip
        response = client.post("/counselling/", data)
        assert response.status_code == 400, data
    with tenant_context(union_a):
        assert not Appointment.objects.exists()


def test_the_page_shows_the_stress_relief_room_and_its_booking(union_a, client_for, people, counsellors):
    """Given the home's stress-relief room declared in the CMS, the counselling page links to it."""
    from cms.models import HomePage, RoomIndexPage, RoomKind, RoomPage

    with tenant_context(union_a):
        home = HomePage.objects.first()
        parent = RoomIndexPage.objects.descendant_of(home).first() or home
        room = RoomPage(
            title="职工减压室", slug="jianya-test", kind=RoomKind.STRESS_RELIEF_ROOM, location="行政楼3层"
        )
        parent.add_child(instance=room)
        room.save_revision().publish()
    page = client_for(union_a).get("/counselling/").content.decode()
    assert "职工减压室" in page and "行政楼3层" in page


def test_union_b_sees_nothing_of_union_a(union_a, union_b, client_for, people, booked, held):
    """Given union A's counsellors, a booked and a held talk with notes, when union B's chairman
    and members use union B's site, admin and API with union A's ids, then nothing is found."""
    with tenant_context(union_a):
        counsellor_id = held.slot.counsellor_id
    chairman_b = make_person(union_b, "chairman", name="刘主席")[1]
    member_b = make_person(union_b, "member", name="周职工")[1]
    site = client_for(union_b).get("/counselling/").content.decode()
    assert "陈咨询" not in site and "林静怡" not in site
    admin = signed_in(client_for(union_b), chairman_b)
    assert "陈咨询" not in admin.get("/admin/counselling/").content.decode()
    assert admin.get(f"/admin/counselling/appointments/{held.pk}/").status_code == 404
    assert admin.get(f"/admin/counselling/counsellors/{counsellor_id}/").status_code == 404
    assert admin.post(f"/admin/counselling/slots/{booked.slot_id}/remove/").status_code == 404
    worker_b = signed_in(client_for(union_b), member_b)
    assert worker_b.post(f"/my/counselling/{booked.pk}/cancel/").status_code == 404
    assert worker_b.post("/counselling/", {"slot": booked.slot_id, "consent": "1"}).status_code == 400
    client = api(client_for, union_b, chairman_b)
    for url in ("/api/v1/counselling/counsellors/", "/api/v1/counselling/slots/", "/api/v1/counselling/appointments/",
                "/api/v1/counselling/my-appointments/", "/api/v1/counselling/lectures/"):  # fmt: skip
        body = client.get(url).content.decode()
        assert "陈咨询" not in body and "林静怡" not in body, url
    assert client.get(f"/api/v1/counselling/appointments/{held.pk}/note/").status_code == 404
    assert client.get(f"/api/v1/counselling/appointments/{held.pk}/").status_code == 404
    assert (
        api(client_for, union_b, member_b)
        .post(f"/api/v1/counselling/my-appointments/{booked.pk}/cancel/")
        .status_code
        == 404
    )
    with tenant_context(union_a):
        booked.refresh_from_db()
        assert booked.status == "booked"
    assert NOTE not in client.get(f"/api/v1/counselling/appointments/{held.pk}/note/").content.decode()


def test_the_worker_sees_that_their_appointment_exists_on_their_privacy_page(
    union_a, client_for, people, booked
):
    """Given a booked talk, the worker's /my/privacy/ lists a counselling appointment (existence
    only) and their consent; another member's page does not."""
    page = signed_in(client_for(union_a), people["worker"]).get("/my/privacy/").content.decode()
    assert f"XL-{booked.pk}" in page
    other = signed_in(client_for(union_a), people["member"]).get("/my/privacy/").content.decode()
    assert f"XL-{booked.pk}" not in other
