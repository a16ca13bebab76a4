"""Demo content of the chairman's reception day: a monthly schedule, a couple of bookings of
the next date, and two logged visits, one of which became a case.

``demo_fill()`` runs inside a union's schema through the same services production uses, and is
safe to run again: whatever exists already (found by its title or topic) is left as it is.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from tenants.users.models import User

from .models import ReceptionBooking, ReceptionSchedule, ReceptionVisit
from .services import (
    reception_booking_create,
    reception_schedule_save,
    reception_visit_case_open,
    reception_visit_record,
)

if TYPE_CHECKING:
    from tenants.registry.demo_data import UnionSpec

TITLE = "主席接待日"
BOOKING_TOPICS = ("咨询职工子女入托补贴的申请条件", "反映夜班宵夜供应时间太早")


def _people() -> tuple[User | None, list[User]]:
    chairman = User.objects.filter(is_active=True, groups__name="chairman").order_by("pk").first()
    members = list(User.objects.filter(is_active=True, groups__name="member").order_by("pk")[:4])
    return chairman, members


def demo_fill(*, spec: UnionSpec, index: int) -> None:
    """The reception day of the current union: every month on the first Wednesday, 9:00–12:00,
    in the mediation room, as the union's rules and notices say."""
    chairman, members = _people()
    if chairman is None or len(members) < 2:
        return
    today = timezone.localdate()
    schedule = ReceptionSchedule.objects.filter(title=TITLE).first()
    if schedule is None:
        schedule = reception_schedule_save(
            schedule=ReceptionSchedule(
                title=TITLE, host=chairman, place="劳动争议调解室", frequency="monthly", interval=1,
                weekday=2, week_of_month=1, starts_on=datetime.date(today.year - 1, 1, 1),
                start_time=datetime.time(9), end_time=datetime.time(12), slot_minutes=30, people_per_slot=2,
                booking_weeks_ahead=8,
                notes="工会主席当面听取意见和诉求。下午14:00–17:00可不预约直接来访；请携带工牌。",
            ),
            by=chairman,
        )  # fmt: skip

    # Two members booked the next date that still has places.
    if not ReceptionBooking.objects.filter(schedule=schedule).exists():
        for day in schedule.dates_between(today, today + datetime.timedelta(weeks=8)):
            starts = [s for s in schedule.slot_starts(day) if s > timezone.now()]
            if len(starts) >= 2:
                for member, start, topic in zip(members[:2], starts[:2], BOOKING_TOPICS, strict=True):
                    reception_booking_create(schedule=schedule, slot_start=start, member=member, topic=topic)
                break

    # The last reception date's visits: a member, whose matter became a case, and a named visitor.
    past = schedule.dates_between(today - datetime.timedelta(days=62), today - datetime.timedelta(days=1))
    day = past[-1] if past else today - datetime.timedelta(days=14)
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 20)))
    if not ReceptionVisit.objects.filter(topic="三季度加班费核算").exists():
        member = members[2] if len(members) > 2 else members[0]
        visit = reception_visit_record(
            by=chairman, schedule=schedule, member=member, department="生产部", visited_at=at,
            topic="三季度加班费核算",
            notes="反映三季度周末加班按基本工资而非岗位工资计算，与劳动合同约定不符，班组里有十几名职工情况相同。",
            follow_up="主席答复：一周内与人力资源部核对工资条和考勤记录，书面答复职工本人和班组。",
        )  # fmt: skip
        reception_visit_case_open(
            visit=visit, by=chairman, title="三季度周末加班费计算基数", category="request"
        )
    if not ReceptionVisit.objects.filter(topic="劳务派遣工能否加入工会").exists():
        reception_visit_record(
            by=chairman, schedule=schedule, visitor_name="周建华", visitor_contact="13911205566",
            department="物流部（劳务派遣）", visited_at=at + datetime.timedelta(minutes=40),
            topic="劳务派遣工能否加入工会",
            notes="在物流部工作两年的劳务派遣工，询问能否加入本单位工会、参加工会组织的体检和文体活动。",
            follow_up="当场解答：可在用工单位加入工会；已把入会方式和邀请码告诉他。",
        )  # fmt: skip
