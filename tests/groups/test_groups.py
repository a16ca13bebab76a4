"""Interest groups through their services: join requests answered by a leader, leaving, the only
leader staying, posts for members only with their photos checked, meetings on the calendar, and
the federation's counted facts."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.activities.calendar import CALENDAR_SOURCES
from tenants.events.models import OutboxEvent
from tenants.groups.models import GroupJoinRequest, GroupMeeting, GroupMembership, GroupPost, InterestGroup
from tenants.groups.selectors import meeting_calendar_entries, meetings_between
from tenants.groups.services import (
    group_join_decide,
    group_join_request,
    group_leave,
    group_meeting_save,
    group_post_create,
    group_save,
)
from tenants.notifications.models import Notification
from tests.factories import make_person
from tests.groups.conftest import room_add
from workershome.errors import ServiceError

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def refused(code: str, call, **kwargs) -> ServiceError:
    with pytest.raises(ServiceError) as error:
        call(**kwargs)
    assert error.value.code == code, error.value.code
    return error.value


def test_a_worker_asks_to_join_and_the_leader_lets_them_in(union_a, people, badminton):
    worker, leader = people["worker"][1], people["leader"][1]
    with tenant_context(union_a):
        # Given a worker's request to join
        request = group_join_request(group=badminton, user=worker, message="大学打过校队")
        # The leader is told
        assert Notification.objects.filter(recipient=leader, title__contains="羽毛球小组").exists()
        # A second request while one waits is refused and nothing is added
        refused("group_request_waiting", group_join_request, group=badminton, user=worker)
        assert GroupJoinRequest.objects.filter(user=worker).count() == 1
        # Another member cannot answer it
        refused("group_leader_only", group_join_decide, request=request, by=people["other"][1], approve=True)
        # When the leader approves
        group_join_decide(request=request, by=leader, approve=True)
        # Then the worker is a member, is told, and the federation counts a member joined
        assert GroupMembership.objects.filter(group=badminton, user=worker, role="member").exists()
        assert Notification.objects.filter(recipient=worker, title__contains="羽毛球小组").exists()
        event = OutboxEvent.objects.get(name="groups.member_joined")
        assert event.payload == {"kind": "badminton", "members": 2}
        # And cannot ask again, nor can the request be answered twice
        refused("group_already_member", group_join_request, group=badminton, user=worker)
        refused("group_request_answered", group_join_decide, request=request, by=leader, approve=False)


def test_an_officer_declines_with_a_reason_the_worker_reads(union_a, people, badminton):
    worker = people["worker"][1]
    with tenant_context(union_a):
        request = group_join_request(group=badminton, user=worker)
        group_join_decide(request=request, by=people["officer"][1], approve=False, reason="本期名额已满")
        request.refresh_from_db()
        assert request.status == GroupJoinRequest.Status.DECLINED and request.reason == "本期名额已满"
        note = Notification.objects.filter(recipient=worker).latest("pk")
        assert "本期名额已满" in note.body
        assert not GroupMembership.objects.filter(group=badminton, user=worker).exists()


def test_a_closed_group_and_visitors_take_no_requests(union_a, people, badminton):
    with tenant_context(union_a):
        InterestGroup.objects.filter(pk=badminton.pk).update(open_to_join=False)
        badminton.refresh_from_db()
        refused("group_closed", group_join_request, group=badminton, user=people["worker"][1])
        InterestGroup.objects.filter(pk=badminton.pk).update(open_to_join=True)
        badminton.refresh_from_db()
        refused(
            "group_message_long",
            group_join_request,
            group=badminton,
            user=people["worker"][1],
            message="长" * 201,
        )
    _, visitor = make_person(union_a, "visitor", name="外单位职工")
    with tenant_context(union_a):
        refused("group_members_of_union", group_join_request, group=badminton, user=visitor)
        assert not GroupJoinRequest.objects.exists()


def test_members_leave_but_the_only_leader_stays_while_others_remain(union_a, people, badminton):
    worker, leader = people["worker"][1], people["leader"][1]
    with tenant_context(union_a):
        group_join_decide(request=group_join_request(group=badminton, user=worker), by=leader, approve=True)
        refused("group_last_leader", group_leave, group=badminton, user=leader)
        group_leave(group=badminton, user=worker)
        assert OutboxEvent.objects.get(name="groups.member_left").payload["members"] == 1
        refused("group_not_member", group_leave, group=badminton, user=worker)
        # Alone, the leader may leave
        group_leave(group=badminton, user=leader)
        assert not GroupMembership.objects.filter(group=badminton).exists()


def test_officers_alone_create_groups_with_unique_names_and_a_leader(union_a, people, badminton):
    with tenant_context(union_a):
        refused(
            "group_staff_only", group_save, group=InterestGroup(name="篮球队", kind="basketball"),
            by=people["leader"][1], leaders=[people["leader"][1]],
        )  # fmt: skip
        refused(
            "group_name_taken", group_save, group=InterestGroup(name=" 羽毛球小组 ", kind="badminton"),
            by=people["officer"][1], leaders=[people["leader"][1]],
        )  # fmt: skip
        refused(
            "group_leaders", group_save, group=InterestGroup(name="篮球队", kind="basketball"),
            by=people["officer"][1], leaders=[],
        )  # fmt: skip
        assert InterestGroup.objects.count() == 1
        assert OutboxEvent.objects.get(name="groups.group_created").payload == {
            "kind": "badminton", "members": 1,
        }  # fmt: skip


def test_posts_are_for_members_and_photos_are_checked(union_a, people, badminton, media_root):
    leader, outsider = people["leader"][1], people["other"][1]
    with tenant_context(union_a):
        refused("group_members_only", group_post_create, group=badminton, author=outsider, body="我也想说")
        refused("post_body", group_post_create, group=badminton, author=leader, body="   ")
        refused("post_body_long", group_post_create, group=badminton, author=leader, body="长" * 2001)
        fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00 not an image", content_type="image/png")
        refused(
            "post_image_content", group_post_create, group=badminton, author=leader, body="照片", image=fake
        )
        script = SimpleUploadedFile("photo.svg", b"<svg onload=alert(1)>", content_type="image/svg+xml")
        refused(
            "post_image_type", group_post_create, group=badminton, author=leader, body="照片", image=script
        )
        big = SimpleUploadedFile(
            "big.jpg", b"\xff\xd8\xff" + b"\x00" * (5 * 1024 * 1024), content_type="image/jpeg"
        )
        refused(
            "post_image_too_large", group_post_create, group=badminton, author=leader, body="照片", image=big
        )
        assert not GroupPost.objects.exists()
        post = group_post_create(
            group=badminton, author=leader, body="周三照常活动",
            image=SimpleUploadedFile("court.png", io.BytesIO(PNG).read(), content_type="image/png"),
        )  # fmt: skip
        assert post.image.name.startswith(f"private/groups/{badminton.pk}/")


def test_meetings_come_from_the_rule_and_feed_the_union_calendar(union_a, people, badminton):
    leader = people["leader"][1]
    today = timezone.localdate()
    with tenant_context(union_a):
        room = room_add()
        # A meeting that ends before it starts is refused
        with pytest.raises(ServiceError) as error:
            group_meeting_save(
                meeting=GroupMeeting(
                    group=badminton, weekday=2, starts_on=today, start_time=datetime.time(20),
                    end_time=datetime.time(18), room=room,
                ),
                by=leader,
            )  # fmt: skip
        assert error.value.code == "meeting_times" and not GroupMeeting.objects.exists()
        refused(
            "group_leader_only", group_meeting_save, by=people["worker"][1],
            meeting=GroupMeeting(group=badminton, weekday=2, starts_on=today, start_time=datetime.time(18),
                                 end_time=datetime.time(20), room=room),
        )  # fmt: skip
        meeting = group_meeting_save(
            meeting=GroupMeeting(
                group=badminton, title="周三练球", weekday=2, starts_on=today - datetime.timedelta(days=30),
                start_time=datetime.time(18), end_time=datetime.time(20), room=room,
            ),
            by=leader,
        )  # fmt: skip
        start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
        end = start + datetime.timedelta(days=28)
        found = meetings_between(start=start, end=end)
        assert len(found) == 4 and all(timezone.localtime(o.starts_at).weekday() == 2 for o in found)
        entries = meeting_calendar_entries(start=start, end=end)
        first = entries[0]
        assert first.kind == "group_meeting" and first.title == "羽毛球小组：周三练球"
        assert first.location == "职工活动中心" and first.url == f"/groups/{badminton.pk}/"
        assert first.uid == f"group-meeting-{meeting.pk}-{timezone.localtime(first.starts_at):%Y%m%d}"
        assert meeting_calendar_entries in CALENDAR_SOURCES
        # An inactive group's meetings leave the calendar
        InterestGroup.objects.filter(pk=badminton.pk).update(active=False)
        assert meeting_calendar_entries(start=start, end=end) == []


def test_a_monthly_meeting_on_the_last_thursday(union_a, people, badminton):
    with tenant_context(union_a):
        meeting = group_meeting_save(
            meeting=GroupMeeting(
                group=badminton, frequency="monthly", weekday=3, week_of_month=-1,
                starts_on=datetime.date(2026, 1, 1), start_time=datetime.time(18, 30), end_time=datetime.time(20),
                place="职工书屋",
            ),
            by=people["leader"][1],
        )  # fmt: skip
        start = timezone.make_aware(datetime.datetime(2026, 1, 1))
        found = meeting.occurrences_between(start, start + datetime.timedelta(days=90))
        assert [timezone.localtime(s).date() for s, _e in found] == [
            datetime.date(2026, 1, 29), datetime.date(2026, 2, 26), datetime.date(2026, 3, 26),
        ]  # fmt: skip
