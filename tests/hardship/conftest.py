"""Fixtures of the hardship tests: union A's staff and a worker, a recorded consent, an open file."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.hardship.services import hardship_file_open
from tenants.privacy.services import consent_record
from tests.factories import make_person

# Valid GB 11643 numbers (check digits computed with ISO 7064 MOD 11-2).
ID_WORKER = "11010519491231002X"
ID_CHILD = "110105201003070017"
ID_SPOUSE = "110105198506120042"


@pytest.fixture
def people(union_a):
    return {
        "chairman": make_person(union_a, "chairman", name="张主席")[1],
        "officer": make_person(union_a, "officer", name="李干事")[1],
        "officer2": make_person(union_a, "officer", name="赵干事")[1],
        "mediator": make_person(union_a, "mediator", name="钱调解")[1],
        "worker": make_person(union_a, "member", name="王小明")[1],
        "member": make_person(union_a, "member", name="孙职工")[1],
    }


@pytest.fixture
def consent(union_a, people):
    with tenant_context(union_a):
        return consent_record(
            worker=people["worker"], scope="hardship", method="written", by=people["officer"],
            purpose="建立困难职工帮扶档案，核实家庭收入和健康情况，用于申请帮扶资金和定期回访。",
        )  # fmt: skip


def open_file(people, **overrides):
    values = dict(
        worker=people["worker"], kind="medical", tier="deep", id_number=ID_WORKER, monthly_income="2600.00",
        household_size=3, causes="妻子患尿毒症需长期透析，家庭医疗支出大。", health="本人腰椎间盘突出",
        members=[{"name": "王小红", "relation": "child", "id_number": ID_CHILD, "health": "健康"}],
        by=people["officer"],
    )  # fmt: skip
    values.update(overrides)
    return hardship_file_open(**values)


@pytest.fixture
def file(union_a, people, consent):
    with tenant_context(union_a):
        return open_file(people)


def signed_in(client, user):
    """``client`` signed in as ``user`` (their username is their mobile number)."""
    from tests.factories import PASSWORD

    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


def api(client_for, union, user):
    from rest_framework.authtoken.models import Token

    with tenant_context(union):
        key = Token.objects.get_or_create(user=user)[0].key
    return client_for(union, HTTP_AUTHORIZATION=f"Token {key}")


def audit_rows(union, file):
    from tenants.privacy.selectors import accesses_of

    with tenant_context(union):
        return list(accesses_of(file).order_by("pk").values_list("user_name", "action", "via"))
