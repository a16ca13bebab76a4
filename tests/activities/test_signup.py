"""Signing up for activities: places, the waiting list and its automatic promotion, and the bad
input of the issue (twice, past the deadline, not open to the person); each refusal is clear and
changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.activities.models import Activity, ActivitySignup
from tenants.activities.selectors import waiting_position
from tenants.activities.services import (
    activity_cancel,
    activity_save,
    activity_signup,
    activity_signup_cancel,
)
from tenants.notifications.models import Notification
from tests.activities.conftest import make_room, move, new_activity, soon
from tests.factories import make_account, make_person
from workershome.errors import ServiceError

pytestmark = pytest.mark.django_db


def refused(code: str, call, **kwargs) -> ServiceError:
    with pytest.raises(ServiceError) as error:
        call(**kwargs)
    assert error.value.code == code, error.value.code
    assert str(error.value.message)
    return error.value


def test_people_get_places_until_full_then_join_the_waiting_list_in_order(union_a, people, basketball):
    with tenant_context(union_a):
        # Given a match with two places
        first = activity_signup(activity=basketball, user=people["worker"][1])
        second = activity_signup(activity=basketball, user=people["other"][1])
        # When a third and a fourth person sign up
        third = activity_signup(activity=basketball, user=people["third"][1])
        fourth = activity_signup(activity=basketball, user=people["officer"][1])
        # Then the first two are confirmed and the others wait, in the order they came
        assert [s.status for s in (first, second, third, fourth)] == [
            "confirmed",
            "confirmed",
            "waiting",
            "waiting",
        ]
        assert (waiting_position(third), waiting_position(fourth)) == (1, 2)


def test_cancelling_a_place_promotes_the_first_waiting_person_and_tells_them(union_a, people, basketball):
    with tenant_context(union_a):
        confirmed = activity_signup(activity=basketball, user=people["worker"][1])
        activity_signup(activity=basketball, user=people["other"][1])
        waiting_first = activity_signup(activity=basketball, user=people["third"][1])
        waiting_second = activity_signup(activity=basketball, user=people["officer"][1])
        # When a confirmed person cancels
        activity_signup_cancel(signup=confirmed, by=people["worker"][1])
        # Then the first on the waiting list gets the place and is told; the second moves up
        waiting_first.refresh_from_db()
        waiting_second.refresh_from_db()
        assert waiting_first.status == "confirmed" and waiting_second.status == "waiting"
        assert waiting_position(waiting_second) == 1
        notice = Notification.objects.get(recipient=people["third"][1])
        assert basketball.title in notice.title and notice.url == f"/activities/{basketball.pk}/"
        # Someone leaving the waiting list frees no place and promotes nobody
        activity_signup_cancel(signup=waiting_second, by=people["officer"][1])
        assert ActivitySignup.objects.filter(activity=basketball, status="confirmed").count() == 2


def test_more_places_take_people_from_the_waiting_list(union_a, people, basketball):
    with tenant_context(union_a):
        for key in ("worker", "other", "third"):
            activity_signup(activity=basketball, user=people[key][1])
        basketball.capacity = 3
        activity_save(activity=basketball, by=people["officer"][1])
        assert ActivitySignup.objects.filter(activity=basketball, status="confirmed").count() == 3


def test_signing_up_twice_is_refused_whether_confirmed_or_waiting(union_a, people, basketball):
    with tenant_context(union_a):
        activity_signup(activity=basketball, user=people["worker"][1])
        error = refused("signup_twice", activity_signup, activity=basketball, user=people["worker"][1])
        assert error.status == 409
        activity_signup(activity=basketball, user=people["other"][1])
        activity_signup(activity=basketball, user=people["third"][1])  # waiting
        error = refused("signup_twice", activity_signup, activity=basketball, user=people["third"][1])
        assert "waiting" in str(error.message) or "候补" in str(error.message)
        assert ActivitySignup.objects.filter(activity=basketball).count() == 3
        # After cancelling, the person may sign up again
        own = ActivitySignup.objects.get(activity=basketball, user=people["worker"][1])
        activity_signup_cancel(signup=own, by=people["worker"][1])
        assert activity_signup(activity=basketball, user=people["worker"][1]).status == "waiting"


def test_past_the_deadline_started_drafts_and_cancelled_activities_refuse_sign_ups(union_a, people):
    chairman, worker = people["chairman"][1], people["worker"][1]
    with tenant_context(union_a):
        closing = new_activity(chairman, title="读书分享会", kind="culture", signup_deadline=soon(days=1))
        Activity.objects.filter(pk=closing.pk).update(
            signup_deadline=timezone.now() - datetime.timedelta(minutes=1)
        )
        refused("signup_deadline_passed", activity_signup, activity=closing, user=worker)
        started = move(
            new_activity(chairman, title="插花课"), starts_at=timezone.now() - datetime.timedelta(minutes=5)
        )
        refused("signup_started", activity_signup, activity=started, user=worker)
        draft = new_activity(chairman, title="草稿活动", publish=False)
        refused("signup_not_open", activity_signup, activity=draft, user=worker)
        cancelled = activity_cancel(
            activity=new_activity(chairman, title="户外徒步"), reason="暴雨预警", by=chairman
        )
        refused("activity_cancelled", activity_signup, activity=cancelled, user=worker)
        free = new_activity(chairman, title="广场舞", signup_required=False)
        refused("signup_not_needed", activity_signup, activity=free, user=worker)
        assert not ActivitySignup.objects.exists()


def test_the_audience_decides_who_may_sign_up(union_a, union_b, people):
    chairman = people["chairman"][1]
    # Given a visitor here: a member of union B with a local user in A holding only "visitor"
    account_b, _user_b = make_person(union_b, "member", name="钱师傅")
    outsider = make_account(name="路人甲")  # an account with no union at all
    from accounts.services import local_user_for_account

    with tenant_context(union_a):
        visitor = local_user_for_account(account=account_b, create=True, roles=("visitor",))
        stranger = local_user_for_account(account=outsider, create=True, roles=("visitor",))
        members_only = new_activity(chairman, title="会员专场")
        sister = new_activity(chairman, title="联谊篮球赛", audience="sister_unions")
        public = new_activity(chairman, title="公益讲座", kind="lecture", audience="public")
        error = refused("signup_audience", activity_signup, activity=members_only, user=visitor)
        assert error.status == 403
        assert activity_signup(activity=sister, user=visitor).status == "confirmed"
        refused("signup_audience", activity_signup, activity=sister, user=stranger)
        assert activity_signup(activity=public, user=stranger).status == "confirmed"
        assert activity_signup(activity=members_only, user=people["worker"][1]).status == "confirmed"


def test_bad_activities_are_refused_with_a_clear_message_and_nothing_saved(union_a, people):
    chairman = people["chairman"][1]
    with tenant_context(union_a):
        start = soon()
        error = refused(
            "activity_times",
            new_activity,
            by=chairman,
            starts_at=start,
            ends_at=start - datetime.timedelta(hours=1),
        )
        assert error.field == "ends_at"
        refused("activity_where", new_activity, by=chairman, place="")
        refused(
            "activity_deadline",
            new_activity,
            by=chairman,
            starts_at=start,
            signup_deadline=start + datetime.timedelta(hours=1),
        )
        refused("activity_staff_only", new_activity, by=people["worker"][1])
        assert not Activity.objects.exists()


def test_a_room_cannot_hold_two_published_activities_at_once(union_a, people):
    chairman = people["chairman"][1]
    with tenant_context(union_a):
        room = make_room()
        start = soon()
        new_activity(chairman, title="书法讲座", room=room, place="", starts_at=start)
        # An overlapping draft may be saved, but not published
        clash = new_activity(
            chairman, title="合唱排练", room=room, place="", publish=False,
            starts_at=start + datetime.timedelta(hours=1),
        )  # fmt: skip
        from tenants.activities.services import activity_publish

        error = refused("activity_room_taken", activity_publish, activity=clash, by=chairman)
        assert error.field == "room" and "书法讲座" in str(error.message)
        clash.refresh_from_db()
        assert clash.status == "draft"
        # Straight after the first one ends is fine
        new_activity(
            chairman, title="瑜伽课", room=room, place="", starts_at=start + datetime.timedelta(hours=2)
        )


def test_places_cannot_drop_below_the_people_confirmed(union_a, people, basketball):
    with tenant_context(union_a):
        activity_signup(activity=basketball, user=people["worker"][1])
        activity_signup(activity=basketball, user=people["other"][1])
        basketball.capacity = 1
        error = refused(
            "activity_capacity_below_confirmed", activity_save, activity=basketball, by=people["chairman"][1]
        )
        assert error.field == "capacity"
        assert Activity.objects.get(pk=basketball.pk).capacity == 2


def test_cancelling_an_activity_tells_everyone_signed_up_or_waiting(union_a, people, basketball):
    with tenant_context(union_a):
        for key in ("worker", "other", "third"):
            activity_signup(activity=basketball, user=people[key][1])
        refused(
            "activity_cancel_reason",
            activity_cancel,
            activity=basketball,
            reason=" ",
            by=people["chairman"][1],
        )
        activity_cancel(activity=basketball, reason="场地维修", by=people["chairman"][1])
        told = set(
            Notification.objects.filter(body__contains="场地维修").values_list("recipient_id", flat=True)
        )
        assert told == {people[key][1].pk for key in ("worker", "other", "third")}
        basketball.refresh_from_db()
        assert basketball.status == "cancelled" and basketball.cancel_reason == "场地维修"


def test_only_the_person_or_staff_cancel_a_sign_up(union_a, people, basketball):
    with tenant_context(union_a):
        signup = activity_signup(activity=basketball, user=people["worker"][1])
        error = refused("signup_not_yours", activity_signup_cancel, signup=signup, by=people["other"][1])
        assert error.status == 403
        activity_signup_cancel(signup=signup, by=people["officer"][1])
        assert Notification.objects.filter(recipient=people["worker"][1]).exists()
        refused("signup_not_active", activity_signup_cancel, signup=signup, by=people["worker"][1])


def test_a_visitor_of_another_union_is_no_member_here(union_a, union_b):
    from accounts.services import local_user_for_account
    from tenants.users.roles import is_member

    account_b, _ = make_person(union_b, "member", name="钱师傅")
    with tenant_context(union_a):
        visitor = local_user_for_account(account=account_b, create=True, roles=("visitor",))
        assert not is_member(visitor)
        _, member = make_person(union_a, "member")
        assert is_member(member)


def test_a_room_booked_through_room_booking_cannot_hold_an_activity_then(union_a, people):
    from tenants.rooms.models import RoomBooking

    chairman = people["chairman"][1]
    with tenant_context(union_a):
        room = make_room("多功能厅")
        start = soon()
        RoomBooking.objects.create(
            room=room, member=people["worker"][1], use="activity_centre", purpose="部门例会", people=10,
            starts_at=start, ends_at=start + datetime.timedelta(hours=2), status="approved",
        )  # fmt: skip
        draft = new_activity(
            chairman, title="插花沙龙", room=room, place="", publish=False,
            starts_at=start + datetime.timedelta(minutes=30),
        )  # fmt: skip
        from tenants.activities.services import activity_publish

        error = refused("activity_room_taken", activity_publish, activity=draft, by=chairman)
        assert error.field == "room"
        draft.refresh_from_db()
        assert draft.status == "draft"
