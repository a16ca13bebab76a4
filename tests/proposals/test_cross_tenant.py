"""Union B's members and officers can neither see nor change union A's campaign and proposals,
through the pages, the admin or the API (ids are looked up in the host's own schema)."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.proposals.models import Proposal, ProposalCampaign
from tenants.proposals.services import campaign_results_publish, proposal_screen, proposal_screening_start
from tests.factories import make_person

from .conftest import after_evaluation, signed_in, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def union_b_people(union_b):
    officer_account, _officer = make_person(union_b, "chairman", name="刘主席")
    member_account, _member = make_person(union_b, "member", name="赵职工")
    return officer_account.mobile, member_account.mobile


@pytest.fixture
def a_published(union_a, people, campaign):
    """Union A: a screened-out proposal (so the results can be published) and one at evaluation."""
    closed = submit(union_a, campaign, people.worker, title="星河专属建议甲")
    open_ = submit(union_a, campaign, people.colleague, title="星河专属建议乙")
    with tenant_context(union_a):
        proposal_screening_start(proposal=closed, by=people.officer)
        proposal_screen(proposal=closed, eligible=False, by=people.officer, note="不属于活动范围")
    return closed, open_


def test_union_b_sees_nothing_of_union_a(
    union_a, union_b, people, campaign, a_published, union_b_people, client_for
):
    closed, open_ = a_published
    officer_b, member_b = (signed_in(client_for, union_b, m) for m in union_b_people)
    for client in (officer_b, member_b, client_for(union_b)):
        page = client.get("/proposals/").content.decode()
        assert campaign.title not in page
        assert client.get(f"/proposals/{closed.pk}/").status_code in (302, 404)
        assert client.get(f"/proposals/results/{campaign.year}/").status_code == 404
        api = client.get("/api/v1/proposal-campaigns/")
        assert api.status_code == 200 and api.json()["results"] == []
        assert client.get(f"/api/v1/proposal-campaigns/{campaign.pk}/").status_code == 404
        assert client.get(f"/api/v1/proposals/{closed.pk}/").status_code in (401, 403, 404)
    assert officer_b.get("/api/v1/proposals/").json()["results"] == []
    # the admin of B does not know A's ids
    assert officer_b.get(f"/admin/proposals/{open_.pk}/").status_code == 404
    assert campaign.title not in officer_b.get("/admin/proposal-campaigns/").content.decode()
    assert officer_b.get(f"/admin/proposal-campaigns/edit/{campaign.pk}/").status_code in (302, 404)


def test_union_b_changes_nothing_of_union_a(
    union_a, union_b, people, campaign, a_published, union_b_people, client_for
):
    _closed, open_ = a_published
    officer_b = signed_in(client_for, union_b, union_b_people[0])
    officer_b.post(f"/admin/proposals/{open_.pk}/", {"action": "screening_start"})
    officer_b.post(f"/api/v1/proposals/{open_.pk}/screening/", {}, content_type="application/json")
    officer_b.post(f"/admin/proposal-campaigns/{campaign.pk}/publish/")
    with after_evaluation(campaign):
        officer_b.post(f"/api/v1/proposal-campaigns/{campaign.pk}/publish/")
    officer_b.post(
        "/api/v1/proposal-scores/", {"proposal": open_.pk, "values": {}}, content_type="application/json"
    )
    with tenant_context(union_a):
        assert Proposal.objects.get(pk=open_.pk).case.step == "received"
        assert ProposalCampaign.objects.get(pk=campaign.pk).results_published_at is None
    # B's session is worthless on A's host: it is sent to sign in
    officer_b.defaults["HTTP_HOST"] = union_a.primary_host
    assert officer_b.get("/admin/proposals/").status_code == 302
    assert officer_b.get("/api/v1/proposals/").status_code in (401, 403)
    # and once A publishes, B's host still shows nothing of it
    with tenant_context(union_a), after_evaluation(campaign):
        proposal_screening_start(proposal=open_, by=people.officer)
        proposal_screen(proposal=open_, eligible=False, by=people.officer, note="重复建议")
        campaign_results_publish(campaign=campaign, by=people.chairman)
    assert client_for(union_b).get(f"/api/v1/proposal-results/{campaign.year}/").status_code == 404
    assert client_for(union_a).get(f"/api/v1/proposal-results/{campaign.year}/").status_code == 200
