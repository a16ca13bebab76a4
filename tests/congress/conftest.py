"""Fixtures of the congress tests: six delegates of union A (each a member with an account, a
local user and a roster entry) seated in a planned session needing two co-signers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django_tenants.utils import tenant_context

from tenants.congress.models import CongressSession, Delegate
from tenants.congress.services import delegate_add, session_create
from tenants.membership.services import member_create
from tests.factories import make_person

NAMES = ("陈立新", "刘海波", "杨春燕", "黄志强", "周晓梅", "吴国庆")
CONSTITUENCIES = (
    "生产一车间代表团",
    "生产一车间代表团",
    "质量部代表团",
    "质量部代表团",
    "机关代表团",
    "机关代表团",
)


@dataclass
class Seat:
    account: object
    user: object
    delegate: Delegate


def seat_people(union, session: CongressSession, names=NAMES) -> list[Seat]:
    seats = []
    for name, constituency in zip(names, CONSTITUENCIES, strict=False):
        account, user = make_person(union, "member", name=name)
        with tenant_context(union):
            member = member_create(name=name, mobile=account.mobile, department=constituency[:-3])
            seats.append(
                Seat(account, user, delegate_add(session=session, member=member, constituency=constituency))
            )
    return seats


@pytest.fixture
def session(union_a) -> CongressSession:
    with tenant_context(union_a):
        return session_create(
            congress_number=5, session_number=2, title="第五届职工代表大会第二次会议",
            held_on=datetime.date(2026, 4, 18), place="公司三楼会议室", cosigners_min=2, reply_days=30,
        )  # fmt: skip


@pytest.fixture
def seats(union_a, session) -> list[Seat]:
    return seat_people(union_a, session)
