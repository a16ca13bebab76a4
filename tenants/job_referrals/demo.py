"""Demo of skills and job referral: a member referred to the union's own training course and
enrolled, one to an outside institution's welding course still pending with a follow-up due,
and one introduced to a job at a logistics company (职业介绍) who was not placed.

``demo_fill()`` runs inside a union's schema through the services production uses. Safe to run
again: a union that has referrals is left as it is. Run it after the roster and training.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from tenants.membership.models import Member
from tenants.training.models import Course
from tenants.users.models import User

from .models import Referral
from .services import referral_create, referral_follow_up

if TYPE_CHECKING:
    from tenants.registry.demo_data import UnionSpec


def demo_fill(*, spec: UnionSpec, index: int) -> None:
    if Referral.objects.exists():
        return
    officer = User.objects.filter(is_active=True, groups__name="officer").order_by("pk").first()
    officer = officer or User.objects.filter(is_active=True, groups__name="chairman").order_by("pk").first()
    members = list(Member.objects.filter(status=Member.Status.ACTIVE).order_by("pk")[:12])
    if officer is None or len(members) < 10:
        return
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    course = Course.objects.order_by("pk").first()
    with transaction.atomic():
        if course is not None:
            own = referral_create(
                member=members[7], kind="training", referred_on=today - 40 * day, course=course,
                notes="班组长推荐，本人有意提升技能等级。", next_follow_up_on=today - 10 * day, by=officer,
            )  # fmt: skip
            referral_follow_up(referral=own, followed_up_on=today - 12 * day, outcome="placed",
                               note="已报名并参加第一次课程。", by=officer)  # fmt: skip
        referral_create(
            member=members[8], kind="training", referred_on=today - 20 * day, institution="北京市朝阳区职业技能培训学校",
            programme="焊工（中级）职业技能培训", contact="招生办 010-6578 2210", next_follow_up_on=today - day,
            notes="转岗需要焊工证，工会承担一半学费。", by=officer,
        )  # fmt: skip
        job = referral_create(
            member=members[9], kind="job", referred_on=today - 30 * day, employer="北京顺达物流有限公司",
            position="仓储管理员", contact="人力资源部 王经理 010-8456 3301",
            notes="所在车间停产，经本人同意推荐；区总工会职业介绍平台信息。", next_follow_up_on=today - 15 * day, by=officer,
        )  # fmt: skip
        referral_follow_up(referral=job, followed_up_on=today - 15 * day, outcome="not_placed",
                           note="已面试，用人单位要求叉车证，暂未录用；建议先参加叉车培训。", by=officer)  # fmt: skip
