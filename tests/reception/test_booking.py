"""Booking reception slots: capacity, one booking per member and date, no past or closed slots,
cancelling one's own; and the capacity holding when people race for the last place."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import Account
from tenants.reception.models import ReceptionBooking, ReceptionSchedule
from tenants.reception.selectors import reception_upcoming
from tenants.reception.services import reception_booking_cancel, reception_booking_create
from tenants.users.models import User
from tests.factories import make_person
from tests.reception.conftest import next_weekday
from workershome.errors import ServiceError

pytestmark = pytest.mark.django_db


def refused(code: str, **kwargs) -> ServiceError:
    with pytest.raises(ServiceError) as error:
        reception_booking_create(**kwargs)
    assert error.value.code == code, error.value.code
    return error.value


def test_a_slot_takes_as_many_people_as_the_schedule_says_and_no_more(union_a, people, weekly):
    with tenant_context(union_a):
        slot = weekly.slot_starts(next_weekday(weekly.weekday))[0]
        # Given two members who booked the first slot (two places)
        for key in ("worker", "other"):
            reception_booking_create(schedule=weekly, slot_start=slot, member=people[key][1], topic="食堂")
        # When a third tries
        _, third = make_person(union_a, "member", name="孙职工")
        error = refused("booking_full", schedule=weekly, slot_start=slot, member=third, topic="食堂")
        # Then it is refused with a 409 and a clear message; the next slot is still free
        assert error.status == 409
        assert ReceptionBooking.objects.filter(slot_start=slot).count() == 2
        reception_booking_create(
            schedule=weekly, slot_start=slot + weekly.slot_length, member=third, topic="食堂"
        )
        # And the listing shows the slot full and the next one with a place left
        view = reception_upcoming(user=third)[0]
        slots = view.occurrences[0].slots
        assert (slots[0].free, slots[0].bookable, slots[1].free, slots[1].mine) == (0, False, 1, True)


def test_a_member_books_once_per_reception_day(union_a, people, weekly):
    worker = people["worker"][1]
    with tenant_context(union_a):
        day = next_weekday(weekly.weekday)
        first, second = weekly.slot_starts(day)[:2]
        reception_booking_create(schedule=weekly, slot_start=first, member=worker, topic="加班费")
        refused("booking_twice", schedule=weekly, slot_start=first, member=worker, topic="加班费")
        refused("booking_twice", schedule=weekly, slot_start=second, member=worker, topic="另一件事")
        # The next week is another reception day
        reception_booking_create(
            schedule=weekly, slot_start=weekly.slot_starts(day + datetime.timedelta(days=7))[0], member=worker,
            topic="培训",
        )  # fmt: skip
        assert ReceptionBooking.objects.filter(member=worker).count() == 2


def test_past_off_grid_closed_and_too_distant_slots_are_refused(union_a, people, weekly):
    worker = people["worker"][1]
    with tenant_context(union_a):
        day = next_weekday(weekly.weekday)
        last_week = weekly.slot_starts(day - datetime.timedelta(days=7))[0]
        refused("booking_past", schedule=weekly, slot_start=last_week, member=worker, topic="加班费")
        off_grid = weekly.slot_starts(day)[0] + datetime.timedelta(minutes=10)
        refused("booking_no_slot", schedule=weekly, slot_start=off_grid, member=worker, topic="加班费")
        wrong_day = weekly.slot_starts(day + datetime.timedelta(days=1))[0]
        refused("booking_no_slot", schedule=weekly, slot_start=wrong_day, member=worker, topic="加班费")
        far = weekly.slot_starts(day + datetime.timedelta(weeks=weekly.booking_weeks_ahead + 1))[0]
        refused("booking_too_early", schedule=weekly, slot_start=far, member=worker, topic="加班费")
        slot = weekly.slot_starts(day)[0]
        refused("booking_topic", schedule=weekly, slot_start=slot, member=worker, topic="   ")
        refused("booking_topic_long", schedule=weekly, slot_start=slot, member=worker, topic="长" * 201)
        ReceptionSchedule.objects.filter(pk=weekly.pk).update(booking_open=False)
        refused("booking_closed", schedule=weekly, slot_start=slot, member=worker, topic="加班费")
        assert not ReceptionBooking.objects.exists()


def test_a_member_cancels_their_own_booking_and_the_place_is_free_again(union_a, people, weekly):
    worker, other = people["worker"][1], people["other"][1]
    with tenant_context(union_a):
        slot = weekly.slot_starts(next_weekday(weekly.weekday))[0]
        booking = reception_booking_create(schedule=weekly, slot_start=slot, member=worker, topic="加班费")
        # Another member cannot cancel it
        with pytest.raises(ServiceError) as error:
            reception_booking_cancel(booking=booking, by=other)
        assert error.value.code == "booking_not_yours" and error.value.status == 403
        # The member can, once
        reception_booking_cancel(booking=booking, by=worker)
        booking.refresh_from_db()
        assert booking.status == ReceptionBooking.Status.CANCELLED and booking.cancelled_by == worker
        with pytest.raises(ServiceError) as error:
            reception_booking_cancel(booking=booking, by=worker)
        assert error.value.code == "booking_not_active"
        # And may book again on that day
        reception_booking_create(schedule=weekly, slot_start=slot, member=worker, topic="加班费")


def test_a_started_slot_can_no_longer_be_cancelled_by_the_member(union_a, people, weekly):
    worker = people["worker"][1]
    with tenant_context(union_a):
        slot = weekly.slot_starts(next_weekday(weekly.weekday))[0]
        booking = reception_booking_create(schedule=weekly, slot_start=slot, member=worker, topic="加班费")
        ReceptionBooking.objects.filter(pk=booking.pk).update(
            slot_start=timezone.now() - datetime.timedelta(minutes=5)
        )
        with pytest.raises(ServiceError) as error:
            reception_booking_cancel(booking=booking, by=worker)
        assert error.value.code == "booking_started"


def test_the_database_refuses_a_second_active_booking_on_the_same_day(union_a, people, weekly):
    from django.db import IntegrityError, transaction

    worker = people["worker"][1]
    with tenant_context(union_a):
        day = next_weekday(weekly.weekday)
        first, second = weekly.slot_starts(day)[:2]
        reception_booking_create(schedule=weekly, slot_start=first, member=worker, topic="加班费")
        with pytest.raises(IntegrityError), transaction.atomic():
            ReceptionBooking.objects.create(
                schedule=weekly, date=day, slot_start=second, slot_end=second + weekly.slot_length, member=worker,
                topic="绕过服务",
            )  # fmt: skip


def _committed_setup(union, racers: int) -> tuple[int, list[int], str]:
    """In a connection of its own (committed, so other connections see it): a schedule with one
    place per slot and ``racers`` members."""
    result: dict = {}

    def work():
        try:
            chairman = make_person(union, "chairman", name="并发主席")[1]
            members = [make_person(union, "member", name=f"并发{i}")[1].pk for i in range(racers)]
            with tenant_context(union):
                schedule = ReceptionSchedule.objects.create(
                    title="并发测试", host=chairman, place="调解室", frequency="weekly",
                    weekday=(timezone.localdate() + datetime.timedelta(days=2)).weekday(),
                    starts_on=timezone.localdate(), start_time=datetime.time(14), end_time=datetime.time(15),
                    slot_minutes=30, people_per_slot=1,
                )  # fmt: skip
            result.update(schedule=schedule.pk, members=members, chairman=chairman.pk)
        finally:
            connection.close()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    return result["schedule"], result["members"], result["chairman"]


def _committed_cleanup(union, schedule_id: int, user_ids: list[int]) -> None:
    def work():
        try:
            with tenant_context(union):
                ReceptionBooking.objects.filter(schedule_id=schedule_id).delete()
                ReceptionSchedule.objects.filter(pk=schedule_id).delete()
                account_ids = list(User.objects.filter(pk__in=user_ids).values_list("account_id", flat=True))
                User.objects.filter(pk__in=user_ids).delete()
            Account.objects.filter(pk__in=account_ids).delete()
        finally:
            connection.close()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()


def test_people_racing_for_the_last_place_cannot_all_get_it(union_a):
    """Five members book the same one-place slot at the same moment, each in its own
    connection and transaction: exactly one booking is made, the others are told it is full."""
    racers = 5
    schedule_id, member_ids, chairman_id = _committed_setup(union_a, racers)
    outcomes: list[str] = []
    barrier = threading.Barrier(racers)

    def book(member_id: int) -> None:
        try:
            with tenant_context(union_a):
                schedule = ReceptionSchedule.objects.get(pk=schedule_id)
                slot = schedule.slot_starts(next_weekday(schedule.weekday))[0]
                member = User.objects.get(pk=member_id)
                barrier.wait(timeout=10)
                try:
                    reception_booking_create(schedule=schedule, slot_start=slot, member=member, topic="抢号")
                    outcomes.append("booked")
                except ServiceError as error:
                    outcomes.append(error.code)
        finally:
            connections["default"].close()

    threads = [threading.Thread(target=book, args=(pk,)) for pk in member_ids]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(outcomes) == ["booked"] + ["booking_full"] * (racers - 1)
    finally:
        _committed_cleanup(union_a, schedule_id, [*member_ids, chairman_id])
