"""The ``mediation`` kind of case and its default procedure (亮程序 for 劳动争议调解).

A worker applies (申请) for mediation of a dispute with the employer or one of its departments;
the mediator accepts it (受理) or it is withdrawn; the mediation committee holds sessions (调解)
and the case ends (结案) in an agreement, a failure referred to labour arbitration, legal aid or
the street union service station, or a withdrawal. The time limit is the statutory one: the
mediation ends within 15 days of acceptance unless the parties agree to extend it
(《劳动争议调解仲裁法》第十四条).
"""

from __future__ import annotations

from tenants.cases.kinds import CaseKind, KindSpec, StepSpec, module_page_register, register

MEDIATION_LIMIT_DAYS = 15

MEDIATION = register(
    KindSpec(
        kind=CaseKind.MEDIATION,
        label=CaseKind.MEDIATION.label,
        duty="mediation",
        prefix="TJ",
        staff_roles=("mediator",),
        direct=False,
        default_title="劳动争议调解程序",
        default_summary="职工申请调解，调解委员会审查受理，组织双方当事人调解并记录；自受理之日起十五日内结束调解"
        "（双方同意可延长），达成协议的制作调解协议书，调解不成的告知并转介劳动仲裁、法律援助或街道工会服务站。",
        time_limit_days=MEDIATION_LIMIT_DAYS + 3,
        steps=(
            StepSpec(
                "applied",
                "申请登记",
                "mediator",
                "start",
                3,
                "登记申请人、被申请人、争议事项和请求，征得职工本人同意收集争议信息。",
            ),
            StepSpec(
                "mediating",
                "受理调解",
                "mediator",
                "task",
                MEDIATION_LIMIT_DAYS,
                "受理后十五日内组织调解，每次调解记录时间、地点、参加人和调解笔录。",
            ),
            StepSpec(
                "closed",
                "结案",
                "mediator",
                "end",
                None,
                "达成协议的制作调解协议书；调解不成的转介劳动仲裁、法律援助或街道工会服务站；或申请人撤回。",
            ),
        ),
        transitions=(
            ("applied", "mediating", "受理"),
            ("applied", "closed", "撤回申请"),
            ("mediating", "closed", "结束调解"),
        ),
    )
)

module_page_register(
    CaseKind.MEDIATION,
    lambda case: f"/admin/mediation/cases/{case.mediation.pk}/" if hasattr(case, "mediation") else "",
)
