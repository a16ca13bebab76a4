"""The demo appeals: realistic, made through the services, and idempotent."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from accounts.services import account_get_or_create, local_user_for_account
from tenants.appeals.demo import APPEALS, demo_fill
from tenants.cases.models import Case
from tenants.registry.demo_data import UNIONS, member_person, officer_person

pytestmark = pytest.mark.django_db


def test_demo_appeals_are_filled_once_with_replies_ratings_and_one_anonymous(union_a):
    people = [
        (officer_person(0, 2), ("officer",)),
        *[(member_person(0, slot), ("member",)) for slot in (1, 2, 3)],
    ]
    with tenant_context(union_a):
        for person, roles in people:
            account, _ = account_get_or_create(mobile=person.mobile, name=person.name)
            local_user_for_account(account=account, create=True, roles=roles)
        demo_fill(spec=UNIONS[0], index=0)
        demo_fill(spec=UNIONS[0], index=0)
        cases = Case.objects.filter(kind="appeal")
        assert cases.count() == len(APPEALS)
        for word in ("食堂", "班车", "加班费", "热水"):  # canteen, shuttle bus, overtime pay, hot water
            assert cases.filter(title__contains=word).exists(), word
        anonymous = cases.get(requester_type="anonymous")
        assert anonymous.rating == 3 and anonymous.requester_id is None and anonymous.opened_at.minute == 0
        closed = cases.filter(status="closed")
        assert closed.count() == 3 and all(case.events.filter(kind="reply").exists() for case in closed)
        assert set(closed.values_list("rating", flat=True)) == {3, 4, 5}
        assert cases.filter(requester_type="named").exists()
        for case in cases:
            times = list(case.events.values_list("at", flat=True))
            assert times == sorted(times) and times[0] == case.opened_at
