"""The campaign on the union's site (phone first): the current campaign and how proposals are
judged, the submission form, "my proposals", and the published results."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from tenants.proposals.models import Proposal
from tenants.proposals.selectors import clock_at
from tenants.proposals.services import (
    campaign_results_publish,
    proposal_award,
    proposal_decide,
    proposal_score,
    proposal_screen,
    proposal_screening_start,
)

from .conftest import after_evaluation, signed_in, submit

pytestmark = pytest.mark.django_db


def run_to_award(union, people, campaign, proposal, level_name="二等奖", score=8):
    with tenant_context(union):
        criteria = list(campaign.criteria.all())
        proposal_screening_start(proposal=proposal, by=people.officer)
        proposal_screen(proposal=proposal, eligible=True, by=people.officer)
        proposal_score(
            proposal=proposal, panelist=people.panelist_officer, values={str(c.pk): score for c in criteria}
        )
        proposal_decide(
            proposal=proposal, adopt=True, by=people.chairman, estimated_annual_benefit=Decimal("12000")
        )
        proposal_award(proposal=proposal, level=campaign.award_levels.get(name=level_name), by=people.officer)


def test_the_campaign_page_shows_dates_criteria_awards_and_the_procedure(
    union_a, people, campaign, client_for
):
    page = client_for(union_a).get("/proposals/")
    assert page.status_code == 200
    html = page.content.decode()
    for text in (campaign.title, f"{campaign.submission_opens:%Y-%m-%d}", f"{campaign.evaluation_ends:%Y-%m-%d}",
                 "创新性", "经济效益", "一等奖", "初审", "评审打分", 'name="viewport"'):  # fmt: skip
        assert text in html, text
    assert "/proposals/new/" in html  # open: the form is offered


def test_a_member_submits_through_the_form_and_follows_it(union_a, people, campaign, client_for):
    client = signed_in(client_for, union_a, people.mobiles["worker"])
    form = client.get("/proposals/new/")
    assert form.status_code == 200 and 'name="publish_name"' in form.content.decode()
    response = client.post("/proposals/new/", {
        "title": "叉车充电区加装排风扇", "department": "仓储部", "problem": "充电区夏季闷热，有氢气积聚风险。",
        "suggestion": "加装防爆排风扇两台。", "expected_benefit": "消除安全隐患",
        "co_proposers": people.mobiles["colleague"], "publish_name": "on",
    })  # fmt: skip
    assert response.status_code == 302
    with tenant_context(union_a):
        proposal = Proposal.objects.get(title="叉车充电区加装排风扇")
        assert proposal.proposer == people.worker and proposal.publish_name
        assert list(proposal.co_proposers.all()) == [people.colleague]
    assert response["Location"] == f"/proposals/{proposal.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert "叉车充电区加装排风扇" in detail and "登记建议" in detail  # the current step's label
    mine = client.get("/proposals/mine/").content.decode()
    assert "叉车充电区加装排风扇" in mine and "登记建议" in mine
    # the co-proposer follows it too; someone else does not see it
    colleague = signed_in(client_for, union_a, people.mobiles["colleague"])
    assert "叉车充电区加装排风扇" in colleague.get("/proposals/mine/").content.decode()
    other = signed_in(client_for, union_a, people.mobiles["panelist_mediator"])
    assert other.get(f"/proposals/{proposal.pk}/").status_code == 404


def test_the_form_refuses_with_a_message_and_creates_nothing(union_a, people, campaign, client_for):
    client = signed_in(client_for, union_a, people.mobiles["worker"])
    response = client.post("/proposals/new/", {"title": "x", "problem": "p", "suggestion": "s",
                                               "co_proposers": "13900001111"})  # fmt: skip
    assert response.status_code == 200 and "13900001111" in response.content.decode()
    with tenant_context(union_a):
        assert not Proposal.objects.exists()
    with clock_at(campaign.submission_closes + datetime.timedelta(days=1)):
        closed = client.get("/proposals/new/")
        assert 'name="title"' not in closed.content.decode()
        client.post("/proposals/new/", {"title": "迟到的建议", "problem": "p", "suggestion": "s"})
    with tenant_context(union_a):
        assert not Proposal.objects.exists()


def test_signing_in_is_needed_to_submit(union_a, campaign, client_for):
    response = client_for(union_a).get("/proposals/new/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client_for(union_a).get("/proposals/mine/").status_code == 302


def test_scores_are_shown_to_the_proposer_only_after_the_results_are_published(
    union_a, people, campaign, client_for
):
    proposal = submit(union_a, campaign, people.worker)
    run_to_award(union_a, people, campaign, proposal)
    client = signed_in(client_for, union_a, people.mobiles["worker"])
    before = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "8.00" not in before and "公布结果" in before  # the step label of the closed case
    with tenant_context(union_a), after_evaluation(campaign):
        campaign_results_publish(campaign=campaign, by=people.chairman)
    after = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "8.00" in after
    assert "8.00" in client.get("/proposals/mine/").content.decode()


def test_the_results_page_hides_the_names_of_proposers_who_asked(union_a, people, campaign, client_for):
    named = submit(union_a, campaign, people.worker, title="车间照明改用LED", publish_name=True)
    unnamed = submit(union_a, campaign, people.colleague, title="仓库拣货路线优化", publish_name=False)
    run_to_award(union_a, people, campaign, named, "一等奖")
    run_to_award(union_a, people, campaign, unnamed, "三等奖")
    assert client_for(union_a).get(f"/proposals/results/{campaign.year}/").status_code == 404  # not yet
    with tenant_context(union_a), after_evaluation(campaign):
        campaign_results_publish(campaign=campaign, by=people.chairman)
    page = client_for(union_a).get(f"/proposals/results/{campaign.year}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "车间照明改用LED" in html and "仓库拣货路线优化" in html and "一等奖" in html and "三等奖" in html
    assert "王建华" in html
    assert "陈秀兰" not in html  # asked not to be named
    assert people.mobiles["worker"] not in html and people.mobiles["colleague"] not in html
    assert f"/proposals/results/{campaign.year}/" in client_for(union_a).get("/proposals/").content.decode()
