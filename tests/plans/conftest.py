"""Fixtures of the work-plan tests: union A's roster, its chairman and this year's plan."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.membership.services import member_create
from tenants.plans.services import item_create, plan_create
from tests.factories import make_person


def at(day: datetime.date):
    """Freeze the clock at 10:00 on ``day`` (Asia/Shanghai)."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    return mock.patch("tenants.plans.services.timezone.now", return_value=moment)


@pytest.fixture
def chairman(union_a):
    _account, user = make_person(union_a, "chairman", name="张主席")
    return user


@pytest.fixture
def officer(union_a):
    _account, user = make_person(union_a, "officer", name="李干事")
    return user


@pytest.fixture
def roster(union_a):
    with tenant_context(union_a):
        return [
            member_create(name="王志刚", mobile="13920003001", department="生产部"),
            member_create(name="赵丽娟", mobile="13920003002", department="质量部"),
        ]


@pytest.fixture
def plan(union_a, roster, officer):
    """Union A's plan for this year with three items: one due long ago, one due at the year's
    end, and one owned by a staff user."""
    year = timezone.localdate().year
    with tenant_context(union_a):
        plan = plan_create(year=year, title=f"{year}年工会工作计划", introduction="围绕中心、服务大局")
        item_create(plan=plan, task="召开职工代表大会", category="democracy", owner_member=roster[0],
                    starts_on=datetime.date(year, 1, 1), due_on=datetime.date(year, 1, 2))  # fmt: skip
        item_create(plan=plan, task="开展职工技能比武", category="skills", owner_member=roster[1],
                    starts_on=datetime.date(year, 1, 1), due_on=datetime.date(year, 12, 31))  # fmt: skip
        item_create(plan=plan, task="建设职工书屋", category="home", owner_user=officer,
                    starts_on=datetime.date(year, 1, 1), due_on=datetime.date(year, 12, 31))  # fmt: skip
        return plan
