"""The cases area of the staff admin: list, record, take steps, refusals, and isolation."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from tenants.cases.models import Case
from tenants.cases.services import case_open
from tests.factories import PASSWORD, make_person

pytestmark = pytest.mark.django_db


def signed_in(client, account):
    assert (
        client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD}).status_code == 302
    )
    return client


@pytest.fixture
def people(union_a):
    return {role: make_person(union_a, role, name=name)
            for role, name in (("officer", "李干事"), ("mediator", "赵调解"), ("member", "王职工"))}  # fmt: skip


@pytest.fixture
def appeal(union_a, people):
    with tenant_context(union_a):
        case, _ = case_open(kind="appeal", title="班车增加一班", description="晚班下班后没有班车",
                            channel="walk_in", requester=people["member"][1])  # fmt: skip
    return case


def test_an_officer_works_a_case_through_the_admin(union_a, client_for, people, appeal):
    client = signed_in(client_for(union_a), people["officer"][0])
    listing = client.get("/admin/cases/?status=open")
    assert listing.status_code == 200 and "班车增加一班" in listing.content.decode()
    page = client.get(f"/admin/cases/{appeal.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "登记受理" in html and "分析研判" in html

    skipped = client.post(
        f"/admin/cases/{appeal.pk}/", {"action": "transition", "to_step": "reply"}, follow=True
    )
    [message] = [str(m) for m in skipped.context["messages"]]
    assert "登记受理" in message and "分析研判" in message
    with tenant_context(union_a):
        assert Case.objects.get(pk=appeal.pk).step == "received"

    for step in ("assess", "reply"):
        client.post(f"/admin/cases/{appeal.pk}/", {"action": "transition", "to_step": step, "note": "已核实"})
    no_outcome = client.post(f"/admin/cases/{appeal.pk}/", {"action": "transition", "to_step": "closed"})
    assert no_outcome.status_code == 400 and "办理结果" in no_outcome.content.decode()
    client.post(
        f"/admin/cases/{appeal.pk}/", {"action": "note", "kind": "reply", "text": "下月起增开22:30班车"}
    )
    client.post(
        f"/admin/cases/{appeal.pk}/", {"action": "transition", "to_step": "closed", "outcome": "增开班车"}
    )
    with tenant_context(union_a):
        case = Case.objects.get(pk=appeal.pk)
        assert case.status == "closed" and case.outcome == "增开班车"
        assert case.events.filter(kind="reply", public=True).exists()


def test_recording_a_walk_in_case_with_a_file(union_a, client_for, people, media_root):
    client = signed_in(client_for(union_a), people["officer"][0])
    assert client.get("/admin/cases/new/").status_code == 200
    form = {"kind": "appeal", "category": "request", "title": "劳保用品", "description": "手套磨损快",
            "channel": "walk_in", "requester_type": "member", "member_mobile": people["member"][0].mobile,
            "priority": "2", "confidentiality": "normal"}  # fmt: skip
    bad = client.post("/admin/cases/new/", {**form, "attachment": SimpleUploadedFile("a.exe", b"MZ")})
    assert bad.status_code == 200 and "PDF" in bad.content.decode()
    with tenant_context(union_a):
        assert not Case.objects.filter(title="劳保用品").exists()
    unknown = client.post("/admin/cases/new/", {**form, "member_mobile": "13012345678"})
    assert "没有" in unknown.content.decode() or unknown.status_code == 200
    ok = client.post(
        "/admin/cases/new/", {**form, "attachment": SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\n0000")}
    )
    assert ok.status_code == 302
    with tenant_context(union_a):
        case = Case.objects.get(title="劳保用品")
        assert case.requester_id == people["member"][1].pk and case.attachments.count() == 1
        file_id = case.attachments.get().pk
    assert client.get(f"/admin/cases/{case.pk}/files/{file_id}/").status_code == 200


def test_who_reaches_the_cases_admin(union_a, union_b, client_for, people, appeal):
    member = signed_in(client_for(union_a), people["member"][0])
    assert member.get("/admin/cases/").status_code in (302, 403)
    mediator = signed_in(client_for(union_a), people["mediator"][0])
    assert mediator.get(f"/admin/cases/{appeal.pk}/").status_code == 404
    assert "班车增加一班" not in mediator.get("/admin/cases/").content.decode()
    account_b, _ = make_person(union_b, "chairman", name="刘主席")
    chairman_b = signed_in(client_for(union_b), account_b)
    assert chairman_b.get(f"/admin/cases/{appeal.pk}/").status_code == 404
    assert (
        chairman_b.post(
            f"/admin/cases/{appeal.pk}/", {"action": "transition", "to_step": "assess"}
        ).status_code
        == 404
    )
    assert "班车增加一班" not in chairman_b.get("/admin/cases/").content.decode()
    with tenant_context(union_a):
        assert Case.objects.get(pk=appeal.pk).step == "received"
