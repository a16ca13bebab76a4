"""The campaign in the union's Wagtail admin: campaigns (create, edit, publish), the proposal
list with steps and average scores, and the screening, scoring, decision and award forms."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django_tenants.utils import tenant_context

from tenants.proposals.models import Proposal, ProposalCampaign, ProposalScore
from tenants.proposals.services import proposal_score, proposal_screen, proposal_screening_start

from .conftest import after_evaluation, signed_in, submit, today

pytestmark = pytest.mark.django_db

CAMPAIGNS = "/admin/proposal-campaigns/"
PROPOSALS = "/admin/proposals/"


def campaign_form(people, *, year=2035, weights=(25, 25, 30, 20), opens=None, closes=None, ends=None) -> dict:
    day = today()
    data = {
        "year": str(year), "title": f"{year}年度合理化建议活动", "description": "节能降耗",
        "submission_opens": f"{opens or day:%Y-%m-%d}",
        "submission_closes": f"{closes or day + datetime.timedelta(days=30):%Y-%m-%d}",
        "evaluation_ends": f"{ends or day + datetime.timedelta(days=60):%Y-%m-%d}",
        "score_max": "10", "panel": [str(people.panelist_officer.pk), str(people.panelist_mediator.pk)],
    }  # fmt: skip
    names = ("创新性", "可行性", "经济效益", "推广价值")
    data |= {"criteria-TOTAL_FORMS": str(len(weights)), "criteria-INITIAL_FORMS": "0",
             "criteria-MIN_NUM_FORMS": "1", "criteria-MAX_NUM_FORMS": "1000"}  # fmt: skip
    for i, weight in enumerate(weights):
        data |= {f"criteria-{i}-name": names[i], f"criteria-{i}-weight": str(weight),
                 f"criteria-{i}-description": "", f"criteria-{i}-ORDER": str(i + 1), f"criteria-{i}-id": ""}  # fmt: skip
    data |= {"award_levels-TOTAL_FORMS": "2", "award_levels-INITIAL_FORMS": "0",
             "award_levels-MIN_NUM_FORMS": "0", "award_levels-MAX_NUM_FORMS": "1000"}  # fmt: skip
    for i, (name, amount) in enumerate((("一等奖", "2000"), ("优秀奖", "200"))):
        data |= {f"award_levels-{i}-name": name, f"award_levels-{i}-amount": amount,
                 f"award_levels-{i}-ORDER": str(i + 1), f"award_levels-{i}-id": ""}  # fmt: skip
    return data


def messages_of(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_an_officer_creates_a_campaign_and_bad_weights_are_refused(union_a, people, client_for):
    client = signed_in(client_for, union_a, people.mobiles["officer"])
    assert client.get(CAMPAIGNS + "new/").status_code == 200
    refused = client.post(CAMPAIGNS + "new/", campaign_form(people, weights=(50, 30, 10, 5)))
    assert refused.status_code == 200 and "95" in refused.content.decode()
    unordered = client.post(CAMPAIGNS + "new/", campaign_form(people, ends=today()))
    assert unordered.status_code == 200
    with tenant_context(union_a):
        assert not ProposalCampaign.objects.exists()
    created = client.post(CAMPAIGNS + "new/", campaign_form(people))
    assert created.status_code == 302, created.content.decode()[:2000]
    with tenant_context(union_a):
        campaign = ProposalCampaign.objects.get(year=2035)
        assert [c.weight for c in campaign.criteria.order_by("sort_order")] == [25, 25, 30, 20]
        assert set(campaign.panel.all()) == {people.panelist_officer, people.panelist_mediator}
    listing = client.get(CAMPAIGNS).content.decode()
    assert "2035年度合理化建议活动" in listing


def test_the_panel_is_chosen_among_staff_only(union_a, people, client_for):
    client = signed_in(client_for, union_a, people.mobiles["chairman"])
    html = client.get(CAMPAIGNS + "new/").content.decode()
    assert "周评委" in html and "王建华" not in html
    data = campaign_form(people) | {"panel": [str(people.worker.pk)]}
    assert client.post(CAMPAIGNS + "new/", data).status_code == 200
    with tenant_context(union_a):
        assert not ProposalCampaign.objects.exists()


def test_staff_work_a_proposal_through_the_admin(union_a, people, campaign, client_for):
    proposal = submit(union_a, campaign, people.worker, publish_name=False)
    url = f"{PROPOSALS}{proposal.pk}/"
    officer = signed_in(client_for, union_a, people.mobiles["officer"])
    listing = officer.get(PROPOSALS).content.decode()
    assert proposal.title in listing and "登记建议" in listing and "王建华" in listing
    assert officer.post(url, {"action": "screening_start"}).status_code == 302
    assert officer.post(url, {"action": "screen", "eligible": "1", "note": "符合条件"}).status_code == 302

    # The mediator on the panel scores without seeing who proposed it
    with tenant_context(union_a):
        criteria = list(campaign.criteria.order_by("sort_order"))
    mediator = signed_in(client_for, union_a, people.mobiles["panelist_mediator"])
    page = mediator.get(url).content.decode()
    assert 'value="score"' in page and "王建华" not in page
    assert "王建华" not in mediator.get(PROPOSALS).content.decode()
    bad = mediator.post(url, {"action": "score", **{f"c{c.pk}": "11" for c in criteria}})
    assert bad.status_code == 400
    good = {
        "action": "score",
        "comment": "很实用",
        **{f"c{c.pk}": str(v) for c, v in zip(criteria, (8, 7, 9, 6), strict=True)},
    }
    assert mediator.post(url, good).status_code == 302
    assert mediator.post(url, good | {f"c{criteria[0].pk}": "9"}).status_code == 302  # changes own score
    with tenant_context(union_a):
        score = ProposalScore.objects.get(proposal=proposal, panelist=people.panelist_mediator)
        assert score.values[str(criteria[0].pk)] == 9 and str(score.total) == "7.90"
        proposal_score(proposal=proposal, panelist=people.panelist_officer,
                       values={str(c.pk): 6 for c in criteria})  # fmt: skip
    # the mediator sees only their own score
    assert "孙评委" not in mediator.get(url).content.decode()

    # The chairman sees the weighted average and decides; an officer gets no decision form
    assert 'value="decide"' not in officer.get(url).content.decode()
    chairman = signed_in(client_for, union_a, people.mobiles["chairman"])
    page = chairman.get(url).content.decode()
    assert 'value="decide"' in page and "6.95" in page  # (7.90 + 6.00) / 2
    assert "6.95" in chairman.get(PROPOSALS).content.decode()
    no_benefit = chairman.post(url, {"action": "decide", "adopt": "1", "note": ""})
    assert no_benefit.status_code == 400
    assert (
        chairman.post(
            url, {"action": "decide", "adopt": "1", "estimated_annual_benefit": "50000"}
        ).status_code
        == 302
    )

    # The officer awards it once implemented
    with tenant_context(union_a):
        level = campaign.award_levels.get(name="二等奖")
    assert (
        officer.post(url, {"action": "award", "level": str(level.pk), "annual_benefit": ""}).status_code
        == 302
    )
    with tenant_context(union_a):
        proposal = Proposal.objects.select_related("case").get(pk=proposal.pk)
        assert proposal.award_level == level and proposal.case.status == "closed"

    # The results are published from the campaign list, not before the evaluation ends
    publish = f"{CAMPAIGNS}{campaign.pk}/publish/"
    early = officer.post(publish)
    assert early.status_code == 302 and campaign.evaluation_ends.strftime("%Y-%m-%d") in messages_of(early)
    with after_evaluation(campaign):
        assert officer.post(publish).status_code == 302
    with tenant_context(union_a):
        assert ProposalCampaign.objects.get(pk=campaign.pk).results_published_at is not None


def test_members_and_outsiders_have_no_admin_access(union_a, people, campaign, client_for):
    proposal = submit(union_a, campaign, people.worker)
    worker = signed_in(client_for, union_a, people.mobiles["worker"])
    for url in (CAMPAIGNS, PROPOSALS, f"{PROPOSALS}{proposal.pk}/"):
        assert worker.get(url).status_code in (302, 403, 404)
    assert worker.post(f"{PROPOSALS}{proposal.pk}/", {"action": "screening_start"}).status_code in (
        302,
        403,
        404,
    )
    with tenant_context(union_a):
        assert Proposal.objects.get(pk=proposal.pk).case.step == "received"


def test_a_panelist_does_not_see_proposals_before_screening(union_a, people, campaign, client_for):
    proposal = submit(union_a, campaign, people.worker)
    mediator = signed_in(client_for, union_a, people.mobiles["panelist_mediator"])
    assert mediator.get(f"{PROPOSALS}{proposal.pk}/").status_code == 404
    with tenant_context(union_a):
        proposal_screening_start(proposal=proposal, by=people.officer)
        proposal_screen(proposal=proposal, eligible=True, by=people.officer)
    assert mediator.get(f"{PROPOSALS}{proposal.pk}/").status_code == 200
    assert mediator.get(CAMPAIGNS).status_code in (302, 403)


def edit_form(campaign, people, **changes) -> dict:
    """The edit form as the admin shows it for ``campaign``, with ``changes``."""
    criteria = list(campaign.criteria.order_by("sort_order"))
    awards = list(campaign.award_levels.order_by("sort_order"))
    data = {
        "year": str(campaign.year), "title": campaign.title, "description": campaign.description,
        "submission_opens": f"{campaign.submission_opens:%Y-%m-%d}",
        "submission_closes": f"{campaign.submission_closes:%Y-%m-%d}",
        "evaluation_ends": f"{campaign.evaluation_ends:%Y-%m-%d}", "score_max": str(campaign.score_max),
        "panel": [str(u.pk) for u in campaign.panel.all()],
        "criteria-TOTAL_FORMS": str(len(criteria)), "criteria-INITIAL_FORMS": str(len(criteria)),
        "criteria-MIN_NUM_FORMS": "1", "criteria-MAX_NUM_FORMS": "1000",
        "award_levels-TOTAL_FORMS": str(len(awards)), "award_levels-INITIAL_FORMS": str(len(awards)),
        "award_levels-MIN_NUM_FORMS": "0", "award_levels-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for i, c in enumerate(criteria):
        data |= {f"criteria-{i}-id": str(c.pk), f"criteria-{i}-name": c.name, f"criteria-{i}-weight": str(c.weight),
                 f"criteria-{i}-description": c.description, f"criteria-{i}-ORDER": str(i + 1)}  # fmt: skip
    for i, a in enumerate(awards):
        data |= {f"award_levels-{i}-id": str(a.pk), f"award_levels-{i}-name": a.name,
                 f"award_levels-{i}-amount": str(a.amount), f"award_levels-{i}-ORDER": str(i + 1)}  # fmt: skip
    return data | changes


def test_editing_a_campaign_and_the_criteria_lock(union_a, people, campaign, client_for):
    client = signed_in(client_for, union_a, people.mobiles["chairman"])
    url = f"{CAMPAIGNS}edit/{campaign.pk}/"
    assert client.get(url).status_code == 200
    with tenant_context(union_a):
        data = edit_form(campaign, people, title="2031年度“金点子”合理化建议活动")
    assert client.post(url, data).status_code == 302
    with tenant_context(union_a):
        assert ProposalCampaign.objects.get(pk=campaign.pk).title == "2031年度“金点子”合理化建议活动"
        proposal = submit(union_a, campaign, people.worker)
        proposal_screening_start(proposal=proposal, by=people.officer)
        proposal_screen(proposal=proposal, eligible=True, by=people.officer)
        proposal_score(proposal=proposal, panelist=people.panelist_officer,
                       values={str(c.pk): 5 for c in campaign.criteria.all()})  # fmt: skip
        reweighted = edit_form(campaign, people) | {"criteria-0-weight": "30", "criteria-3-weight": "15"}
    refused = client.post(url, reweighted)
    assert refused.status_code == 200
    with tenant_context(union_a):
        assert [c.weight for c in campaign.criteria.order_by("sort_order")] == [25, 25, 30, 20]
