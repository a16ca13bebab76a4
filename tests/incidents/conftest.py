"""Fixtures for collective-incident warnings: union staff, and federation staff on the portal."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from accounts.models import Account
from federation.models import District, FederationRole
from tenants.incidents.services import incident_warning_report
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


def federation_person(
    portal, kind: str, *, name: str, district: District | None = None, email: str = ""
) -> Person:
    """A portal user with a federation role (city or district administrator)."""
    account, user = make_person(portal, kind, name=name)
    if email:
        account.email = email
        account.save(update_fields=["email"])
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
def officer_b(union_b):
    return person(union_b, "officer", name="刘干事")


@pytest.fixture
def federation(portal):
    chaoyang = District.objects.get(code="110105")
    haidian = District.objects.get(code="110108")
    return {
        "chaoyang": federation_person(
            portal, "district_admin", name="张丽华", district=chaoyang, email="zhang@chaoyang.example"
        ),
        "haidian": federation_person(portal, "district_admin", name="陈国栋", district=haidian),
        "city": federation_person(portal, "city_admin", name="王建国", email="wang@city.example"),
    }


WAGE_ARREARS = dict(
    category="wage_arrears",
    summary="三车间约四十名职工因拖欠两个月工资，商量明天早上停工。",
    headcount=40,
    location="厂区三车间",
    risk_level="elevated",
)


def report(union, by: User, *, captures=None, **overrides):
    """Report a warning in ``union``; with ``captures`` (pytest-django's
    ``django_capture_on_commit_callbacks``) the after-commit work runs too, still in the union."""
    with tenant_context(union):
        if captures is None:
            return incident_warning_report(by=by, **{**WAGE_ARREARS, **overrides})
        with captures(execute=True):
            return incident_warning_report(by=by, **{**WAGE_ARREARS, **overrides})
