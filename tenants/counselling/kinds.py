"""The ``counselling`` kind of case, registered only to publish its procedure (亮程序 for 心理疏导).

Appointments are not cases: the case engine shows cases to the chairman and in timelines, and
whether a worker sees a counsellor is health data no one but the counsellor needs. So no case
of this kind is ever opened (``direct=False``, and the counselling app opens none); the kind
exists so that the federation's default procedure is adopted and shown as a flowchart.
"""

from __future__ import annotations

from tenants.cases.kinds import CaseKind, KindSpec, StepSpec, register

COUNSELLING = register(
    KindSpec(
        kind=CaseKind.COUNSELLING,
        label=CaseKind.COUNSELLING.label,
        duty="counselling",
        prefix="XL",
        staff_roles=("counsellor",),
        direct=False,
        default_title="职工心理疏导程序",
        default_summary="职工在网上或到职工减压室预约心理咨询师，同意告知用途后登记预约；咨询师一对一谈话，谈话记录仅咨询师本人查阅；需要时转介专业机构，并定期举办心理讲座。",
        time_limit_days=30,
        steps=(
            StepSpec(
                "booked",
                "预约登记",
                "counsellor",
                "start",
                3,
                "职工选择咨询师和时间，同意告知用途后提交预约。",
            ),
            StepSpec(
                "talk",
                "一对一谈话",
                "counsellor",
                "task",
                14,
                "在职工减压室一对一谈话，咨询师保密记录谈话情况。",
            ),
            StepSpec(
                "assess", "评估", "counsellor", "decision", 7, "咨询师判断是否需要继续谈话或转介专业机构。"
            ),
            StepSpec("closed", "结束", "counsellor", "end", None, "谈话结束；必要时转介医院或专业心理机构。"),
        ),
        transitions=(
            ("booked", "talk", "按时赴约"),
            ("talk", "assess", "谈话结束"),
            ("assess", "talk", "继续谈话"),
            ("assess", "closed", "结束或转介"),
        ),
    )
)
