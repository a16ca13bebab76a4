"""A portal user's federation roles are read once per request, whatever asks for them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from federation.models import FederationRole
from federation.roles import federation_roles, has_federation_role
from tests.factories import PASSWORD, make_person

pytestmark = pytest.mark.django_db


def test_the_dashboard_page_reads_the_roles_once(portal, client_for):
    account, user = make_person(portal, "city_admin", name="陈主任")
    FederationRole.objects.create(user=user, kind=FederationRole.Kind.CITY_ADMIN)
    client = client_for(portal)
    assert (
        client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD}).status_code == 302
    )
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/admin/dashboard/").status_code == 200
    role_reads = [q["sql"] for q in queries.captured_queries if "federation_federationrole" in q["sql"]]
    assert len(role_reads) == 1, role_reads


def test_outside_a_request_a_role_granted_meanwhile_is_seen(portal):
    _account, user = make_person(portal, "district_admin", name="李科长")
    assert not has_federation_role(user, FederationRole.Kind.CITY_ADMIN)
    FederationRole.objects.create(user=user, kind=FederationRole.Kind.CITY_ADMIN)
    assert has_federation_role(user, FederationRole.Kind.CITY_ADMIN)
    assert [role.kind for role in federation_roles(user)] == ["city_admin"]
