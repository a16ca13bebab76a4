"""The elections demo: in the first union the union committee's plan (its term ends in under three
months) is approved by Chaoyang's administrator and the online ballot is open with a few votes; in
the second union a union group's election is closed with its published tally and the approved
result recorded as the group's new term. Safe to re-run."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from accounts.services import account_get_or_create, local_user_for_account
from approvals.models import ApprovalRequest
from tenants.committees import demo as committees_demo
from tenants.committees.models import Term
from tenants.elections import demo as elections_demo
from tenants.elections.models import Ballot, ElectionPlan
from tenants.elections.selectors import ballots_published, tally_recount
from tenants.membership import demo as membership_demo
from tenants.registry.demo_data import UNIONS

pytestmark = pytest.mark.django_db


def _fill(union, index: int) -> None:
    spec = UNIONS[index]
    for name, mobile in membership_demo.roster_people(spec, index)[:14]:
        account, _ = account_get_or_create(mobile=mobile, name=name, password="Demo@2026", home_union=union)
        with tenant_context(union):
            local_user_for_account(account=account, create=True, roles=("member",))
    with tenant_context(union):
        membership_demo.demo_fill(spec=spec, index=index)
        committees_demo.demo_fill(spec=spec, index=index)
        for _run in range(2):  # idempotent
            elections_demo.demo_fill(spec=spec, index=index)


def test_the_first_union_has_an_approved_plan_and_an_open_ballot(union_a, district_admins):
    _fill(union_a, 0)
    with tenant_context(union_a):
        plan = ElectionPlan.objects.get()
        assert plan.committee.kind == "union_committee" and plan.method == "online"
        assert plan.status == "approved" and plan.district_comment
        assert 0 < Ballot.objects.filter(plan=plan).count() < plan.eligible_count
        assert not ballots_published(plan)  # still open
    approval = ApprovalRequest.objects.get(object_uuid=plan.uuid)
    assert approval.status == "approved" and approval.decided_by_id == district_admins["chaoyang"].user.pk


def test_the_second_union_has_a_finished_election_with_a_published_tally(union_b, district_admins):
    _fill(union_b, 1)
    with tenant_context(union_b):
        plan = ElectionPlan.objects.get()
        assert plan.status == "result_approved" and plan.new_term is not None
        ballots = ballots_published(plan)
        assert ballots and len(ballots) == plan.ballots_cast
        recount = tally_recount(ballots)
        assert all(recount.get(c.pk, 0) == c.votes for c in plan.candidates.all())
        assert plan.candidates.filter(elected=True).exists()
        assert Term.objects.filter(committee=plan.committee, number=plan.term_number).exists()
