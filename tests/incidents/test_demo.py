"""The demo's warnings: one acknowledged, one pending, both in the district's inbox; idempotent."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from federation.models import InboxWarning
from tenants.incidents.demo import demo_fill
from tenants.incidents.models import IncidentWarning
from tenants.incidents.selectors import delivery_states

pytestmark = pytest.mark.django_db


def test_demo_fill_makes_an_acknowledged_and_a_pending_warning_once(union_a, union_b, staff_a, federation):
    for _run in range(2):
        with tenant_context(union_a):
            demo_fill(spec=None, index=0)
        with tenant_context(union_b):
            demo_fill(spec=None, index=1)
    with tenant_context(union_a):
        warnings = list(IncidentWarning.objects.all())
        states = sorted(state.code for state in delivery_states(warnings).values())
    assert states == ["acknowledged", "delivered"]
    assert InboxWarning.objects.filter(union=union_a).count() == 2
    assert (
        InboxWarning.objects.get(union=union_a, acknowledged_at__isnull=False).acknowledged_by
        == federation["chaoyang"].user
    )
    with tenant_context(union_b):
        assert not IncidentWarning.objects.exists()
