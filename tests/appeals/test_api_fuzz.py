"""Schemathesis on the appeal operations only: generated valid and invalid input, anonymous and
with a member's token, never a server error (the whole API is fuzzed in tests/api)."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def appeal_operations(union_a, media_root):
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    app = get_wsgi_application()
    schema = schemathesis.openapi.from_wsgi("/api/schema/", app, headers={"Host": union_a.primary_host})
    yield schema.include(path_regex="^/api/v1/appeals/")
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_appeal_api_never_answers_with_a_server_error(union_a, appeal_operations, worker, signed_in):
    headers = {"Host": union_a.primary_host}
    if signed_in:
        with tenant_context(union_a):
            headers["Authorization"] = f"Token {Token.objects.create(user=worker[1]).key}"
    seen: set[str] = set()

    @given(case=appeal_operations.as_strategy())
    @settings(max_examples=80, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    def run(case):
        seen.add(case.operation.label)
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    run()
    assert seen == {"POST /api/v1/appeals/", "POST /api/v1/appeals/follow/", "POST /api/v1/appeals/rate/"}
