"""Demo content of room booking: the activity centre (a multi-use room: activity centre, sports
room, study room) bookable at once, the stress-relief room bookable with an officer's approval,
and a few bookings: the badminton group's leader booking for the group, a member's team
meeting, and a request waiting for approval.

``demo_fill()`` runs inside a union's schema through the same services production uses (run it
after the interest groups' demo), and is safe to run again.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from cms.models import RoomKind, RoomPage
from tenants.groups.models import GroupMembership, InterestGroup
from tenants.users.models import User

from .models import RoomBooking, RoomBookingRule
from .selectors import room_is_free
from .services import room_booking_create, room_rule_save

if TYPE_CHECKING:
    from tenants.registry.demo_data import UnionSpec

_T = datetime.time
# room title: (requires approval, longest booking, days ahead, notes, opening hours)
RULES = {
    "职工活动中心": (
        False,
        3,
        30,
        "钥匙在工会办公室（行政楼 2 层）领取，用后请把桌椅复位。",
        [
            *((day, _T(12), _T(13, 30)) for day in range(5)),
            *((day, _T(17, 30), _T(21)) for day in range(5)),
            (5, _T(9), _T(17)),
        ],
    ),
    "职工减压室": (
        True,
        2,
        14,
        "心理咨询和放松设备需提前预约，工会干事确认后生效。",
        [*((day, _T(10), _T(20)) for day in range(5))],
    ),
}


def _next(weekday: int, after: datetime.date) -> datetime.date:
    day = after + datetime.timedelta(days=1)
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def _at(day: datetime.date, moment: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, moment))


def demo_fill(*, spec: UnionSpec, index: int) -> None:
    chairman = User.objects.filter(is_active=True, groups__name="chairman").order_by("pk").first()
    members = list(User.objects.filter(is_active=True, groups__name="member").order_by("pk")[:16])
    if chairman is None or len(members) < 3:
        return
    rooms = {room.title: room for room in RoomPage.objects.live()}
    for title, (approval, max_hours, days_ahead, notes, hours) in RULES.items():
        room = rooms.get(title)
        if room is None or RoomBookingRule.objects.filter(room=room).exists():
            continue
        room_rule_save(
            rule=RoomBookingRule(room=room, requires_approval=approval, max_hours=max_hours, days_ahead=days_ahead, notes=notes),
            hours=hours, by=chairman,
        )  # fmt: skip
    if RoomBooking.objects.exists():
        return
    today = timezone.localdate()
    centre, relief = rooms.get("职工活动中心"), rooms.get("职工减压室")
    wanted = []
    if centre is not None:
        badminton = InterestGroup.objects.filter(name="羽毛球小组").first()
        leader = (
            GroupMembership.objects.filter(group=badminton, role="leader").select_related("user").first()
            if badminton else None
        )  # fmt: skip
        if badminton is not None and leader is not None:
            day = _next(3, today)  # Thursday evening: an extra session before the district match
            wanted.append(dict(
                room=centre, member=leader.user, group=badminton, use=RoomKind.SPORTS_ROOM,
                starts_at=_at(day, _T(18)), ends_at=_at(day, _T(20, 30)), purpose="区职工羽毛球赛赛前加练", people=12,
            ))  # fmt: skip
        day = _next(0, today)
        wanted.append(dict(
            room=centre, member=members[0], use=RoomKind.STUDY_ROOM, starts_at=_at(day, _T(12)),
            ends_at=_at(day, _T(13, 30)), purpose="质量QC小组午间讨论", people=8,
        ))  # fmt: skip
        day = _next(5, today)
        wanted.append(dict(
            room=centre, member=members[1], use=RoomKind.ACTIVITY_CENTRE, starts_at=_at(day, _T(14)),
            ends_at=_at(day, _T(16)), purpose="部门退休职工欢送茶话会", people=35,
        ))  # fmt: skip
    if relief is not None:
        day = _next(2, today)
        wanted.append(dict(
            room=relief, member=members[2], use=RoomKind.STRESS_RELIEF_ROOM, starts_at=_at(day, _T(15)),
            ends_at=_at(day, _T(16)), purpose="夜班后放松，想用按摩椅和音乐放松设备", people=1,
        ))  # fmt: skip
    for booking in wanted:
        if room_is_free(room=booking["room"], starts_at=booking["starts_at"], ends_at=booking["ends_at"]):
            room_booking_create(**booking)
