"""Union B can neither read nor change union A's appeals: tracking codes, the worker's pages,
attachments and the API all answer only for the union whose host is asked."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from tenants.cases.models import Case
from tests.appeals.conftest import appeal_close, signed_in
from tests.factories import make_person

pytestmark = pytest.mark.django_db

APPEAL = {
    "category": "opinion",
    "title": "宿舍热水供应时间太短",
    "description": "热水只供应到晚上十点，夜班回来没有热水。",
}


def test_a_code_from_union_a_works_only_on_union_a(union_a, union_b, client_for, staff):
    a, b = client_for(union_a), client_for(union_b)
    code = a.post("/api/v1/appeals/", {**APPEAL, "anonymous": True}, content_type="application/json").json()[
        "tracking_code"
    ]
    with tenant_context(union_a):
        case = Case.objects.get()
    appeal_close(union_a, case, staff[1], reply="热水延长到24点。", outcome="延长供应")

    assert (
        b.post("/api/v1/appeals/follow/", {"code": code}, content_type="application/json").status_code == 404
    )
    rate = b.post("/api/v1/appeals/rate/", {"code": code, "rating": 1}, content_type="application/json")
    assert rate.status_code == 404
    page = b.post("/appeals/follow/", {"code": code}).content.decode()
    assert "宿舍热水" not in page and "没有与这个查询码对应的诉求" in page
    assert "宿舍热水" not in b.post("/appeals/follow/rate/", {"code": code, "rating": "1"}).content.decode()
    with tenant_context(union_a):
        case.refresh_from_db()
        assert case.rating is None
    # ...while on A's host it works.
    assert (
        a.post("/api/v1/appeals/follow/", {"code": code}, content_type="application/json").status_code == 200
    )


def test_union_b_member_cannot_open_union_a_cases_or_files(union_a, union_b, client_for, worker, media_root):
    account, user = worker
    a = signed_in(client_for(union_a), account)
    a.post(
        "/appeals/new/", {**APPEAL, "attachment": SimpleUploadedFile("照片说明.txt", "热水器坏了".encode())}
    )
    with tenant_context(union_a):
        case = Case.objects.get(requester=user)
        attachment = case.attachments.get()
    detail, file_url = f"/my/cases/{case.pk}/", f"/my/cases/{case.pk}/files/{attachment.pk}/"
    assert a.get(file_url).status_code == 200

    b_account, _b_user = make_person(union_b, "member", name="恒通职工")
    b = signed_in(client_for(union_b), b_account)
    # On B's own host, A's ids mean nothing (its own schema has no such case of theirs).
    assert b.get(detail).status_code == 404 and b.get(file_url).status_code == 404
    assert case.reference not in b.get("/my/cases/").content.decode()
    # Carrying B's session to A's host gets a sign-in page, not the case.
    thief = client_for(union_a)
    thief.cookies["sessionid"] = b.cookies["sessionid"].value
    for url in (detail, file_url):
        response = thief.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    # B's member signing in on A's site is not a member there.
    refused = client_for(union_a).post("/accounts/login/", {"username": b_account.mobile, "password": "x"})
    assert refused.status_code != 302
    # Nor can the worker's own session from A read anything on B.
    stolen = client_for(union_b)
    stolen.cookies["sessionid"] = a.cookies["sessionid"].value
    assert stolen.get(detail).status_code == 302


def test_a_token_of_union_a_does_not_file_as_that_member_on_union_b(union_a, union_b, client_for, worker):
    from rest_framework.authtoken.models import Token

    with tenant_context(union_a):
        token = Token.objects.create(user=worker[1]).key
    response = client_for(union_b).post(
        "/api/v1/appeals/", APPEAL, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}"
    )
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"
    with tenant_context(union_b):
        assert Case.objects.count() == 0
