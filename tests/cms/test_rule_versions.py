"""亮制度: a rule's earlier published versions stay readable, each with the dates it was in force;
drafts never show."""

from __future__ import annotations

import datetime

import pytest
from django_tenants.utils import tenant_context

from cms.models import RuleIndexPage, RulePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def rule(union_a):
    with tenant_context(union_a):
        page = RuleIndexPage.objects.get().add_child(instance=RulePage(
            title="职工之家管理制度", slug="home-rules", category="management",
            in_force_from=datetime.date(2025, 1, 1), version="2025年版", body="<p>开放时间为八点到十七点。</p>",
        ))  # fmt: skip
        page.save_revision().publish()
        page = RulePage.objects.get(pk=page.pk)
        page.in_force_from, page.version = datetime.date(2025, 7, 1), "2025年修订"
        page.body = "<p>开放时间为八点到十八点。</p>"
        page.save_revision().publish()
        page = RulePage.objects.get(pk=page.pk)
        page.in_force_from, page.version = datetime.date(2026, 3, 1), "2026年修订"
        page.body = "<p>开放时间延长到二十点。</p>"
        page.save_revision().publish()
        page = RulePage.objects.get(pk=page.pk)
        page.body = "<p>草稿：拟全天开放。</p>"
        draft = page.save_revision()  # not published
    return page, draft


def test_the_rule_lists_its_earlier_version_and_serves_it_marked_as_earlier(union_a, client_for, rule):
    page, _draft = rule
    client = client_for(union_a)
    current = client.get("/rules/home-rules/").content.decode()
    assert "开放时间延长到二十点" in current and "草稿" not in current
    assert "2025年版" in current and "2025年修订" in current
    assert "2025-01-01 至 2025-07-01" in current and "2025-07-01 至 2026-03-01" in current
    with tenant_context(union_a):
        _newer, oldest = RulePage.objects.get(pk=page.pk).earlier_versions()
    old = client.get(f"/rules/home-rules/versions/{oldest['id']}/")
    html = old.content.decode()
    assert old.status_code == 200 and "开放时间为八点到十七点" in html and "延长到二十点" not in html
    assert "2025-01-01 至 2025-07-01" in html and "查看现行制度" in html


def test_a_draft_or_another_pages_revision_is_not_served(union_a, client_for, rule):
    page, draft = rule
    client = client_for(union_a)
    assert client.get(f"/rules/home-rules/versions/{draft.pk}/").status_code == 404
    with tenant_context(union_a):
        live = RulePage.objects.get(pk=page.pk).live_revision_id
        other = RuleIndexPage.objects.get().save_revision().pk
    assert client.get(f"/rules/home-rules/versions/{live}/").status_code == 404
    assert client.get(f"/rules/home-rules/versions/{other}/").status_code == 404
