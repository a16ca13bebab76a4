"""Demo content of democratic appraisal: last December's round rating the union committee's
chairman and vice-chairman and two areas of the union's work, rated by the demo members who
have accounts, published — the vice-chairman, whom few members could judge, is suppressed
("样本过少，不予公布").

Run after ``tenants.committees.demo`` (the leaders come from the serving union committee).
Everything goes through the services (the ratings recorded at a moment inside the round);
safe to run again (a union that already has a round is left as it is).
"""

from __future__ import annotations

import contextlib
import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from tenants.membership.models import Member
from workershome.errors import ServiceError

from .models import AppraisalRound, AppraisalSubject
from .services import appraisal_submit, round_create, round_publish, subject_add, subjects_add_leaders

if TYPE_CHECKING:
    from tenants.registry.demo_data import UnionSpec

WORK = ("职工之家建设与服务", "维护职工合法权益")
RATINGS = ("satisfied", "satisfied", "basic", "satisfied", "unsatisfied", "satisfied", "basic", "satisfied")
COMMENTS = ("希望多组织技能培训", "", "食堂意见反映后改进明显", "", "", "困难帮扶很及时", "", "")


def demo_fill(*, spec: UnionSpec, index: int) -> None:
    from tenants.membership.demo import roster_people

    if AppraisalRound.objects.exists():
        return
    mobiles = [mobile for _name, mobile in roster_people(spec, index)]
    raters = [
        member.user
        for member in Member.objects.filter(
            mobile__in=mobiles, status=Member.Status.ACTIVE, user__isnull=False
        )
        .select_related("user")
        .order_by("pk")
        if member.user is not None and member.user.is_active
    ]
    if len(raters) < 6:
        return
    today = timezone.localdate()
    year = today.year - 1
    tz = timezone.get_current_timezone()
    opens = datetime.datetime(year, 12, 1, 9, tzinfo=tz)
    closes = datetime.datetime(year, 12, 15, 18, tzinfo=tz)
    appraisal_round = round_create(
        title=f"{year}年度工会工作民主评议", opens_at=opens, closes_at=closes, min_sample=5,
        description="请对工会主要负责人和工会工作作出评价。评议匿名进行，工会只记录是否参加，不记录评价内容与评价人的对应关系。",
    )  # fmt: skip
    with contextlib.suppress(ServiceError):  # no union committee with a serving term: rate the work only
        subjects_add_leaders(appraisal_round=appraisal_round)
    for name in WORK:
        subject_add(appraisal_round=appraisal_round, kind=AppraisalSubject.Kind.WORK, name=name)
    subjects = list(appraisal_round.subjects.select_related("position").order_by("order", "pk"))
    vice = next((s for s in subjects if s.position is not None and s.position.role == "vice_chairman"), None)
    moment = opens + datetime.timedelta(days=3)
    for n, user in enumerate(raters):
        ratings = {}
        for subject in subjects:
            if subject == vice and n >= 3:
                continue  # few members could judge the vice-chairman's work: suppressed
            ratings[subject.pk] = (RATINGS[(n + subject.pk) % len(RATINGS)], COMMENTS[n % len(COMMENTS)])
        appraisal_submit(appraisal_round=appraisal_round, user=user, ratings=ratings,
                         at=moment + datetime.timedelta(hours=n))  # fmt: skip
    round_publish(appraisal_round=appraisal_round)
