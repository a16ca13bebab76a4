"""The case API: who sees what, moving a case along its procedure, and refusals."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from tenants.cases.models import Case, CaseAccess
from tenants.cases.services import case_open
from tests.factories import PASSWORD, make_person

pytestmark = pytest.mark.django_db


def signed_in(client, account):
    response = client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def people(union_a):
    return {
        role: make_person(union_a, role, name=name)
        for role, name in (
            ("chairman", "张主席"),
            ("officer", "李干事"),
            ("mediator", "赵调解"),
            ("member", "王职工"),
        )
    }


@pytest.fixture
def appeal(union_a, people):
    with tenant_context(union_a):
        case, _ = case_open(kind="appeal", title="食堂排队时间长", description="中午排队超过二十分钟",
                            channel="web_form", requester=people["member"][1])  # fmt: skip
    return case


def test_staff_move_a_case_step_by_step_and_cannot_skip(union_a, client_for, people, appeal):
    client = signed_in(client_for(union_a), people["officer"][0])
    detail = client.get(f"/api/v1/cases/{appeal.pk}/").json()
    assert detail["step"] == "received" and [way["target"] for way in detail["ways"]] == ["assess"]
    assert detail["requester"]["name"] == "王职工"

    skipped = client.post(f"/api/v1/cases/{appeal.pk}/transition/", {"to_step": "closed", "outcome": "x"},
                          content_type="application/json")  # fmt: skip
    assert skipped.status_code == 400 and skipped.json()["code"] == "step_not_allowed"
    assert "分析研判" in skipped.json()["message"]

    for step in ("assess", "reply"):
        response = client.post(f"/api/v1/cases/{appeal.pk}/transition/", {"to_step": step},
                               content_type="application/json")  # fmt: skip
        assert response.status_code == 200, response.json()
    no_outcome = client.post(f"/api/v1/cases/{appeal.pk}/transition/", {"to_step": "closed"},
                             content_type="application/json")  # fmt: skip
    assert no_outcome.json()["code"] == "outcome_required"
    reply = client.post(f"/api/v1/cases/{appeal.pk}/notes/", {"kind": "reply", "text": "已增加一个窗口"},
                        content_type="application/json")  # fmt: skip
    assert reply.status_code == 201
    closed = client.post(f"/api/v1/cases/{appeal.pk}/transition/", {"to_step": "closed", "outcome": "增加窗口"},
                         content_type="application/json")  # fmt: skip
    assert closed.json()["status"] == "closed"
    late = client.post(f"/api/v1/cases/{appeal.pk}/notes/", {"kind": "reply", "text": "补充"},
                       content_type="application/json")  # fmt: skip
    assert late.status_code == 409 and late.json()["code"] == "case_closed"

    worker = signed_in(client_for(union_a), people["member"][0])
    mine = worker.get(f"/api/v1/cases/{appeal.pk}/").json()
    assert mine["requester"] is None and all(event["public"] for event in mine["events"])
    assert all(event["by"] is None for event in mine["events"])
    assert (
        worker.post(
            f"/api/v1/cases/{appeal.pk}/rate/", {"rating": 9}, content_type="application/json"
        ).json()["code"]
        == "rating_range"
    )
    assert (
        worker.post(
            f"/api/v1/cases/{appeal.pk}/rate/", {"rating": 5}, content_type="application/json"
        ).status_code
        == 200
    )


def test_members_see_only_their_own_cases_and_staff_only_their_kinds(union_a, client_for, people, appeal):
    _, other = make_person(union_a, "member", name="孙职工")
    with tenant_context(union_a):
        case_open(kind="appeal", title="其他人的诉求", description="…", channel="letter", requester=other)
    worker = signed_in(client_for(union_a), people["member"][0])
    listed = worker.get("/api/v1/cases/").json()
    assert [item["id"] for item in listed["results"]] == [appeal.pk]
    mediator = signed_in(client_for(union_a), people["mediator"][0])
    assert mediator.get("/api/v1/cases/").json()["results"] == []
    assert mediator.get(f"/api/v1/cases/{appeal.pk}/").status_code == 404
    officer = signed_in(client_for(union_a), people["officer"][0])
    assert len(officer.get("/api/v1/cases/?status=open&kind=appeal&overdue=false").json()["results"]) == 2
    assert officer.get("/api/v1/cases/?status=bogus").json()["code"] == "filter_invalid"
    assert officer.get("/api/v1/cases/?overdue=maybe").status_code == 400


def test_restricted_cases_are_for_the_assignee_and_chairman_and_each_read_is_logged(
    union_a, client_for, people
):
    with tenant_context(union_a):
        case, _ = case_open(kind="appeal", title="个人隐私", description="家庭情况", channel="walk_in",
                            requester=people["member"][1], confidentiality="restricted")  # fmt: skip
    officer = signed_in(client_for(union_a), people["officer"][0])
    assert officer.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    chairman = signed_in(client_for(union_a), people["chairman"][0])
    assert chairman.get(f"/api/v1/cases/{case.pk}/").status_code == 200
    with tenant_context(union_a):
        assert CaseAccess.objects.filter(case=case, user=people["chairman"][1], via="api").count() == 1


def test_staff_record_cases_but_members_cannot_and_module_kinds_are_refused(union_a, client_for, people):
    payload = {"kind": "appeal", "title": "热线来电", "description": "询问年休假", "channel": "hotline",
               "requester_type": "named", "requester_name": "陈先生", "requester_contact": "13911112222"}  # fmt: skip
    worker = signed_in(client_for(union_a), people["member"][0])
    assert worker.post("/api/v1/cases/", payload, content_type="application/json").status_code == 403
    officer = signed_in(client_for(union_a), people["officer"][0])
    created = officer.post("/api/v1/cases/", payload, content_type="application/json")
    assert created.status_code == 201 and created.json()["reference"].startswith("SQ-")
    refused = officer.post("/api/v1/cases/", {**payload, "kind": "warning"}, content_type="application/json")
    assert refused.json()["code"] == "case_kind_module"
    missing = officer.post(
        "/api/v1/cases/", {**payload, "requester_name": ""}, content_type="application/json"
    )
    assert missing.json()["code"] == "case_requester_name"


def test_attachments_are_checked_and_private(union_a, client_for, people, appeal, media_root):
    officer = signed_in(client_for(union_a), people["officer"][0])
    url = f"/api/v1/cases/{appeal.pk}/attachments/"
    fake = SimpleUploadedFile("证据.png", b"not a png at all", content_type="image/png")
    assert officer.post(url, {"file": fake}).json()["code"] == "attachment_content"
    exe = SimpleUploadedFile("tool.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    assert officer.post(url, {"file": exe}).json()["code"] == "attachment_type"
    big = SimpleUploadedFile(
        "big.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 1), content_type="application/pdf"
    )
    assert officer.post(url, {"file": big}).json()["code"] == "attachment_too_large"
    with tenant_context(union_a):
        assert not Case.objects.get(pk=appeal.pk).attachments.exists()
    pdf = SimpleUploadedFile("工资条.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    created = officer.post(url, {"file": pdf})
    assert created.status_code == 201
    download = officer.get(f"{url}{created.json()['id']}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    with tenant_context(union_a):
        path = Case.objects.get(pk=appeal.pk).attachments.get().file.name
    assert path.startswith("private/")
    assert client_for(union_a).get(f"/media/{union_a.schema_name}/{path}").status_code == 404


def test_union_b_cannot_reach_union_a_cases(union_a, union_b, client_for, people, appeal):
    account_b, _ = make_person(union_b, "chairman", name="刘主席")
    client = signed_in(client_for(union_b), account_b)
    assert client.get(f"/api/v1/cases/{appeal.pk}/").status_code == 404
    assert client.post(f"/api/v1/cases/{appeal.pk}/transition/", {"to_step": "assess"},
                       content_type="application/json").status_code == 404  # fmt: skip
    assert client.get("/api/v1/cases/").json()["results"] == []
    # Union B's session is worthless on union A's host.
    client.defaults["HTTP_HOST"] = union_a.primary_host
    assert client.get(f"/api/v1/cases/{appeal.pk}/").status_code in (401, 403)
    with tenant_context(union_a):
        assert Case.objects.get(pk=appeal.pk).step == "received"


def test_procedures_are_public_and_describe_their_steps(union_a, client_for, appeal):
    body = client_for(union_a).get("/api/v1/procedures/").json()
    appeal_procedure = next(item for item in body if item["kind"] == "appeal")
    assert [step["code"] for step in appeal_procedure["steps"]] == [
        "received",
        "assess",
        "handle",
        "reply",
        "closed",
    ]
    assert {"source": "assess", "target": "reply", "label": "可直接答复"} in appeal_procedure["transitions"]


def test_the_list_pages_by_cursor_newest_first(union_a, client_for, people):
    with tenant_context(union_a):
        for n in range(5):
            case_open(
                kind="appeal",
                title=f"诉求{n}",
                description="…",
                channel="letter",
                requester=people["member"][1],
            )
    officer = signed_in(client_for(union_a), people["officer"][0])
    first = officer.get("/api/v1/cases/?page_size=3").json()
    assert [item["title"] for item in first["results"]] == ["诉求4", "诉求3", "诉求2"]
    second = officer.get(first["next"]).json()
    assert [item["title"] for item in second["results"]] == ["诉求1", "诉求0"] and second["next"] is None


def test_a_procedure_is_served_as_the_same_flowchart_the_site_shows(union_a, client_for, appeal):
    procedure_id = appeal.procedure_id
    response = client_for(union_a).get(f"/api/v1/procedures/{procedure_id}/flowchart/")
    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert svg.startswith("<svg") and all(label in svg for label in ("登记受理", "分析研判", "可直接答复"))
    assert client_for(union_a).get("/api/v1/procedures/999999/flowchart/").status_code == 404
