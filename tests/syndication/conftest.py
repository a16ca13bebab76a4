"""The syndication tests share the mechanisms tests' people (union staff, federation
administrators of 朝阳 and 海淀 and the city) and sign-in helper; notices are made here."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from federation.models import District
from syndication.services import notice_publish
from tests.mechanisms.conftest import chairman_b, federation, staff_a  # noqa: F401

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "通知.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def chaoyang(db) -> District:
    return District.objects.get(code="110105")


@pytest.fixture
def haidian(db) -> District:
    return District.objects.get(code="110108")


@pytest.fixture
def publish(portal):
    """``publish(by, title, to_all=..., districts=[...], ...)``: a notice through the service."""

    def make(by, title: str, **kwargs):
        kwargs.setdefault("body", "各基层工会：\n\n请认真组织学习，按时报送落实情况。")
        return notice_publish(title=title, by=by, **kwargs)

    return make
