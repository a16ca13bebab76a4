"""Fixtures of the archives tests: union A's staff and members, files to upload, items filed
through the services."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from tenants.archives.services import archive_item_create
from tests.factories import PASSWORD, make_person


@pytest.fixture
def people(union_a):
    return {
        "chairman": make_person(union_a, "chairman", name="张主席")[1],
        "officer": make_person(union_a, "officer", name="李干事")[1],
        "member": make_person(union_a, "member", name="孙职工")[1],
    }


def png(name: str = "photo.png", colour: str = "red") -> SimpleUploadedFile:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def pdf(name: str = "rule.pdf", text: str = "rule") -> SimpleUploadedFile:
    body = b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def new_item(by, **overrides):
    """An item filed through the service in the current schema (a 10-year staff document)."""
    values = dict(
        category="minutes", kind="minutes", title="2025年第一次工会委员会会议纪要", date="2025-03-12",
        retention="10", access="staff", files=[pdf()], description="研究年度工作计划。", by=by,
    )  # fmt: skip
    values.update(overrides)
    return archive_item_create(**values)


@pytest.fixture
def items(union_a, people, media_root):
    """Three items of union A: public rules with a photo, a staff minutes, a chairman-only one."""
    with tenant_context(union_a):
        return {
            "public": new_item(
                people["officer"], category="rules", kind="rule", title="职工之家管理制度", access="public",
                retention="permanent", files=[pdf("制度.pdf"), png("公示栏.png")],
            ),
            "staff": new_item(people["officer"]),
            "chairman": new_item(
                people["chairman"], category="hardship", kind="document", title="困难职工帮扶资金审批表",
                access="chairman", retention="30", date="2024-11-02",
            ),
        }  # fmt: skip


def signed_in(client, user):
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


def api(client_for, union, user):
    from rest_framework.authtoken.models import Token

    with tenant_context(union):
        key = Token.objects.get_or_create(user=user)[0].key
    return client_for(union, HTTP_AUTHORIZATION=f"Token {key}")
