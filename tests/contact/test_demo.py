"""The worker contact demo: activities with issues (one a case) and the 12351 hotline, once."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.cases.models import Case
from tenants.contact.demo import demo_fill
from tenants.contact.models import ContactActivity, InboundChannel, InboundMessage, InboundNonce, RaisedIssue
from tenants.registry.demo_data import UNIONS
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def _counts():
    return (ContactActivity.objects.count(), RaisedIssue.objects.count(), RaisedIssue.objects.exclude(case=None).count(),
            InboundChannel.objects.count(), InboundMessage.objects.count(), InboundNonce.objects.count(),
            Case.objects.count())  # fmt: skip


def test_the_demo_fills_contact_activities_and_the_hotline_once(union_a):
    make_person(union_a, "officer", name="李干事")
    for name in ("王芳", "赵强", "孙丽", "周敏", "吴磊"):
        make_person(union_a, "member", name=name)
    with tenant_context(union_a):
        demo_fill(spec=UNIONS[0], index=0)
        counts = _counts()
        assert counts == (2, 5, 1, 1, 1, 1, 2)
        assert Case.objects.filter(channel="hotline").get().title == "食堂餐费上调未公示"
        demo_fill(spec=UNIONS[0], index=0)
        assert _counts() == counts
