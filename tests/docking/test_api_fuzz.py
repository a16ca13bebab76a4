"""Schemathesis fuzzes every docking operation, on a union's host as its chairman and on the portal
as a city administrator, with valid and invalid input: never a server error."""

from __future__ import annotations

import pytest
import schemathesis

from tests.api.test_api_fuzz import chairman_token, city_admin_token, fuzz_each_operation, wsgi_app  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_docking_api_on_a_union_host_never_answers_with_a_server_error(
    union_a,
    union_b,
    people,
    room,
    wsgi_app,  # noqa: F811
    chairman_token,  # noqa: F811
):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app, headers={"Host": union_a.primary_host})
    mine = schema.include(path_regex=r"^/api/v1/docking/")
    operations, seen = fuzz_each_operation(
        mine, {"Host": union_a.primary_host, "Authorization": f"Token {chairman_token}"}, examples=4
    )
    assert len(operations) >= 10 and operations == seen, sorted(operations - seen)


def test_the_docking_api_on_the_portal_never_answers_with_a_server_error(portal, wsgi_app, city_admin_token):  # noqa: F811
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app, headers={"Host": "localhost"})
    mine = schema.include(path_regex=r"^/api/v1/docking/")
    operations, seen = fuzz_each_operation(
        mine, {"Host": "localhost", "Authorization": f"Token {city_admin_token}"}, examples=4
    )
    assert len(operations) >= 10 and operations == seen, sorted(operations - seen)
