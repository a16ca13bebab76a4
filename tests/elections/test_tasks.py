"""The elections sweep (every five minutes, per union): it closes an online ballot whose time is
up and counts it, and applies a district decision whose task was lost; running it again changes
nothing."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from approvals.services import approval_request_decide
from tenants.elections.models import ElectionPlan
from tenants.elections.services import ballot_cast
from tenants.elections.tasks import elections_sweep

from .conftest import approved_plan, submit_and_deliver

pytestmark = pytest.mark.django_db


def test_the_sweep_closes_a_ballot_whose_time_is_up(union_a, plan, voters, district_admins):
    """Given an open ballot with two votes, when its time is up and the sweep runs, then it is
    counted; a second sweep does nothing."""
    plan = approved_plan(union_a, plan, district_admins["chaoyang"].user)
    with tenant_context(union_a):
        chair = plan.candidates.filter(role="chairman").first()
        for voter in voters[:2]:
            ballot_cast(plan=plan, user=voter.user, choices=[chair.pk])
        assert elections_sweep() == {"closed": 0, "applied": 0}
        ElectionPlan.objects.filter(pk=plan.pk).update(
            closes_at=timezone.now() - datetime.timedelta(minutes=1)
        )
        assert elections_sweep() == {"closed": 1, "applied": 0}
        plan.refresh_from_db()
        assert plan.status == "counted" and plan.ballots_cast == 2
        assert elections_sweep() == {"closed": 0, "applied": 0}


def test_the_sweep_applies_a_decision_whose_task_was_lost(union_a, plan, district_admins):
    """Given a plan the district approved but whose task never ran (no on-commit here), when the
    sweep runs in the union, then the plan is approved."""
    approval = submit_and_deliver(union_a, plan)
    approval_request_decide(approval=approval, approve=True, comment="同意", by=district_admins["city"].user)
    with tenant_context(union_a):
        assert ElectionPlan.objects.get(pk=plan.pk).status == "submitted"
        assert elections_sweep() == {"closed": 0, "applied": 1}
        assert ElectionPlan.objects.get(pk=plan.pk).status == "approved"
        assert elections_sweep() == {"closed": 0, "applied": 0}
