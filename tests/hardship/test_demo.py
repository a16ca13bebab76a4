"""Journey 5's demo: a household file opened after consent, a medical grant, the monthly visit on
the officer's due list with a reminder; nothing added twice."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.hardship.demo import demo_fill
from tenants.hardship.models import AssistanceRecord, FollowUpReminder, HardshipFile
from tenants.hardship.selectors import followups_due
from tenants.notifications.models import Notification
from tenants.registry.demo_data import UNIONS
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_the_demo_follows_journey_5_once(union_a):
    officer = make_person(union_a, "officer", name="李干事")[1]
    for name in ("王芳", "赵强", "孙丽", "周敏"):
        make_person(union_a, "member", name=name)
    with tenant_context(union_a):
        demo_fill(spec=UNIONS[0], index=0)
        file = HardshipFile.objects.get()
        assert (file.tier, file.kind, file.consent.scope) == ("deep", "medical", "hardship")
        assert AssistanceRecord.objects.filter(form="money", amount=5000).exists()
        assert list(followups_due(user=officer)) == [file]
        assert FollowUpReminder.objects.filter(file=file, reminded_at__isnull=False).exists()
        assert Notification.objects.filter(recipient=officer, url="/admin/hardship/due/").exists()
        demo_fill(spec=UNIONS[0], index=0)
        assert HardshipFile.objects.count() == 1 and AssistanceRecord.objects.count() == 2
