"""Fixtures for the procedures area (亮程序): people of a union, signed in through the login page."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.cases.models import Procedure
from tenants.cases.procedures import procedures_adopt_defaults
from tests.factories import PASSWORD, make_person


def signed_in(client, account):
    response = client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def sign_in(client_for):
    """``sign_in(union, role)``: a client of ``union``'s host, signed in as a new person with ``role``."""

    def make(union, role: str, name: str = "张主席"):
        account, _user = make_person(union, role, name=name)
        return signed_in(client_for(union), account)

    return make


@pytest.fixture
def adopted(union_a) -> dict[str, Procedure]:
    """Union A has adopted the federation's default procedure of every kind."""
    with tenant_context(union_a):
        return {p.kind: p for p in procedures_adopt_defaults()}
