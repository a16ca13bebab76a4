"""Reads on interest groups: the list with member counts, who is in a group and how, its coming
meetings (computed from the rules), its posts (members only), and the calendar's source."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from tenants.activities.calendar import CalendarEntry

from .models import GroupJoinRequest, GroupMeeting, GroupMembership, GroupPost, InterestGroup
from .permissions import manages_groups


def groups_listed(*, user=None, include_inactive: bool = False) -> QuerySet[InterestGroup]:
    """The groups with ``member_count`` and, for a signed-in ``user``, ``is_member`` and
    ``has_pending`` (a join request waiting). One query."""
    groups = InterestGroup.objects.all() if include_inactive else InterestGroup.objects.filter(active=True)
    groups = groups.select_related("photo").annotate(member_count=Count("memberships", distinct=True))
    if user is not None and getattr(user, "is_authenticated", False):
        groups = groups.annotate(
            is_member=Exists(GroupMembership.objects.filter(group=OuterRef("pk"), user=user)),
            has_pending=Exists(
                GroupJoinRequest.objects.filter(
                    group=OuterRef("pk"), user=user, status=GroupJoinRequest.Status.PENDING
                )
            ),
        )
    return groups.order_by("name")


def membership_of(*, group: InterestGroup, user) -> GroupMembership | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return GroupMembership.objects.filter(group=group, user=user).first()


def is_group_leader(*, group: InterestGroup, user) -> bool:
    membership = membership_of(group=group, user=user)
    return membership is not None and membership.is_leader


def can_lead(*, group: InterestGroup, user) -> bool:
    """A leader of the group, or an officer who manages groups."""
    return is_group_leader(group=group, user=user) or manages_groups(user)


def can_read_posts(*, group: InterestGroup, user) -> bool:
    """Posts are for the group's members (officers see them in the admin, to moderate)."""
    return membership_of(group=group, user=user) is not None or manages_groups(user)


def group_members(*, group: InterestGroup) -> QuerySet[GroupMembership]:
    return group.memberships.select_related("user").order_by("-role", "joined_at", "pk")


def group_leaders(*, group: InterestGroup) -> list:
    return [m.user for m in group_members(group=group).filter(role=GroupMembership.Role.LEADER)]


def join_requests_pending(*, group: InterestGroup | None = None) -> QuerySet[GroupJoinRequest]:
    requests = GroupJoinRequest.objects.filter(status=GroupJoinRequest.Status.PENDING)
    if group is not None:
        requests = requests.filter(group=group)
    return requests.select_related("group", "user").order_by("created_at", "pk")


def group_posts(*, group: InterestGroup) -> QuerySet[GroupPost]:
    return group.posts.select_related("author").order_by("-created_at", "-pk")


def groups_of(user) -> QuerySet[GroupMembership]:
    """The groups a person belongs to (for "my groups" and booking a room for a group)."""
    return GroupMembership.objects.filter(user=user, group__active=True).select_related("group")


def groups_led_by(user) -> QuerySet[InterestGroup]:
    if user is None or not getattr(user, "is_authenticated", False):
        return InterestGroup.objects.none()
    return InterestGroup.objects.filter(
        active=True, memberships__user=user, memberships__role=GroupMembership.Role.LEADER
    ).order_by("name")


@dataclass(frozen=True)
class MeetingOccurrence:
    meeting: GroupMeeting
    starts_at: datetime.datetime
    ends_at: datetime.datetime

    @property
    def group(self) -> InterestGroup:
        return self.meeting.group


def meetings_between(
    *,
    start: datetime.datetime,
    end: datetime.datetime,
    group: InterestGroup | None = None,
    room=None,
    exclude_meeting: GroupMeeting | None = None,
) -> list[MeetingOccurrence]:
    """The meetings of active groups overlapping [start, end), in time order. One query."""
    meetings = GroupMeeting.objects.filter(group__active=True, starts_on__lte=timezone.localtime(end).date())
    meetings = meetings.filter(
        Q(ends_on__isnull=True)
        | Q(ends_on__gte=timezone.localtime(start).date() - datetime.timedelta(days=1))
    )
    if group is not None:
        meetings = meetings.filter(group=group)
    if room is not None:
        meetings = meetings.filter(room=room)
    if exclude_meeting is not None and exclude_meeting.pk:
        meetings = meetings.exclude(pk=exclude_meeting.pk)
    found = [
        MeetingOccurrence(meeting=meeting, starts_at=begins, ends_at=ends)
        for meeting in meetings.select_related("group", "room")
        for begins, ends in meeting.occurrences_between(start, end)
    ]
    return sorted(found, key=lambda o: (o.starts_at, o.meeting.pk))


def meetings_coming(*, group: InterestGroup, days: int = 28, now: datetime.datetime | None = None):
    now = now or timezone.now()
    return meetings_between(start=now, end=now + datetime.timedelta(days=days), group=group)


def meeting_calendar_entries(*, start: datetime.datetime, end: datetime.datetime) -> list[CalendarEntry]:
    """The union calendar's source of group meetings (``tenants.activities.calendar``)."""
    return [
        CalendarEntry(
            uid=f"group-meeting-{o.meeting.pk}-{timezone.localtime(o.starts_at):%Y%m%d}",
            title=f"{o.group.name}：{o.meeting.title}" if o.meeting.title else o.group.name,
            starts_at=o.starts_at,
            ends_at=o.ends_at,
            kind="group_meeting",
            location=o.meeting.where,
            url=o.group.get_absolute_url(),
            description=o.meeting.describe(),
        )
        for o in meetings_between(start=start, end=end)
    ]
