"""Booking a room through the services: bad input refused with nothing changed, overlaps refused
(other bookings, published activities, groups' meetings), group bookings by leaders, approval,
cancelling; the database's own exclusion constraint in a union schema made from the template;
and people racing for the same time: exactly one wins."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import Account
from cms.models import RoomPage
from tenants.activities.models import Activity
from tenants.events.models import OutboxEvent
from tenants.groups.models import GroupMeeting
from tenants.groups.services import group_meeting_save
from tenants.notifications.models import Notification
from tenants.rooms.models import RoomBooking, RoomBookingRule
from tenants.rooms.selectors import room_is_free, room_week, week_start_of
from tenants.rooms.services import (
    room_booking_cancel,
    room_booking_create,
    room_booking_decide,
    room_rule_save,
)
from tenants.users.models import User
from tests.factories import events_delete, make_person
from tests.groups.conftest import room_add
from tests.rooms.conftest import ALL_WEEK, at
from workershome.errors import ServiceError

pytestmark = pytest.mark.django_db


def book(room, member, starts_at, ends_at, **extra) -> RoomBooking:
    values = {"use": "sports_room", "purpose": "羽毛球练习", "people": 8, **extra}
    return room_booking_create(room=room, member=member, starts_at=starts_at, ends_at=ends_at, **values)


def refused(code: str, *args, **kwargs) -> ServiceError:
    with pytest.raises(ServiceError) as error:
        book(*args, **kwargs)
    assert error.value.code == code, error.value.code
    return error.value


def test_a_member_books_a_free_time_for_one_of_the_rooms_uses(union_a, people, centre):
    worker = people["worker"][1]
    with tenant_context(union_a):
        booking = book(centre, worker, at(2, 18), at(2, 20), use="study_room", purpose="QC小组讨论", people=6)
        assert booking.status == RoomBooking.Status.APPROVED and booking.hours == 2.0
        event = OutboxEvent.objects.get(name="rooms.booking_made")
        assert event.payload == {
            "use": "study_room",
            "hours": 2.0,
            "for_group": False,
            "needs_approval": False,
        }
        assert not room_is_free(room=centre, starts_at=at(2, 19), ends_at=at(2, 21))
        assert room_is_free(room=centre, starts_at=at(2, 20), ends_at=at(2, 21))  # back to back is fine
        assert room_is_free(room=centre, starts_at=at(2, 19), ends_at=at(2, 21), exclude_booking=booking)


def test_bad_bookings_are_refused_with_a_clear_message_and_nothing_changed(union_a, people, centre):
    worker = people["worker"][1]
    with tenant_context(union_a):
        book(centre, people["other"][1], at(3, 10), at(3, 12))
        # An overlapping booking: the message names the time taken
        error = refused("booking_overlap", centre, worker, at(3, 11), at(3, 13))
        assert (
            error.status == 409 and "11:00" not in str(error.message) and "10:00–12:00" in str(error.message)
        )
        refused("booking_ends_before_start", centre, worker, at(4, 12), at(4, 10))
        refused("booking_ends_before_start", centre, worker, at(4, 12), at(4, 12))
        refused("booking_outside_hours", centre, worker, at(4, 21), at(4, 23))
        refused("booking_outside_hours", centre, worker, at(4, 6), at(4, 9))
        refused("booking_over_capacity", centre, worker, at(4, 10), at(4, 11), people=21)
        refused("booking_people", centre, worker, at(4, 10), at(4, 11), people=0)
        refused("booking_use", centre, worker, at(4, 10), at(4, 11), use="mediation_room")
        refused("booking_too_long", centre, worker, at(4, 9), at(4, 14))
        refused("booking_too_early", centre, worker, at(40, 10), at(40, 11))
        refused("booking_past", centre, worker, at(-1, 10), at(-1, 11))
        refused("booking_purpose", centre, worker, at(4, 10), at(4, 11), purpose="  ")
        refused("booking_purpose_long", centre, worker, at(4, 10), at(4, 11), purpose="长" * 201)
        assert RoomBooking.objects.count() == 1
        assert OutboxEvent.objects.filter(name="rooms.booking_made").count() == 1


def test_rooms_without_a_setup_and_visitors_cannot_be_booked(union_a, people, centre):
    _, visitor = make_person(union_a, "visitor", name="外单位职工")
    with tenant_context(union_a):
        bare = room_add(title="职工书屋", kind="library", uses=[])
        refused("booking_not_bookable", bare, people["worker"][1], at(2, 10), at(2, 11), use="library")
        RoomBookingRule.objects.filter(room=centre).update(bookable=False)
        refused("booking_not_bookable", centre, people["worker"][1], at(2, 10), at(2, 11))
        RoomBookingRule.objects.filter(room=centre).update(bookable=True)
        refused("booking_members_only", centre, visitor, at(2, 10), at(2, 11))
        assert not RoomBooking.objects.exists()


def test_published_activities_and_group_meetings_in_the_room_take_its_time(
    union_a, people, centre, badminton
):
    worker = people["worker"][1]
    with tenant_context(union_a):
        Activity.objects.create(
            title="职工乒乓球赛",
            kind="sports",
            starts_at=at(2, 14),
            ends_at=at(2, 17),
            room=centre,
            status="published",
        )
        Activity.objects.create(
            title="草稿活动",
            kind="sports",
            starts_at=at(2, 9),
            ends_at=at(2, 11),
            room=centre,
            status="draft",
        )
        error = refused("booking_overlap", centre, worker, at(2, 16), at(2, 18))
        assert "职工乒乓球赛" in str(error.message)
        book(centre, worker, at(2, 9), at(2, 11))  # a draft takes nothing
        day = timezone.localdate() + datetime.timedelta(days=3)
        group_meeting_save(
            meeting=GroupMeeting(
                group=badminton, weekday=day.weekday(), starts_on=timezone.localdate(),
                start_time=datetime.time(18), end_time=datetime.time(20), room=centre,
            ),
            by=people["leader"][1],
        )  # fmt: skip
        error = refused("booking_overlap", centre, worker, at(3, 19), at(3, 21))
        assert "羽毛球小组" in str(error.message)
        # The room's week shows what takes it
        rule = RoomBookingRule.objects.get(room=centre)
        days = room_week(room=centre, rule=rule, week_start=week_start_of(at(2, 0).date()))
        busy = {(busy.kind, busy.title) for view in days for busy in view.busy}
        assert {("activity", "职工乒乓球赛"), ("booking", "Booked")} <= busy or {
            ("activity", "职工乒乓球赛")
        } <= busy
        assert ("activity", "草稿活动") not in busy
        days = room_week(room=centre, rule=rule, week_start=week_start_of(at(3, 0).date()))
        assert ("group_meeting", "羽毛球小组") in {
            (busy.kind, busy.title) for view in days for busy in view.busy
        }


def test_a_group_leader_books_for_the_group_and_others_cannot(union_a, people, centre, badminton):
    with tenant_context(union_a):
        refused("booking_group_leader", centre, people["worker"][1], at(2, 18), at(2, 20), group=badminton)
        booking = book(centre, people["leader"][1], at(2, 18), at(2, 20), group=badminton, people=12)
        assert booking.group == badminton
        assert OutboxEvent.objects.get(name="rooms.booking_made").payload["for_group"] is True


def test_a_room_that_needs_approval_waits_for_an_officer(union_a, people, relief):
    worker, officer = people["worker"][1], people["officer"][1]
    with tenant_context(union_a):
        monday = timezone.localdate() + datetime.timedelta(days=(7 - timezone.localdate().weekday()))
        offset = (monday - timezone.localdate()).days
        booking = book(relief, worker, at(offset, 15), at(offset, 16), use="stress_relief_room", people=1)
        assert booking.status == RoomBooking.Status.PENDING
        assert Notification.objects.filter(recipient=officer, title__contains="职工减压室").exists()
        # A waiting booking holds the time
        refused("booking_overlap", relief, people["other"][1], at(offset, 15, 30), at(offset, 16, 30),
                use="stress_relief_room", people=1)  # fmt: skip
        # Only officers decide; declining needs a reason
        with pytest.raises(ServiceError) as error:
            room_booking_decide(booking=booking, by=worker, approve=True)
        assert error.value.status == 403
        with pytest.raises(ServiceError) as error:
            room_booking_decide(booking=booking, by=officer, approve=False, reason="")
        assert error.value.code == "booking_decline_reason"
        room_booking_decide(booking=booking, by=officer, approve=True)
        booking.refresh_from_db()
        assert booking.status == RoomBooking.Status.APPROVED and booking.decided_by == officer
        assert Notification.objects.filter(recipient=worker, title__contains="职工减压室").exists()
        with pytest.raises(ServiceError) as error:
            room_booking_decide(booking=booking, by=officer, approve=False, reason="重复")
        assert error.value.code == "booking_answered"
        # A declined booking frees the time
        second = book(
            relief, people["other"][1], at(offset, 16), at(offset, 17), use="stress_relief_room", people=1
        )
        room_booking_decide(booking=second, by=officer, approve=False, reason="当天设备检修")
        second.refresh_from_db()
        assert second.status == RoomBooking.Status.DECLINED and second.decline_reason == "当天设备检修"
        assert room_is_free(room=relief, starts_at=at(offset, 16), ends_at=at(offset, 17))


def test_cancelling_frees_the_time_and_only_the_owner_or_an_officer_may(union_a, people, centre):
    worker, other = people["worker"][1], people["other"][1]
    with tenant_context(union_a):
        booking = book(centre, worker, at(2, 10), at(2, 12))
        with pytest.raises(ServiceError) as error:
            room_booking_cancel(booking=booking, by=other)
        assert error.value.code == "booking_not_yours"
        room_booking_cancel(booking=booking, by=worker)
        with pytest.raises(ServiceError) as error:
            room_booking_cancel(booking=booking, by=worker)
        assert error.value.code == "booking_not_live"
        again = book(centre, other, at(2, 10), at(2, 12))
        room_booking_cancel(booking=again, by=people["officer"][1])
        assert Notification.objects.filter(recipient=other, title__contains="职工活动中心").exists()


def test_the_database_refuses_overlapping_live_bookings_in_a_union_schema(union_a, people, centre):
    """The union's schema was replayed from the template snapshot: the exclusion constraint (and
    btree_gist behind it) works there, whatever path the rows take."""
    worker = people["worker"][1]
    with tenant_context(union_a):
        book(centre, worker, at(2, 10), at(2, 12))
        row = dict(room=centre, member=worker, use="sports_room", purpose="绕过服务", people=2)
        with pytest.raises(IntegrityError), transaction.atomic():
            RoomBooking.objects.create(starts_at=at(2, 11), ends_at=at(2, 13), status="pending", **row)
        # Cancelled and declined rows do not hold the time; back-to-back rows do not overlap
        RoomBooking.objects.create(starts_at=at(2, 11), ends_at=at(2, 13), status="cancelled", **row)
        RoomBooking.objects.create(starts_at=at(2, 12), ends_at=at(2, 13), status="approved", **row)
        with pytest.raises(IntegrityError), transaction.atomic():
            RoomBooking.objects.create(starts_at=at(2, 12), ends_at=at(2, 11), status="approved", **row)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
                "WHERE c.conname = 'room_booking_no_overlap' AND n.nspname = %s",
                [union_a.schema_name],
            )
            assert cursor.fetchone() == (1,)


def test_opening_hours_are_checked_when_saved(union_a, people, centre):
    officer = people["officer"][1]
    with tenant_context(union_a):
        rule = RoomBookingRule.objects.get(room=centre)
        for hours, code in (
            ([(0, datetime.time(12), datetime.time(9))], "room_hours_order"),
            (
                [(0, datetime.time(9), datetime.time(12)), (0, datetime.time(11), datetime.time(14))],
                "room_hours_overlap",
            ),
        ):
            with pytest.raises(ServiceError) as error:
                room_rule_save(rule=rule, hours=hours, by=officer)
            assert error.value.code == code
        assert rule.hours.count() == 7
        with pytest.raises(ServiceError) as error:
            room_rule_save(rule=rule, hours=ALL_WEEK, by=people["worker"][1])
        assert error.value.status == 403


# --- Racing for the same time ------------------------------------------------------------------


def _in_thread(work) -> None:
    def run():
        try:
            work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


def test_people_racing_for_the_same_time_cannot_all_get_it(union_a):
    """Six members book overlapping times of one room at the same moment, each in its own
    connection and transaction: exactly one booking is made, the others are told it is taken."""
    racers = 6
    made: dict = {}

    def setup():
        officer = make_person(union_a, "officer", name="并发干事")[1]
        members = [make_person(union_a, "member", name=f"并发{i}")[1].pk for i in range(racers)]
        with tenant_context(union_a):
            room = room_add(title="并发测试室")
            room_rule_save(rule=RoomBookingRule(room=room), hours=ALL_WEEK, by=officer)
        made.update(room=room.pk, users=[officer.pk, *members], members=members)

    _in_thread(setup)
    outcomes: list[str] = []
    barrier = threading.Barrier(racers)

    def race(index: int, member_id: int) -> None:
        try:
            with tenant_context(union_a):
                room = RoomPage.objects.get(pk=made["room"])
                member = User.objects.get(pk=member_id)
                barrier.wait(timeout=10)
                try:
                    # Each asks for a slightly different time, all overlapping 10:30–11:00
                    book(room, member, at(2, 10, index * 5), at(2, 11))
                    outcomes.append("booked")
                except ServiceError as error:
                    outcomes.append(error.code)
        finally:
            connections["default"].close()

    threads = [threading.Thread(target=race, args=(i, pk)) for i, pk in enumerate(made["members"])]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(outcomes) == ["booked"] + ["booking_overlap"] * (racers - 1)
    finally:

        def cleanup():
            with tenant_context(union_a):
                RoomBooking.objects.filter(room_id=made["room"]).delete()
                events_delete(OutboxEvent.objects.filter(name="rooms.booking_made"))
                RoomPage.objects.filter(pk=made["room"]).delete()
                accounts = list(
                    User.objects.filter(pk__in=made["users"]).values_list("account_id", flat=True)
                )
                User.objects.filter(pk__in=made["users"]).delete()
            Account.objects.filter(pk__in=accounts).delete()

        _in_thread(cleanup)


def test_a_groups_regular_meeting_is_refused_where_the_room_is_taken(union_a, people, centre, badminton):
    leader = people["leader"][1]
    with tenant_context(union_a):
        book(centre, people["worker"][1], at(9, 19), at(9, 21), purpose="部门聚会")
        day = timezone.localdate() + datetime.timedelta(days=9)

        def meeting(room, start: int) -> GroupMeeting:
            return GroupMeeting(
                group=badminton, weekday=day.weekday(), starts_on=timezone.localdate(),
                start_time=datetime.time(start), end_time=datetime.time(start + 2), room=room,
            )  # fmt: skip

        with pytest.raises(ServiceError) as error:
            group_meeting_save(meeting=meeting(centre, 18), by=leader)
        assert error.value.code == "meeting_room_taken" and "部门聚会" not in str(error.value.message)
        assert not GroupMeeting.objects.exists()
        saved = group_meeting_save(meeting=meeting(centre, 16), by=leader)
        # Changing its own time does not clash with itself
        saved.end_time = datetime.time(18, 30)
        group_meeting_save(meeting=saved, by=leader)
