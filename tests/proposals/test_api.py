"""The campaign's API: campaigns (read), proposals (members: own, create; staff: all and the
steps), scores (panelists), results (public once published)."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.proposals.models import Proposal

from .conftest import after_evaluation, signed_in, submit

pytestmark = pytest.mark.django_db


def test_anyone_reads_the_campaigns(union_a, campaign, client_for):
    response = client_for(union_a).get("/api/v1/proposal-campaigns/")
    assert response.status_code == 200
    first = response.json()["results"][0]
    assert first["year"] == campaign.year and first["phase"] == "open"
    assert [c["weight"] for c in first["criteria"]] == [25, 25, 30, 20]
    assert [a["name"] for a in first["award_levels"]] == ["一等奖", "二等奖", "三等奖", "优秀奖"]
    assert "panel" not in first


def test_members_submit_and_see_only_their_own_staff_see_all(union_a, people, campaign, client_for):
    other = submit(union_a, campaign, people.colleague, title="食堂错峰就餐", publish_name=False)
    worker = signed_in(client_for, union_a, people.mobiles["worker"])
    created = worker.post("/api/v1/proposals/", {
        "title": "冲压机加装双手按钮安全防护", "department": "冲压车间",
        "problem": "冲压机单手操作，存在压手风险。", "suggestion": "加装双手同步按钮和光电保护。",
        "publish_name": True,
    }, content_type="application/json")  # fmt: skip
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (
        body["step"] == "received"
        and body["step_label"] == "登记建议"
        and body["proposer"]["name"] == "王建华"
    )
    assert body["scores"] is None
    titles = [p["title"] for p in worker.get("/api/v1/proposals/").json()["results"]]
    assert titles == ["冲压机加装双手按钮安全防护"]
    assert worker.get(f"/api/v1/proposals/{other.pk}/").status_code == 404

    officer = signed_in(client_for, union_a, people.mobiles["officer"])
    assert len(officer.get("/api/v1/proposals/").json()["results"]) == 2
    seen = officer.get(f"/api/v1/proposals/{other.pk}/").json()
    assert seen["proposer"]["name"] == "陈秀兰"


def test_the_api_refuses_with_the_services_messages(union_a, people, campaign, client_for):
    worker = signed_in(client_for, union_a, people.mobiles["worker"])
    response = worker.post("/api/v1/proposals/", {"title": "t", "problem": "p", "suggestion": "s",
                           "co_proposer_mobiles": ["13900001111"]}, content_type="application/json")  # fmt: skip
    assert response.status_code == 400
    assert response.json()["code"] == "co_proposer_unknown" and "co_proposers" in response.json()["fields"]
    proposal = submit(union_a, campaign, people.worker)
    # a member cannot take a staff step
    step = worker.post(f"/api/v1/proposals/{proposal.pk}/screening/", {}, content_type="application/json")
    assert step.status_code == 403 and step.json()["code"] == "proposal_staff_only"
    with tenant_context(union_a):
        assert Proposal.objects.get(pk=proposal.pk).case.step == "received"


def test_the_whole_flow_through_the_api(union_a, people, campaign, client_for):
    proposal = submit(union_a, campaign, people.worker, publish_name=False)
    officer = signed_in(client_for, union_a, people.mobiles["officer"])
    chairman = signed_in(client_for, union_a, people.mobiles["chairman"])
    base = f"/api/v1/proposals/{proposal.pk}"
    assert officer.post(f"{base}/screening/", {}, content_type="application/json").status_code == 200
    screened = officer.post(f"{base}/screen/", {"eligible": True}, content_type="application/json")
    assert screened.json()["step"] == "evaluation"
    with tenant_context(union_a):
        criteria = [str(c.pk) for c in campaign.criteria.order_by("sort_order")]

    mediator = signed_in(client_for, union_a, people.mobiles["panelist_mediator"])
    listed = mediator.get("/api/v1/proposals/").json()["results"]
    assert [p["id"] for p in listed] == [proposal.pk] and listed[0]["proposer"] is None  # blind review
    out_of_range = mediator.post("/api/v1/proposal-scores/", {"proposal": proposal.pk,
                                 "values": dict.fromkeys(criteria, 12)}, content_type="application/json")  # fmt: skip
    assert out_of_range.status_code == 400 and out_of_range.json()["code"] == "score_range"
    scored = mediator.post("/api/v1/proposal-scores/", {"proposal": proposal.pk,
                           "values": dict.fromkeys(criteria, 7)}, content_type="application/json")  # fmt: skip
    assert scored.status_code == 201 and scored.json()["total"] == "7.00"
    again = mediator.post("/api/v1/proposal-scores/", {"proposal": proposal.pk,
                          "values": dict.fromkeys(criteria, 9)}, content_type="application/json")  # fmt: skip
    assert again.status_code == 409 and again.json()["code"] == "score_exists"
    changed = mediator.patch(f"/api/v1/proposal-scores/{scored.json()['id']}/", {"values": dict.fromkeys(criteria, 9)},
                             content_type="application/json")  # fmt: skip
    assert changed.status_code == 200 and changed.json()["total"] == "9.00"
    # an officer who is not on the panel cannot score
    not_panel = officer.post("/api/v1/proposal-scores/", {"proposal": proposal.pk,
                             "values": dict.fromkeys(criteria, 5)}, content_type="application/json")  # fmt: skip
    assert not_panel.status_code == 403 and not_panel.json()["code"] == "score_not_panelist"

    decided = chairman.post(f"{base}/decide/", {"adopt": True, "estimated_annual_benefit": "24000"},
                            content_type="application/json")  # fmt: skip
    assert decided.status_code == 200 and decided.json()["step"] == "implementation"
    assert decided.json()["scores"]["average"] == "9.00"
    with tenant_context(union_a):
        level = campaign.award_levels.get(name="三等奖")
    awarded = officer.post(f"{base}/award/", {"level": level.pk}, content_type="application/json")
    assert awarded.status_code == 200 and awarded.json()["award"]["name"] == "三等奖"

    assert client_for(union_a).get(f"/api/v1/proposal-results/{campaign.year}/").status_code == 404
    early = chairman.post(f"/api/v1/proposal-campaigns/{campaign.pk}/publish/")
    assert early.status_code == 409 and early.json()["code"] == "results_too_early"
    with after_evaluation(campaign):
        assert chairman.post(f"/api/v1/proposal-campaigns/{campaign.pk}/publish/").status_code == 200
    results = client_for(union_a).get(f"/api/v1/proposal-results/{campaign.year}/").json()
    assert results["adopted"] == 1 and results["rows"][0]["proposers"] is None  # asked not to be named
    assert results["rows"][0]["award"] == "三等奖" and results["total_benefit"] == "24000.00"
    assert "王建华" not in str(results)
    assert [r["year"] for r in client_for(union_a).get("/api/v1/proposal-results/").json()["results"]] == [
        campaign.year
    ]

    # the proposer now sees the scores
    worker = signed_in(client_for, union_a, people.mobiles["worker"])
    assert worker.get(f"{base}/").json()["scores"]["average"] == "9.00"


def test_the_openapi_schema_describes_the_endpoints(union_a, client_for):
    schema = client_for(union_a).get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ("/api/v1/proposals/", "/api/v1/proposals/{id}/decide/", "/api/v1/proposal-scores/",
                 "/api/v1/proposal-campaigns/", "/api/v1/proposal-results/{year}/"):  # fmt: skip
        assert path in paths, path
