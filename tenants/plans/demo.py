"""Demo content of the annual work plan: this year's plan (adopted in January, published on the
site) with a dozen items in progress as they would be on today's date, one of them overdue, and
last year's plan with its year-end summary. Owners are people on the demo roster (run
``tenants.membership.demo`` and ``tenants.committees.demo`` first) and the union's staff.

Everything goes through the services; safe to run again (a year that has a plan is left as it is).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from tenants.membership.models import Member

from .forms import staff_users
from .models import WorkPlan
from .services import (
    item_cancel,
    item_create,
    item_progress_record,
    plan_adopt,
    plan_create,
    plan_summary_write,
)

if TYPE_CHECKING:
    from tenants.registry.demo_data import UnionSpec

# (task, category, (start month, day), (due month, day), owner slot: "member:N" or "staff:N")
THIS_YEAR: tuple[tuple[str, str, tuple[int, int], tuple[int, int], str], ...] = (
    ("召开第五届职工代表大会第三次会议，审议集体合同履行情况", "democracy", (1, 8), (3, 31), "member:0"),
    ("开展新入职员工入会集中行动，入会率保持在95%以上", "organisation", (2, 1), (6, 30), "member:1"),
    ("主席接待日每月第二个周三开放，全年不少于12次", "rights", (1, 1), (12, 31), "member:0"),
    ("开展“安康杯”安全生产知识竞赛", "rights", (4, 1), (9, 30), "member:3"),
    ("职工书屋更新图书500册并开展读书月活动", "home", (3, 1), (6, 30), "staff:0"),
    ("建成职工减压室并引入社会组织开展心理讲座4场", "counselling", (3, 15), (10, 31), "member:4"),
    ("困难职工建档帮扶与“两节”送温暖", "hardship", (1, 1), (12, 31), "member:7"),
    ("举办数控车工、电工技能比武", "skills", (5, 1), (11, 30), "member:2"),
    ("组织职工春季健步走和秋季趣味运动会", "activities", (3, 1), (10, 31), "member:6"),
    ("劳动争议调解委员会季度排查与法律宣传进车间", "mediation", (1, 1), (12, 31), "member:3"),
    ("向区总工会报送工作信息不少于12篇", "docking", (1, 1), (12, 31), "staff:1"),
    ("召开党政联席会议，协商高温津贴和职工食堂改造", "democracy", (5, 1), (7, 31), "member:0"),
)

LAST_YEAR: tuple[tuple[str, str, tuple[int, int], tuple[int, int], str], ...] = (
    ("召开第五届职工代表大会第二次会议", "democracy", (1, 10), (3, 31), "member:0"),
    ("完成工会小组换届选举", "organisation", (3, 1), (5, 31), "member:1"),
    ("开展“安康杯”竞赛和安全隐患随手拍活动", "rights", (4, 1), (9, 30), "member:3"),
    ("职工书屋达标建设", "home", (2, 1), (8, 31), "staff:0"),
    ("开展职工技能培训6期", "skills", (3, 1), (11, 30), "member:2"),
    ("举办迎新春职工文艺汇演", "activities", (12, 1), (12, 31), "member:6"),
    ("困难职工帮扶与金秋助学", "hardship", (1, 1), (12, 31), "member:7"),
    ("建设户外劳动者驿站", "home", (5, 1), (10, 31), "member:4"),
)

SUMMARY = (
    "一年来，公司工会在上级工会和公司党委的领导下，围绕企业中心工作，认真履行维护职工合法权益的基本职责。"
    "按期召开职工代表大会，完成工会小组换届；开展“安康杯”竞赛和技能培训，职工参与面明显扩大；"
    "困难职工帮扶做到建档立卡、动态管理。户外劳动者驿站因选址调整并入下一年度计划。\n"
    "存在的不足：职工心理关爱服务还不够系统，信息报送数量偏少。下一年度将重点加强职工减压室建设，"
    "引入专业社会组织，提升服务的专业化水平。"
)


def _owners(slot: str, members: list[Member], staff: list) -> dict:
    kind, _, number = slot.partition(":")
    n = int(number)
    if kind == "staff" and staff:
        return {"owner_user": staff[n % len(staff)]}
    return {"owner_member": members[n % len(members)]} if members else {}


def _progress_on(start: datetime.date, due: datetime.date, today: datetime.date, n: int) -> int:
    """How far an item has come by ``today``: done when past due (but one, the overdue item),
    in proportion to the time elapsed otherwise."""
    if today < start:
        return 0
    if today >= due:
        return 70 if n == 4 else 100
    elapsed = (today - start).days / max(1, (due - start).days)
    return min(90, max(10, int(elapsed * 100) // 10 * 10))


def _plan(
    year: int, title: str, items, members, staff, today: datetime.date, *, cancelled: str = ""
) -> WorkPlan:
    plan = plan_create(
        year=year, title=title, published=True,
        introduction="坚持以职工为中心，围绕企业发展大局，突出维权服务主责主业，建设职工信赖的职工之家。",
    )  # fmt: skip
    for n, (task, category, start, due, owner) in enumerate(items):
        starts_on, due_on = datetime.date(year, *start), datetime.date(year, *due)
        item = item_create(
            plan=plan,
            task=task,
            category=category,
            starts_on=starts_on,
            due_on=due_on,
            **_owners(owner, members, staff),
        )
        if task == cancelled:
            item_cancel(item=item, reason="因选址调整，并入下一年度计划。")
            continue
        progress = _progress_on(starts_on, due_on, today, n)
        if progress == 100:
            item_progress_record(item=item, progress=50, note="按计划推进，完成阶段性任务。",
                                 on=starts_on + (due_on - starts_on) / 2)  # fmt: skip
        if progress:
            item_progress_record(item=item, progress=progress, on=min(today, due_on),
                                 note="已全部完成。" if progress == 100 else "按计划推进中。")  # fmt: skip
    plan_adopt(plan=plan, on=datetime.date(year, 1, 8))
    return plan


def demo_fill(*, spec: UnionSpec, index: int) -> None:
    today = timezone.localdate()
    members = list(Member.objects.filter(status=Member.Status.ACTIVE).order_by("pk")[:20])
    staff = list(staff_users())
    if not members:
        return
    last = today.year - 1
    if not WorkPlan.objects.filter(year=last).exists():
        plan = _plan(last, f"{spec.short_name}{last}年工作计划", LAST_YEAR, members, staff,
                     datetime.date(last, 12, 31), cancelled="建设户外劳动者驿站")  # fmt: skip
        plan_summary_write(plan=plan, summary=SUMMARY)
    if not WorkPlan.objects.filter(year=today.year).exists():
        _plan(today.year, f"{spec.short_name}{today.year}年工作计划", THIS_YEAR, members, staff, today)
