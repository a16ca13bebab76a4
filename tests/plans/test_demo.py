"""The demo's work plans and mechanisms: this year's plan with a dozen items in progress (one
overdue), last year's with its summary; joint meetings, partners, activists with hours, staff
duties, two reports sent up. Safe to run twice."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from cms.demo import site_demo_fill
from tenants.committees import demo as committees_demo
from tenants.events.models import OutboxEvent
from tenants.mechanisms import demo as mechanisms_demo
from tenants.mechanisms.models import Activist, InfoReport, JointMeeting, PartnerOrganisation, StaffDuty
from tenants.mechanisms.selectors import team_hours
from tenants.membership import demo as membership_demo
from tenants.plans import demo as plans_demo
from tenants.plans.models import WorkPlan
from tenants.plans.selectors import plan_figures
from tenants.registry.demo_data import UNIONS

pytestmark = pytest.mark.django_db


def test_the_demo_fills_plans_and_mechanisms_once(union_a):
    spec = UNIONS[0]
    year = timezone.localdate().year
    with tenant_context(union_a):
        site_demo_fill(spec=spec, index=0)
        membership_demo.demo_fill(spec=spec, index=0)
        committees_demo.demo_fill(spec=spec, index=0)
        for _run in range(2):  # idempotent
            plans_demo.demo_fill(spec=spec, index=0)
            mechanisms_demo.demo_fill(spec=spec, index=0)
        this, last = WorkPlan.objects.get(year=year), WorkPlan.objects.get(year=year - 1)
        figures = plan_figures(this)
        assert figures.items == 12 and figures.in_progress >= 3 and figures.overdue >= 1
        assert this.adopted_on and this.published
        assert last.summary_written_at and last.summary_items == 8 and last.summary_cancelled == 1
        assert JointMeeting.objects.count() == 3 and PartnerOrganisation.objects.count() == 2
        assert Activist.objects.count() == 7 and team_hours(year=year - 1) > 0
        assert StaffDuty.objects.exists()
        assert InfoReport.objects.filter(status="sent").count() == 2
        assert OutboxEvent.objects.filter(name="plan.made").count() == 2
        assert OutboxEvent.objects.filter(name="report.sent").count() == 2
