"""The ``hardship`` kind of case and its default procedure (亮程序 for 困难职工帮扶).

A household file runs this procedure: the officer registers the file (after the worker's
consent), the union gives assistance and visits, the officer proposes the exit, the chairman
reviews it (approves, or sends the file back to assistance). The time limit is a year: a file
open longer is flagged to the chairman for its yearly review (档案动态管理, 每年复核).
"""

from __future__ import annotations

from tenants.cases.kinds import CaseKind, KindSpec, StepSpec, module_page_register, register

HARDSHIP = register(
    KindSpec(
        kind=CaseKind.HARDSHIP,
        label=CaseKind.HARDSHIP.label,
        duty="hardship",
        prefix="BF",
        staff_roles=("officer",),
        direct=False,
        default_title="困难职工帮扶程序",
        default_summary="职工本人同意后建立一户一档，工会第一时间知情、报告、协调，给予资金、物资、服务帮扶或转介，按困难程度定期回访，脱困后经主席审核退出。",
        time_limit_days=365,
        steps=(
            StepSpec(
                "registered",
                "建档登记",
                "officer",
                "start",
                7,
                "征得职工本人书面同意，核实家庭情况，建立帮扶档案。",
            ),
            StepSpec(
                "assist",
                "帮扶回访",
                "officer",
                "task",
                None,
                "给予资金、物资、服务帮扶或转介，按困难程度定期回访。",
            ),
            StepSpec(
                "exit_review", "退出审核", "chairman", "decision", 15, "干事提出退出建议，主席审核是否脱困。"
            ),
            StepSpec("closed", "退出归档", "chairman", "end", None, "脱困退出，继续观察回访，防止返困。"),
        ),
        transitions=(
            ("registered", "assist", "建档"),
            ("assist", "exit_review", "提出退出"),
            ("exit_review", "closed", "同意退出"),
            ("exit_review", "assist", "继续帮扶"),
        ),
    )
)

module_page_register(
    CaseKind.HARDSHIP,
    lambda case: f"/admin/hardship/files/{case.hardship_file.pk}/" if hasattr(case, "hardship_file") else "",
)
