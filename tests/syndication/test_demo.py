"""The syndication demo publishes the federation's notices once, through the services."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from syndication.demo import NOTICES, demo_fill
from syndication.models import FederationNotice
from syndication.selectors import notices_for_union

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_each_notice_once(union_a, union_b, federation):
    """Given the city and 朝阳 administrators, when the demo runs twice, then each demo notice
    exists once; union A (朝阳) gets all three, union B (海淀) the two sent to every union."""
    with tenant_context(union_a):
        demo_fill(spec=None, index=0)
        demo_fill(spec=None, index=0)
        demo_fill(spec=None, index=1)
    titles = [title for _scope, _kind, title, _body in NOTICES]
    assert FederationNotice.objects.filter(title__in=titles).count() == 3
    assert notices_for_union(union_a).filter(title__in=titles).count() == 3
    assert notices_for_union(union_b).filter(title__in=titles).count() == 2
