"""Demo content of the elections (民主选举), after the committees (``tenants.committees.demo``).

The first demo union (journey 8): the union committee's term ends in under three months; the
plan for its next term (online secret ballot) was submitted, approved by the district's
administrator on the portal, and the ballot is open, with a few members having voted. The second
demo union: a union group's early renewal by online ballot, closed, with its published ballots and
tally, the result approved and the group's new term recorded. Through the services and the real
approval round trip; safe to run again (a committee that has a plan is left as it is).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from tenants.committees.models import Committee, Term
from tenants.membership.models import Member
from workershome.tenancy import current_schema, current_tenant

from .models import Candidate, ElectionPlan
from .services import (
    approval_apply,
    ballot_cast,
    ballot_close,
    candidate_add,
    plan_create,
    plan_submit,
    result_submit,
)

if TYPE_CHECKING:
    from tenants.registry.demo_data import UnionSpec

INTRODUCTIONS = (
    "现任工会主席，从事工会工作十二年",
    "质量部部长，全国五一劳动奖章获得者",
    "生产一车间班组长，技术能手",
    "综合办公室职员，负责职工之家日常管理",
    "设备部工程师，青年突击队队长",
    "财务部会计，连续三年优秀工会积极分子",
    "物流部调度员，职工书屋管理员",
)


def _deliver_and_approve(plan: ElectionPlan, kind: str) -> None:
    """Deliver the outbox, let the union's district administrator approve on the portal, and
    apply the decision in the union (what the task does after commit)."""
    from approvals.models import ApprovalRequest
    from approvals.services import approval_request_decide
    from federation.models import FederationRole
    from tenants.events.delivery import outbox_deliver_pending

    outbox_deliver_pending()
    schema = current_schema()
    district_id = current_tenant().district_id
    with schema_context(get_public_schema_name()):
        approval = ApprovalRequest.objects.filter(object_uuid=plan.uuid, kind=kind, status="pending").first()
        role = (
            FederationRole.objects.filter(kind="district_admin", district_id=district_id)
            .select_related("user")
            .first()
            or FederationRole.objects.filter(kind="city_admin").select_related("user").first()
        )
        if approval is None or role is None:
            return
        comment = (
            "同意。请按方案组织选举，严格执行无记名投票。" if kind == "election_plan" else "同意选举结果。"
        )
        approval_request_decide(approval=approval, approve=True, comment=comment, by=role.user)
        approval_id = approval.pk
    with schema_context(schema):
        approval_apply(approval_id=approval_id)


def _voters_with_users(plan: ElectionPlan) -> list:
    members = Member.objects.filter(
        pk__in=plan.voters.values("member_id"), user__isnull=False
    ).select_related("user")
    return [member.user for member in members.order_by("pk")]


def demo_fill(*, spec: UnionSpec, index: int) -> None:
    if index == 0:
        _open_ballot()
    elif index == 1:
        _finished_election()


def _candidates(plan: ElectionPlan, people: list[Member], roles: list[str]) -> None:
    for n, (member, role) in enumerate(zip(people, roles, strict=False)):
        candidate_add(plan=plan, member=member, role=role, introduction=INTRODUCTIONS[n % len(INTRODUCTIONS)])


def _open_ballot() -> None:
    committee = Committee.objects.filter(kind=Committee.Kind.UNION_COMMITTEE).first()
    if committee is None or ElectionPlan.objects.filter(committee=committee).exists():
        return
    term = Term.objects.filter(committee=committee).order_by("-starts_on").first()
    if term is None:
        return
    holders = [p.member for p in term.positions.select_related("member").order_by("order")]
    others = list(Member.objects.filter(status="active").exclude(pk__in=[m.pk for m in holders])[:3])
    people = (holders + others)[:8]
    if len(people) < 6:
        return
    now = timezone.now()
    with transaction.atomic():
        plan = plan_create(
            committee=committee, term_number=term.number + 1, term_years=5,
            election_date=timezone.localdate() + datetime.timedelta(days=14), method="online",
            opens_at=now - datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=14),
            seats={"chairman": 1, "vice_chairman": 1, "member": 4},
            notes=f"第{term.number}届工会委员会任期将满，经工会委员会研究，拟于两周内以网上无记名投票方式进行换届选举，"
                  "委员实行差额选举。",
        )  # fmt: skip
        _candidates(
            plan, people, ["chairman", "vice_chairman", "member", "member", "member", "member", "member"]
        )
        plan_submit(plan=plan)
    _deliver_and_approve(plan, "election_plan")
    plan.refresh_from_db()
    if plan.status != ElectionPlan.Status.APPROVED:
        return
    chair = plan.candidates.get(role="chairman")
    vice = plan.candidates.get(role="vice_chairman")
    members = list(plan.candidates.filter(role="member").order_by("order"))
    for n, user in enumerate(_voters_with_users(plan)[:5]):
        ballot_cast(
            plan=plan, user=user, choices=[chair.pk, vice.pk, *[c.pk for c in members[n % 2 : n % 2 + 4]]]
        )


def _finished_election() -> None:
    committee = Committee.objects.filter(kind=Committee.Kind.UNION_GROUP).order_by("order", "pk").first()
    if committee is None or ElectionPlan.objects.filter(committee=committee).exists():
        return
    term = Term.objects.filter(committee=committee).order_by("-starts_on").first()
    if term is None:
        return
    holders = [p.member for p in term.positions.select_related("member").order_by("order")]
    department = holders[0].department if holders else ""
    others = list(
        Member.objects.filter(status="active", department=department).exclude(pk__in=[m.pk for m in holders])[
            :2
        ]
    )
    people = holders + others
    if len(people) < 4:
        return
    now = timezone.now()
    with transaction.atomic():
        plan = plan_create(
            committee=committee, term_number=term.number + 1, term_years=3,
            election_date=timezone.localdate() - datetime.timedelta(days=10), method="online",
            opens_at=now - datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=1),
            seats={"group_leader": 1, "member": 2},
            notes="小组全体会员网上无记名投票，选举组长一名、组员两名（差额）。",
        )  # fmt: skip
        _candidates(plan, people, ["group_leader", "member", "member", "member"])
        plan_submit(plan=plan)
    _deliver_and_approve(plan, "election_plan")
    plan.refresh_from_db()
    if plan.status != ElectionPlan.Status.APPROVED:
        return
    leader = plan.candidates.get(role="group_leader")
    members: list[Candidate] = list(plan.candidates.filter(role="member").order_by("order"))
    for n, user in enumerate(_voters_with_users(plan)):
        chosen = [members[0].pk, members[1 + n % 2].pk] if n % 5 else [members[2].pk]
        ballot_cast(plan=plan, user=user, choices=[leader.pk, *chosen] if n % 7 else chosen)
    # The demo's clock: the ballot ran from eleven to ten days ago, and has closed.
    opened = now - datetime.timedelta(days=11)
    ElectionPlan.objects.filter(pk=plan.pk).update(
        opens_at=opened, closes_at=opened + datetime.timedelta(days=1)
    )
    ballot_close(plan=plan)
    if plan.candidates.filter(elected=True).exists():
        result_submit(plan=plan)
        _deliver_and_approve(plan, "election_result")
