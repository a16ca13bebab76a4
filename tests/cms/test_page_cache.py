"""Anonymous visitors get cached pages, and see a publication at once, in that union only."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings
from django_tenants.utils import tenant_context

from cms.models import BulletinPage, NoticePage

pytestmark = pytest.mark.django_db

CACHED = {"CACHE_MIDDLEWARE_SECONDS": 300}


def _publish_notice(union, title: str) -> None:
    with tenant_context(union):
        bulletin = BulletinPage.objects.get()
        notice = bulletin.add_child(instance=NoticePage(
            title=title, slug=f"n{abs(hash(title)) % 10**6}", published_on=datetime.date.today(),
            body="<p>请踊跃参加。</p>",
        ))  # fmt: skip
        notice.save_revision().publish()


@override_settings(**CACHED)
def test_a_published_notice_shows_at_once_although_pages_are_cached(
    union_a, union_b, client_for, django_capture_on_commit_callbacks
):
    visitor = client_for(union_a)
    first = visitor.get("/bulletin/")
    assert first.status_code == 200
    visitor.cookies.clear()
    assert "Expires" in visitor.get("/bulletin/").headers  # served by the cache middleware
    other = client_for(union_b).get("/bulletin/").content

    with django_capture_on_commit_callbacks(execute=True):
        _publish_notice(union_a, "关于举办职工篮球赛的通知")

    visitor.cookies.clear()
    assert "关于举办职工篮球赛的通知" in visitor.get("/bulletin/").content.decode()
    assert client_for(union_b).get("/bulletin/").content == other  # union B's cache is untouched


def test_without_the_cache_the_notice_shows_too(union_a, client_for):
    _publish_notice(union_a, "关于举办职工篮球赛的通知")
    assert "关于举办职工篮球赛的通知" in client_for(union_a).get("/bulletin/").content.decode()
