"""The demo's roster and organisation: a few dozen members, committees with serving terms (the
first union's union committee ending in under three months, for journey 8), safe to re-run."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from cms.demo import site_demo_fill
from tenants.committees import demo as committees_demo
from tenants.committees.models import Committee, Position, Term
from tenants.membership import demo as membership_demo
from tenants.membership.models import Member
from tenants.registry.demo_data import UNIONS, officer_person

pytestmark = pytest.mark.django_db


def test_the_demo_fills_a_roster_and_committees_and_the_people_page_draws_from_them(union_a, client_for):
    spec = UNIONS[0]
    with tenant_context(union_a):
        site_demo_fill(spec=spec, index=0)
        for _run in range(2):  # idempotent
            membership_demo.demo_fill(spec=spec, index=0)
            committees_demo.demo_fill(spec=spec, index=0)
        assert Member.objects.count() == membership_demo.ROSTER_SIZE
        assert len(set(Member.objects.values_list("department", flat=True))) >= 5
        assert set(Committee.objects.values_list("kind", flat=True)) == set(Committee.Kind.values)
        union_committee = Committee.objects.get(kind="union_committee")
        serving = union_committee.terms.order_by("-starts_on").first()
        days_left = (serving.ends_on - timezone.localdate()).days
        assert 0 < days_left < 92  # journey 8: the term ends in under three months
        assert union_committee.terms.count() == 2  # and the previous one, for the history
        chairman = Position.objects.get(role="chairman")
        assert chairman.member.mobile == officer_person(0, 1).mobile and chairman.member.badge_number
        assert Term.objects.filter(ends_on__gte=timezone.localdate() + datetime.timedelta(days=365)).exists()
    html = client_for(union_a).get("/people/").content.decode()
    assert "经费审查委员会" in html and "女职工委员会" in html and "工会小组" in html
    assert f'href="tel:{officer_person(0, 1).mobile}"' in html and "mailto:zhuxi.xinghe@example.com" in html
