"""Fixtures of the working-mechanisms tests: union A's staff, a member, and sign-in helpers."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from accounts.models import Account
from federation.models import District, FederationRole
from tenants.membership.services import member_create
from tenants.users.models import User
from tests.factories import PASSWORD, make_person


def signed_in(client: Client, account: Account) -> Client:
    response = client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


@dataclass
class Person:
    account: Account
    user: User


def person(union, *roles: str, name: str) -> Person:
    account, user = make_person(union, *roles, name=name)
    return Person(account, user)


def federation_person(portal, kind: str, *, name: str, district: District | None = None) -> Person:
    """A portal user with a federation role (city or district administrator)."""
    account, user = make_person(portal, kind, name=name)
    FederationRole.objects.create(user=user, kind=kind, district=district)
    return Person(account, user)


@pytest.fixture
def staff_a(union_a):
    return {
        "chairman": person(union_a, "chairman", name="张主席"),
        "officer": person(union_a, "officer", name="李干事"),
        "member": person(union_a, "member", name="王职工"),
    }


@pytest.fixture
def chairman_b(union_b):
    return person(union_b, "chairman", name="刘主席")


@pytest.fixture
def federation(portal):
    return {
        "chaoyang": federation_person(
            portal, "district_admin", name="张丽华", district=District.objects.get(code="110105")
        ),
        "haidian": federation_person(
            portal, "district_admin", name="陈国栋", district=District.objects.get(code="110108")
        ),
        "city": federation_person(portal, "city_admin", name="王建国"),
    }


@pytest.fixture
def roster_a(union_a):
    with tenant_context(union_a):
        return [
            member_create(name="周晓明", mobile="13920004001", department="生产部"),
            member_create(name="吴芳芳", mobile="13920004002", department="人力资源部"),
        ]
