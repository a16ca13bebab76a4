"""Demo of dispute mediation, journey 6 (a dispute): a worker asks online about unpaid overtime
and a mediator answers; the worker applies for mediation, which is accepted, two sessions are
held and the parties sign an agreement within the 15-day limit (printed as PDF); another
worker's dispute over a dismissal fails and is referred to the street union service station.

``demo_fill()`` runs inside a union's schema through the services production uses; the cases
are then dated back (as if accepted ten days ago) and the agreement printed again with those
dates. Safe to run again: a union that already has the overtime consultation is left as it is.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from tenants.cases.models import Case
from tenants.users.models import User

from .models import Consultation, MediationCase, MediationSession
from .services import (
    agreement_print,
    consultation_answer,
    consultation_ask,
    mediation_accept,
    mediation_apply,
    mediation_fail,
    mediation_settle,
    session_record,
)

if TYPE_CHECKING:
    from tenants.registry.demo_data import UnionSpec

QUESTION = "我在车间上班，今年8月到10月几乎每个周六都加班，公司既不发加班费也不安排补休，问主管说是“综合工时”。我该怎么维权？"
ANSWER = (
    "公司实行综合计算工时工作制须经人力资源社会保障部门批准，未经批准的应按标准工时计算。"
    "休息日安排加班又不能安排补休的，应支付不低于工资200%的工资报酬。建议保留考勤记录、排班表、工资条等证据，"
    "可向工会劳动争议调解委员会申请调解，调解不成可在一年仲裁时效内申请劳动仲裁。"
)
LAW = "《劳动法》第四十四条；《劳动争议调解仲裁法》第十条、第二十七条"


def demo_fill(*, spec: UnionSpec, index: int) -> None:
    mediator = User.objects.filter(is_active=True, groups__name="mediator").order_by("pk").first()
    mediator = mediator or User.objects.filter(is_active=True, groups__name="chairman").order_by("pk").first()
    members = list(
        User.objects.filter(is_active=True, groups__name="member")
        .exclude(groups__name__in=("mediator", "officer"))
        .order_by("pk")[:5]
    )
    if mediator is None or len(members) < 5:
        return
    # Not the hardship demo's worker (members[2]): two other workers of the union.
    worker, other = members[3], members[4]
    if Consultation.objects.filter(worker=worker, claim_kind="working_hours").exists():
        return
    with transaction.atomic():
        asked = consultation_ask(
            worker=worker, claim_kind="working_hours", question=QUESTION, consent_given=True
        )
        consultation_answer(consultation=asked, answer=ANSWER, law_cited=LAW, by=mediator)
        settled = mediation_apply(
            worker=worker, respondent_kind="employer", respondent_name=spec.employer, claim_kind="working_hours",
            claim="申请人2026年8月至10月共13个休息日加班，合计104小时，公司未支付加班工资，亦未安排补休。"
            "请求公司按200%支付休息日加班工资。", amount_claimed="13520.00", consultation=asked, by=mediator,
        )  # fmt: skip
        mediation_accept(mediation=settled, by=mediator)
        today = timezone.localdate()
        for minutes in (
            "申请人陈述加班事实，提交手机考勤截图和排班表。公司人力资源部称车间实行综合工时，但未能出示审批文件。"
            "调解员释明法律规定，双方同意各自核对考勤。",
            "公司核对考勤后认可加班96小时。双方同意按96小时计算，公司一次性支付加班工资12480元，申请人放弃其余请求。",
        ):
            session_record(mediation=settled, held_on=today, place="工会劳动争议调解室",
                           attendees=f"申请人{worker.name}；被申请人人力资源部经理；调解员{mediator.name}",
                           minutes=minutes, by=mediator)  # fmt: skip
        mediation_settle(
            mediation=settled, amount_agreed="12480.00", by=mediator,
            terms="一、被申请人确认申请人2026年8月至10月休息日加班96小时。\n"
            "二、被申请人于本协议签订之日起十日内，一次性支付申请人休息日加班工资人民币12480元。\n"
            "三、自2026年12月起，车间休息日加班优先安排补休；不能补休的按规定支付加班工资。\n"
            "四、申请人放弃其他请求，双方就本次争议再无其他纠纷。",
        )  # fmt: skip

        failed = mediation_apply(
            worker=other, respondent_kind="department", respondent_name=f"{spec.employer}物流部",
            claim_kind="dismissal",
            claim="申请人在试用期满前被物流部口头通知辞退，未说明理由，未支付经济补偿。请求恢复劳动关系或支付赔偿金。",
            amount_claimed="24000.00", consent_given=True, by=mediator,
        )  # fmt: skip
        mediation_accept(mediation=failed, by=mediator)
        session_record(mediation=failed, held_on=today, place="工会劳动争议调解室",
                       attendees=f"申请人{other.name}；物流部负责人；调解员{mediator.name}",
                       minutes="物流部坚持申请人不符合录用条件，拒绝支付任何补偿；申请人不同意。调解不成。", by=mediator)  # fmt: skip
        mediation_fail(
            mediation=failed, referral_target="service_station", by=mediator,
            note="调解不成。已告知申请人可在一年内申请劳动仲裁；经本人同意转街道工会服务站，协助申请法律援助。",
        )  # fmt: skip

        # As if accepted ten days ago, the sessions on days 3 and 8, the agreement signed on day 8.
        for mediation, sessions in ((settled, (3, 8)), (failed, (6,))):
            back = datetime.timedelta(days=10)
            mediation = MediationCase.objects.select_related("case").get(pk=mediation.pk)
            assert mediation.accepted_at is not None
            accepted_at = mediation.accepted_at - back
            MediationCase.objects.filter(pk=mediation.pk).update(
                applied_at=mediation.applied_at - back - datetime.timedelta(days=1), accepted_at=accepted_at,
                ends_on=timezone.localdate(accepted_at) + datetime.timedelta(days=15),
                closed_at=accepted_at + datetime.timedelta(days=sessions[-1]),
            )  # fmt: skip
            Case.objects.filter(pk=mediation.case_id).update(
                opened_at=mediation.case.opened_at - back - datetime.timedelta(days=1),
                closed_at=accepted_at + datetime.timedelta(days=sessions[-1]),
            )  # fmt: skip
            for number, day in enumerate(sessions, start=1):
                MediationSession.objects.filter(mediation=mediation, number=number).update(
                    held_on=timezone.localdate(accepted_at) + datetime.timedelta(days=day)
                )
        settled = MediationCase.objects.select_related("case", "worker", "mediator").get(pk=settled.pk)
        settled.agreement_signed_on = settled.sessions.order_by("-number").values_list("held_on", flat=True)[
            0
        ]
        agreement_print(mediation=settled)
        settled.save(update_fields=["agreement_signed_on", "agreement_pdf"])
