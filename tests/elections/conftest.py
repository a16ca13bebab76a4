"""Fixtures of the election tests: union A's roster of voters (each with an account), its union
committee whose term ends in three months, an online plan with candidates, the district's
administrators on the portal, and helpers that carry a plan through approval."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import Account
from approvals.models import ApprovalRequest
from approvals.services import approval_request_decide
from federation.models import District, FederationRole
from tenants.committees.services import committee_create, position_assign, term_create
from tenants.elections.models import ElectionPlan
from tenants.elections.services import approval_apply, candidate_add, plan_create, plan_submit
from tenants.events.delivery import outbox_deliver_pending
from tenants.membership.services import member_create
from tenants.users.models import User
from tests.factories import make_person

NAMES = ["张建国", "李秀兰", "王志刚", "赵丽娟", "孙海燕", "周文斌", "吴晓梅", "郑国强"]


@dataclass
class Voter:
    account: Account
    user: User
    member: object


@dataclass
class Person:
    account: Account
    user: User


@pytest.fixture
def voters(union_a) -> list[Voter]:
    """Eight members of union A, each with an account and a local user (online voters)."""
    made = []
    for name in NAMES:
        account, user = make_person(union_a, "member", name=name)
        with tenant_context(union_a):
            member = member_create(name=name, mobile=account.mobile, department="生产部")
        made.append(Voter(account, user, member))
    return made


@pytest.fixture
def committee(union_a, voters):
    """Union A's union committee: a five-year term ending in three months, chaired by the first voter."""
    with tenant_context(union_a):
        today = timezone.localdate()
        committee = committee_create(kind="union_committee", name="工会委员会")
        ends = today + relativedelta(months=3)
        term = term_create(committee=committee, number=3, years=5, starts_on=ends - relativedelta(years=5)
                           + datetime.timedelta(days=1), ends_on=ends)  # fmt: skip
        position_assign(term=term, member=voters[0].member, role="chairman")
        return committee


def window(*, hours_open: int = 1, hours_left: int = 2) -> tuple[datetime.datetime, datetime.datetime]:
    now = timezone.now()
    return now - datetime.timedelta(hours=hours_open), now + datetime.timedelta(hours=hours_left)


def online_plan(union, committee, voters, *, by=None) -> ElectionPlan:
    """A draft online plan: chairman (1 seat, 2 candidates) and committee members (2 seats, 3 candidates)."""
    opens, closes = window()
    with tenant_context(union):
        plan = plan_create(
            committee=committee, term_number=4, term_years=5, election_date=timezone.localdate(),
            method="online", opens_at=opens, closes_at=closes, seats={"chairman": 1, "member": 2}, by=by,
        )  # fmt: skip
        candidate_add(plan=plan, member=voters[0].member, role="chairman", introduction="现任工会主席")
        candidate_add(plan=plan, member=voters[1].member, role="chairman", introduction="质量部部长")
        for voter in voters[2:5]:
            candidate_add(plan=plan, member=voter.member, role="member", introduction="生产一线职工代表")
        return plan


@pytest.fixture
def plan(union_a, committee, voters) -> ElectionPlan:
    return online_plan(union_a, committee, voters)


@pytest.fixture
def district_admins(portal) -> dict[str, Person]:
    def admin(kind: str, name: str, district: District | None) -> Person:
        account, user = make_person(portal, kind, name=name)
        FederationRole.objects.create(user=user, kind=kind, district=district)
        return Person(account, user)

    return {
        "chaoyang": admin("district_admin", "张丽华", District.objects.get(code="110105")),
        "haidian": admin("district_admin", "陈国栋", District.objects.get(code="110108")),
        "city": admin("city_admin", "王建国", None),
    }


def submit_and_deliver(union, plan: ElectionPlan) -> ApprovalRequest:
    """Submit the plan and deliver the union's outbox: the request is on the portal."""
    with tenant_context(union):
        plan_submit(plan=plan)
        outbox_deliver_pending()
    connection.set_schema_to_public()
    return ApprovalRequest.objects.filter(object_uuid=plan.uuid).latest("received_at")


def decide(
    union, approval: ApprovalRequest, by: User, *, approve: bool = True, comment: str = "", captures=None
):
    """A district administrator decides on the portal; the decision task runs in the union
    (after commit, captured) and the plan is reloaded there."""
    connection.set_schema_to_public()
    if captures is not None:
        with captures(execute=True):
            approval_request_decide(approval=approval, approve=approve, comment=comment, by=by)
    else:
        approval_request_decide(approval=approval, approve=approve, comment=comment, by=by)
        with tenant_context(union):
            approval_apply(approval_id=approval.pk)
    connection.set_schema_to_public()


def approved_plan(union, plan: ElectionPlan, admin: User) -> ElectionPlan:
    approval = submit_and_deliver(union, plan)
    decide(union, approval, admin)
    with tenant_context(union):
        return ElectionPlan.objects.get(pk=plan.pk)
