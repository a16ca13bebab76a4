"""Demo content of the organisation (组织建设): the union committee, the funds review and women
workers' committees and two union groups, each with its serving term and positions held by
people on the demo roster (run ``tenants.membership.demo`` first).

The first demo union's union committee ends in under three months (journey 8: the chairman is
reminded of the renewal); the others end one to four years from now. Everything goes through
the services; safe to run again (a committee found by its kind or name is left as it is).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from wagtail.images import get_image_model

from tenants.membership.models import Member
from tenants.membership.services import member_update

from .models import Committee, Term
from .services import committee_create, position_assign, term_create

if TYPE_CHECKING:
    from tenants.registry.demo_data import UnionSpec


def _term_start(index: int, years: int, today: datetime.date) -> datetime.date:
    """When the union committee's serving term started: so that it ends in ~75 days for the
    first demo union (journey 8), and one to four years from now for the others."""
    ends_in = 75 if index == 0 else 365 * (1 + index % 4) + 40 * (index % 3)
    end = today + datetime.timedelta(days=ends_in)
    return _start_for_end(end, years)


def _start_for_end(end: datetime.date, years: int) -> datetime.date:
    try:
        start = end.replace(year=end.year - years)
    except ValueError:  # 29 February
        start = end.replace(year=end.year - years, day=28)
    return start + datetime.timedelta(days=1)


def _member(mobile: str) -> Member | None:
    return Member.objects.filter(mobile=mobile, status=Member.Status.ACTIVE).first()


def _badge_and_photo(member: Member, badge: str) -> None:
    """Give a position holder a badge number and the portrait the site demo drew for them."""
    if member.badge_number and member.photo_id:
        return
    photo = get_image_model().objects.filter(title__endswith=member.name).order_by("pk").first()
    member_update(
        member=member, name=member.name, mobile=member.mobile, gender=member.gender,
        department=member.department, joined_on=member.joined_on, card_number=member.card_number,
        badge_number=member.badge_number or badge, photo=member.photo or photo or False,
    )  # fmt: skip


def demo_fill(*, spec: UnionSpec, index: int) -> None:
    from tenants.membership.demo import roster_people
    from tenants.registry.demo_data import officer_person

    roster = [_member(mobile) for _name, mobile in roster_people(spec, index)]
    people = [member for member in roster if member is not None]
    if len(people) < 20 or Committee.objects.exists():
        return
    today = timezone.localdate()
    chairman = _member(officer_person(index, 1).mobile) or people[0]
    # Those holding a post in the three committees wear the staff badge (亮身份).
    for n, slot in enumerate((0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12), start=1):
        _badge_and_photo(people[slot], f"GH{index + 1:03d}{n:02d}")

    start = _term_start(index, 5, today)
    congress = f"第{3 + index % 3}次会员代表大会"
    plan: list[tuple[str, str, int, list[tuple[Member, str, str]]]] = [
        (Committee.Kind.UNION_COMMITTEE, "工会委员会", 5, [
            (chairman, "chairman", "主持工会全面工作，主持主席接待日"),
            (people[1], "vice_chairman", "分管劳动保护、职工之家日常管理"),
            (people[2], "member", "组织宣传、职工教育"),
            (people[3], "member", "劳动争议调解、法律援助"),
            (people[6], "member", "文体活动、兴趣小组"),
            (people[7], "member", "困难职工帮扶"),
        ]),
        (Committee.Kind.FUNDS_REVIEW, "经费审查委员会", 5, [
            (people[8], "head", "工会经费审查监督"),
            (people[9], "member", "经费收支审查"),
            (people[10], "member", "资产管理审查"),
        ]),
        (Committee.Kind.WOMEN_WORKERS, "女职工委员会", 5, [
            (people[4], "head", "女职工权益保护、爱心妈咪小屋"),
            (people[11], "deputy_head", "女职工特殊劳动保护"),
            (people[12], "member", "女职工技能提升"),
        ]),
    ]  # fmt: skip
    for n, (kind, name, years, positions) in enumerate(plan):
        committee = committee_create(kind=kind, name=name, order=n * 10)
        term = term_create(
            committee=committee,
            number=3 + index % 3,
            years=years,
            starts_on=start,
            elected_at_meeting=congress,
        )
        if n == 0:
            _earlier_term(committee, term)
        for member, role, duties in positions:
            contact: dict[str, Any] = {}
            if role == "chairman":
                contact = {"public_mobile": member.mobile, "public_email": f"zhuxi.{spec.slug}@example.com"}
            if not term.positions.filter(member=member).exists():
                position_assign(term=term, member=member, role=role, duties=duties, **contact)

    # Union groups, one per department, on three-year terms.
    group_start = _start_for_end(today + datetime.timedelta(days=400 + 30 * index), 3)
    for g, offset in enumerate((13, 17)):
        leader, deputy, other = people[offset], people[offset + 1], people[offset + 2]
        committee = committee_create(
            kind=Committee.Kind.UNION_GROUP, name=f"{leader.department}工会小组", order=30 + g
        )
        term = term_create(committee=committee, number=2, years=3, starts_on=group_start)
        position_assign(term=term, member=leader, role="group_leader", duties="组织小组活动，收集职工意见")
        position_assign(term=term, member=deputy, role="deputy_group_leader", duties="会员信息、会费收缴")
        position_assign(term=term, member=other, role="member", duties="宣传员")


def _earlier_term(committee: Committee, current: Term) -> None:
    """The previous term, ended the day before the current one started (history in the admin)."""
    start = _start_for_end(current.starts_on - datetime.timedelta(days=1), 5)
    if current.number > 1:
        term_create(
            committee=committee, number=current.number - 1, years=5, starts_on=start,
            ends_on=current.starts_on - datetime.timedelta(days=1),
        )  # fmt: skip
