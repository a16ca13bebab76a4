"""Demo of hardship assistance, journey 5 (a worker in hardship): an officer records the worker's
consent, opens the household's file (deep hardship: the wife's uraemia), records a
medical-expense grant from union funds, and the monthly follow-up visit comes up on the
officer's due list with a reminder.

``demo_fill()`` runs inside a union's schema through the services production uses; the file is
then dated a month back (as if opened last month) so the due list and the reminder show today.
Safe to run again: a union whose worker already has a file is left as it is.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric

from tenants.cases.models import Case
from tenants.privacy.services import consent_record
from tenants.users.models import User

from .models import AssistanceRecord, HardshipFile
from .services import assistance_record, followups_scan, hardship_file_open

if TYPE_CHECKING:
    from tenants.registry.demo_data import UnionSpec


def _id_number(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def demo_fill(*, spec: UnionSpec, index: int) -> None:
    officer = User.objects.filter(is_active=True, groups__name="officer").order_by("pk").first()
    officer = officer or User.objects.filter(is_active=True, groups__name="chairman").order_by("pk").first()
    members = list(User.objects.filter(is_active=True, groups__name="member").exclude(groups__name="officer")
                   .order_by("pk")[:6])  # fmt: skip
    if officer is None or len(members) < 3:
        return
    worker = members[2]
    if HardshipFile.objects.filter(worker=worker).exists():
        return
    with transaction.atomic():
        consent_record(
            worker=worker, scope="hardship", method="written", by=officer,
            purpose="建立困难职工帮扶档案，核实家庭收入、成员和健康状况，用于申请医疗救助和定期回访；仅工会主席和经办干事可查阅。",
        )  # fmt: skip
        file = hardship_file_open(
            worker=worker, kind="medical", tier="deep", id_number=_id_number(f"11010519{80 + index % 10}0315031"),
            monthly_income="3200.00", household_size=4,
            causes="妻子2025年底确诊尿毒症，每周三次血液透析，自付医疗费用每月约4000元；两个孩子在读，家庭收入仅靠本人工资。",
            health="本人身体健康；妻子尿毒症（慢性肾衰竭5期），长期透析。",
            members=[
                {"name": "刘桂芳", "relation": "spouse", "id_number": _id_number(f"11010519{82 + index % 10}0611042"),
                 "health": "尿毒症，每周三次血液透析"},
                {"name": f"{worker.name[:1] or '王'}子涵", "relation": "child", "id_number": "", "health": "健康，初中在读"},
                {"name": f"{worker.name[:1] or '王'}子萱", "relation": "child", "id_number": "", "health": "健康，小学在读"},
            ],
            by=officer,
        )  # fmt: skip
        assistance_record(file=file, form="money", amount="5000", source="union_funds",
                          description="大病医疗救助金（透析费用）", given_on=timezone.localdate(), by=officer)  # fmt: skip
        assistance_record(file=file, form="referral", amount="0", source="government",
                          description="协助申请街道医疗救助和城乡居民大病保险二次报销", given_on=timezone.localdate(), by=officer)  # fmt: skip
        # As if opened last month: the monthly visit is due now (journey 5).
        back = datetime.timedelta(days=31)
        assert file.next_followup_on is not None
        HardshipFile.objects.filter(pk=file.pk).update(
            opened_at=file.opened_at - back, next_followup_on=file.next_followup_on - back
        )
        Case.objects.filter(pk=file.case_id).update(opened_at=file.case.opened_at - back)
        AssistanceRecord.objects.filter(file=file).update(
            given_on=timezone.localdate() - back + datetime.timedelta(days=2)
        )
        followups_scan()
