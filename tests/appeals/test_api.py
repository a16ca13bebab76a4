"""The appeals API: file (anonymous, member, named non-member), follow and rate by code,
refusals through the one exception handler, and the OpenAPI description."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from rest_framework.authtoken.models import Token

from tenants.cases.models import Case
from tests.appeals.conftest import appeal_close

pytestmark = pytest.mark.django_db

APPEAL = {
    "category": "request",
    "title": "厂区班车增加站点",
    "description": "新宿舍区没有班车站点，步行到站要二十分钟。",
}


def _post(client, path, data, **extra):
    return client.post(path, data, content_type="application/json", **extra)


@pytest.fixture
def token(union_a, worker):
    with tenant_context(union_a):
        return Token.objects.create(user=worker[1]).key


def test_anonymous_filing_needs_no_authentication_and_returns_the_code(union_a, client_for):
    response = _post(client_for(union_a), "/api/v1/appeals/", {**APPEAL, "anonymous": True})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["requester_type"] == "anonymous" and body["reference"].startswith("SQ-")
    assert body["step_label"] == "登记受理" and body["case_id"] is None and body["tracking_code"]
    assert not response.cookies and "no-store" in response.headers["Cache-Control"]


def test_a_member_files_as_themselves_with_a_token_and_a_session(union_a, client_for, worker, token):
    response = _post(client_for(union_a), "/api/v1/appeals/", APPEAL, HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["requester_type"] == "member" and body["tracking_code"] is None
    with tenant_context(union_a):
        case = Case.objects.get(pk=body["case_id"])
        assert case.requester == worker[1] and case.channel == "web_form"


def test_someone_not_signed_in_must_give_a_name_and_mobile_or_file_anonymously(union_a, client_for):
    client = client_for(union_a)
    refused = _post(client, "/api/v1/appeals/", APPEAL)
    assert refused.status_code == 400
    assert refused.json()["code"] == "case_requester_name" and refused.json()["message"] == "请填写您的姓名。"
    assert refused.json()["fields"] == {"requester_name": ["请填写您的姓名。"]}
    bad_mobile = _post(client, "/api/v1/appeals/", {**APPEAL, "name": "吴师傅", "mobile": "110"})
    assert bad_mobile.json()["code"] == "requester_mobile"
    named = _post(client, "/api/v1/appeals/", {**APPEAL, "name": "吴师傅", "mobile": "+86 139-1234-5678"})
    assert named.status_code == 201 and named.json()["requester_type"] == "named"
    with tenant_context(union_a):
        assert Case.objects.get().requester_contact == "13912345678"


def test_bad_input_is_refused_in_chinese_with_nothing_saved(union_a, client_for, media_root):
    client = client_for(union_a)
    wrong_category = _post(client, "/api/v1/appeals/", {**APPEAL, "category": "complaint", "anonymous": True})
    assert wrong_category.status_code == 400 and wrong_category.json()["code"] == "invalid"
    assert "category" in wrong_category.json()["fields"]
    blank = _post(client, "/api/v1/appeals/", {**APPEAL, "title": "  ", "anonymous": True})
    assert blank.status_code == 400
    wrong_type = client.post(
        "/api/v1/appeals/", {**APPEAL, "anonymous": "true", "attachment": SimpleUploadedFile("x.exe", b"MZ")}
    )
    assert wrong_type.status_code == 400 and wrong_type.json()["code"] == "attachment_type"
    assert "PDF" in wrong_type.json()["message"] and wrong_type.json()["fields"] == {
        "file": [wrong_type.json()["message"]]
    }
    with tenant_context(union_a):
        assert Case.objects.count() == 0


def test_an_attachment_comes_through_multipart(union_a, client_for, media_root):
    response = client_for(union_a).post(
        "/api/v1/appeals/",
        {
            **APPEAL,
            "anonymous": "true",
            "attachment": SimpleUploadedFile("站点位置.pdf", b"%PDF-1.4\n%%EOF\n"),
        },
    )
    assert response.status_code == 201, response.json()
    with tenant_context(union_a):
        attachment = Case.objects.get().attachments.get()
        assert attachment.name == "附件.pdf" and attachment.uploaded_by is None


def test_follow_and_rate_with_the_code(union_a, client_for, staff):
    client = client_for(union_a)
    code = _post(client, "/api/v1/appeals/", {**APPEAL, "anonymous": True}).json()["tracking_code"]
    followed = _post(client, "/api/v1/appeals/follow/", {"code": code})
    assert followed.status_code == 200 and not followed.cookies
    body = followed.json()
    assert (body["status"], body["step"], body["step_label"], body["can_rate"]) == (
        "open",
        "received",
        "登记受理",
        False,
    )
    assert [entry["kind"] for entry in body["timeline"]] == ["opened"]
    assert [step["state"] for step in body["steps"]][:2] == ["current", "ahead"]

    too_early = _post(client, "/api/v1/appeals/rate/", {"code": code, "rating": 5})
    assert too_early.status_code == 409 and too_early.json()["code"] == "rating_open_case"

    with tenant_context(union_a):
        case = Case.objects.get()
    appeal_close(union_a, case, staff[1], reply="已在新宿舍区增设站点。", outcome="增设班车站点")
    body = _post(client, "/api/v1/appeals/follow/", {"code": code}).json()
    assert body["status"] == "closed" and body["outcome"] == "增设班车站点" and body["can_rate"]
    assert any(entry["kind"] == "reply" and "增设站点" in entry["text"] for entry in body["timeline"])
    assert not any(entry["kind"] == "note" for entry in body["timeline"])

    for bad in (0, 6, -1):
        refused = _post(client, "/api/v1/appeals/rate/", {"code": code, "rating": bad})
        assert refused.status_code == 400 and refused.json()["code"] == "rating_range", bad
        assert refused.json()["message"] == "请给出 1 到 5 分的评价。"
    with tenant_context(union_a):
        case.refresh_from_db()
        assert case.rating is None and case.rated_at is None
    rated = _post(client, "/api/v1/appeals/rate/", {"code": code, "rating": 4, "comment": "还不错"})
    assert rated.status_code == 200 and rated.json()["rating"] == 4 and not rated.json()["can_rate"]
    twice = _post(client, "/api/v1/appeals/rate/", {"code": code, "rating": 5})
    assert twice.status_code == 409 and twice.json()["code"] == "rating_done"


def test_wrong_codes_get_404_then_429(union_a, client_for):
    client = client_for(union_a, REMOTE_ADDR="203.0.113.9")
    code = _post(client, "/api/v1/appeals/", {**APPEAL, "anonymous": True}).json()["tracking_code"]
    for _ in range(10):
        wrong = _post(client, "/api/v1/appeals/follow/", {"code": "ZZZZ-ZZZZ-ZZZZ"})
        assert wrong.status_code == 404 and wrong.json()["code"] == "tracking_code_unknown"
        assert wrong.json()["message"] == "没有与这个查询码对应的诉求，请核对后再试。"
    blocked = _post(client, "/api/v1/appeals/follow/", {"code": code})
    assert blocked.status_code == 429 and blocked.json()["code"] == "tracking_code_throttled"
    assert _post(client, "/api/v1/appeals/rate/", {"code": code, "rating": 5}).status_code == 429


def test_filing_is_throttled_per_address_without_a_drf_address_key(union_a, client_for, settings):
    from tenants.appeals import privacy

    client = client_for(union_a, REMOTE_ADDR="203.0.113.10")
    limit = privacy.FILING_LIMIT
    for _ in range(limit.attempts):
        assert _post(client, "/api/v1/appeals/", {**APPEAL, "anonymous": True}).status_code == 201
    blocked = _post(client, "/api/v1/appeals/", {**APPEAL, "anonymous": True})
    assert blocked.status_code == 429 and blocked.json()["code"] == "throttled"
    assert "稍后再试" in blocked.json()["message"]
    page = client.post("/appeals/anonymous/", APPEAL)
    assert "稍后再试" in page.content.decode() and "data-tracking-code" not in page.content.decode()
    with tenant_context(union_a):
        assert Case.objects.count() == limit.attempts


def test_the_openapi_schema_describes_the_three_operations(union_a, client_for):
    schema = client_for(union_a).get("/api/schema/?format=json").json()
    create = schema["paths"]["/api/v1/appeals/"]["post"]
    assert create["operationId"] == "appeals_create" and {} in create["security"]
    assert "multipart/form-data" in create["requestBody"]["content"]
    assert "tracking_code" in schema["components"]["schemas"]["AppealFiled"]["properties"]
    for path in ("/api/v1/appeals/follow/", "/api/v1/appeals/rate/"):
        operation = schema["paths"][path]["post"]
        assert operation["security"] == [{}] and "200" in operation["responses"]
        assert "429" in operation["responses"]
