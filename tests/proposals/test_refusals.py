"""Every refusal of the campaign's rules: a clear Chinese message, and nothing changed."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import translation
from django_tenants.utils import tenant_context

from tenants.cases.models import Case, CaseEvent
from tenants.proposals.models import Proposal, ProposalCampaign, ProposalScore
from tenants.proposals.selectors import clock_at
from tenants.proposals.services import (
    campaign_create,
    campaign_results_publish,
    campaign_save,
    campaign_update,
    proposal_award,
    proposal_decide,
    proposal_score,
    proposal_score_change,
    proposal_screen,
    proposal_screening_start,
    proposal_submit,
)
from tests.factories import PASSWORD
from workershome.errors import ServiceError

from .conftest import after_evaluation, make_campaign, submit, today

pytestmark = pytest.mark.django_db


def refused(code: str, call, *args, **kwargs) -> ServiceError:
    with pytest.raises(ServiceError) as error:
        call(*args, **kwargs)
    assert error.value.code == code, (error.value.code, str(error.value.message))
    with translation.override("zh-hans"):
        assert str(error.value.message).strip()  # a message for people (Chinese once translated)
    return error.value


def snapshot(proposal: Proposal) -> tuple:
    """Everything a refused call could have changed about a proposal."""
    proposal = Proposal.objects.select_related("case").get(pk=proposal.pk)
    scores = tuple(
        ProposalScore.objects.filter(proposal=proposal).values_list("panelist_id", "values", "total")
    )
    return (proposal.case.step, proposal.case.status, proposal.decision, proposal.award_level_id,
            proposal.estimated_annual_benefit, scores, proposal.case.events.count())  # fmt: skip


def values(campaign, *numbers):
    criteria = list(campaign.criteria.order_by("sort_order", "pk"))
    return {str(c.pk): n for c, n in zip(criteria, numbers, strict=True)}


@pytest.fixture
def at_evaluation(union_a, people, campaign):
    proposal = submit(union_a, campaign, people.worker)
    with tenant_context(union_a):
        proposal_screening_start(proposal=proposal, by=people.officer)
        proposal_screen(proposal=proposal, eligible=True, by=people.officer)
    return proposal


def test_submissions_only_while_the_campaign_is_open(union_a, people, campaign):
    with tenant_context(union_a):
        before = Case.objects.count(), Proposal.objects.count()
        with clock_at(campaign.submission_closes + datetime.timedelta(days=1)):
            error = refused("campaign_closed", submit, union_a, campaign, people.worker)
            assert error.status == 409
        with clock_at(campaign.submission_opens - datetime.timedelta(days=1)):
            refused("campaign_not_open", submit, union_a, campaign, people.worker)
        assert (Case.objects.count(), Proposal.objects.count()) == before


def test_submissions_only_by_members_with_a_title_problem_and_suggestion(union_a, people, campaign):
    with tenant_context(union_a):
        outsider = type(people.worker).objects.create(username="17700009999", name="外人")  # no union role
        before = Case.objects.count()
        refused("proposal_members_only", submit, union_a, campaign, outsider)
        base = dict(
            campaign=campaign, proposer=people.worker, title="标题", problem="问题", suggestion="建议"
        )
        refused("proposal_title", proposal_submit, **{**base, "title": "  "})
        refused("proposal_problem", proposal_submit, **{**base, "problem": ""})
        refused("proposal_suggestion", proposal_submit, **{**base, "suggestion": ""})
        refused("co_proposer_unknown", proposal_submit, **base, co_proposer_mobiles=["13912345678"])
        refused("co_proposer_self", proposal_submit, **base, co_proposer_mobiles=[people.mobiles["worker"]])
        assert Case.objects.count() == before
        proposal_submit(**base)
        refused("proposal_duplicate", proposal_submit, **base)


def test_campaign_dates_weights_and_panel_are_checked(union_a, people, campaign):
    day = today()
    with tenant_context(union_a):
        count = ProposalCampaign.objects.count()
        common = dict(year=2032, title="2032年度活动", by=people.chairman)
        refused("campaign_dates_order", campaign_create, **common, submission_opens=day,
                submission_closes=day, evaluation_ends=day + datetime.timedelta(days=9))  # fmt: skip
        refused("campaign_dates_order", campaign_create, **common, submission_opens=day,
                submission_closes=day + datetime.timedelta(days=9), evaluation_ends=day + datetime.timedelta(days=9))  # fmt: skip
        dates = dict(submission_opens=day, submission_closes=day + datetime.timedelta(days=5),
                     evaluation_ends=day + datetime.timedelta(days=9))  # fmt: skip
        refused(
            "criteria_weights", campaign_create, **common, **dates, criteria=[("创新性", 50), ("可行性", 40)]
        )
        refused("criteria_missing", campaign_create, **common, **dates, criteria=[])
        refused("award_amount", campaign_create, **common, **dates, award_levels=[("一等奖", -1)])
        refused("panel_not_staff", campaign_create, **common, **dates, panel=[people.worker])
        refused("campaign_year_taken", campaign_create, **{**common, "year": campaign.year}, **dates)
        assert ProposalCampaign.objects.count() == count
        stored = ProposalCampaign.objects.get(pk=campaign.pk)
        refused("campaign_dates_order", campaign_update, campaign=campaign,
                evaluation_ends=campaign.submission_closes)  # fmt: skip
        assert ProposalCampaign.objects.get(pk=campaign.pk).evaluation_ends == stored.evaluation_ends


def test_only_panelists_score_in_range_at_evaluation_once(union_a, people, campaign, at_evaluation):
    proposal = at_evaluation
    with tenant_context(union_a):
        before = snapshot(proposal)
        good = values(campaign, 8, 8, 8, 8)
        refused("score_not_panelist", proposal_score, proposal=proposal, panelist=people.officer, values=good)
        refused("score_not_panelist", proposal_score, proposal=proposal, panelist=people.worker, values=good)
        for bad in (
            values(campaign, 11, 8, 8, 8),
            values(campaign, -1, 8, 8, 8),
            values(campaign, "x", 8, 8, 8),
        ):
            refused(
                "score_range",
                proposal_score,
                proposal=proposal,
                panelist=people.panelist_mediator,
                values=bad,
            )
        partial = dict(list(good.items())[:3])
        refused(
            "score_missing",
            proposal_score,
            proposal=proposal,
            panelist=people.panelist_mediator,
            values=partial,
        )
        refused("score_criterion", proposal_score, proposal=proposal, panelist=people.panelist_mediator,
                values={**good, "999999": 5})  # fmt: skip
        assert snapshot(proposal) == before

        score = proposal_score(proposal=proposal, panelist=people.panelist_mediator, values=good)
        after_first = snapshot(proposal)
        refused(
            "score_exists", proposal_score, proposal=proposal, panelist=people.panelist_mediator, values=good
        )
        refused(
            "score_not_own", proposal_score_change, score=score, panelist=people.panelist_officer, values=good
        )
        assert snapshot(proposal) == after_first

        # Once the chairman has decided, scores no longer change
        proposal_decide(proposal=proposal, adopt=False, by=people.chairman, note="暂不具备条件")
        decided = snapshot(proposal)
        refused("proposal_wrong_step", proposal_score_change, score=score, panelist=people.panelist_mediator,
                values=values(campaign, 1, 1, 1, 1))  # fmt: skip
        assert snapshot(proposal) == decided


def test_scoring_at_the_wrong_step_is_refused(union_a, people, campaign):
    proposal = submit(union_a, campaign, people.worker)
    with tenant_context(union_a):
        good = values(campaign, 8, 8, 8, 8)
        refused(
            "proposal_wrong_step",
            proposal_score,
            proposal=proposal,
            panelist=people.panelist_officer,
            values=good,
        )
        proposal_screening_start(proposal=proposal, by=people.officer)
        before = snapshot(proposal)
        refused(
            "proposal_wrong_step",
            proposal_score,
            proposal=proposal,
            panelist=people.panelist_officer,
            values=good,
        )
        assert snapshot(proposal) == before


def test_the_decision_is_the_chairmans_after_scoring_with_a_benefit_or_a_reason(
    union_a, people, campaign, at_evaluation
):
    proposal = at_evaluation
    with tenant_context(union_a):
        before = snapshot(proposal)
        refused("decide_unscored", proposal_decide, proposal=proposal, adopt=True, by=people.chairman,
                estimated_annual_benefit=1000)  # fmt: skip
        proposal_score(
            proposal=proposal, panelist=people.panelist_officer, values=values(campaign, 8, 8, 8, 8)
        )
        before = snapshot(proposal)
        error = refused("step_role", proposal_decide, proposal=proposal, adopt=True, by=people.officer,
                        estimated_annual_benefit=1000)  # fmt: skip
        assert error.status == 403
        refused("benefit_required", proposal_decide, proposal=proposal, adopt=True, by=people.chairman)
        refused("benefit_invalid", proposal_decide, proposal=proposal, adopt=True, by=people.chairman,
                estimated_annual_benefit="-5")  # fmt: skip
        refused("benefit_invalid", proposal_decide, proposal=proposal, adopt=True, by=people.chairman,
                estimated_annual_benefit="一万")  # fmt: skip
        refused("decide_reason", proposal_decide, proposal=proposal, adopt=False, by=people.chairman)
        assert snapshot(proposal) == before


def test_awards_only_for_adopted_proposals_after_implementation(union_a, people, campaign, at_evaluation):
    proposal = at_evaluation
    with tenant_context(union_a):
        level = campaign.award_levels.first()
        proposal_score(
            proposal=proposal, panelist=people.panelist_officer, values=values(campaign, 5, 5, 5, 5)
        )
        refused("award_not_adopted", proposal_award, proposal=proposal, level=level, by=people.officer)
        proposal_decide(proposal=proposal, adopt=False, by=people.chairman, note="成本过高")
        before = snapshot(proposal)
        error = refused(
            "award_not_adopted", proposal_award, proposal=proposal, level=level, by=people.officer
        )
        assert error.status == 409
        assert snapshot(proposal) == before

        # an adopted one: not by a member, and only with this campaign's levels
        other = submit(union_a, campaign, people.colleague, title="食堂错峰就餐")
        proposal_screening_start(proposal=other, by=people.officer)
        proposal_screen(proposal=other, eligible=True, by=people.officer)
        proposal_score(proposal=other, panelist=people.panelist_officer, values=values(campaign, 9, 9, 9, 9))
        proposal_decide(proposal=other, adopt=True, by=people.chairman, estimated_annual_benefit=0)
        before = snapshot(other)
        refused("proposal_staff_only", proposal_award, proposal=other, level=level, by=people.worker)
        next_year = make_campaign(union_a, people, year=2040)
        refused(
            "award_level",
            proposal_award,
            proposal=other,
            level=next_year.award_levels.first(),
            by=people.officer,
        )
        assert snapshot(other) == before
        proposal_award(proposal=other, level=level, by=people.officer)
        assert Proposal.objects.get(pk=other.pk).award_amount == level.amount


def test_results_only_after_the_evaluation_ends_every_proposal_decided_and_once(union_a, people, campaign):
    proposal = submit(union_a, campaign, people.worker)
    with tenant_context(union_a):
        error = refused("results_too_early", campaign_results_publish, campaign=campaign, by=people.chairman)
        assert campaign.evaluation_ends.strftime("%Y-%m-%d") in str(error.message)
        with clock_at(campaign.evaluation_ends):
            refused("results_too_early", campaign_results_publish, campaign=campaign, by=people.chairman)
        with after_evaluation(campaign):
            refused("results_undecided", campaign_results_publish, campaign=campaign, by=people.chairman)
            refused("proposal_staff_only", campaign_results_publish, campaign=campaign, by=people.worker)
        assert ProposalCampaign.objects.get(pk=campaign.pk).results_published_at is None

        proposal_screening_start(proposal=proposal, by=people.officer)
        proposal_screen(proposal=proposal, eligible=False, by=people.officer, note="不属于本次活动范围")
        with after_evaluation(campaign):
            campaign_results_publish(campaign=campaign, by=people.chairman)
            refused("results_published", campaign_results_publish, campaign=campaign, by=people.chairman)
        refused("campaign_published", campaign_update, campaign=campaign, title="改个名字")


def test_the_criteria_are_locked_once_scoring_starts(union_a, people, campaign, at_evaluation):
    with tenant_context(union_a):
        proposal_score(
            proposal=at_evaluation, panelist=people.panelist_officer, values=values(campaign, 7, 7, 7, 7)
        )
        stored = ProposalCampaign.objects.get(pk=campaign.pk)
        criterion = stored.criteria.order_by("sort_order").first()
        criterion.weight = 35
        last = stored.criteria.order_by("sort_order").last()
        last.weight = 10
        stored.criteria = [criterion, *stored.criteria.order_by("sort_order")[1:3], last]
        refused("criteria_locked", campaign_save, campaign=stored, by=people.chairman)
        assert [c.weight for c in ProposalCampaign.objects.get(pk=campaign.pk).criteria.order_by("sort_order")] == [
            25, 25, 30, 20,
        ]  # fmt: skip
        # the dates and the panel may still change
        campaign_update(
            campaign=campaign, evaluation_ends=campaign.evaluation_ends + datetime.timedelta(days=7)
        )


def test_screening_needs_a_panel_and_staff(union_a, people):
    with tenant_context(union_a):
        campaign = campaign_create(
            year=2033, title="无评审小组的活动", submission_opens=today() - datetime.timedelta(days=1),
            submission_closes=today() + datetime.timedelta(days=5), evaluation_ends=today() + datetime.timedelta(days=9),
        )  # fmt: skip
    proposal = submit(union_a, campaign, people.worker)
    with tenant_context(union_a):
        refused("proposal_staff_only", proposal_screening_start, proposal=proposal, by=people.worker)
        proposal_screening_start(proposal=proposal, by=people.officer)
        before = snapshot(proposal)
        refused("campaign_no_panel", proposal_screen, proposal=proposal, eligible=True, by=people.officer)
        refused("screen_reason", proposal_screen, proposal=proposal, eligible=False, by=people.officer)
        assert snapshot(proposal) == before
        assert not CaseEvent.objects.filter(case_id=proposal.case_id, to_step="evaluation").exists()


def test_an_award_amount_and_benefit_are_never_negative_in_the_database(union_a, people, campaign):
    from django.db import IntegrityError, transaction

    with tenant_context(union_a), pytest.raises(IntegrityError), transaction.atomic():
        campaign.award_levels.filter(pk=campaign.award_levels.first().pk).update(amount=Decimal(-1))


def test_the_generic_case_page_and_api_never_move_a_proposal(union_a, client_for, people, campaign):
    proposal = submit(union_a, campaign, people.worker)
    case_id = proposal.case_id
    client = client_for(union_a)
    account = people.mobiles["chairman"]
    assert client.post("/accounts/login/", {"username": account, "password": PASSWORD}).status_code == 302
    page = client.get(f"/admin/cases/{case_id}/").content.decode()
    assert f"/admin/proposals/{proposal.pk}/" in page
    assert 'value="transition"' not in page
    refused = client.post(f"/api/v1/cases/{case_id}/transition/", {"to_step": "screening"},
                          content_type="application/json")  # fmt: skip
    assert refused.status_code == 400 and refused.json()["code"] == "case_kind_module"
    assert (
        client.post(f"/admin/cases/{case_id}/", {"action": "transition", "to_step": "screening"}).status_code
        == 404
    )
    with tenant_context(union_a):
        assert Proposal.objects.get(pk=proposal.pk).case.step == "received"
