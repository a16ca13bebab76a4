"""Fixtures of the referral tests: union A's chairman, an officer, a member, roster entries, a course."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.membership.services import member_create
from tests.factories import make_person, new_mobile


@pytest.fixture
def people(union_a):
    return {
        "chairman": make_person(union_a, "chairman", name="张主席")[1],
        "officer": make_person(union_a, "officer", name="李干事")[1],
        "member": make_person(union_a, "member", name="孙职工")[1],
    }


@pytest.fixture
def roster(union_a):
    with tenant_context(union_a):
        return [
            member_create(name="王大力", mobile=new_mobile(), department="二车间"),
            member_create(name="陈晓燕", mobile=new_mobile(), department="仓储部"),
        ]


@pytest.fixture
def course(union_a, people):
    from tests.training.conftest import make_course

    return make_course(union_a, people["chairman"], title="叉车司机培训班", sessions=2)


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
