"""Connection recycling: a connection that has served N union schemas is closed at the next safe
point (the end of a request or a Celery task), never inside a transaction, and the next query
opens a fresh one in the right schema."""

from __future__ import annotations

import threading

import pytest
from celery.signals import task_postrun
from django.core.signals import request_finished
from django.db import close_old_connections, connection, connections
from django_tenants.utils import schema_context

from workershome.connections import connection_recycle, schemas_touched

pytestmark = pytest.mark.django_db


def _user_count(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM users_user")
        return cursor.fetchone()[0]


def _backend_pid(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _in_thread(work):
    """Run ``work`` on this thread's own default connection (outside the test's transaction)."""
    result: dict = {}

    def run():
        try:
            result["value"] = work()
        except BaseException as error:  # re-raised in the test
            result["error"] = error
        finally:
            connections["default"].close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


def test_a_connection_is_closed_after_it_has_served_n_unions_and_reopens_in_the_right_schema(
    union_a, union_b
):
    wrapper = connections.create_connection("default")
    try:
        counts = {}
        for union in (union_a, union_b):
            wrapper.set_schema(union.schema_name)
            counts[union.schema_name] = _user_count(wrapper)
        first_backend = _backend_pid(wrapper)
        assert schemas_touched(wrapper) == 2

        assert connection_recycle(wrapper=wrapper, after=3) is False
        assert wrapper.connection is not None

        assert connection_recycle(wrapper=wrapper, after=2) is True
        assert wrapper.connection is None and schemas_touched(wrapper) == 0
        # The next query opens a new backend, still in the schema the wrapper is set to.
        assert _user_count(wrapper) == counts[union_b.schema_name]
        assert _backend_pid(wrapper) != first_backend
        assert schemas_touched(wrapper) == 1
        assert connection_recycle(wrapper=wrapper, after=0) is False  # 0: recycling off
    finally:
        wrapper.close()


def test_a_connection_inside_a_transaction_is_never_closed(union_a, union_b):
    for union in (union_a, union_b):
        with schema_context(union.schema_name):
            _user_count(connection)
    assert connection.in_atomic_block and schemas_touched(connection) >= 2
    assert connection_recycle(after=1) is False
    assert connection.connection is not None


def test_the_end_of_a_request_and_of_a_task_recycle_a_connection_past_the_limit(union_a, union_b, settings):
    settings.DATABASE_RECYCLE_AFTER_SCHEMAS = 2

    def serve(signal_send) -> tuple[bool, bool]:
        wrapper = connections["default"]
        with schema_context(union_a.schema_name):
            _user_count(wrapper)
        signal_send()
        open_after_one = wrapper.connection is not None
        with schema_context(union_b.schema_name):
            _user_count(wrapper)
        signal_send()
        return open_after_one, wrapper.connection is not None

    # One union served: kept; two: closed when the request ends, and when the task ends. (Django's
    # own end-of-request close is set aside, as its test client does: the test settings' zero
    # CONN_MAX_AGE would close every connection there.)
    request_finished.disconnect(close_old_connections)
    try:
        kept_then_closed = _in_thread(lambda: serve(lambda: request_finished.send(sender=None)))
    finally:
        request_finished.connect(close_old_connections)
    assert kept_then_closed == (True, False)
    assert _in_thread(lambda: serve(lambda: task_postrun.send(sender=None, task_id="t", task=None))) == (
        True,
        False,
    )
