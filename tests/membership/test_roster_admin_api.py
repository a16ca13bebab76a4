"""会员管理 in the admin and the API: the roster list, adding and changing a member, the import
page with its report, the export and the template; transfers through the API. Approving a
registration request puts the worker on the roster. Union B's staff reach none of union A's
records through any page, admin view or endpoint."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from tenants.membership.models import Member, MemberTransfer
from tenants.membership.services import member_create, membership_request_decide, worker_register
from tests.factories import PASSWORD, make_person, new_mobile
from tests.membership.roster_helpers import api_client, staff_client, upload
from tests.membership.test_roster_import import BAD, GOOD

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_a(union_a):
    with tenant_context(union_a):
        return member_create(name="王建华", mobile="13910001001", department="生产部一车间")


def test_approving_a_registration_request_puts_the_worker_on_the_roster(union_a):
    mobile = new_mobile()
    _account, officer = make_person(union_a, "officer")
    with tenant_context(union_a):
        request = worker_register(mobile=mobile, name="赵磊", password=PASSWORD, department="研发部").request
        membership_request_decide(request=request, approve=True, by=officer)
        member = Member.objects.get(mobile=mobile)
        assert (member.name, member.department, member.status) == ("赵磊", "研发部", "active")
        assert member.user is not None and member.account_id == member.user.account_id


def test_the_officer_works_the_roster_in_the_admin(union_a, client_for, member_a):
    admin = staff_client(client_for, union_a, "officer")
    listing = admin.get("/admin/members/roster/")
    assert listing.status_code == 200 and "王建华" in listing.content.decode()
    assert "13910001001" in admin.get("/admin/members/roster/?q=1391000").content.decode()
    # Add a member; a bad mobile is refused on its field and nothing is saved
    bad = admin.post("/admin/members/roster/new/", {"name": "李秀兰", "mobile": "12345"})
    assert bad.status_code == 400 and "手机" in bad.content.decode()
    added = admin.post(
        "/admin/members/roster/new/", {"name": "李秀兰", "mobile": "13910001002", "gender": "female"}
    )
    assert added.status_code == 302
    with tenant_context(union_a):
        lee = Member.objects.get(mobile="13910001002")
    # A duplicate mobile is refused clearly
    twice = admin.post("/admin/members/roster/new/", {"name": "李秀兰", "mobile": "13910001002"})
    assert twice.status_code == 400
    # Change, and mark as left
    page = admin.get(f"/admin/members/roster/{lee.pk}/")
    assert page.status_code == 200 and "李秀兰" in page.content.decode()
    admin.post(
        f"/admin/members/roster/{lee.pk}/",
        {"name": "李秀兰", "mobile": "13910001002", "department": "质量部"},
    )
    admin.post(f"/admin/members/roster/{lee.pk}/", {"action": "status", "status": "left"})
    with tenant_context(union_a):
        lee.refresh_from_db()
        assert (lee.department, lee.status) == ("质量部", "left")


def test_the_import_page_shows_the_report_and_saves_the_good_rows(union_a, client_for):
    admin = staff_client(client_for, union_a, "chairman")
    page = admin.get("/admin/members/import/")
    assert page.status_code == 200
    response = admin.post("/admin/members/import/", {"file": upload([*GOOD, *BAD])})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<tr><td>") == 6  # one line per problem: row, column, reason
    assert "<td>7</td><td>手机号码</td>" in html
    with tenant_context(union_a):
        assert Member.objects.count() == 3
    # Wrong columns: one message naming them, nothing saved
    wrong = admin.post(
        "/admin/members/import/", {"file": upload([["王建华", "13910001009"]], ["名字", "手机号码"])}
    )
    assert wrong.status_code == 400 and "名字" in wrong.content.decode()
    # A file of the wrong type
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = admin.post("/admin/members/import/", {"file": SimpleUploadedFile("名册.csv", b"a,b")})
    assert csv.status_code == 400
    with tenant_context(union_a):
        assert Member.objects.count() == 3


def test_export_and_template_download_as_workbooks(union_a, client_for, member_a):
    admin = staff_client(client_for, union_a, "officer")
    export = admin.get("/admin/members/import/export/")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[1][:2] == ("王建华", "13910001001")
    assert admin.get("/admin/members/import/template/").status_code == 200


def test_members_cannot_open_the_roster_admin_nor_api(union_a, client_for, member_a):
    worker = staff_client(client_for, union_a, "member", name="王职工")
    for url in ("/admin/members/roster/", f"/admin/members/roster/{member_a.pk}/", "/admin/members/import/",
                "/admin/members/import/export/", "/admin/members/transfers/"):  # fmt: skip
        assert worker.get(url).status_code in (302, 403, 404), url
    api = api_client(client_for, union_a, "member", name="王职工二")
    assert api.get("/api/v1/members/").status_code == 403
    assert client_for(union_a).get("/api/v1/members/").status_code == 401


def test_the_roster_api_lists_adds_imports_and_exports(union_a, client_for, member_a):
    api = api_client(client_for, union_a, "officer")
    listing = api.get("/api/v1/members/?status=active").json()
    assert [m["name"] for m in listing["results"]] == ["王建华"]
    created = api.post(
        "/api/v1/members/", {"name": "李秀兰", "mobile": "13910001002"}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["status"] == "active"
    twice = api.post(
        "/api/v1/members/", {"name": "李秀兰", "mobile": "13910001002"}, content_type="application/json"
    )
    assert twice.status_code == 409 and twice.json()["code"] == "member_mobile_taken"
    left = api.post(
        f"/api/v1/members/{created.json()['id']}/status/", {"status": "left"}, content_type="application/json"
    )
    assert left.json()["status"] == "left"
    with translation.override("zh-hans"):
        report = api.post("/api/v1/members/import/", {"file": upload([*GOOD, *BAD])}).json()
    assert (report["rows"], report["created"], report["rejected_rows"]) == (
        9,
        2,
        7,
    )  # 王建华 is on the roster
    assert {"row", "column", "message"} == set(report["problems"][0])
    wrong = api.post("/api/v1/members/import/", {"file": upload([["x"]], ["名字"])})
    assert wrong.status_code == 400 and wrong.json()["code"] == "roster_columns"
    export = api.get("/api/v1/members/export/")
    assert export.status_code == 200 and len(load_workbook(io.BytesIO(export.content)).active["A"]) == 5


def test_transfers_through_the_api_and_only_the_addressee_decides(union_a, union_b, client_for, member_a):
    api_a = api_client(client_for, union_a, "officer")
    api_b = api_client(client_for, union_b, "officer", name="王干事")
    targets = api_a.get("/api/v1/member-transfers/targets/").json()
    assert union_b.slug in [t["slug"] for t in targets] and union_a.slug not in [t["slug"] for t in targets]
    sent = api_a.post("/api/v1/member-transfers/", {"member": member_a.pk, "to_union": union_b.slug, "reason": "调动"},
                      content_type="application/json")  # fmt: skip
    assert sent.status_code == 201 and sent.json()["direction"] == "outgoing"
    incoming = api_b.get("/api/v1/member-transfers/?direction=incoming").json()["results"]
    assert [t["name"] for t in incoming] == ["王建华"]
    # Union A cannot accept on B's behalf: its own outgoing row is not addressed to it, B's id is unknown there
    assert api_a.post(f"/api/v1/member-transfers/{sent.json()['id']}/accept/").status_code == 404
    assert api_a.post(f"/api/v1/member-transfers/{incoming[0]['id']}/accept/").status_code == 404
    # B cannot withdraw A's request
    assert api_b.post(f"/api/v1/member-transfers/{incoming[0]['id']}/cancel/").status_code == 404
    declined = api_b.post(f"/api/v1/member-transfers/{incoming[0]['id']}/decline/", {"reason": "未录用"},
                          content_type="application/json")  # fmt: skip
    assert declined.json()["status"] == "declined"
    assert api_a.get(f"/api/v1/member-transfers/{sent.json()['id']}/").json()["status"] == "declined"


def test_union_b_reaches_none_of_union_as_roster(union_a, union_b, client_for, member_a):
    admin_b = staff_client(client_for, union_b, "chairman", name="刘主席")
    assert "王建华" not in admin_b.get("/admin/members/roster/").content.decode()
    assert admin_b.get(f"/admin/members/roster/{member_a.pk}/").status_code == 404
    admin_b.post(f"/admin/members/roster/{member_a.pk}/", {"action": "status", "status": "left"})
    export = admin_b.get("/admin/members/import/export/")
    assert b"13910001001" not in export.content
    api_b = api_client(client_for, union_b, "officer", name="王干事")
    assert api_b.get("/api/v1/members/").json()["results"] == []
    assert api_b.get(f"/api/v1/members/{member_a.pk}/").status_code == 404
    assert api_b.post(f"/api/v1/members/{member_a.pk}/status/", {"status": "left"},
                      content_type="application/json").status_code == 404  # fmt: skip
    # A's staff token is worthless on B's host
    api_a = api_client(client_for, union_a, "officer")
    token = api_a.defaults["HTTP_AUTHORIZATION"]
    assert client_for(union_b, HTTP_AUTHORIZATION=token).get("/api/v1/members/").status_code == 401
    with tenant_context(union_a):
        assert Member.objects.get(pk=member_a.pk).status == "active"
        assert not MemberTransfer.objects.exists()
