"""Demo appeals for a demo union: canteen, shuttle bus, overtime pay, dormitory hot water.

Runs inside the union's schema (``seed_demo`` wires it in). Every appeal goes through the same
services a worker and an officer use; afterwards its times are spread over the past weeks so the
timeline reads like real work. Idempotent: an appeal whose subject exists already is skipped.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tenants.cases.models import Case, CaseEvent
from tenants.cases.services import case_note, case_transition
from tenants.registry.demo_data import UnionSpec, member_person, officer_person
from tenants.users.models import User

from .services import appeal_file, appeal_rate_as_requester, appeal_rate_by_code


@dataclass(frozen=True)
class DemoAppeal:
    category: str
    title: str
    description: str
    sender: str  # "member:<slot>" | "named" | "anonymous"
    days_ago: int
    path: tuple[str, ...] = ()  # steps the officer takes after "received"
    notes: tuple[str, ...] = ()  # internal notes (not shown to the worker)
    reply: str = ""
    outcome: str = ""
    rating: int | None = None
    comment: str = ""


APPEALS: tuple[DemoAppeal, ...] = (
    DemoAppeal(
        "opinion",
        "食堂午餐排队时间太长",
        "中午11:40到12:10之间食堂只开两个打饭窗口，经常要排二十多分钟，午休时间本来就短。"
        "希望工会和行政沟通，高峰时段多开窗口，或者各部门错峰就餐。",
        "member:1",
        40,
        ("assess", "handle", "reply"),
        ("已与行政部、食堂承包方座谈，核实高峰时段排队约18分钟。",),
        "经与行政部和食堂协商，自下月起午餐高峰增开两个窗口，并试行生产部门11:30、职能部门12:00错峰就餐。",
        "高峰时段增开两个窗口，试行错峰就餐；工会一个月后回访排队情况。",
        4,
        "排队明显短了，希望保持。",
    ),
    DemoAppeal(
        "suggestion",
        "建议增开夜班通勤班车",
        "夜班22:30下班后只有一趟班车，常常坐不下，很多人只能打车回家，一个月多花三四百元。"
        "建议23:00再加一趟，或者换成大一点的车。",
        "member:2",
        28,
        ("assess", "handle", "reply"),
        ("统计近两周夜班乘车人数，平均每晚超载12人。", "行政部同意调整，需与班车公司续签补充协议。"),
        "班车公司已同意调整，从本月15日起夜班增开23:00一趟班车，线路与原线路相同。",
        "夜班增开23:00班车一趟。",
        5,
        "太好了，谢谢工会！",
    ),
    DemoAppeal(
        "request",
        "节假日加班费未按三倍计发",
        "国庆节10月1日至3日我们班组加班三天，工资条上加班费是按两倍计算的。"
        "按照劳动法，法定节假日加班应当支付不低于工资300%的报酬，请工会帮忙核实。",
        "member:3",
        9,
        ("assess", "handle"),
        ("已调取班组考勤和工资表，初步核实确有按两倍计发的情况。",),
    ),
    DemoAppeal(
        "request",
        "宿舍楼晚上十点后没有热水",
        "3号宿舍楼热水只供应到晚上十点，上中班的同事十点半才回来，冬天只能用冷水洗漱。"
        "希望把热水供应时间延长到夜里十二点。",
        "anonymous",
        21,
        ("assess", "reply"),
        (),
        "已协调后勤部门调整热水锅炉运行时间，3号宿舍楼热水供应延长至24:00，本周一起执行。",
        "热水供应时间延长至24:00。",
        3,
        "时间延长了，但水温还不太稳定。",
    ),
    DemoAppeal(
        "suggestion",
        "希望在车间休息区增设饮水机",
        "二车间休息区离饮水点较远，夏天高温作业时来回一趟要五分钟，建议在休息区增设一台饮水机。",
        "named",
        3,
    ),
)


def _user(mobile: str) -> User | None:
    return User.objects.filter(username=mobile, is_active=True).first()


def _spread(case: Case, opened: datetime.datetime, *, anonymous: bool) -> None:
    """Place the case and its timeline at ``opened`` and the days after, in their order."""
    events = list(case.events.order_by("at", "pk"))
    moments = []
    for position, event in enumerate(events):
        at = opened + datetime.timedelta(days=2 * position, hours=3 * (position % 3))
        if anonymous and event.by_id is None:
            at = at.replace(minute=0, second=0, microsecond=0)
        CaseEvent.objects.filter(pk=event.pk).update(at=at)
        moments.append((event, at))
    updates: dict = {
        "opened_at": opened,
        "due_at": opened + datetime.timedelta(days=case.procedure.time_limit_days),
        "step_due_at": None if case.status == Case.Status.CLOSED else case.step_due_at,
    }
    for event, at in moments:
        if (
            case.status == Case.Status.CLOSED
            and event.kind == CaseEvent.Kind.DECISION
            and event.to_step == case.step
        ):
            updates["closed_at"] = at
        if event.kind == CaseEvent.Kind.RATING:
            updates["rated_at"] = at
    Case.objects.filter(pk=case.pk).update(**updates)


@transaction.atomic
def _appeal_seed(item: DemoAppeal, *, index: int, officer: User) -> None:
    now = timezone.now()
    opened = (now - datetime.timedelta(days=item.days_ago)).replace(hour=9, minute=0, second=0, microsecond=0)
    member = None
    if item.sender.startswith("member:"):
        person = member_person(index, int(item.sender.split(":")[1]))
        member = _user(person.mobile)
    anonymous = item.sender == "anonymous"
    case, code = appeal_file(
        category=item.category, title=item.title, description=item.description, anonymous=anonymous,
        requester=member, requester_name="" if member or anonymous else "刘师傅",
        requester_mobile="" if member or anonymous else f"136{index + 1:04d}0099",
    )  # fmt: skip
    for note in item.notes[:1]:
        case_note(case=case, kind="note", text=note, by=officer)
    for position, step in enumerate(item.path):
        case = case_transition(case=case, to_step=step, by=officer)
        if position + 1 < len(item.notes):
            case_note(case=case, kind="note", text=item.notes[position + 1], by=officer)
    if item.reply:
        case_note(case=case, kind="reply", text=item.reply, by=officer)
    if item.outcome:
        case = case_transition(case=case, to_step="closed", by=officer, outcome=item.outcome)
        if item.rating and anonymous and code:
            appeal_rate_by_code(code=code, rating=item.rating, comment=item.comment)
        elif item.rating and member is not None:
            appeal_rate_as_requester(case=case, user=member, rating=item.rating, comment=item.comment)
    case.refresh_from_db()
    _spread(case, opened, anonymous=anonymous)


def demo_fill(*, spec: UnionSpec, index: int) -> None:
    """Add the demo appeals to the current union's schema (skipping those already there)."""
    officer = _user(officer_person(index, 2).mobile) or _user(officer_person(index, 1).mobile)
    if officer is None:
        return
    existing = set(Case.objects.filter(kind="appeal").values_list("title", flat=True))
    for item in APPEALS:
        if item.title in existing:
            continue
        if (
            item.sender.startswith("member:")
            and _user(member_person(index, int(item.sender[7:])).mobile) is None
        ):
            continue
        _appeal_seed(item, index=index, officer=officer)
