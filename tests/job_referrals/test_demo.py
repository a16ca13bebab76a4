"""The referral demo: a course referral enrolled, an outside one pending, a job one not placed; once."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.registry.demo_data import UNIONS
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_the_referral_demo_fills_once(union_a):
    from tenants.job_referrals.demo import demo_fill as referrals_fill
    from tenants.job_referrals.models import Referral
    from tenants.membership.services import member_create
    from tests.factories import new_mobile

    make_person(union_a, "officer", name="李干事")
    with tenant_context(union_a):
        for i in range(10):
            member_create(name=f"会员{i}", mobile=new_mobile())
        referrals_fill(spec=UNIONS[0], index=0)
        outcomes = sorted(Referral.objects.values_list("kind", "outcome"))
        assert ("job", "not_placed") in outcomes and ("training", "pending") in outcomes
        referrals_fill(spec=UNIONS[0], index=0)
        assert Referral.objects.count() == len(outcomes)
