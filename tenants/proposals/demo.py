"""Demo data of the proposal campaign: the 2026 campaign, run to its published results, and the
2027 campaign, open for proposals since mid-November 2026.

Everything goes through the services (the campaign's date rules are run with the clock set to
the day each step happened); afterwards the timestamps are moved to those days so the story
reads right in the admin. Idempotent: a year that already has its campaign is left alone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tenants.cases.models import Case, CaseEvent
from tenants.users.models import User

from .models import Proposal, ProposalCampaign, ProposalScore
from .selectors import clock_at
from .services import (
    campaign_create,
    campaign_results_publish,
    proposal_award,
    proposal_decide,
    proposal_score,
    proposal_screen,
    proposal_screening_start,
    proposal_submit,
)


@dataclass(frozen=True)
class DemoProposal:
    title: str
    department: str
    problem: str
    suggestion: str
    expected_benefit: str
    publish_name: bool
    # outcome: "award:<level>:<benefit>", "reject:<reason>", "screen_out:<reason>"
    outcome: str
    scores: tuple[tuple[int, ...], ...] = ()


_INDUSTRIAL: tuple[DemoProposal, ...] = (
    DemoProposal(
        "数控折弯机加装光电安全保护装置",
        "钣金车间",
        "两台数控折弯机只有脚踏开关，上下料时手部离模具很近，去年发生过一次险情。",
        "在折弯机前部加装光电保护装置，遮光即停机，并把脚踏开关改为双联开关。",
        "消除夹手隐患，设备改造约2.4万元，避免工伤损失和停产。",
        True,
        "award:一等奖:60000",
        ((9, 8, 8, 9), (8, 9, 8, 9)),
    ),
    DemoProposal(
        "车间照明改用LED工矿灯并分区控制",
        "二号装配车间",
        "车间仍用400瓦金卤灯，开灯后全车间常亮，夏季发热明显，年电费约18万元。",
        "分两批换成150瓦LED工矿灯，按工位区域加装分区开关，午休和换班时关闭无人区域。",
        "预计每年节电约11万千瓦时，节约电费8万元以上，车间温度下降。",
        True,
        "award:二等奖:86000",
        ((8, 9, 9, 8), (7, 8, 9, 8)),
    ),
    DemoProposal(
        "仓库拣货路线按出库频次重新布局",
        "物流仓储部",
        "常用件分散在仓库各处，拣货员每单平均往返约400米，高峰期出库排队。",
        "按近三个月出库频次把物料分为A、B、C三类，A类放在靠近出库口的货架，拣货单按货位顺序打印。",
        "拣货行走距离预计减少三成，高峰期出库时间缩短。",
        False,
        "reject:仓库明年整体搬迁，届时按新库区统一规划，本建议转交新库区设计组参考。",
        ((7, 7, 6, 7), (6, 7, 6, 6)),
    ),
    DemoProposal(
        "食堂午餐错峰就餐并增设自助取餐窗口",
        "后勤保障部",
        "中午11:45到12:15集中就餐，排队常超过15分钟，一线职工午休时间被挤占。",
        "各车间按班组错开15分钟就餐，增开一个自助取餐窗口，菜单提前一天在群里公布。",
        "排队时间减少一半，职工午休更充分。",
        True,
        "reject:食堂承包合同年底到期，错峰方案已纳入新合同的服务要求，暂不单独实施。",
        ((8, 6, 5, 7), (7, 7, 5, 6)),
    ),
    DemoProposal(
        "空压机余热回收用于职工浴室热水",
        "动力车间",
        "三台空压机运行时大量热量直接排放，浴室热水靠电热水器加热。",
        "加装余热回收换热器，把热水接入职工浴室的储水箱。",
        "每年可节约电费约3万元。",
        True,
        "screen_out:与已批准实施的节能技改项目内容重复，已转入该项目一并实施。",
    ),
)

_SERVICE: tuple[DemoProposal, ...] = (
    DemoProposal(
        "办公区照明和空调按楼层分区定时控制",
        "行政部",
        "下班后不少区域灯和空调常开到深夜，夏季每月电费比同期高出两成。",
        "在各楼层配电箱加装定时控制器，20:00后只保留加班登记区域的照明和空调。",
        "预计每年节约电费约5万元。",
        True,
        "award:一等奖:52000",
        ((9, 9, 8, 8), (8, 9, 9, 8)),
    ),
    DemoProposal(
        "常用物资库房按领用频次重新摆放",
        "综合保障部",
        "库房物资按到货先后堆放，领用高峰时找货慢，每月盘点要两天。",
        "按领用频次分区摆放，货架贴编码标签，领用单按货位顺序打印。",
        "领用等待时间缩短一半，盘点时间减少一天。",
        True,
        "award:三等奖:8000",
        ((7, 8, 7, 8), (7, 8, 8, 7)),
    ),
    DemoProposal(
        "职工餐厅错峰就餐并增设自助取餐窗口",
        "后勤保障部",
        "中午12:00前后集中就餐，排队常超过15分钟。",
        "各部门错开15分钟就餐，增开一个自助取餐窗口，菜单提前一天公布。",
        "排队时间减少一半。",
        False,
        "reject:餐厅面积有限，增设窗口需改造消防通道，暂不具备条件；错峰就餐建议已转行政部试行。",
        ((7, 6, 5, 7), (6, 6, 5, 6)),
    ),
    DemoProposal(
        "会议室预约改为线上登记并公示",
        "行政部",
        "会议室靠纸质登记，经常出现重复预约、预约了不用的情况。",
        "用现有办公系统建立会议室预约页面，超时15分钟未签到自动释放。",
        "会议室利用率提高，减少冲突。",
        True,
        "screen_out:信息部已在开发同类功能，建议已转交信息部。",
    ),
    DemoProposal(
        "夜班人员加装一键求助按钮",
        "安全保卫部",
        "夜班人员独自值守时，遇到突发情况只能用手机求助，部分区域信号差。",
        "在夜班值守点加装有线一键求助按钮，接入监控室报警主机。",
        "保障夜班人员安全，投入约1.2万元。",
        True,
        "reject:监控室报警系统明年更换，新系统已包含一键求助功能，届时一并安装。",
        ((8, 7, 5, 7), (8, 6, 5, 6)),
    ),
)

_INDUSTRIAL_KINDS = {"manufacturing", "logistics", "construction"}


def _day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _people() -> tuple[list[User], list[User]]:
    """The union's staff (chairman first) and its plain members."""
    staff_roles = ("chairman", "officer", "mediator", "counsellor", "librarian", "editor")
    chairman = list(User.objects.filter(is_active=True, groups__name="chairman").order_by("pk"))
    others = list(
        User.objects.filter(is_active=True, groups__name__in=staff_roles[1:])
        .exclude(pk__in=[u.pk for u in chairman])
        .distinct()
        .order_by("pk")
    )
    staff_ids = {u.pk for u in [*chairman, *others]}
    members = [
        u
        for u in User.objects.filter(is_active=True, groups__name="member").distinct().order_by("pk")
        if u.pk not in staff_ids
    ]
    return [*chairman, *others], members


def _officer(staff: list[User]) -> User:
    return next((u for u in staff if u.groups.filter(name="officer").exists()), staff[0])


def _backdate(proposal: Proposal, *, submitted: datetime.date, moves: list[datetime.date]) -> None:
    """Put the proposal's times on the days its story happened (demo only)."""
    case = Case.objects.get(pk=proposal.case_id)
    opened = _at(submitted, 9)
    events = list(case.events.order_by("at", "pk"))
    times = [opened, *(_at(day, 15) for day in moves)]
    for event, when in zip(events, times + [times[-1]] * len(events), strict=False):
        CaseEvent.objects.filter(pk=event.pk).update(at=when)
    fields: dict[str, Any] = {"opened_at": opened}
    if case.status == Case.Status.CLOSED:
        fields["closed_at"] = times[-1]
        fields["step_due_at"] = None
    Case.objects.filter(pk=case.pk).update(**fields)
    Proposal.objects.filter(pk=proposal.pk).update(submitted_at=opened)
    if proposal.decided_at:
        Proposal.objects.filter(pk=proposal.pk).update(
            decided_at=_at(moves[2] if len(moves) > 2 else moves[-1], 16)
        )
    if proposal.awarded_at:
        Proposal.objects.filter(pk=proposal.pk).update(awarded_at=times[-1])
    if len(moves) > 1:
        scored = _at(moves[1] + datetime.timedelta(days=10), 11)
        ProposalScore.objects.filter(proposal=proposal).update(scored_at=scored, changed_at=scored)


def _run(item: DemoProposal, proposal: Proposal, *, staff: list[User], panel: list[User],
         campaign: ProposalCampaign, screened: datetime.date) -> list[datetime.date]:  # fmt: skip
    chairman, officer = staff[0], _officer(staff)
    criteria = list(campaign.criteria.order_by("sort_order", "pk"))
    moves = [screened - datetime.timedelta(days=3)]
    proposal_screening_start(proposal=proposal, by=officer, note="已登记，转初审")
    kind, _sep, rest = item.outcome.partition(":")
    if kind == "screen_out":
        proposal_screen(proposal=proposal, eligible=False, by=officer, note=rest)
        return [*moves, screened]
    proposal_screen(proposal=proposal, eligible=True, by=officer, note="建议具体可行，提交评审小组")
    moves.append(screened)
    for panelist, values in zip(panel, item.scores, strict=False):
        proposal_score(
            proposal=proposal, panelist=panelist,
            values={str(c.pk): v for c, v in zip(criteria, values, strict=True)},
            comment="建议具体，测算依据充分" if sum(values) >= 32 else "思路可取，实施条件需进一步论证",
        )  # fmt: skip
    decided = campaign.evaluation_ends - datetime.timedelta(days=20)
    if kind == "reject":
        proposal_decide(proposal=proposal, adopt=False, by=chairman, note=rest)
        return [*moves, decided]
    level_name, _sep, benefit = rest.partition(":")
    proposal_decide(proposal=proposal, adopt=True, by=chairman, estimated_annual_benefit=Decimal(benefit),
                    note="同意采纳，由相关部门组织实施")  # fmt: skip
    proposal_award(
        proposal=proposal, level=campaign.award_levels.get(name=level_name), by=officer,
        note="已实施完毕，经财务部门测算确认效益",
    )  # fmt: skip
    return [*moves, decided, campaign.evaluation_ends - datetime.timedelta(days=3)]


def _campaign_2026(spec, staff: list[User], members: list[User], items: tuple[DemoProposal, ...]) -> None:
    panel = staff[:3]
    campaign = campaign_create(
        year=2026,
        title="2026年度职工合理化建议征集活动",
        description=(
            f"围绕{spec.employer}“节能降耗、安全生产、提质增效、服务职工”四个方面，"
            "征集职工在生产、管理和生活服务中的合理化建议。建议要求有问题、有办法、有效益测算。"
        ),
        submission_opens=_day("2026-03-01"),
        submission_closes=_day("2026-06-30"),
        evaluation_ends=_day("2026-09-30"),
        panel=panel,
        by=staff[0],
    )
    for position, item in enumerate(items):
        proposer = members[position % len(members)]
        submitted = _day("2026-03-10") + datetime.timedelta(days=19 * position)
        with clock_at(submitted):
            proposal = proposal_submit(
                campaign=campaign, proposer=proposer, title=item.title, department=item.department,
                problem=item.problem, suggestion=item.suggestion, expected_benefit=item.expected_benefit,
                publish_name=item.publish_name,
                co_proposer_mobiles=[members[(position + 1) % len(members)].username] if position == 1 else [],
            )  # fmt: skip
        moves = _run(item, proposal, staff=staff, panel=panel, campaign=campaign,
                     screened=_day("2026-07-10") + datetime.timedelta(days=2 * position))  # fmt: skip
        _backdate(Proposal.objects.get(pk=proposal.pk), submitted=submitted, moves=moves)
    with clock_at(_day("2026-10-20")):
        campaign_results_publish(campaign=campaign, by=staff[0])
    ProposalCampaign.objects.filter(pk=campaign.pk).update(
        results_published_at=_at(_day("2026-10-20")), created_at=_at(_day("2026-02-20"))
    )


def _campaign_2027(spec, staff: list[User], members: list[User], items: tuple[DemoProposal, ...]) -> None:
    panel = staff[:3]
    campaign = campaign_create(
        year=2027,
        title="2027年度职工合理化建议征集活动",
        description=(
            "为编制2027年度工作计划，工会提前征集职工合理化建议。"
            "欢迎围绕节能降耗、安全生产、降本增效和改善职工生活服务提出建议。"
        ),
        submission_opens=_day("2026-11-16"),
        submission_closes=_day("2027-03-31"),
        evaluation_ends=_day("2027-05-31"),
        panel=panel,
        by=staff[0],
    )
    ProposalCampaign.objects.filter(pk=campaign.pk).update(created_at=_at(_day("2026-11-10")))
    fresh = (
        DemoProposal(
            "更衣室加装鞋柜烘干杀菌功能",
            "后勤保障部",
            "冬季雨雪天工作鞋潮湿，更衣室没有烘干条件，职工反映脚部不适。",
            "分批把更衣室鞋柜更换为带低温烘干和紫外线杀菌功能的鞋柜。",
            "改善职工劳动保护条件。",
            True,
            "",
        ),
        DemoProposal(
            "废旧包装材料分类回收再利用",
            items[0].department,
            "纸箱、木托盘和缠绕膜混在一起当垃圾清运，每月清运费近万元。",
            "设置分类回收点，完好纸箱和托盘内部周转，其余交回收企业。",
            "每年减少清运费约6万元，并有回收收入。",
            False,
            "",
        ),
    )
    for position, item in enumerate(fresh):
        submitted = _day("2026-11-17") + datetime.timedelta(days=2 * position)
        with clock_at(submitted):
            proposal = proposal_submit(
                campaign=campaign, proposer=members[(position + 2) % len(members)], title=item.title,
                department=item.department, problem=item.problem, suggestion=item.suggestion,
                expected_benefit=item.expected_benefit, publish_name=item.publish_name,
            )  # fmt: skip
        moves: list[datetime.date] = []
        if position == 1:
            proposal_screening_start(proposal=proposal, by=_officer(staff), note="已登记，转初审")
            moves = [submitted + datetime.timedelta(days=1)]
        _backdate(Proposal.objects.get(pk=proposal.pk), submitted=submitted, moves=moves or [submitted])
    Case.objects.filter(proposal__campaign=campaign).update(
        step_due_at=F("opened_at") + datetime.timedelta(days=7)
    )


def demo_fill(*, spec, index: int) -> None:
    """Give the current union's schema its proposal campaigns (see the module's docstring)."""
    staff, members = _people()
    if not staff or len(members) < 2:
        return
    items = _INDUSTRIAL if str(spec.industry) in _INDUSTRIAL_KINDS else _SERVICE
    years = set(ProposalCampaign.objects.values_list("year", flat=True))
    if 2026 not in years:
        with transaction.atomic():
            _campaign_2026(spec, staff, members, items)
    if 2027 not in years:
        with transaction.atomic():
            _campaign_2027(spec, staff, members, items)
