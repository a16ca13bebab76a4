"""The activities demo: held ones with attendance and summaries, coming ones with sign-ups and
the basketball match next Saturday; realistic content through the services, nothing added twice."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.activities.demo import demo_fill
from tenants.activities.models import Activity, ActivitySignup
from tenants.events.models import OutboxEvent
from tenants.registry.demo_data import UNIONS
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_the_demo_fills_held_and_coming_activities_once(union_a, media_root):
    make_person(union_a, "officer", name="李干事")
    for name in ("王芳", "赵强", "孙丽", "周敏", "吴磊", "郑洁"):
        make_person(union_a, "member", name=name)
    with tenant_context(union_a):
        demo_fill(spec=UNIONS[0], index=0)
        now = timezone.now()
        held = Activity.objects.filter(ends_at__lte=now)
        assert held.count() == 3 and all(a.summary and a.held_at for a in held)
        assert ActivitySignup.objects.filter(activity__in=held, attended_at__isnull=False).exists()
        match = Activity.objects.get(title="周六篮球赛")
        assert timezone.localtime(match.starts_at).weekday() == 5 and match.audience == "sister_unions"
        assert match.status == "published" and match.starts_at > now
        assert ActivitySignup.objects.filter(status="waiting").exists()  # the reading club is full
        assert OutboxEvent.objects.filter(name="activity.held").count() == 3
        counts = (Activity.objects.count(), ActivitySignup.objects.count())
        demo_fill(spec=UNIONS[0], index=0)
        assert (Activity.objects.count(), ActivitySignup.objects.count()) == counts
