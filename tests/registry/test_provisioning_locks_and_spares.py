"""Provisioning waits for the template's rebuild and for another provisioning of the same slug,
and takes a spare schema made ahead of time when there is one."""

from __future__ import annotations

import threading
from unittest import mock

import psycopg
import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_exists, tenant_context

from tenants.registry import locks
from tenants.registry.models import SchemaState, SpareSchema, Union
from tenants.registry.spares import spare_schemas_drop_stale, spare_schemas_fill
from tenants.registry.state import code_fingerprint
from tests.registry.test_provisioning import provision
from workershome.errors import ServiceError

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_session():
    """A second database session, as another web or migrate process would have."""
    db = connection.settings_dict
    conninfo = psycopg.conninfo.make_conninfo(
        dbname=db["NAME"],
        user=db.get("USER") or "postgres",
        host=db.get("HOST") or "",
        port=db.get("PORT") or "",
    )
    session = psycopg.connect(conninfo, autocommit=True)
    yield session
    session.close()


def _release_later(session, sql: str, params: list, released: threading.Event) -> threading.Thread:
    def run():
        threading.Event().wait(0.5)
        released.set()
        session.execute(sql, params)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_provisioning_is_refused_while_the_template_is_rebuilt(other_session, settings):
    settings.UNION_TEMPLATE_LOCK_TIMEOUT = 0.2
    other_session.execute("SELECT pg_advisory_lock(%s, %s)", [locks.NAMESPACE, locks.TEMPLATE])
    with pytest.raises(ServiceError) as exc:
        provision()
    assert exc.value.code == "template_rebuilding" and exc.value.status == 503
    assert "模板" in str(exc.value.message)
    connection.set_schema_to_public()
    assert not Union.objects.filter(slug="xinyuan").exists() and not schema_exists("u_xinyuan")


def test_provisioning_waits_for_the_template_rebuild_to_finish(other_session):
    other_session.execute("SELECT pg_advisory_lock(%s, %s)", [locks.NAMESPACE, locks.TEMPLATE])
    released = threading.Event()
    thread = _release_later(
        other_session, "SELECT pg_advisory_unlock(%s, %s)", [locks.NAMESPACE, locks.TEMPLATE], released
    )
    result = provision()
    thread.join()
    assert released.is_set()  # it only went on once the rebuild let go
    assert result.created and schema_exists("u_xinyuan")


def test_a_second_provisioning_of_the_slug_waits_for_the_first(other_session):
    # The other session is half-way through provisioning "xinyuan" (it holds the slug's lock).
    other_session.execute("BEGIN")
    other_session.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [locks.SLUG_NAMESPACE, "xinyuan"])
    released = threading.Event()
    thread = _release_later(other_session, "COMMIT", [], released)
    result = provision()
    thread.join()
    assert released.is_set() and result.created


def test_provisioning_the_same_slug_again_completes_or_is_refused_never_doubles():
    first = provision()
    again = provision()
    assert not again.created and again.union.pk == first.union.pk
    with pytest.raises(ServiceError) as exc:
        provision(n=102)  # the same slug, another union's credit code
    assert exc.value.code == "slug_taken"
    connection.set_schema_to_public()
    assert Union.objects.filter(slug="xinyuan").count() == 1


def test_a_spare_schema_becomes_the_new_union_and_is_refilled_after_commit(
    django_capture_on_commit_callbacks,
):
    assert spare_schemas_fill(target=1) == 1
    spare = SpareSchema.objects.get().schema_name
    with (
        mock.patch("tenants.registry.services.schema_create_from_snapshot") as replay,
        mock.patch("tenants.registry.tasks.spare_schemas_refill.delay") as refill,
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = provision()
    replay.assert_not_called()
    refill.assert_called_once()
    connection.set_schema_to_public()
    assert not schema_exists(spare) and not SpareSchema.objects.exists()
    assert SchemaState.objects.get(union=result.union).fingerprint == code_fingerprint()
    with tenant_context(result.union):
        from django.contrib.auth.models import Group

        from tenants.users.models import User

        assert set(User.objects.get(account=result.officer).groups.values_list("name", flat=True)) == {
            "chairman"
        }
        assert Group.objects.get(name="officer").permissions.exists()
    connection.set_schema_to_public()
    response = Client(HTTP_HOST="xinyuan.localhost").get("/")
    assert response.status_code == 200 and "朝阳区新元电子有限公司工会" in response.content.decode()


def test_a_spare_from_an_older_snapshot_is_never_used_and_is_dropped():
    spare_schemas_fill(target=1)
    spare = SpareSchema.objects.get()
    SpareSchema.objects.filter(pk=spare.pk).update(snapshot="older")
    with mock.patch(
        "tenants.registry.services.schema_create_from_snapshot",
        wraps=__import__("tenants.registry.snapshot", fromlist=["x"]).schema_create_from_snapshot,
    ) as replay:
        provision()
    replay.assert_called_once_with("u_xinyuan")
    connection.set_schema_to_public()
    assert schema_exists(spare.schema_name)
    assert spare_schemas_drop_stale() == 1
    assert not schema_exists(spare.schema_name) and not SpareSchema.objects.exists()
