"""The archives API: members read public items only, staff file with the upload checks, file
downloads through the access check, the ZIP request and the catalogue, and union B's tokens
reach nothing of union A."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from tests.factories import make_person

from .conftest import api, pdf


def test_members_list_public_items_and_get_404_for_the_rest(union_a, client_for, people, items):
    """Given a member's token, the list holds the public item only; the staff item, its file and the
    chairman's item answer 404."""
    client = api(client_for, union_a, people["member"])
    listing = client.get("/api/v1/archives/items/").json()
    assert [row["number"] for row in listing["results"]] == [items["public"].number]
    with tenant_context(union_a):
        staff_file = items["staff"].files.first()
        public_file = items["public"].files.first()
    assert client.get(f"/api/v1/archives/items/{items['staff'].pk}/").status_code == 404
    assert client.get(f"/api/v1/archives/items/{items['staff'].pk}/files/{staff_file.pk}/").status_code == 404
    assert client.get(f"/api/v1/archives/items/{items['chairman'].pk}/").status_code == 404
    assert (
        client.get(f"/api/v1/archives/items/{items['public'].pk}/files/{public_file.pk}/").status_code == 200
    )
    assert (
        client.post(
            "/api/v1/archives/items/bundle/", {"items": [items["public"].pk]}, content_type="application/json"
        ).status_code
        == 403
    )
    assert client.get("/api/v1/archives/items/catalogue/?year=2025").status_code == 403


def test_staff_file_items_with_checked_uploads(union_a, client_for, people, media_root):
    """Given an officer's token, an .exe renamed .pdf is refused with its code in Chinese; a PDF is
    filed and numbered; a member cannot file."""
    client = api(client_for, union_a, people["officer"])
    fields = {"category": "rules", "kind": "rule", "title": "工会经费管理办法", "date": "2025-02-01",
              "retention": "permanent", "access": "public"}  # fmt: skip
    exe = SimpleUploadedFile("办法.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    refused = client.post("/api/v1/archives/items/", {**fields, "files": [exe]})
    assert refused.status_code == 400 and refused.json()["code"] == "archive_file_content"
    assert refused.json()["message"] == "文件内容与扩展名不符。"
    created = client.post("/api/v1/archives/items/", {**fields, "files": [pdf("办法.pdf")]})
    assert created.status_code == 201, created.content
    assert created.json()["number"].endswith("-2025-ZD-0001") and created.json()["review_on"] is None
    member = api(client_for, union_a, people["member"])
    assert member.post("/api/v1/archives/items/", {**fields, "files": [pdf()]}).status_code == 403


def test_staff_ask_for_a_zip_and_the_catalogue(
    union_a, client_for, people, items, django_capture_on_commit_callbacks
):
    """Given an officer's token, a ZIP of 2025's minutes is accepted and built; the catalogue comes
    as a workbook; a year that is not one is a clear 400."""
    client = api(client_for, union_a, people["officer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/archives/items/bundle/",
            {"category": "minutes", "year": 2025},
            content_type="application/json",
        )
    assert response.status_code == 202 and response.json()["item_count"] == 0
    catalogue = client.get("/api/v1/archives/items/catalogue/?year=2025")
    assert catalogue.status_code == 200
    rows = list(
        load_workbook(io.BytesIO(catalogue.content)).worksheets[0].iter_rows(min_row=3, values_only=True)
    )
    assert {row[1] for row in rows if row[1]} == {items["public"].number, items["staff"].number}
    assert client.get("/api/v1/archives/items/catalogue/?year=abc").status_code == 400


def test_union_b_tokens_reach_nothing_of_union_a(union_a, union_b, client_for, people, items):
    """Given union B's chairman token, A's ids answer 404 on B's host; A's token is refused there."""
    b_chairman = make_person(union_b, "chairman", name="吴主席")[1]
    client = api(client_for, union_b, b_chairman)
    assert client.get("/api/v1/archives/items/").json()["results"] == []
    with tenant_context(union_a):
        archive_file = items["public"].files.first()
    assert client.get(f"/api/v1/archives/items/{items['public'].pk}/").status_code == 404
    assert (
        client.get(f"/api/v1/archives/items/{items['public'].pk}/files/{archive_file.pk}/").status_code == 404
    )
    assert (
        client.post(f"/api/v1/archives/items/{items['public'].pk}/files/", {"file": pdf()}).status_code == 404
    )
    bundle = client.post(
        "/api/v1/archives/items/bundle/", {"items": [items["public"].pk]}, content_type="application/json"
    )
    assert bundle.status_code == 400 and bundle.json()["code"] == "archive_bundle_none"
    a_token = api(client_for, union_a, people["chairman"])
    a_token.defaults["HTTP_HOST"] = union_b.primary_host
    assert a_token.get("/api/v1/archives/items/").status_code in (401, 403)
