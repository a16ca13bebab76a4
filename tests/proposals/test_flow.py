"""The whole campaign, through the services: submit → screening → scores by two panelists →
adopt → implementation → award → results published; the case engine's procedure drives it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from tenants.cases.models import Case, CaseEvent
from tenants.events.models import OutboxEvent
from tenants.notifications.models import Notification
from tenants.proposals.models import Proposal
from tenants.proposals.selectors import campaign_results, score_summary
from tenants.proposals.services import (
    campaign_results_publish,
    proposal_award,
    proposal_decide,
    proposal_score,
    proposal_score_change,
    proposal_screen,
    proposal_screening_start,
)

from .conftest import after_evaluation, submit

pytestmark = pytest.mark.django_db


def scores(campaign, *values):
    """{criterion id: value} in the order of the campaign's criteria."""
    criteria = list(campaign.criteria.order_by("sort_order", "pk"))
    return {str(c.pk): v for c, v in zip(criteria, values, strict=True)}


def test_a_proposal_runs_the_whole_campaign(union_a, people, campaign):
    # Given a worker's proposal with a colleague as co-proposer, and one from a worker who
    # asked to stay unnamed
    proposal = submit(union_a, campaign, people.worker, co=[people.mobiles["colleague"]])
    unnamed = submit(union_a, campaign, people.colleague, title="仓库拣货路线优化", publish_name=False)
    with tenant_context(union_a):
        case = Case.objects.get(pk=proposal.case_id)
        assert (case.kind, case.step, case.status, case.requester) == (
            "proposal",
            "received",
            "open",
            people.worker,
        )
        assert list(proposal.co_proposers.all()) == [people.colleague]
        assert Notification.objects.filter(
            recipient=people.officer, url=f"/admin/proposals/{proposal.pk}/"
        ).exists()

        # When the officer screens it and the two panelists score it
        proposal_screening_start(proposal=proposal, by=people.officer)
        proposal_screen(proposal=proposal, eligible=True, by=people.officer, note="内容具体，可行")
        assert Notification.objects.filter(
            recipient=people.panelist_mediator, url__endswith=f"/{proposal.pk}/"
        ).exists()
        proposal_score(proposal=proposal, panelist=people.panelist_officer,
                       values=scores(campaign, 8, 9, 9, 7), comment="投入小，见效快")  # fmt: skip
        first = proposal_score(
            proposal=proposal, panelist=people.panelist_mediator, values=scores(campaign, 5, 5, 5, 5)
        )
        # a panelist may change their score until the decision
        proposal_score_change(
            score=first, panelist=people.panelist_mediator, values=scores(campaign, 7, 8, 8, 6)
        )

        # Then the chairman sees the weighted average: (8×25+9×25+9×30+7×20)/100 = 8.35 and 7.35
        summary = score_summary(Proposal.objects.get(pk=proposal.pk))
        assert summary.count == 2 and summary.panel_size == 2
        assert summary.average == Decimal("7.85")
        assert [value for _c, value in summary.criteria] == [
            Decimal("7.50"),
            Decimal("8.50"),
            Decimal("8.50"),
            Decimal("6.50"),
        ]

        # When the chairman adopts it, the officer awards it after implementation
        proposal = proposal_decide(proposal=proposal, adopt=True, by=people.chairman,
                                   estimated_annual_benefit="90000", note="同意实施")  # fmt: skip
        assert proposal.case.step == "implementation" and proposal.decision == "adopted"
        level = campaign.award_levels.get(name="一等奖")
        proposal = proposal_award(
            proposal=proposal, level=level, by=people.officer, annual_benefit="86500.50"
        )
        case.refresh_from_db()
        assert case.status == "closed" and "一等奖" in case.outcome
        assert proposal.award_amount == Decimal("3000.00")
        assert proposal.estimated_annual_benefit == Decimal("86500.50")

        # The other proposal is screened, scored and not adopted
        proposal_screening_start(proposal=unnamed, by=people.officer)
        proposal_screen(proposal=unnamed, eligible=True, by=people.officer)
        proposal_score(
            proposal=unnamed, panelist=people.panelist_officer, values=scores(campaign, 6, 6, 6, 6)
        )
        proposal_decide(proposal=unnamed, adopt=False, by=people.chairman, note="已有同类改造计划")

        # Then the case followed the published procedure, step by step
        steps = list(case.events.filter(kind=CaseEvent.Kind.DECISION).values_list("to_step", flat=True))
        assert steps == ["screening", "evaluation", "implementation", "closed"]

        # And the results, published after the evaluation ends, list the adopted proposal
        with after_evaluation(campaign):
            campaign_results_publish(campaign=campaign, by=people.chairman)
        results = campaign_results(campaign)
        assert (results.received, results.adopted) == (2, 1)
        assert results.total_benefit == Decimal("86500.50") and results.total_awards == Decimal("3000.00")
        row = results.rows[0]
        assert row.names == ["王建华", "陈秀兰"] and row.award == "一等奖"
        assert OutboxEvent.objects.filter(name="proposals.results_published", payload__adopted=1).exists()
        assert OutboxEvent.objects.filter(name="case.closed", payload__kind="proposal").count() == 2
        assert Notification.objects.filter(recipient=people.worker, url="/proposals/results/2031/").exists()
        for event in OutboxEvent.objects.filter(name__startswith="proposal"):
            assert "王建华" not in str(event.payload)


def test_screening_can_turn_a_proposal_down_with_a_reason(union_a, people, campaign):
    proposal = submit(union_a, campaign, people.worker, title="希望涨工资")
    with tenant_context(union_a):
        proposal_screening_start(proposal=proposal, by=people.officer)
        proposal = proposal_screen(proposal=proposal, eligible=False, by=people.officer,
                                   note="属于薪酬诉求，已转诉求渠道办理")  # fmt: skip
        assert proposal.decision == Proposal.Decision.NOT_ELIGIBLE
        assert proposal.case.status == "closed" and "不予立项" in proposal.case.outcome
