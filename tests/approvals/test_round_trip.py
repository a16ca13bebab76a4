"""Upward approval round trip: a union submits its election plan, the outbox delivers it to the
portal's approvals, the union's district administrator approves it on the portal and the plan in
the union's schema is approved and the chairman told; a return carries the comment back; the
administrator of another district neither sees nor decides it; the result goes up the same way
and, approved, becomes the committee's new term."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from approvals.models import ApprovalRequest
from approvals.selectors import approval_requests_visible_to
from approvals.services import approval_request_decide
from federation.models import Fact
from tenants.committees.models import Position, Term
from tenants.elections.models import ElectionPlan
from tenants.elections.services import ballot_cast, ballot_close, result_submit
from tenants.events.delivery import outbox_deliver_pending
from tenants.notifications.models import Notification
from tests.elections.conftest import decide, online_plan, submit_and_deliver
from tests.incidents.conftest import signed_in
from workershome.errors import ServiceError

pytestmark = pytest.mark.django_db


def test_submit_deliver_approve_on_the_portal_and_the_plan_is_approved_in_the_union(
    union_a, committee, voters, district_admins, client_for, portal, django_capture_on_commit_callbacks
):
    """Given union A's (Chaoyang) plan submitted and delivered,
    when Chaoyang's administrator approves it on the portal page,
    then the request is approved, the union's plan is approved (by the task in its schema) and
    its chairman has a notification; the facts carry counts, not the candidates' names."""
    plan = online_plan(union_a, committee, voters)
    approval = submit_and_deliver(union_a, plan)
    assert approval.status == "pending" and approval.union_id == union_a.pk
    assert approval.district.code == "110105" and approval.kind == "election_plan"
    assert any(voters[1].member.name in row["value"] for row in approval.summary)
    facts = Fact.objects.filter(union=union_a, name="election.plan_submitted")
    assert facts.count() == 1 and voters[1].member.name not in str(facts.get().payload)
    admin = signed_in(client_for(portal), district_admins["chaoyang"].account)
    listing = admin.get("/admin/approvals/")
    assert listing.status_code == 200 and "工会委员会" in listing.content.decode()
    page = admin.get(f"/admin/approvals/{approval.pk}/")
    assert page.status_code == 200 and voters[1].member.name in page.content.decode()
    empty = admin.post(f"/admin/approvals/{approval.pk}/", {"decision": "return", "comment": ""})
    assert empty.status_code == 400  # returning needs a reason
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"/admin/approvals/{approval.pk}/", {"decision": "approve", "comment": "同意"})
    assert response.status_code == 302
    approval.refresh_from_db()
    assert approval.status == "approved" and approval.decided_by_name == "张丽华"
    with tenant_context(union_a):
        plan.refresh_from_db()
        assert plan.status == "approved" and plan.district_comment == "同意"
        assert Notification.objects.filter(recipient=voters[0].user, title__contains="第4届换届选举").exists()


def test_a_returned_plan_comes_back_with_the_comment_and_can_be_resubmitted(
    union_a, committee, voters, district_admins
):
    """Given a submitted plan, when the city administrator returns it with a comment, then the
    union's plan is returned (editable) with that comment; resubmitted, a new request arrives."""
    plan = online_plan(union_a, committee, voters)
    approval = submit_and_deliver(union_a, plan)
    with pytest.raises(ServiceError):
        approval_request_decide(
            approval=approval, approve=False, comment="  ", by=district_admins["city"].user
        )
    decide(
        union_a, approval, district_admins["city"].user, approve=False, comment="候选人差额比例不足，请补充"
    )
    with tenant_context(union_a):
        plan.refresh_from_db()
        assert plan.status == "returned" and "差额" in plan.district_comment and plan.editable
    again = submit_and_deliver(union_a, plan)
    assert again.pk != approval.pk and again.status == "pending"


def test_another_districts_administrator_neither_sees_nor_decides_it(
    union_a, committee, voters, district_admins, client_for, portal
):
    """Given union A's (Chaoyang) request, Haidian's administrator gets a 404 on its page and
    from the service, and an empty list; nobody reaches the approvals on a union's host."""
    approval = submit_and_deliver(union_a, online_plan(union_a, committee, voters))
    haidian = district_admins["haidian"]
    assert not approval_requests_visible_to(haidian.user).filter(pk=approval.pk).exists()
    with pytest.raises(ServiceError) as error:
        approval_request_decide(approval=approval, approve=True, by=haidian.user)
    assert error.value.status == 404
    client = signed_in(client_for(portal), haidian.account)
    assert "工会委员会" not in client.get("/admin/approvals/?status=all").content.decode()
    assert client.get(f"/admin/approvals/{approval.pk}/").status_code == 404
    assert client.post(f"/admin/approvals/{approval.pk}/", {"decision": "approve"}).status_code == 404
    approval.refresh_from_db()
    assert approval.status == "pending"
    assert client_for(union_a).get("/admin/approvals/").status_code in (302, 404)


def test_the_result_goes_up_and_once_approved_becomes_the_new_term(
    union_a, committee, voters, district_admins
):
    """Given an approved online election in which six of eight voted,
    when the ballot closes, the result is submitted and Chaoyang approves it,
    then the old term ends the day before the election and term 4 starts with the elected holding
    their positions; the federation's facts record the election held (method, turnout)."""
    plan = online_plan(union_a, committee, voters)
    decide(union_a, submit_and_deliver(union_a, plan), district_admins["chaoyang"].user)
    with tenant_context(union_a):
        plan.refresh_from_db()
        chair, _rival = plan.candidates.filter(role="chairman").order_by("order")
        members = list(plan.candidates.filter(role="member").order_by("order"))
        for voter in voters[:6]:
            ballot_cast(plan=plan, user=voter.user, choices=[chair.pk, members[0].pk, members[1].pk])
        ElectionPlan.objects.filter(pk=plan.pk).update(
            closes_at=timezone.now() - datetime.timedelta(seconds=1)
        )
        ballot_close(plan=plan)
        result_submit(plan=plan)
        outbox_deliver_pending()
    held = Fact.objects.get(union=union_a, name="election.held").payload
    assert held["method"] == "online" and held["ballots_cast"] == 6 and held["turnout_percent"] == 75.0
    result = ApprovalRequest.objects.get(object_uuid=plan.uuid, kind="election_result")
    decide(union_a, result, district_admins["chaoyang"].user)
    with tenant_context(union_a):
        plan.refresh_from_db()
        assert plan.status == "result_approved" and plan.new_term is not None
        term = Term.objects.get(committee=committee, number=4)
        assert term.starts_on == plan.election_date and plan.new_term == term
        old = Term.objects.get(committee=committee, number=3)
        assert old.ends_on == plan.election_date - datetime.timedelta(days=1)
        held_by = dict(Position.objects.filter(term=term).values_list("member_id", "role"))
        assert held_by == {
            chair.member_id: "chairman",
            members[0].member_id: "member",
            members[1].member_id: "member",
        }
        outbox_deliver_pending()
    assert Fact.objects.filter(union=union_a, name="election.result_approved").count() == 1
