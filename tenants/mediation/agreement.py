"""The mediation agreement (调解协议书) as PDF, laid out by WeasyPrint like the posters
(``cms.posters.html_to_pdf``: only ``data:`` URIs are fetched; the Chinese font is Debian's
fonts-noto-cjk). The agreement names the parties, the dispute, the terms and the amount agreed,
and leaves room for the parties' and the mediator's signatures and the committee's seal."""

from __future__ import annotations

from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone, translation

from cms.posters import SANS, SERIF, html_to_pdf

from .models import MediationCase

# The agreement is a Chinese legal document: its labels never depend on the translation files.
RESPONDENT_KINDS = {"employer": "用人单位", "department": "用人单位部门"}
CLAIM_KINDS = {
    "wages": "劳动报酬", "contract": "劳动合同", "social_insurance": "社会保险", "work_injury": "工伤",
    "working_hours": "工作时间与加班", "dismissal": "解除劳动关系", "other": "其他",
}  # fmt: skip


def agreement_html(mediation: MediationCase) -> str:
    """The agreement in Chinese, whatever the language of whoever prints it."""
    with translation.override("zh-hans"):
        return _agreement_html(mediation)


def _agreement_html(mediation: MediationCase) -> str:
    union = getattr(connection, "tenant", None)
    mediator = mediation.mediator
    return render_to_string(
        "mediation/agreement.html",
        {
            "m": mediation,
            "respondent_kind": RESPONDENT_KINDS.get(mediation.respondent_kind, ""),
            "claim_kind": CLAIM_KINDS.get(mediation.claim_kind, ""),
            "union_name": getattr(union, "name", ""),
            "employer": getattr(union, "employer", "") or "",
            "worker_name": mediation.worker.name or mediation.worker.get_full_name(),
            "mediator_name": (mediator.name or mediator.get_full_name()) if mediator else "",
            "sessions": list(mediation.sessions.all()),
            "printed_on": timezone.localdate(),
            "sans": SANS,
            "serif": SERIF,
        },
    )


def agreement_pdf(mediation: MediationCase) -> bytes:
    return html_to_pdf(agreement_html(mediation))
