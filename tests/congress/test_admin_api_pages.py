"""职代会 through the admin, the API and the site: the chairman runs a session (quorum refused
with the message on the page), reviews and answers a motion; a delegate drafts, co-signs,
submits and rates through the API and the pages; members read disclosure items and resolutions.
Union B reaches none of union A's congress through any page, admin view or endpoint."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation
from django_tenants.utils import tenant_context

from tenants.congress.models import CongressSession, DisclosureItem, Motion
from tenants.congress.services import (
    attendance_record,
    disclosure_save,
    motion_cosign,
    motion_draft,
    motion_reply,
    motion_review,
    motion_submit,
    resolution_record,
    session_open,
)
from tests.factories import PASSWORD
from tests.membership.roster_helpers import api_client, staff_client

pytestmark = pytest.mark.django_db
QUORUM = (
    "The session cannot convene: %(present)s of %(total)s delegates are present, and at least two thirds "
    "(%(needed)s) must be."
)
COSIGNERS = "A motion needs at least %(needed)s co-signers among the delegates; this one has %(have)s."


def zh(msgid: str, **params) -> str:
    """The message as the site shows it by default (zh-hans)."""
    with translation.override("zh-hans"):
        return translation.gettext(msgid) % params


def _signed_in(client_for, union, account) -> Client:
    client = client_for(union)
    assert (
        client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD}).status_code == 302
    )
    return client


def test_the_chairman_runs_a_session_in_the_admin(union_a, client_for, session, seats):
    admin = staff_client(client_for, union_a, "chairman")
    assert admin.get("/admin/congress/sessions/").status_code == 200
    url = f"/admin/congress/sessions/{session.pk}/"
    page = admin.get(url).content.decode()
    assert "陈立新" in page and "生产一车间代表团" in page
    admin.post(url, {"action": "attendance", "present": [seat.delegate.pk for seat in seats[:3]]})
    refused = admin.post(url, {"action": "open"})
    assert refused.status_code == 400 and zh(QUORUM, present=3, total=6, needed=4) in refused.content.decode()
    admin.post(url, {"action": "attendance", "present": [seat.delegate.pk for seat in seats]})
    assert admin.post(url, {"action": "open"}).status_code == 302
    voted = admin.post(url, {"action": "resolution", "title": "关于集体合同草案的决议", "method": "show_of_hands",
                             "votes_for": 5, "votes_against": 1, "votes_abstain": 0})  # fmt: skip
    assert voted.status_code == 302
    too_many = admin.post(url, {"action": "resolution", "title": "多票", "method": "ballot", "votes_for": 7,
                                "votes_against": 0, "votes_abstain": 0})  # fmt: skip
    assert too_many.status_code == 400
    admin.post(url, {"action": "minutes", "minutes": "会议应到代表6人，实到6人。"})
    with tenant_context(union_a):
        session.refresh_from_db()
        assert session.status == "open" and session.minutes.startswith("会议应到")
        assert session.resolutions.get().passed
    unknown = admin.post(url, {"action": "delegate", "member_mobile": "13900000000", "constituency": "机关"})
    assert unknown.status_code == 400


def test_review_and_reply_in_the_admin_then_the_delegate_rates_on_the_site(
    union_a, client_for, session, seats
):
    with tenant_context(union_a):
        motion = motion_draft(session=session, user=seats[0].user, title="关于增设职工停车位的提案",
                              reason="停车位不足。", proposal="利用东侧空地增设车位。")  # fmt: skip
        for seat in seats[1:3]:
            motion_cosign(motion=motion, user=seat.user)
        motion_submit(motion=motion, user=seats[0].user)
    admin = staff_client(client_for, union_a, "officer", name="李干事")
    url = f"/admin/congress/motions/{motion.pk}/"
    assert "关于增设职工停车位的提案" in admin.get("/admin/congress/motions/").content.decode()
    missing = admin.post(url, {"action": "review", "decision": "accepted", "department": ""})
    assert missing.status_code == 400
    assert (
        admin.post(url, {"action": "review", "decision": "accepted", "department": "人力资源部"}).status_code
        == 302
    )
    assert admin.post(url, {"action": "reply", "reply": "已规划新增车位40个。"}).status_code == 302

    delegate = _signed_in(client_for, union_a, seats[0].account)
    page = delegate.get(f"/congress/motions/{motion.pk}/").content.decode()
    assert "已规划新增车位40个。" in page and 'name="satisfaction"' in page
    rated = delegate.post(f"/congress/motions/{motion.pk}/rate/", {"satisfaction": "satisfied"})
    assert rated.status_code == 302
    with tenant_context(union_a):
        motion.refresh_from_db()
        assert (motion.status, motion.satisfaction) == ("closed", "satisfied")


def test_a_delegate_drafts_cosigns_and_submits_on_the_site(union_a, client_for, session, seats):
    proposer = _signed_in(client_for, union_a, seats[0].account)
    assert proposer.get("/congress/").status_code == 200
    empty = proposer.post("/congress/motions/new/", {"title": "", "reason": "", "proposal": ""})
    assert empty.status_code == 400
    created = proposer.post("/congress/motions/new/", {"title": "关于开设职工子女暑托班的提案",
                            "reason": "双职工家庭暑期无人照看孩子。", "proposal": "由工会联合行政开设暑托班。"})  # fmt: skip
    assert created.status_code == 302
    with tenant_context(union_a):
        motion = Motion.objects.get(title="关于开设职工子女暑托班的提案")
    refused = proposer.post(f"/congress/motions/{motion.pk}/submit/", follow=True)
    assert zh(COSIGNERS, needed=2, have=0) in refused.content.decode()
    for seat in seats[1:3]:
        cosigner = _signed_in(client_for, union_a, seat.account)
        assert "关于开设职工子女暑托班的提案" in cosigner.get("/congress/").content.decode()
        assert cosigner.post(f"/congress/motions/{motion.pk}/cosign/").status_code == 302
    proposer.post(f"/congress/motions/{motion.pk}/submit/")
    with tenant_context(union_a):
        motion.refresh_from_db()
        assert motion.status == "submitted" and motion.cosigners.count() == 2


def test_members_see_disclosure_and_resolutions_and_a_non_delegate_cannot_write(
    union_a, client_for, session, seats
):
    from tests.factories import make_person

    with tenant_context(union_a):
        disclosure_save(category="pay", title="2026年度工资调整方案", content="全员月工资平均上调4%。",
                        disclosed_on=session.held_on)  # fmt: skip
        disclosure_save(category="other", title="未公开事项", content="草稿", disclosed_on=session.held_on,
                        published=False)  # fmt: skip
        attendance_record(session=session, present_ids=[seat.delegate.pk for seat in seats])
        session_open(session=session)
        resolution_record(session=session, title="关于职工福利方案的决议", method="ballot", votes_for=6,
                          votes_against=0, votes_abstain=0)  # fmt: skip
    account, _user = make_person(union_a, "member", name="普通会员")
    member = _signed_in(client_for, union_a, account)
    page = member.get("/congress/").content.decode()
    assert "2026年度工资调整方案" in page and "关于职工福利方案的决议" in page and "未公开事项" not in page
    assert member.get("/congress/motions/new/").status_code == 403
    hub = member.get("/my/").content.decode()
    assert 'href="/congress/"' in hub and 'href="/appraisal/"' in hub
    api = api_client(client_for, union_a, "member", name="会员乙")
    assert [d["title"] for d in api.get("/api/v1/congress/disclosures/").json()["results"]] == [
        "2026年度工资调整方案"
    ]
    assert api.get("/api/v1/congress/resolutions/").json()["results"][0]["passed"] is True
    assert api.get("/api/v1/congress/sessions/").status_code == 403
    assert client_for(union_a).get("/congress/").status_code == 302  # sign in first


def test_the_congress_api_for_staff_and_delegates(union_a, client_for, session, seats):
    from rest_framework.authtoken.models import Token

    staff = api_client(client_for, union_a, "chairman", name="张主席")
    listing = staff.get("/api/v1/congress/sessions/").json()["results"]
    assert listing[0]["title"] == "第五届职工代表大会第二次会议" and len(listing[0]["delegates"]) == 6
    attendance = [seat.delegate.pk for seat in seats[:3]]
    staff.post(f"/api/v1/congress/sessions/{session.pk}/attendance/", {"present": attendance},
               content_type="application/json")  # fmt: skip
    refused = staff.post(f"/api/v1/congress/sessions/{session.pk}/open/")
    assert refused.status_code == 400 and refused.json()["code"] == "quorum_not_met"
    staff.post(f"/api/v1/congress/sessions/{session.pk}/attendance/", {"present": [s.delegate.pk for s in seats]},
               content_type="application/json")  # fmt: skip
    assert staff.post(f"/api/v1/congress/sessions/{session.pk}/open/").json()["status"] == "open"

    def token_client(seat):
        with tenant_context(union_a):
            key = Token.objects.create(user=seat.user).key
        return client_for(union_a, HTTP_AUTHORIZATION=f"Token {key}")

    proposer, first, second = (token_client(seat) for seat in seats[:3])
    drafted = proposer.post("/api/v1/congress/my-motions/", {"session": session.pk, "title": "关于改善班组休息室的提案",
                            "reason": "休息室狭小。", "proposal": "扩建休息室。"}, content_type="application/json")  # fmt: skip
    assert drafted.status_code == 201
    pk = drafted.json()["id"]
    short = proposer.post(f"/api/v1/congress/my-motions/{pk}/submit/")
    assert short.status_code == 400 and short.json()["code"] == "motion_cosigners_missing"
    assert first.post(f"/api/v1/congress/my-motions/{pk}/cosign/").status_code == 200
    assert second.post(f"/api/v1/congress/my-motions/{pk}/cosign/").json()["cosigners"] == [
        "刘海波",
        "杨春燕",
    ]
    assert proposer.post(f"/api/v1/congress/my-motions/{pk}/submit/").json()["status"] == "submitted"
    reviewed = staff.post(f"/api/v1/congress/motions/{pk}/review/", {"decision": "accepted", "department": "人力资源部"},
                          content_type="application/json")  # fmt: skip
    assert reviewed.json()["department"] == "人力资源部" and reviewed.json()["overdue"] is False
    staff.post(
        f"/api/v1/congress/motions/{pk}/reply/", {"text": "下季度扩建。"}, content_type="application/json"
    )
    rated = proposer.post(f"/api/v1/congress/my-motions/{pk}/rate/", {"satisfaction": "satisfied"},
                          content_type="application/json")  # fmt: skip
    assert rated.json()["status"] == "closed"
    disclosed = staff.post("/api/v1/congress/disclosures/manage/", {"category": "safety", "title": "安全生产检查结果",
                           "content": "检查合格。", "disclosed_on": "2026-04-18", "published": True},
                           content_type="application/json")  # fmt: skip
    assert disclosed.status_code == 201
    assert proposer.get("/api/v1/congress/motions/").status_code == 403


def test_union_b_reaches_none_of_union_as_congress(union_a, union_b, client_for, session, seats):
    with tenant_context(union_a):
        motion = motion_draft(
            session=session, user=seats[0].user, title="甲单位提案", reason="理由", proposal="建议"
        )
        for seat in seats[1:3]:
            motion_cosign(motion=motion, user=seat.user)
        motion_submit(motion=motion, user=seats[0].user)
        motion_review(motion=motion, decision="accepted", department="人力资源部")
        motion_reply(motion=motion, reply="答复")
        item = disclosure_save(
            category="pay", title="甲单位公开", content="内容", disclosed_on=session.held_on
        )
    admin_b = staff_client(client_for, union_b, "chairman", name="刘主席")
    assert "第五届职工代表大会" not in admin_b.get("/admin/congress/sessions/").content.decode()
    assert "甲单位提案" not in admin_b.get("/admin/congress/motions/").content.decode()
    assert "甲单位公开" not in admin_b.get("/admin/congress/disclosures/").content.decode()
    for url in (f"/admin/congress/sessions/{session.pk}/", f"/admin/congress/motions/{motion.pk}/",
                f"/admin/congress/disclosures/{item.pk}/"):  # fmt: skip
        assert admin_b.get(url).status_code == 404
    assert admin_b.post(f"/admin/congress/sessions/{session.pk}/", {"action": "close"}).status_code == 404
    assert (
        admin_b.post(f"/admin/congress/motions/{motion.pk}/", {"action": "reply", "reply": "x"}).status_code
        == 404
    )

    api_b = api_client(client_for, union_b, "chairman", name="王主席")
    assert api_b.get("/api/v1/congress/sessions/").json()["results"] == []
    assert api_b.get("/api/v1/congress/motions/").json()["results"] == []
    assert api_b.get("/api/v1/congress/disclosures/").json()["results"] == []
    assert api_b.get("/api/v1/congress/disclosures/manage/").json()["results"] == []
    assert api_b.get("/api/v1/congress/resolutions/").json()["results"] == []
    assert api_b.get(f"/api/v1/congress/sessions/{session.pk}/").status_code == 404
    assert api_b.post(f"/api/v1/congress/sessions/{session.pk}/close/").status_code == 404
    assert api_b.post(f"/api/v1/congress/motions/{motion.pk}/review/", {"decision": "suggestion"},
                      content_type="application/json").status_code == 404  # fmt: skip
    assert api_b.get(f"/api/v1/congress/my-motions/{motion.pk}/").status_code == 404
    assert api_b.post(f"/api/v1/congress/my-motions/{motion.pk}/rate/", {"satisfaction": "unsatisfied"},
                      content_type="application/json").status_code == 404  # fmt: skip
    assert api_b.put(f"/api/v1/congress/disclosures/manage/{item.pk}/", {"category": "pay", "title": "改",
                     "content": "改", "disclosed_on": "2026-01-01"}, content_type="application/json").status_code == 404  # fmt: skip

    member_b = staff_client(client_for, union_b, "member", name="乙会员")
    assert "甲单位公开" not in member_b.get("/congress/").content.decode()
    assert member_b.get(f"/congress/motions/{motion.pk}/").status_code == 404
    assert (
        member_b.post(f"/congress/motions/{motion.pk}/rate/", {"satisfaction": "unsatisfied"}).status_code
        == 404
    )
    # A session cookie of union A is worthless on union B
    delegate_a = _signed_in(client_for, union_a, seats[0].account)
    stolen = client_for(union_b)
    stolen.cookies = delegate_a.cookies
    assert stolen.get(f"/congress/motions/{motion.pk}/").status_code == 302
    with tenant_context(union_a):
        motion.refresh_from_db()
        assert motion.status == "answered" and not motion.satisfaction
        assert CongressSession.objects.get(pk=session.pk).status == "planned"
        assert DisclosureItem.objects.get(pk=item.pk).title == "甲单位公开"
