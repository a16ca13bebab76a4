"""The reception day on the union's site (/reception/): the schedule for anyone, booking and
cancelling for signed-in members, and nothing of one union on another's host."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.reception.models import ReceptionBooking
from tenants.reception.services import reception_booking_create, reception_date_cancel
from tests.factories import PASSWORD, make_person
from tests.reception.conftest import next_weekday

pytestmark = pytest.mark.django_db


def signed_in(client, account):
    assert (
        client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD}).status_code == 302
    )
    return client


def test_anyone_sees_the_schedule_and_is_asked_to_sign_in_to_book(union_a, client_for, weekly):
    response = client_for(union_a).get("/reception/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "主席接待日" in html and "劳动争议调解室" in html and "张主席" in html
    assert "14:00–14:30" in html and 'name="slot"' not in html
    assert "/accounts/login/?next=%2Freception%2F" in html
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_a_member_books_sees_and_cancels_their_booking(union_a, client_for, people, weekly):
    client = signed_in(client_for(union_a), people["worker"][0])
    day = next_weekday(weekly.weekday)
    page = client.get("/reception/").content.decode()
    slot = timezone.localtime(weekly.slot_starts(day)[1]).isoformat()
    assert f'value="{slot}"' in page
    # When the member books the second slot
    response = client.post(
        "/reception/", {"schedule": weekly.pk, "slot": slot, "topic": "想了解技能培训补贴"}
    )
    assert response.status_code == 302
    with tenant_context(union_a):
        booking = ReceptionBooking.objects.get()
    assert booking.member == people["worker"][1] and booking.topic == "想了解技能培训补贴"
    # Then it is listed as theirs, with a way to cancel
    page = client.get("/reception/").content.decode()
    assert "想了解技能培训补贴" in page and f"/reception/bookings/{booking.pk}/cancel/" in page
    # A second booking the same day is refused, with the message on the page and nothing made
    other_slot = timezone.localtime(weekly.slot_starts(day)[2]).isoformat()
    response = client.post("/reception/", {"schedule": weekly.pk, "slot": other_slot, "topic": "另一件事"})
    assert response.status_code == 409 and 'role="alert"' in response.content.decode()
    # Cancelling it frees the place
    assert client.post(f"/reception/bookings/{booking.pk}/cancel/").status_code == 302
    with tenant_context(union_a):
        assert ReceptionBooking.objects.get().status == ReceptionBooking.Status.CANCELLED


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"slot": "not-a-time", "topic": "加班"}, 400),
        ({"slot": "", "topic": "加班"}, 400),
        ({"topic": ""}, 400),
    ],
)
def test_bad_booking_input_gets_the_form_again_and_books_nothing(
    union_a, client_for, people, weekly, data, status
):
    client = signed_in(client_for(union_a), people["worker"][0])
    slot = timezone.localtime(weekly.slot_starts(next_weekday(weekly.weekday))[0]).isoformat()
    response = client.post("/reception/", {"schedule": weekly.pk, "slot": slot, **data})
    assert response.status_code == status
    with tenant_context(union_a):
        assert not ReceptionBooking.objects.exists()


def test_an_anonymous_post_is_sent_to_sign_in(union_a, client_for, weekly):
    response = client_for(union_a).post("/reception/", {"schedule": weekly.pk, "slot": "x", "topic": "x"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_cancelled_date_is_shown_with_its_reason(union_a, client_for, people, weekly):
    with tenant_context(union_a):
        reception_date_cancel(
            schedule=weekly,
            date=next_weekday(weekly.weekday),
            reason="工会换届选举",
            by=people["chairman"][1],
        )
    assert "工会换届选举" in client_for(union_a).get("/reception/").content.decode()


def test_another_union_sees_none_of_it_and_cannot_cancel_its_bookings(
    union_a, union_b, client_for, people, weekly
):
    with tenant_context(union_a):
        booking = reception_booking_create(
            schedule=weekly, slot_start=weekly.slot_starts(next_weekday(weekly.weekday))[0],
            member=people["worker"][1], topic="加班费",
        )  # fmt: skip
    # Union B's site shows no schedule of A
    page = client_for(union_b).get("/reception/").content.decode()
    assert "劳动争议调解室" not in page and "张主席" not in page
    # A member of B cannot cancel A's booking by its id (not found in B's schema)
    b_member, _ = make_person(union_b, "member", name="刘职工")
    b_client = signed_in(client_for(union_b), b_member)
    assert b_client.post(f"/reception/bookings/{booking.pk}/cancel/").status_code == 404
    # Nor book A's schedule through B's host
    slot = timezone.localtime(weekly.slot_starts(next_weekday(weekly.weekday))[1]).isoformat()
    assert (
        b_client.post("/reception/", {"schedule": weekly.pk, "slot": slot, "topic": "x"}).status_code == 404
    )
    # And A's session cookie is worthless on B's host
    a_client = signed_in(client_for(union_a), people["worker"][0])
    a_client.defaults["HTTP_HOST"] = union_b.primary_host
    assert 'id="my-bookings"' not in a_client.get("/reception/").content.decode()
    assert a_client.post(f"/reception/bookings/{booking.pk}/cancel/").status_code == 302  # to sign in
    with tenant_context(union_a):
        assert ReceptionBooking.objects.get().status == ReceptionBooking.Status.BOOKED


def test_the_home_page_shows_the_next_reception_date_and_links_to_booking(
    union_a, client_for, people, weekly
):
    from django.utils import formats, translation

    def card(html: str) -> str:
        start = html.index('id="reception-day"')
        return html[start : html.index("</section>", start)]

    def shown(day) -> str:
        with translation.override("zh-hans"):
            return f"{formats.date_format(day, translation.gettext('F j'))} {formats.date_format(day, 'l')}"

    day = next_weekday(weekly.weekday)
    html = client_for(union_a).get("/").content.decode()
    assert shown(day) in card(html) and "劳动争议调解室" in card(html)
    assert 'href="/reception/"' in card(html)
    # Cancelling that date moves the card to the next one at once
    with tenant_context(union_a):
        reception_date_cancel(schedule=weekly, date=day, reason="假期", by=people["chairman"][1])
    html = client_for(union_a).get("/").content.decode()
    assert shown(day + timezone.timedelta(days=7)) in card(html)
