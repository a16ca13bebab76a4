"""Demo content of the workers' congress (journey 8): a session held last spring with its quorum,
twelve delegates from the demo roster by constituency, the agenda and minutes, three motions —
one accepted, assigned to 人力资源部, answered in time and rated satisfied; one handled as a
suggestion; one still under review —, a resolution passed, and the employer's disclosure items.

Run after ``tenants.membership.demo`` (the delegates are roster members; those who put and
co-sign motions have accounts). Everything goes through the services; safe to run again (a
union that already has a session is left as it is).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from tenants.membership.models import Member

from .models import CongressSession, DisclosureItem
from .services import (
    agenda_item_add,
    attendance_record,
    delegate_add,
    disclosure_save,
    motion_cosign,
    motion_draft,
    motion_rate,
    motion_reply,
    motion_review,
    motion_submit,
    resolution_record,
    session_close,
    session_create,
    session_minutes_save,
    session_open,
)

if TYPE_CHECKING:
    from tenants.registry.demo_data import UnionSpec

AGENDA = (
    "听取和审议公司年度工作报告",
    "审议《职工福利管理办法（草案）》",
    "听取上届职代会提案办理情况报告",
    "表决通过有关决议",
)
MOTIONS = (
    ("关于完善夜班职工就餐保障的提案", "夜班职工20点后下班，食堂已停止供餐，只能在外就餐，既增加开支也影响休息。",
     "建议食堂晚餐供应延长至20:30，并增设夜宵窗口，费用由公司补贴。"),
    ("关于增设职工子女暑期托管班的提案", "双职工家庭暑期孩子无人照看，职工上班时牵挂较多。",
     "建议工会联合行政利用培训教室开设暑期托管班，聘请专业机构看护。"),
    ("关于更新车间通风降温设备的提案", "夏季车间温度超过35℃，现有排风扇老化，降温效果差。",
     "建议更换大功率工业风扇并加装冷风机，高温期间调整作息时间。"),
)  # fmt: skip
DISCLOSURES = (
    (
        "pay",
        "2026年度工资调整方案",
        "经职代会审议，自2026年5月起全员月工资平均上调4%，一线岗位上调5%。",
        4,
        25,
    ),
    ("safety", "2026年上半年安全生产情况通报", "上半年未发生轻伤以上事故，隐患整改完成率100%。", 7, 10),
    ("decisions", "厂区搬迁规划意见征集", "公司拟于2027年将装配车间迁至新厂区，现向全体职工征集意见。", 9, 1),
    ("contracts", "劳动合同续签工作安排", "2026年到期劳动合同将于到期前30日完成续签意向沟通。", 10, 15),
)


def _spring(today: datetime.date) -> datetime.date:
    """The spring session: 18 April of this year once it has passed, else of last year."""
    this_year = datetime.date(today.year, 4, 18)
    return this_year if this_year < today else datetime.date(today.year - 1, 4, 18)


def demo_fill(*, spec: UnionSpec, index: int) -> None:
    from tenants.membership.demo import roster_people

    if CongressSession.objects.exists():
        return
    mobiles = [mobile for _name, mobile in roster_people(spec, index)]
    members = list(
        Member.objects.filter(mobile__in=mobiles, status=Member.Status.ACTIVE).select_related("user")
    )
    with_users = [m for m in members if m.user_id]
    others = [m for m in members if not m.user_id]
    if len(with_users) < 4:
        return
    delegates_members = (with_users + others)[:12]
    today = timezone.localdate()
    held_on = _spring(today)
    session = session_create(
        congress_number=3 + index % 3, session_number=2, title=f"第{3 + index % 3}届职工代表大会第二次会议",
        held_on=held_on, place="公司三楼多功能厅", cosigners_min=2, reply_days=30,
    )  # fmt: skip
    seats = []
    for member in delegates_members:
        constituency = f"{member.department or '机关'}代表团"
        seats.append(delegate_add(session=session, member=member, constituency=constituency))
    absent = {seats[-1].pk} if len(seats) >= 6 else set()
    attendance_record(session=session, present_ids=[s.pk for s in seats if s.pk not in absent])
    for title in AGENDA:
        agenda_item_add(session=session, title=title)
    session = session_open(session=session)

    users = [m.user for m in with_users[:4] if m.user is not None]
    motions = []
    for n, (title, reason, proposal) in enumerate(MOTIONS):
        proposer = users[n % len(users)]
        motion = motion_draft(session=session, user=proposer, title=title, reason=reason, proposal=proposal)
        for fellow in [u for u in users if u.pk != proposer.pk][:2]:
            motion_cosign(motion=motion, user=fellow)
        motions.append(motion_submit(motion=motion, user=proposer))
    canteen, childcare, _ventilation = motions
    motion_review(
        motion=canteen, decision="accepted", department="人力资源部", note="符合立案条件，同意立案。"
    )
    motion_reply(
        motion=canteen,
        reply="经研究，自本月起食堂晚餐供应延长至20:30，夜宵窗口已于一楼开放，餐费由公司补贴50%。",
    )
    motion_rate(motion=canteen, user=users[0], satisfaction="satisfied")
    motion_review(motion=childcare, decision="suggestion", department="工会办公室",
                  note="涉及场地与资质，作为意见建议转工会办公室研究办理。")  # fmt: skip
    present = session.present_count
    resolution_record(
        session=session, title="关于《职工福利管理办法》的决议", method="show_of_hands",
        text="大会审议通过《职工福利管理办法》，自2026年6月1日起施行。",
        votes_for=present - 1, votes_against=0, votes_abstain=1,
    )  # fmt: skip
    session_minutes_save(
        session=session,
        minutes=f"会议应到代表{session.delegates_total}人，实到{present}人，符合法定人数。会议听取并审议了公司年度工作报告，"
        "表决通过了《职工福利管理办法》，共收到代表提案3件。",
    )
    session_close(session=session)
    if not DisclosureItem.objects.exists():
        for category, title, content, month, day in DISCLOSURES:
            disclosed_on = datetime.date(held_on.year, month, day)
            if disclosed_on <= today:
                disclosure_save(category=category, title=title, content=content, disclosed_on=disclosed_on)
