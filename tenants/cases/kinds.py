"""The kinds of case, what service duty each serves, who handles it, and its default procedure.

亮程序: every kind has a procedure that the federation publishes as a default and each union
adopts or adapts (``Procedure``). The defaults below are the federation's; they are data a
union copies into its own schema, never edited in place. A later module adds its kinds by
appending a ``KindSpec`` to ``KINDS`` (and a choice to ``CaseKind``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class CaseKind(models.TextChoices):
    APPEAL = "appeal", _("Appeal")
    PROPOSAL = "proposal", _("Rationalisation proposal")
    WARNING = "warning", _("Collective-incident warning")
    HARDSHIP = "hardship", _("Hardship assistance")  # registered by tenants/hardship/kinds.py
    MEDIATION = "mediation", _("Labour-dispute mediation")  # registered by tenants/mediation/kinds.py
    COUNSELLING = "counselling", _("Counselling")  # registered by tenants/counselling/kinds.py


@dataclass(frozen=True)
class StepSpec:
    code: str
    label: str
    role: str
    kind: str = "task"  # start | task | decision | end
    days: int | None = None
    description: str = ""


@dataclass(frozen=True)
class KindSpec:
    kind: str
    label: str | Promise
    duty: str  # cms.models.ServiceDuty value
    prefix: str  # for case references, e.g. SQ-2026-000123
    staff_roles: tuple[str, ...]  # roles that see and handle cases of this kind (besides the chairman)
    default_title: str
    default_summary: str
    time_limit_days: int
    steps: tuple[StepSpec, ...]
    # (source, target, branch label)
    transitions: tuple[tuple[str, str, str], ...]
    default_version: str = "2026.1"
    # False where a module of its own opens these cases (with its own details), not the case list.
    direct: bool = True
    categories: tuple[tuple[str, Promise], ...] = field(default_factory=tuple)


KINDS: dict[str, KindSpec] = {}
# What an appeal is about (the API names this set AppealCategoryEnum).
APPEAL_CATEGORIES = (("opinion", _("Opinion")), ("request", _("Request")), ("suggestion", _("Suggestion")))


def register(spec: KindSpec) -> KindSpec:
    KINDS[spec.kind] = spec
    return spec


register(
    KindSpec(
        kind=CaseKind.APPEAL,
        label=CaseKind.APPEAL.label,
        duty="appeals",
        prefix="SQ",
        staff_roles=("officer",),
        default_title="职工诉求办理程序",
        default_summary="职工通过网上表单、来信、来访、热线等渠道反映的意见、要求和建议，工会登记受理、分析研判、协调办理，并在时限内答复职工。",
        time_limit_days=15,
        categories=APPEAL_CATEGORIES,
        steps=(
            StepSpec(
                "received", "登记受理", "officer", "start", 1, "登记诉求内容和反映渠道，告知职工受理情况。"
            ),
            StepSpec(
                "assess",
                "分析研判",
                "officer",
                "decision",
                2,
                "判断诉求性质，能当场答复的直接答复，需协调的交办处理。",
            ),
            StepSpec("handle", "协调办理", "officer", "task", 10, "与行政或相关部门沟通协调，记录办理过程。"),
            StepSpec("reply", "答复职工", "officer", "task", 2, "将办理结果答复职工，征求职工意见。"),
            StepSpec("closed", "办结归档", "officer", "end", None, "记录办理结果，归档；职工可对答复评价。"),
        ),
        transitions=(
            ("received", "assess", "受理"),
            ("assess", "handle", "需协调办理"),
            ("assess", "reply", "可直接答复"),
            ("handle", "reply", "办理完毕"),
            ("reply", "closed", "已答复"),
        ),
    )
)

register(
    KindSpec(
        kind=CaseKind.PROPOSAL,
        label=CaseKind.PROPOSAL.label,
        duty="appeals",
        prefix="JY",
        staff_roles=("officer",),
        direct=False,
        default_title="合理化建议办理程序",
        default_summary="职工在合理化建议活动中提出的建议，经初审、评审小组评分、采纳实施和评奖表彰，结果向职工公布。",
        time_limit_days=120,
        steps=(
            StepSpec("received", "登记建议", "officer", "start", 3, "登记建议人、建议内容和预期效益。"),
            StepSpec("screening", "初审", "officer", "decision", 7, "审查建议是否具体、可行、属于活动范围。"),
            StepSpec(
                "evaluation",
                "评审打分",
                "chairman",
                "decision",
                30,
                "评审小组按创新性、可行性、效益评分，工会主席根据评分决定是否采纳。",
            ),
            StepSpec(
                "implementation",
                "采纳实施",
                "officer",
                "task",
                80,
                "协调相关部门实施，测算实际效益，评定奖励等级。",
            ),
            StepSpec("closed", "公布结果", "officer", "end", None, "公布评审结果和奖励，归档。"),
        ),
        transitions=(
            ("received", "screening", "提交初审"),
            ("screening", "evaluation", "符合条件"),
            ("screening", "closed", "不予立项"),
            ("evaluation", "implementation", "采纳"),
            ("evaluation", "closed", "不采纳"),
            ("implementation", "closed", "实施完成"),
        ),
    )
)

register(
    KindSpec(
        kind=CaseKind.WARNING,
        label=CaseKind.WARNING.label,
        duty="appeals",
        prefix="YJ",
        staff_roles=("officer",),
        direct=False,
        default_title="群体性事件预警处置程序",
        default_summary="发现职工群体性事件苗头，工会第一时间报告主席和区总工会，核实研判，协调化解，并跟踪至事态平息。",
        time_limit_days=7,
        steps=(
            StepSpec(
                "reported",
                "发现报告",
                "officer",
                "start",
                1,
                "填写事由、涉及人数、地点和风险等级，系统立即通知主席和区总工会。",
            ),
            StepSpec("verify", "核实研判", "chairman", "decision", 1, "主席核实情况，判断风险。"),
            StepSpec(
                "resolve",
                "协调化解",
                "chairman",
                "task",
                5,
                "与行政沟通，反映职工诉求，化解矛盾；必要时请区总工会协调。",
            ),
            StepSpec("closed", "处置完毕", "chairman", "end", None, "记录处置结果，报区总工会。"),
        ),
        transitions=(
            ("reported", "verify", "上报主席"),
            ("verify", "resolve", "确有风险"),
            ("verify", "closed", "核实无风险"),
            ("resolve", "closed", "已化解"),
        ),
    )
)


# Kinds whose steps are taken on their module's own page (where the decision records its details,
# e.g. a proposal's scores, adoption and award): kind -> function(case) -> that page's URL.
# The generic case page and API offer no steps for them and link there instead.
MODULE_PAGES: dict[str, Callable] = {}


def module_page_register(kind: str, url_for: Callable) -> None:
    MODULE_PAGES[kind] = url_for


def kind_spec(kind: str) -> KindSpec:
    return KINDS[kind]


def kinds_for_duty(duty: str) -> list[KindSpec]:
    return [spec for spec in KINDS.values() if spec.duty == duty]


def staff_kinds(roles: set[str]) -> list[str]:
    """The kinds whose cases a person with ``roles`` handles (the chairman handles all)."""
    if "chairman" in roles:
        return list(KINDS)
    return [kind for kind, spec in KINDS.items() if roles & set(spec.staff_roles)]
