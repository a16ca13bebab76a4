"""Schemathesis fuzzes every archives operation on a union's host, as its chairman and with items
present: never a server error."""

import pytest
import schemathesis
from django_tenants.utils import tenant_context
from hypothesis import given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from tests.api.test_api_fuzz import FUZZ

pytestmark = pytest.mark.django_db


@pytest.fixture
def app():
    from django.core import signals
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_the_archives_api_never_answers_with_a_server_error(union_a, app, people, items):
    """Given items of each access level, when every archives operation gets generated input as the
    chairman, then none answers 5xx."""
    with tenant_context(union_a):
        token = Token.objects.create(user=people["chairman"]).key
    schema = schemathesis.openapi.from_wsgi("/api/schema/", app, headers={"Host": union_a.primary_host})
    headers = {"Host": union_a.primary_host, "Authorization": f"Token {token}"}
    seen: set[str] = set()
    labels: set[str] = set()
    for result in schema.include(path_regex=r"^/api/v1/archives/").get_all_operations():
        operation = result.ok()
        labels.add(operation.label)

        @given(case=operation.as_strategy())
        @settings(FUZZ, max_examples=8)
        def run(case):
            seen.add(case.operation.label)
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        run()
    assert seen == labels and len(labels) == 7, labels - seen
