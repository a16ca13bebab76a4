"""The union reports its home checklist to the federation as ``home.checklist_counted``."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from cms.checklist import home_checklist
from cms.tasks import home_checklist_count
from tenants.events.models import OutboxEvent

pytestmark = pytest.mark.django_db


def test_checklist_reported_as_a_fact_without_labels(union_a):
    """Given union A's home, when the checklist is reported (as the daily task does), then one
    new outbox event holds each item's code, requirement and state, matching the checklist."""
    with tenant_context(union_a):
        before = set(OutboxEvent.objects.filter(name="home.checklist_counted").values_list("pk", flat=True))
        assert home_checklist_count() is True
        new = list(OutboxEvent.objects.filter(name="home.checklist_counted").exclude(pk__in=before))
        checklist = home_checklist()
    assert len(new) == 1
    items = new[0].payload["items"]
    assert [item["code"] for item in items] == [item.code for item in checklist.items]
    assert [item["ok"] for item in items] == [item.ok for item in checklist.items]
    assert all(set(item) == {"code", "requirement", "status", "ok"} for item in items)
    assert new[0].payload["total"] == checklist.total
