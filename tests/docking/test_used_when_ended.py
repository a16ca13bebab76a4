"""Approved bookings whose end has passed are marked used by the 15-minute sweep, as the
publisher would by hand: idempotent, and the requesting union reports ``docking.booking_used``
exactly once (the approval too, once, if its notice had been lost)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from docking.models import BookingRequest
from docking.selectors import Party
from docking.services import (
    booking_complete,
    booking_decide,
    booking_request,
    booking_tell,
    bookings_complete_ended,
    bookings_tell_sweep,
)
from docking.tasks import bookings_tell_sweep_task
from tenants.events.models import OutboxEvent
from workershome.errors import ServiceError

from .conftest import ask, soon

pytestmark = pytest.mark.django_db


def facts(union, booking) -> list[str]:
    """The docking facts ``union`` reported about ``booking``."""
    with tenant_context(union):
        events = OutboxEvent.objects.filter(name__startswith="docking.", payload__booking=booking.pk)
        return sorted(events.values_list("name", flat=True))


def approved(union_a, union_b, people, room, captures, **times):
    with captures(execute=True):
        booking = ask(union_b, people["b_chair"].user, room)
    with captures(execute=True), tenant_context(union_a):
        booking_decide(booking=booking, approve=True, by=people["a_chair"].user)
    if times:
        BookingRequest.objects.filter(pk=booking.pk).update(**times)
    return BookingRequest.objects.get(pk=booking.pk)


def test_an_ended_booking_is_marked_used_once_and_the_fact_is_reported_once(
    union_a, union_b, people, room, django_capture_on_commit_callbacks
):
    booking = approved(union_a, union_b, people, room, django_capture_on_commit_callbacks,
                       starts_at=soon(-2, 9), ends_at=soon(-2, 11))  # fmt: skip
    assert facts(union_b, booking) == ["docking.booking_approved"]
    with django_capture_on_commit_callbacks(execute=True):
        assert bookings_tell_sweep_task.delay().get() == {"queued": 0, "completed": 1, "expired": 0}
    done = BookingRequest.objects.get(pk=booking.pk)
    assert done.status == "completed" and done.closed_at is not None and done.told_requester == "completed"
    assert facts(union_b, booking) == ["docking.booking_approved", "docking.booking_used"]
    with django_capture_on_commit_callbacks(execute=True):
        assert bookings_complete_ended() == 0
        assert bookings_tell_sweep() == 0
    with tenant_context(union_b):
        assert booking_tell(booking_id=booking.pk, side="requester") is False
    assert facts(union_b, booking) == ["docking.booking_approved", "docking.booking_used"]
    with tenant_context(union_a), pytest.raises(ServiceError) as error:  # by hand afterwards: already used
        booking_complete(booking=done, by=people["a_chair"].user)
    assert error.value.code == "booking_not_approved" and error.value.status == 409


def test_bookings_not_ended_or_not_approved_are_left_alone(
    union_a, union_b, people, room, django_capture_on_commit_callbacks
):
    running = approved(union_a, union_b, people, room, django_capture_on_commit_callbacks,
                       starts_at=timezone.now() - datetime.timedelta(hours=1),
                       ends_at=timezone.now() + datetime.timedelta(hours=1))  # fmt: skip
    pending = ask(union_b, people["b_chair"].user, room, starts_at=soon(6, 9), ends_at=soon(6, 10))
    BookingRequest.objects.filter(pk=pending.pk).update(starts_at=soon(-3, 9), ends_at=soon(-3, 10))
    assert bookings_complete_ended() == 0
    assert BookingRequest.objects.get(pk=running.pk).status == "approved"
    assert BookingRequest.objects.get(pk=pending.pk).status == "requested"
    assert bookings_complete_ended(now=timezone.now() + datetime.timedelta(hours=2)) == 1
    assert BookingRequest.objects.get(pk=running.pk).status == "completed"


def test_a_lost_approval_notice_is_counted_once_with_the_use(
    union_a, union_b, people, room, django_capture_on_commit_callbacks
):
    """The approval's task was lost (no callbacks ran) and the booking ended: when it is marked
    used, the union reports the approval and the use, once each."""
    booking = ask(union_b, people["b_chair"].user, room)
    with tenant_context(union_a):
        booking_decide(booking=booking, approve=True, by=people["a_chair"].user)
    BookingRequest.objects.filter(pk=booking.pk).update(starts_at=soon(-2, 9), ends_at=soon(-2, 11))
    with django_capture_on_commit_callbacks(execute=True):
        assert bookings_complete_ended() == 1
    assert facts(union_b, booking) == ["docking.booking_approved", "docking.booking_used"]
    assert bookings_tell_sweep() == 0  # nothing left to tell: the request is no news once used
    assert facts(union_b, booking) == ["docking.booking_approved", "docking.booking_used"]


def test_a_lost_use_notice_of_a_booking_asked_for_long_ago_is_repeated_by_the_sweep(
    union_a, union_b, people, room, django_capture_on_commit_callbacks
):
    """Asked for weeks ahead: the request is older than the sweep's window, the use is recent."""
    booking = approved(union_a, union_b, people, room, django_capture_on_commit_callbacks,
                       starts_at=soon(-1, 9), ends_at=soon(-1, 11))  # fmt: skip
    BookingRequest.objects.filter(pk=booking.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=40),
        decided_at=timezone.now() - datetime.timedelta(days=39),
    )
    assert bookings_complete_ended() == 1  # its notice's task is lost (no callbacks ran)
    assert facts(union_b, booking) == ["docking.booking_approved"]
    assert bookings_tell_sweep() == 1
    assert facts(union_b, booking) == ["docking.booking_approved", "docking.booking_used"]
    assert bookings_tell_sweep() == 0


def test_a_station_s_ended_booking_is_marked_used_without_a_fact(
    union_a, people, room, stations, portal_people, django_capture_on_commit_callbacks
):
    booking = booking_request(
        resource=room, party=Party(station=stations["zhongguancun"]), by=portal_people["zhongguancun"].user,
        requester_name="吴站长", requester_phone="13800138002", purpose="街道职工培训", headcount=10,
        starts_at=soon(2, 9), ends_at=soon(2, 10),
    )  # fmt: skip
    with tenant_context(union_a):
        booking_decide(booking=booking, approve=True, by=people["a_chair"].user)
    BookingRequest.objects.filter(pk=booking.pk).update(starts_at=soon(-1, 9), ends_at=soon(-1, 10))
    with django_capture_on_commit_callbacks(execute=True):
        assert bookings_complete_ended() == 1
    done = BookingRequest.objects.get(pk=booking.pk)
    assert done.status == "completed" and done.told_requester == "completed"
    assert facts(union_a, booking) == []
