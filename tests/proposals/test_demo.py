"""The demo's campaigns: 2026 run to its published results, 2027 open; running it twice adds
nothing."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.proposals.demo import demo_fill
from tenants.proposals.models import Proposal, ProposalCampaign
from tenants.proposals.selectors import campaign_results, clock_at
from tenants.registry.demo_data import UNIONS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("spec", [UNIONS[0], UNIONS[4]], ids=["office", "factory"])
def test_the_demo_tells_a_whole_campaign_and_runs_once(union_a, people, spec):
    with tenant_context(union_a):
        demo_fill(spec=spec, index=0)
        counts = Proposal.objects.count(), ProposalCampaign.objects.count()
        demo_fill(spec=spec, index=0)
        assert (Proposal.objects.count(), ProposalCampaign.objects.count()) == counts
        done = ProposalCampaign.objects.get(year=2026)
        results = campaign_results(done)
        assert results.received == 5 and results.adopted == 2
        assert {row.award for row in results.rows} <= {"一等奖", "二等奖", "三等奖"}
        assert all(p.case.status == "closed" for p in done.proposals.select_related("case"))
        assert done.proposals.order_by("submitted_at").first().submitted_at.year == 2026
        upcoming = ProposalCampaign.objects.get(year=2027)
        with clock_at(upcoming.submission_opens):
            assert upcoming.phase_on(upcoming.submission_opens) == "open"
        assert {p.case.step for p in upcoming.proposals.select_related("case")} == {"received", "screening"}
