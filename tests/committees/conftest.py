"""Fixtures of the organisation tests: a roster and a union committee with a serving term."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.committees.services import committee_create, position_assign, term_create
from tenants.membership.services import member_create


@pytest.fixture
def roster(union_a):
    """Five members of union A (no accounts), the first with a badge number."""
    with tenant_context(union_a):
        return [
            member_create(
                name="张建国", mobile="13920002001", department="综合办公室", badge_number="GH00101"
            ),
            member_create(name="李秀兰", mobile="13920002002", department="质量部", badge_number="GH00102"),
            member_create(name="王志刚", mobile="13920002003", department="生产部"),
            member_create(name="赵丽娟", mobile="13920002004", department="质量部"),
            member_create(name="孙海燕", mobile="13920002005", department="设备部"),
        ]


@pytest.fixture
def committee(union_a, roster):
    """Union A's union committee: a five-year term that started four years ago, with its
    chairman (public contact) and a vice-chairman."""
    with tenant_context(union_a):
        today = timezone.localdate()
        committee = committee_create(kind="union_committee", name="工会委员会")
        term = term_create(
            committee=committee, number=3, years=5, starts_on=today - datetime.timedelta(days=4 * 365)
        )
        position_assign(term=term, member=roster[0], role="chairman", public_mobile="13920002001",
                        public_email="zhuxi@example.com", duties="主持工会全面工作")  # fmt: skip
        position_assign(term=term, member=roster[1], role="vice_chairman", duties="分管劳动保护")
        return committee, term
