"""The reception day demo: realistic content through the services, and nothing added twice."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.cases.models import Case
from tenants.reception.demo import demo_fill
from tenants.reception.models import ReceptionBooking, ReceptionSchedule, ReceptionVisit
from tenants.registry.demo_data import UNIONS
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_the_demo_fills_a_schedule_bookings_and_visits_once(union_a):
    make_person(union_a, "officer", name="李干事")
    for name in ("王芳", "赵强", "孙丽", "周敏"):
        make_person(union_a, "member", name=name)
    with tenant_context(union_a):
        demo_fill(spec=UNIONS[0], index=0)
        counts = (ReceptionSchedule.objects.count(), ReceptionBooking.objects.count(), ReceptionVisit.objects.count(),
                  Case.objects.filter(channel="reception_day").count())  # fmt: skip
        assert counts == (1, 2, 2, 1)
        assert ReceptionVisit.objects.exclude(case=None).get().topic == "三季度加班费核算"
        demo_fill(spec=UNIONS[0], index=0)
        again = (ReceptionSchedule.objects.count(), ReceptionBooking.objects.count(), ReceptionVisit.objects.count(),
                 Case.objects.filter(channel="reception_day").count())  # fmt: skip
        assert again == counts
