"""Schemathesis fuzzes every operation of the OpenAPI schema: never a server error.

Run on the federation portal (where the registry lives) as a city administrator, and on a
union's host as its chairman, so authenticated paths are exercised, not only the 401s.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django_tenants.utils import schema_context, tenant_context
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from federation.models import FederationRole
from tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def wsgi_app():
    """Django's WSGI application, keeping the test's connection open as Django's test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def portal_schema(portal, wsgi_app):
    return schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app, headers={"Host": "localhost"})


@pytest.fixture
def city_admin_token(portal):
    _account, user = make_person(portal, "city_admin")
    with schema_context("public"):
        FederationRole.objects.create(user=user, kind="city_admin")
        return Token.objects.create(user=user).key


@pytest.fixture
def chairman_token(union_a):
    _account, user = make_person(union_a, "chairman")
    with tenant_context(union_a):
        return Token.objects.create(user=user).key


FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def fuzz(schema, headers: dict, *, examples: int = 60) -> set[str]:
    """Every operation, with generated (valid and invalid) input: no answer may be a 5xx."""
    seen: set[str] = set()

    @given(case=schema.as_strategy())
    @settings(FUZZ, max_examples=examples)
    def run(case):
        seen.add(case.operation.label)
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    run()
    return seen


def fuzz_each_operation(schema, headers: dict, *, examples: int = 6) -> tuple[set[str], set[str]]:
    """``examples`` valid and as many invalid inputs for *each* operation, so that every one is
    exercised however many the API has. Returns (operations in the schema, operations called)."""
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode

    operations: set[str] = set()
    seen: set[str] = set()
    for result in schema.get_all_operations():
        operation = result.ok()
        operations.add(operation.label)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(FUZZ, max_examples=examples)
            def run(case):
                seen.add(case.operation.label)
                case.call_and_validate(headers=headers, checks=[not_a_server_error])

            try:
                run()
            except Unsatisfiable:
                continue  # no invalid input can be expressed for this operation (e.g. no parameters)
    return operations, seen


def test_the_portal_api_never_answers_with_a_server_error(portal_schema, city_admin_token):
    operations, seen = fuzz_each_operation(
        portal_schema, {"Host": "localhost", "Authorization": f"Token {city_admin_token}"}, examples=3
    )
    assert {"GET /api/v1/me/", "GET /api/v1/unions/", "POST /api/v1/unions/"} <= operations
    assert operations == seen, operations - seen


def test_a_union_host_never_answers_with_a_server_error(portal_schema, union_a, chairman_token):
    fuzz(portal_schema, {"Host": union_a.primary_host, "Authorization": f"Token {chairman_token}"})


@pytest.fixture
def union_schema(union_a, wsgi_app):
    """The union's own API (cases, procedures, appeals, proposals, warnings, reception, contact)."""
    return schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app, headers={"Host": union_a.primary_host})


def test_the_unions_own_api_never_answers_with_a_server_error(union_schema, union_a, chairman_token):
    operations, seen = fuzz_each_operation(
        union_schema, {"Host": union_a.primary_host, "Authorization": f"Token {chairman_token}"}
    )
    assert len(operations) > 40
    assert operations == seen, operations - seen
