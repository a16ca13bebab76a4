"""民主选举 through the admin, the worker's pages and the API: a plan drafted, candidates added and
submitted in the admin; a member votes on the ballot page (receipt shown once, a second vote
refused with a clear message) and after the close checks the receipt on the published page; the
paper count refuses more ballots returned than issued; and union B reaches none of union A's
election through any page, admin view or endpoint."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.elections.models import Ballot, ElectionPlan
from tenants.elections.services import ballot_close
from tests.incidents.conftest import signed_in
from tests.membership.roster_helpers import api_client, staff_client

from .conftest import approved_plan
from .test_ballot import _snapshot

pytestmark = pytest.mark.django_db


def test_the_chairman_drafts_and_submits_a_plan_in_the_admin(union_a, client_for, committee, voters):
    """Given the union committee, when the chairman drafts a plan, adds candidates and submits it,
    then the plan is submitted with its roll; bad input is refused on the form, nothing saved."""
    admin = staff_client(client_for, union_a, "chairman")
    assert admin.get("/admin/elections/").status_code == 200
    bad = admin.post("/admin/elections/", {
        "committee": committee.pk, "term_number": 4, "term_years": 5, "election_date": "2026-12-20",
        "method": "online", "majority_base": "cast", "seats_leader": 1, "seats_member": 2,
    })  # fmt: skip
    assert bad.status_code == 400  # online without a window
    now = timezone.localtime() + datetime.timedelta(days=1)
    response = admin.post("/admin/elections/", {
        "committee": committee.pk, "term_number": 4, "term_years": 5, "election_date": now.date().isoformat(),
        "method": "online", "majority_base": "cast", "seats_leader": 1, "seats_member": 2,
        "opens_at": now.strftime("%Y-%m-%d 08:00"), "closes_at": now.strftime("%Y-%m-%d 18:00"),
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(union_a):
        plan = ElectionPlan.objects.get(committee=committee)
    url = f"/admin/elections/{plan.pk}/"
    early = admin.post(url, {"action": "submit"})
    assert early.status_code == 400  # no candidates yet
    for voter, role in ((voters[0], "chairman"), (voters[2], "member"), (voters[3], "member")):
        added = admin.post(url, {"action": "candidate", "member_mobile": voter.account.mobile, "role": role,
                                 "introduction": "生产部职工"})  # fmt: skip
        assert added.status_code == 302
    unknown = admin.post(url, {"action": "candidate", "member_mobile": "13900000000", "role": "member"})
    assert unknown.status_code == 400
    assert voters[2].member.name in admin.get(url).content.decode()
    assert admin.post(url, {"action": "submit"}).status_code == 302
    with tenant_context(union_a):
        plan.refresh_from_db()
        assert plan.status == "submitted" and plan.eligible_count == 8 and plan.voters.count() == 8


def test_a_member_votes_on_the_page_and_checks_the_receipt_after_the_close(
    union_a, client_for, plan, voters, district_admins
):
    """Given an approved open ballot, when a member votes on the page, then only the ballot and
    roll tables change and the receipt is shown once (no-store); voting again is refused with a
    clear message, too many choices too; after the close the published page lists the ballot and
    the receipt check finds its choices."""
    plan = approved_plan(union_a, plan, district_admins["chaoyang"].user)
    client = signed_in(client_for(union_a), voters[6].account)
    assert "/elections/" in client.get("/my/").content.decode()
    listing = client.get("/elections/")
    assert listing.status_code == 200 and str(plan.uuid) in listing.content.decode()
    page = client.get(f"/elections/{plan.uuid}/")
    assert page.status_code == 200
    with tenant_context(union_a):
        chairs = list(plan.candidates.filter(role="chairman").order_by("order"))
    too_many = client.post(f"/elections/{plan.uuid}/", {"choice": [chairs[0].pk, chairs[1].pk]})
    assert too_many.status_code == 400 and 'role="alert"' in too_many.content.decode()
    before = _snapshot([union_a.schema_name, "public"])
    voted = client.post(f"/elections/{plan.uuid}/", {"choice": [chairs[1].pk]})
    after = _snapshot([union_a.schema_name, "public"])
    # Through the page too, the vote writes the ballot and the roll and nothing else (no session)
    assert sorted(name for name in after if after[name] != before.get(name)) == [
        f"{union_a.schema_name}.elections_ballot",
        f"{union_a.schema_name}.elections_voter",
    ]
    assert voted.status_code == 200 and voted["Cache-Control"] == "no-store"
    code = voted.context["code"]
    assert code in voted.content.decode()
    again = client.post(f"/elections/{plan.uuid}/", {"choice": [chairs[0].pk]})
    assert again.status_code == 409 and code not in again.content.decode()
    before = client.get(f"/elections/{plan.uuid}/ballots/")
    assert before.status_code == 200 and code not in before.content.decode()
    with tenant_context(union_a):
        ElectionPlan.objects.filter(pk=plan.pk).update(
            closes_at=timezone.now() - datetime.timedelta(seconds=1)
        )
        ballot_close(plan=plan)
        fingerprint = Ballot.objects.get(plan=plan).receipt_hash[:16]
    published = client.get(f"/elections/{plan.uuid}/ballots/")
    assert fingerprint in published.content.decode()
    checked = client.post(f"/elections/{plan.uuid}/ballots/", {"receipt": code.lower()})
    assert checked.status_code == 200 and checked.context["found"] is not None
    assert [c.pk for c in checked.context["found_choices"]] == [chairs[1].pk]
    wrong = client.post(f"/elections/{plan.uuid}/ballots/", {"receipt": "ABCD-EFGH-JKLM-NPQR"})
    assert wrong.context["found"] is None and wrong.context["checked"]
    officer = staff_client(client_for, union_a, "officer", name="李干事")
    detail = officer.get(f"/admin/elections/{plan.pk}/")
    assert detail.status_code == 200 and 'value="result"' in detail.content.decode()
    assert officer.post(f"/admin/elections/{plan.pk}/", {"action": "result"}).status_code == 302
    assert officer.post(f"/admin/elections/{plan.pk}/", {"action": "result"}).status_code == 409
    late = client.post(f"/elections/{plan.uuid}/", {"choice": []})
    assert late.status_code in (200, 409)
    with tenant_context(union_a):
        assert Ballot.objects.filter(plan=plan).count() == 1


def test_the_paper_count_refuses_more_ballots_returned_than_issued(
    union_a, client_for, committee, voters, district_admins
):
    """Given an approved paper election, when the officers enter 9 ballots returned of 8 issued,
    then it is refused (the vote would be void) and nothing is saved; a right count elects."""
    from tenants.elections.services import candidate_add, paper_count_enter, plan_create
    from workershome.errors import ServiceError

    with tenant_context(union_a):
        plan = plan_create(committee=committee, term_number=4, term_years=5, election_date=timezone.localdate(),
                           method="paper", seats={"chairman": 1, "member": 2})  # fmt: skip
        candidate_add(plan=plan, member=voters[0].member, role="chairman")
        for voter in voters[1:4]:
            candidate_add(plan=plan, member=voter.member, role="member")
    plan = approved_plan(union_a, plan, district_admins["chaoyang"].user)
    with tenant_context(union_a):
        chair, *members = list(plan.candidates.order_by("order"))
        with pytest.raises(ServiceError) as error:
            paper_count_enter(plan=plan, ballots_issued=8, ballots_cast=9, ballots_invalid=0, votes={})
        assert error.value.code == "paper_cast_above_issued"
        with pytest.raises(ServiceError) as error:
            paper_count_enter(plan=plan, ballots_issued=8, ballots_cast=8, ballots_invalid=1,
                              votes={chair.pk: 8})  # fmt: skip
        assert error.value.code == "paper_votes_above_valid"
        with pytest.raises(ServiceError) as error:
            paper_count_enter(plan=plan, ballots_issued=8, ballots_cast=8, ballots_invalid=0,
                              votes={members[0].pk: 7, members[1].pk: 6, members[2].pk: 4})  # fmt: skip
        assert error.value.code == "paper_votes_above_ballots"
        plan.refresh_from_db()
        assert plan.status == "approved" and plan.ballots_cast is None
    admin = staff_client(client_for, union_a, "officer", name="李干事")
    url = f"/admin/elections/{plan.pk}/"
    votes = {f"votes_{chair.pk}": 6, f"votes_{members[0].pk}": 5, f"votes_{members[1].pk}": 4,
             f"votes_{members[2].pk}": 3}  # fmt: skip
    void = admin.post(
        url, {"action": "count", "ballots_issued": 8, "ballots_cast": 9, "ballots_invalid": 0, **votes}
    )
    assert void.status_code == 400 and "ballots_cast" in void.context["count_form"].errors
    assert admin.post(url, {"action": "count", "ballots_issued": 8, "ballots_cast": 8, "ballots_invalid": 1,
                            **votes}).status_code == 302  # fmt: skip
    with tenant_context(union_a):
        plan.refresh_from_db()
        assert plan.status == "counted" and plan.ballots_cast == 8
        elected = set(plan.candidates.filter(elected=True).values_list("pk", flat=True))
        # 7 valid ballots: more than half is 4 or more; 4 > 3.5 elects, 3 does not
        assert elected == {chair.pk, members[0].pk, members[1].pk}


def test_the_election_api(union_a, client_for, plan, voters, district_admins):
    """Given an approved ballot, staff read plans through the API and members vote through it: a
    receipt once, a second ballot 409, and after the close the published ballots and the check."""
    staff = api_client(client_for, union_a, "officer")
    plans = staff.get("/api/v1/elections/plans/")
    assert plans.status_code == 200 and plans.json()["results"][0]["uuid"] == str(plan.uuid)
    plan = approved_plan(union_a, plan, district_admins["chaoyang"].user)
    with tenant_context(union_a):
        from rest_framework.authtoken.models import Token

        key = Token.objects.create(user=voters[3].user).key
        chair = plan.candidates.filter(role="chairman").order_by("order").first()
    member = client_for(union_a, HTTP_AUTHORIZATION=f"Token {key}")
    assert member.get("/api/v1/elections/plans/").status_code == 403
    mine = member.get("/api/v1/elections/ballots/").json()
    assert mine[0]["uuid"] == str(plan.uuid) and not mine[0]["voted"]
    vote = member.post(f"/api/v1/elections/ballots/{plan.uuid}/vote/", {"choices": [chair.pk]},
                       content_type="application/json")  # fmt: skip
    assert vote.status_code == 201
    receipt = vote.json()["receipt"]
    second = member.post(f"/api/v1/elections/ballots/{plan.uuid}/vote/", {"choices": []},
                         content_type="application/json")  # fmt: skip
    assert second.status_code == 409 and second.json()["code"] == "ballot_already_cast"
    with tenant_context(union_a):
        ElectionPlan.objects.filter(pk=plan.pk).update(
            closes_at=timezone.now() - datetime.timedelta(seconds=1)
        )
    closed = staff.post(f"/api/v1/elections/plans/{plan.pk}/close/")
    assert closed.status_code == 200 and closed.json()["status"] == "counted"
    published = member.get(f"/api/v1/elections/ballots/{plan.uuid}/published/").json()
    assert published["ballots_cast"] == 1 and published["recount"] == {str(chair.pk): 1}
    check = member.post(f"/api/v1/elections/ballots/{plan.uuid}/verify/", {"receipt": receipt},
                        content_type="application/json").json()  # fmt: skip
    assert check == {"found": True, "choices": [chair.pk]}


def test_union_b_reaches_nothing_of_union_a(union_a, union_b, client_for, plan, voters, district_admins):
    """Given union A's approved election, union B's chairman, officers and members get 404 (or an
    empty list) for it on every admin view, page and endpoint, and change nothing."""
    plan = approved_plan(union_a, plan, district_admins["chaoyang"].user)
    with tenant_context(union_a):
        chair = plan.candidates.filter(role="chairman").first()
        title = str(plan)
    admin_b = staff_client(client_for, union_b, "chairman", name="刘主席")
    assert admin_b.get(f"/admin/elections/{plan.pk}/").status_code == 404
    assert admin_b.post(f"/admin/elections/{plan.pk}/", {"action": "submit"}).status_code == 404
    assert title not in admin_b.get("/admin/elections/").content.decode()
    member_b = staff_client(client_for, union_b, "member", name="冯职工")
    for url in (f"/elections/{plan.uuid}/", f"/elections/{plan.uuid}/ballots/"):
        assert member_b.get(url).status_code == 404
    assert member_b.post(f"/elections/{plan.uuid}/", {"choice": [chair.pk]}).status_code == 404
    assert member_b.post(f"/elections/{plan.uuid}/ballots/", {"receipt": "X"}).status_code == 404
    assert str(plan.uuid) not in member_b.get("/elections/").content.decode()
    api_b = api_client(client_for, union_b, "chairman", name="刘书记")
    assert api_b.get("/api/v1/elections/plans/").json()["results"] == []
    for method, url in (
        ("get", f"/api/v1/elections/plans/{plan.pk}/"),
        ("post", f"/api/v1/elections/plans/{plan.pk}/submit/"),
        ("post", f"/api/v1/elections/plans/{plan.pk}/close/"),
        ("post", f"/api/v1/elections/plans/{plan.pk}/submit-result/"),
        ("get", f"/api/v1/elections/ballots/{plan.uuid}/"),
        ("post", f"/api/v1/elections/ballots/{plan.uuid}/vote/"),
        ("get", f"/api/v1/elections/ballots/{plan.uuid}/published/"),
        ("post", f"/api/v1/elections/ballots/{plan.uuid}/verify/"),
    ):
        assert getattr(api_b, method)(url).status_code == 404, url
    # A member of union A signed in on union B's host is nobody there
    stray = client_for(union_b)
    assert (
        stray.post("/accounts/login/", {"username": voters[0].account.mobile, "password": "x"}).status_code
        != 302
    )
    with tenant_context(union_a):
        plan.refresh_from_db()
        assert plan.status == "approved" and not Ballot.objects.filter(plan=plan).exists()
