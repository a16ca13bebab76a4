"""Schemathesis fuzzes every operation of the congress and appraisal APIs on a union's host, as
its chairman, with valid and invalid input: never a server error."""

from __future__ import annotations

import pytest
import schemathesis

from tests.api.test_api_fuzz import chairman_token, fuzz_each_operation, wsgi_app  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_congress_and_appraisal_apis_never_answer_with_a_server_error(union_a, wsgi_app, chairman_token):  # noqa: F811
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app, headers={"Host": union_a.primary_host})
    mine = schema.include(path_regex=r"^/api/v1/(congress|appraisal)/")
    operations, seen = fuzz_each_operation(
        mine, {"Host": union_a.primary_host, "Authorization": f"Token {chairman_token}"}, examples=4
    )
    assert len(operations) >= 20 and operations == seen, sorted(operations - seen)
