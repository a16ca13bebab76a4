"""民主评议 through the admin, the API and the site: officers plan a round and its subjects; a
member rates on the site (every subject, once); results appear only after publication, with
small groups suppressed; comments reach the chairman only. Union B reaches none of union A's
rounds through any page, admin view or endpoint."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation
from django_tenants.utils import tenant_context

from tenants.appraisal.models import AppraisalParticipation, AppraisalRating, AppraisalRound
from tenants.appraisal.services import appraisal_submit, round_publish
from tests.appraisal.conftest import close
from tests.factories import make_person
from tests.membership.roster_helpers import api_client, staff_client

pytestmark = pytest.mark.django_db


def zh(msgid: str) -> str:
    """The text as the site shows it by default (zh-hans)."""
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def _published_with_comment(union, appraisal_round, people: int = 5) -> None:
    with tenant_context(union):
        subjects = list(appraisal_round.subjects.values_list("pk", flat=True))
    users = [make_person(union, "member", name=f"会员{i}")[1] for i in range(people)]
    with tenant_context(union):
        for user in users:
            appraisal_submit(appraisal_round=appraisal_round, user=user,
                             ratings={subjects[0]: ("satisfied", "食堂饭菜有改善"), subjects[1]: ("basic", "")})  # fmt: skip
        close(appraisal_round)
        round_publish(appraisal_round=appraisal_round)


def test_officers_plan_a_round_and_add_subjects_in_the_admin(union_a, client_for):
    admin = staff_client(client_for, union_a, "officer", name="李干事")
    assert admin.get("/admin/appraisal/rounds/").status_code == 200
    opens = timezone.localtime() + datetime.timedelta(days=2)
    bad = admin.post("/admin/appraisal/rounds/", {"title": "年度评议", "opens_at": opens.strftime("%Y-%m-%d %H:%M"),
                     "closes_at": (opens - datetime.timedelta(days=1)).strftime("%Y-%m-%d %H:%M"), "min_sample": 5})  # fmt: skip
    assert bad.status_code == 400
    created = admin.post("/admin/appraisal/rounds/", {"title": "年度评议", "min_sample": 5,
                         "opens_at": opens.strftime("%Y-%m-%d %H:%M"),
                         "closes_at": (opens + datetime.timedelta(days=7)).strftime("%Y-%m-%d %H:%M")})  # fmt: skip
    assert created.status_code == 302
    with tenant_context(union_a):
        appraisal_round = AppraisalRound.objects.get(title="年度评议")
    url = f"/admin/appraisal/rounds/{appraisal_round.pk}/"
    assert admin.post(url, {"action": "subject", "kind": "work", "name": "职工之家建设"}).status_code == 302
    assert admin.post(url, {"action": "subject", "kind": "leader", "name": ""}).status_code == 400
    no_committee = admin.post(url, {"action": "leaders"})
    assert no_committee.status_code == 400
    early = admin.post(url, {"action": "publish"})
    assert early.status_code == 400
    assert "职工之家建设" in admin.get(url).content.decode()


def test_a_member_rates_on_the_site_once(union_a, client_for, appraisal_round):
    member = staff_client(client_for, union_a, "member", name="会员甲")
    index = member.get("/appraisal/").content.decode()
    assert appraisal_round.title in index
    url = f"/appraisal/{appraisal_round.pk}/"
    with tenant_context(union_a):
        subjects = list(appraisal_round.subjects.values_list("pk", flat=True))
    empty = member.post(url, {f"comment-{subjects[0]}": "只写了意见"})
    assert (
        empty.status_code == 400
        and zh("Rate at least one subject before you submit.") in empty.content.decode()
    )
    done = member.post(url, {f"rating-{subjects[0]}": "satisfied", f"rating-{subjects[1]}": "unsatisfied",
                             f"comment-{subjects[1]}": "活动太少"})  # fmt: skip
    assert done.status_code == 302
    again = member.post(url, {f"rating-{subjects[0]}": "unsatisfied", f"rating-{subjects[1]}": "unsatisfied"})
    assert (
        again.status_code == 200
        and zh("You have already taken part in this appraisal. Thank you.") in again.content.decode()
    )
    with tenant_context(union_a):
        assert AppraisalParticipation.objects.count() == 1 and AppraisalRating.objects.count() == 2
    assert member.get(f"/appraisal/{appraisal_round.pk}/results/").status_code == 404  # not published


def test_results_suppression_and_comments_for_the_chairman_only(union_a, client_for, appraisal_round):
    _published_with_comment(union_a, appraisal_round, people=5)
    chairman = api_client(client_for, union_a, "chairman", name="张主席")
    officer = api_client(client_for, union_a, "officer", name="李干事")
    member = api_client(client_for, union_a, "member", name="会员丙")
    by_chair = chairman.get(f"/api/v1/appraisal/rounds/{appraisal_round.pk}/").json()
    assert by_chair["results"][0]["comments"] == ["食堂饭菜有改善"] * 5
    by_officer = officer.get(f"/api/v1/appraisal/rounds/{appraisal_round.pk}/").json()
    assert "comments" not in by_officer["results"][0] and by_officer["results"][0]["satisfied"] == 5
    by_member = member.get(f"/api/v1/appraisal/my-rounds/{appraisal_round.pk}/").json()
    assert by_member["results"][1] == {"subject": by_member["results"][1]["subject"], "name": "职工文体活动组织",
                                       "suppressed": False, "total": 5, "satisfied": 0, "basic": 5, "unsatisfied": 0}  # fmt: skip
    assert member.get("/api/v1/appraisal/rounds/").status_code == 403
    admin_page = staff_client(client_for, union_a, "chairman", name="赵主席").get(
        f"/admin/appraisal/rounds/{appraisal_round.pk}/").content.decode()  # fmt: skip
    assert "食堂饭菜有改善" in admin_page
    officer_page = staff_client(client_for, union_a, "officer", name="钱干事").get(
        f"/admin/appraisal/rounds/{appraisal_round.pk}/").content.decode()  # fmt: skip
    assert "食堂饭菜有改善" not in officer_page


def test_a_suppressed_subject_shows_nothing_on_any_output(union_a, client_for):
    from tests.appraisal.conftest import open_round

    small = open_round(union_a)
    _published_with_comment(union_a, small, people=4)
    member = staff_client(client_for, union_a, "member", name="会员丁")
    page = member.get(f"/appraisal/{small.pk}/results/").content.decode()
    assert page.count("样本过少，不予公布") == 2 and "（100%）" not in page
    chairman = api_client(client_for, union_a, "chairman", name="张主席")
    data = chairman.get(f"/api/v1/appraisal/rounds/{small.pk}/").json()
    assert all(r["suppressed"] and r["total"] is None and r["comments"] == [] for r in data["results"])
    assert "食堂饭菜有改善" not in staff_client(client_for, union_a, "chairman", name="赵主席").get(
        f"/admin/appraisal/rounds/{small.pk}/").content.decode()  # fmt: skip


def test_rating_through_the_api(union_a, client_for, appraisal_round):
    member = api_client(client_for, union_a, "member", name="会员戊")
    listing = member.get("/api/v1/appraisal/my-rounds/").json()["results"]
    assert listing[0]["phase"] == "open" and "results" not in listing[0]
    subjects = [s["id"] for s in listing[0]["subjects"]]
    body = {
        "ratings": [
            {"subject": subjects[0], "rating": "satisfied"},
            {"subject": subjects[1], "rating": "basic"},
        ]
    }
    url = f"/api/v1/appraisal/my-rounds/{appraisal_round.pk}/rate/"
    assert member.post(url, body, content_type="application/json").status_code == 201
    twice = member.post(url, body, content_type="application/json")
    assert twice.status_code == 409 and twice.json()["code"] == "appraisal_already_rated"
    assert member.get(f"/api/v1/appraisal/my-rounds/{appraisal_round.pk}/").json()["taken_part"] is True


def test_union_b_reaches_none_of_union_as_appraisal(union_a, union_b, client_for, appraisal_round):
    _published_with_comment(union_a, appraisal_round, people=5)
    admin_b = staff_client(client_for, union_b, "chairman", name="刘主席")
    assert appraisal_round.title not in admin_b.get("/admin/appraisal/rounds/").content.decode()
    assert admin_b.get(f"/admin/appraisal/rounds/{appraisal_round.pk}/").status_code == 404
    assert (
        admin_b.post(f"/admin/appraisal/rounds/{appraisal_round.pk}/", {"action": "publish"}).status_code
        == 404
    )
    api_b = api_client(client_for, union_b, "chairman", name="王主席")
    assert api_b.get("/api/v1/appraisal/rounds/").json()["results"] == []
    assert api_b.get("/api/v1/appraisal/my-rounds/").json()["results"] == []
    assert api_b.get(f"/api/v1/appraisal/rounds/{appraisal_round.pk}/").status_code == 404
    assert api_b.get(f"/api/v1/appraisal/my-rounds/{appraisal_round.pk}/").status_code == 404
    assert api_b.post(f"/api/v1/appraisal/rounds/{appraisal_round.pk}/subjects/", {"kind": "work", "name": "x"},
                      content_type="application/json").status_code == 404  # fmt: skip
    member_b = staff_client(client_for, union_b, "member", name="乙会员")
    assert appraisal_round.title not in member_b.get("/appraisal/").content.decode()
    assert member_b.get(f"/appraisal/{appraisal_round.pk}/results/").status_code == 404
    assert member_b.post(f"/appraisal/{appraisal_round.pk}/", {}).status_code == 404
    with tenant_context(union_a):
        assert AppraisalParticipation.objects.filter(round=appraisal_round).count() == 5
