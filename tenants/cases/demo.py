"""Demo content of the case engine: the federation's procedures adopted, and cases recorded by
staff in every state (a walk-in handled to the end and rated, a hotline call in progress, one
overdue and escalated). Runs inside a union's schema; running it again adds nothing."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from tenants.users.models import User

from .models import Case
from .procedures import procedures_adopt_defaults
from .services import case_assign, case_escalate, case_note, case_open, case_rate, case_transition

_MARK = "【演示】"


def _first(role: str) -> User | None:
    return User.objects.filter(groups__name=role, is_active=True).order_by("pk").first()


@transaction.atomic
def demo_fill(*, spec, index: int) -> None:
    chairman = _first("chairman")
    procedures_adopt_defaults(by=chairman)
    officer = _first("officer") or chairman
    members = list(User.objects.filter(groups__name="member", is_active=True).order_by("pk")[:3])
    if chairman is None or len(members) < 3 or Case.objects.filter(title__startswith=_MARK).exists():
        return

    done, _ = case_open(
        kind="appeal", category="request", title=f"{_MARK}车间夏季高温，希望增加防暑降温用品",
        description="二车间下午温度超过35度，现有绿豆汤供应不足，希望工会协调增加防暑降温用品。",
        channel="walk_in", requester=members[0], by=officer,
    )  # fmt: skip
    case_assign(case=done, assignee=officer, by=chairman)
    case_transition(case=done, to_step="assess", by=officer, note="已到车间实地查看")
    case_transition(case=done, to_step="handle", by=officer, note="与行政部沟通")
    case_note(
        case=done,
        kind="meeting",
        text="与行政部、二车间主任协商，同意每日增加冰镇饮品和藿香正气水。",
        by=officer,
    )
    case_transition(case=done, to_step="reply", by=officer)
    case_note(
        case=done,
        kind="reply",
        text="经与行政部协商，自下周一起每天下午两点为二车间送冰镇饮品，并配发防暑药品。",
        by=officer,
    )
    case_transition(case=done, to_step="closed", by=officer, outcome="行政部同意增加防暑降温用品，已落实。")
    case_rate(case=done, rating=5, comment="解决得很及时，谢谢工会！", by=members[0])

    call, _ = case_open(
        kind="appeal", category="opinion", title=f"{_MARK}热线来电：加班调休安排不合理",
        description="来电职工反映，物流中心近两个月加班较多，调休申请经常不批。",
        channel="hotline", requester=members[1], by=officer,
    )  # fmt: skip
    case_assign(case=call, assignee=officer, by=chairman)
    case_transition(case=call, to_step="assess", by=officer, note="已电话回访，核实情况")
    case_transition(case=call, to_step="handle", by=officer)
    case_note(case=call, kind="call", text="已与人力资源部电话沟通，对方答应本周内给出调休方案。", by=officer)

    late, _ = case_open(
        kind="appeal", category="suggestion", title=f"{_MARK}建议在园区增设电动自行车充电桩",
        description="职工电动车较多，园区没有集中充电的地方，存在安全隐患。",
        channel="letter", requester_type="named", requester_name=members[2].get_full_name(),
        requester_contact="来信", by=officer,
    )  # fmt: skip
    Case.objects.filter(pk=late.pk).update(
        opened_at=timezone.now() - datetime.timedelta(days=20),
        due_at=timezone.now() - datetime.timedelta(days=5),
    )
    case_escalate(case=late)
