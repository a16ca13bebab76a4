"""Fixtures of the mediation tests: union A's staff and a worker, frozen time, and cases at
each stage (applied, accepted with a session)."""

from __future__ import annotations

import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django_tenants.utils import tenant_context

from tenants.mediation.services import mediation_accept, mediation_apply, session_record
from tests.factories import make_person

SHANGHAI = ZoneInfo("Asia/Shanghai")
CLAIM = "2026年8月至10月每周六加班共计120小时，公司未支付加班费，也未安排补休。请求支付加班工资。"
PERSONAL = ("王小明", "加班费", "120小时", "18600")


def at(day: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)


def frozen(day: str, hour: int = 10):
    """Freeze ``timezone.now`` at ``hour`` on ``day`` (as tests/hardship/test_followups.py does)."""
    return mock.patch("django.utils.timezone.now", return_value=at(day, hour))


@pytest.fixture
def people(union_a):
    return {
        "chairman": make_person(union_a, "chairman", name="张主席")[1],
        "mediator": make_person(union_a, "mediator", name="钱调解")[1],
        "officer": make_person(union_a, "officer", name="李干事")[1],
        "worker": make_person(union_a, "member", name="王小明")[1],
        "member": make_person(union_a, "member", name="孙职工")[1],
    }


def apply(people, **overrides):
    values = dict(
        worker=people["worker"], respondent_kind="employer", respondent_name="北京星河精密制造有限公司",
        claim_kind="working_hours", claim=CLAIM, amount_claimed="18600.00", consent_given=True,
        by=people["mediator"],
    )  # fmt: skip
    values.update(overrides)
    return mediation_apply(**values)


@pytest.fixture
def applied(union_a, people):
    with tenant_context(union_a), frozen("2026-03-02"):
        return apply(people)


@pytest.fixture
def accepted(union_a, people, applied):
    """Accepted on 2026-03-02 (ends by 2026-03-17) with one session on 2026-03-05."""
    with tenant_context(union_a):
        with frozen("2026-03-02", 11):
            mediation = mediation_accept(mediation=applied, by=people["mediator"])
        with frozen("2026-03-05"):
            session_record(
                mediation=mediation, held_on="2026-03-05", place="工会劳动争议调解室",
                attendees="申请人王小明；被申请人人力资源部赵经理；调解员钱调解",
                minutes="申请人陈述加班事实并提交考勤记录；公司认可部分加班，对小时数有异议。", by=people["mediator"],
            )  # fmt: skip
        return mediation


def signed_in(client, user):
    from tests.factories import PASSWORD

    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


def api(client_for, union, user):
    from rest_framework.authtoken.models import Token

    with tenant_context(union):
        key = Token.objects.get_or_create(user=user)[0].key
    return client_for(union, HTTP_AUTHORIZATION=f"Token {key}")


def audit_rows(union, obj):
    from tenants.privacy.selectors import accesses_of

    with tenant_context(union):
        return list(accesses_of(obj).order_by("pk").values_list("user_name", "action", "via"))
