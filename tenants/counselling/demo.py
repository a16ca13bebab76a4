"""Demo of counselling (心理疏导): two counsellors (the union's own, with the counsellor role, and
a hired professional with an account here), their weekly times in the stress-relief room, a
worker's booked talk, an earlier talk that was held with the counsellor's notes, and a
counselling lecture next week open for sign-up through the activities app.

``demo_fill()`` runs inside a union's schema through the services production uses; the held
talk is booked on a coming time and then dated back (as if it had been last week). Safe to run
again: a union that has counsellors is left as it is. Run it after the roster and activities.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from tenants.activities.models import Activity
from tenants.users.models import User

from .models import CounsellingSlot, Counsellor
from .services import appointment_book, appointment_close, counsellor_save, lecture_save, note_save, slots_add

if TYPE_CHECKING:
    from tenants.registry.demo_data import UnionSpec


def _next(weekday: int, after: datetime.date) -> datetime.date:
    day = after + datetime.timedelta(days=1)
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def demo_fill(*, spec: UnionSpec, index: int) -> None:
    from accounts.services import account_get_or_create, local_user_for_account
    from tenants.registry.demo_data import DEMO_PASSWORD

    if Counsellor.objects.exists():
        return
    manager = User.objects.filter(is_active=True, groups__name="chairman").order_by("pk").first()
    staff = User.objects.filter(is_active=True, groups__name="counsellor").order_by("pk").first()
    members = list(
        User.objects.filter(is_active=True, groups__name="member")
        .exclude(groups__name__in=("counsellor", "chairman", "officer"))
        .order_by("pk")[:8]
    )
    if manager is None or staff is None or len(members) < 6:
        return
    account, _created = account_get_or_create(
        mobile=f"135{index + 1:04d}0001", name="林静怡", password=DEMO_PASSWORD, home_union=None
    )
    hired_user = local_user_for_account(account=account, create=True, roles=("counsellor",))
    today = timezone.localdate()
    with transaction.atomic():
        own = counsellor_save(
            counsellor=Counsellor(
                name=staff.name or staff.get_full_name() or "工会心理辅导员", user=staff, hired=False,
                qualification="国家三级心理咨询师，工会兼职心理辅导员",
                introduction="在公司工作十二年，熟悉一线班组的工作节奏，擅长倾听，帮助职工缓解工作压力、调适情绪、处理同事关系。",
            ),
            by=manager,
        )  # fmt: skip
        hired = counsellor_save(
            counsellor=Counsellor(
                name="林静怡", user=hired_user, hired=True,
                qualification="国家二级心理咨询师，北京市心理卫生协会会员（区总工会职工心理服务项目派驻）",
                introduction="从事职工心理援助（EAP）工作十年，擅长压力管理、睡眠问题、亲子沟通和婚姻家庭咨询。每周三晚上在职工减压室接待。",
            ),
            by=manager,
        )  # fmt: skip
        slots_add(counsellor=own, first_day=today, weeks=3, weekdays=[1, 3], start=datetime.time(14, 0),
                  minutes=50, place="职工减压室", by=manager)  # fmt: skip
        slots_add(counsellor=own, first_day=today, weeks=3, weekdays=[1, 3], start=datetime.time(15, 0),
                  minutes=50, place="职工减压室", by=manager)  # fmt: skip
        slots_add(counsellor=hired, first_day=today, weeks=3, weekdays=[2], start=datetime.time(18, 30),
                  minutes=60, place="职工减压室", by=manager)  # fmt: skip
        # A worker's coming talk with the union's own counsellor.
        first = CounsellingSlot.objects.filter(counsellor=own).order_by("starts_at").first()
        if first is not None:
            appointment_book(slot=first, worker=members[4], consent_given=True)
        # A talk with the hired counsellor last week, held, with her notes.
        later = CounsellingSlot.objects.filter(counsellor=hired).order_by("starts_at").first()
        if later is not None:
            appointment = appointment_book(slot=later, worker=members[5], consent_given=True)
            back = later.starts_at - (timezone.now() - datetime.timedelta(days=7)).replace(
                hour=18, minute=30, second=0, microsecond=0
            )
            CounsellingSlot.objects.filter(pk=later.pk).update(
                starts_at=later.starts_at - back, ends_at=later.ends_at - back
            )
            appointment_close(appointment=appointment, held=True, by=hired_user)
            note_save(
                appointment=appointment, by=hired_user,
                text="来访者近两个月夜班较多，入睡困难，对工作失误担心明显。情绪稳定，无自伤想法。"
                "讨论了作息调整和放松训练（腹式呼吸），约定两周后再谈一次；建议与班组长沟通排班。",
            )  # fmt: skip
        # 心理讲座 next week, signed up for through the activities app.
        day = _next(3, today + datetime.timedelta(days=3))
        starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 15)))
        lecture_save(
            activity=Activity(
                title="职场压力管理与情绪调适——心理健康讲座", starts_at=starts,
                ends_at=starts + datetime.timedelta(minutes=75), place="职工活动中心多功能厅", capacity=60,
                description="主讲：林静怡（国家二级心理咨询师）。内容：识别压力信号、情绪调适的三个方法、现场放松练习。讲座后可在职工减压室预约一对一谈话。",
            ),
            counsellor=hired, by=manager, publish=True,
        )  # fmt: skip
