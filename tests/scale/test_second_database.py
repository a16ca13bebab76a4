"""Two databases on one PostgreSQL server acting as two shards (issue 10, docs/scaling.md).

A second database is made for the test and migrated like a platform database (its own public
schema); a union is provisioned on it, served (its home page, and an appeal filed through its
API), migrated (a migration unapplied on the shard is applied again by ``migrate_unions``) and
counted on the federation dashboard, whose facts live in the directory. Its schema exists in the
second database only, and the directory's unions keep working beside it.

Everything runs in a thread of its own, whose connections commit (the shard's DDL cannot run in
the test's transaction, and switching databases inside a transaction is refused); what it
committed in the directory is removed at the end and the second database dropped.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django_tenants.utils import schema_context, tenant_context

from tests.conftest import end_other_sessions

pytestmark = pytest.mark.django_db

SHARD = "shard2"
APPEAL = {
    "category": "request",
    "title": "二号库的班车站点",
    "description": "新宿舍区没有班车站点。",
    "anonymous": True,
}


def _in_thread(work):
    """Run ``work`` in a thread with connections of its own (autocommit), then close them."""
    result: dict = {}

    def run():
        try:
            result["value"] = work()
        except BaseException as exc:  # re-raised in the test
            result["error"] = exc
        finally:
            for conn in connections.all(initialized_only=True):
                conn.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")


def _admin_connection(db: dict) -> psycopg.Connection:
    return psycopg.connect(
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        user=db.get("USER") or "postgres",
        password=db.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


def _schemas_in(db: dict, name: str) -> set[str]:
    with psycopg.connect(
        host=db.get("HOST") or "127.0.0.1", port=db.get("PORT") or 5432, user=db.get("USER") or "postgres",
        password=db.get("PASSWORD") or None, dbname=name,
    ) as conn:  # fmt: skip
        return {row[0] for row in conn.execute("SELECT nspname FROM pg_namespace")}


@pytest.fixture
def second_database(settings, django_db_blocker):
    """A second platform database on the same server, configured as the shard ``shard2``."""
    from workershome import shards

    with django_db_blocker.unblock():
        default = dict(connections["default"].settings_dict)
    directory_name = default["NAME"]
    name = f"{directory_name}_{SHARD}"[:63]
    with _admin_connection(default) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    shard_settings = {**default, "NAME": name, "TEST": {**default.get("TEST", {}), "NAME": name}}
    shard_settings.pop("SCHEMA", None)
    directory = {**default, "TEST": {"MIRROR": "default"}}
    directory.pop("SCHEMA", None)
    connections.settings[SHARD] = shard_settings
    connections.settings[shards.DIRECTORY_ALIAS] = directory
    settings.DATABASE_SHARDS = {SHARD: f"postgres:///{name}"}
    shards.database_forget()
    try:
        yield name
    finally:
        shards.database_forget()
        for alias in (SHARD, shards.DIRECTORY_ALIAS):
            connections[alias].close()
            del connections.settings[alias]
            with contextlib.suppress(AttributeError):
                delattr(connections._connections, alias)
        end_other_sessions(django_db_blocker)
        with _admin_connection(default) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_union_on_a_second_database_is_provisioned_served_migrated_and_counted(
    second_database, union_a, client_for, django_db_blocker
):
    from federation.dashboard import Scope, dashboard_build, period_parse
    from federation.models import Fact, FactMonth
    from tenants.registry.migrate import unions_migrate
    from tenants.registry.models import Domain, SchemaState, Union
    from tenants.registry.services import union_provision
    from tests.factories import credit_code

    slug = f"erhao{uuid.uuid4().hex[:6]}"
    directory_name = connections["default"].settings_dict["NAME"]
    timings: dict[str, float] = {}

    def scenario():
        # The shard's own public schema, migrated like the directory's.
        started = time.perf_counter()
        call_command("migrate_shards", verbosity=0)
        timings["migrate_shared"] = time.perf_counter() - started

        connection.set_schema_to_public()
        made = union_provision(
            name="二号库测试有限公司工会",
            slug=slug,
            credit_code=credit_code(97),
            employer="二号库测试有限公司",
            district=union_a.district,
            officer_mobile="13800138097",
            officer_name="王芳",
            database=SHARD,
        )
        union = made.union
        assert made.created and union.database == SHARD

        # Served: the home page, and an appeal filed through the API, on the shard.
        client = Client(HTTP_HOST=union.primary_host)
        page = client.get("/")
        assert page.status_code == 200
        assert "二号库测试有限公司工会" in page.content.decode()
        filed = client.post("/api/v1/appeals/", APPEAL, content_type="application/json")
        assert filed.status_code == 201, filed.content
        # The directory's unions are served beside it, from the same process.
        assert Client(HTTP_HOST=union_a.primary_host).get("/").status_code == 200

        # Migrated: undo the union's newest migration of one app on the shard, then migrate.
        with tenant_context(union):
            assert connection.settings_dict["NAME"] == second_database
            from django.db.migrations.executor import MigrationExecutor

            executor = MigrationExecutor(connection)
            leaf = max(n for (app, n) in executor.loader.applied_migrations if app == "referrals_out")
            previous = max(
                n for (app, n) in executor.loader.graph.nodes if app == "referrals_out" and n < leaf
            )
            executor.migrate([("referrals_out", previous)])
            executor.loader.build_graph()
            assert ("referrals_out", leaf) not in executor.loader.applied_migrations
        connection.set_schema_to_public()
        SchemaState.objects.filter(union=union).update(fingerprint="behind")
        report = unions_migrate(processes=1)
        assert report.ok and union.schema_name in report.migrated
        with tenant_context(union):
            executor = MigrationExecutor(connection)
            assert ("referrals_out", leaf) in executor.loader.applied_migrations
        connection.set_schema_to_public()
        return union.pk, union.schema_name

    try:
        with django_db_blocker.unblock():
            union_pk, schema = _in_thread(scenario)

            # The schema is in the second database only; the registry row in the directory.
            db = connections["default"].settings_dict
            assert schema in _schemas_in(db, second_database)
            assert schema not in _schemas_in(db, directory_name)
            union = Union.objects.get(pk=union_pk)
            assert union.database == SHARD
            assert SchemaState.objects.get(union=union).fingerprint not in ("", "behind")

            # Counted: the appeal's case.opened fact reached the directory's fact table.
            assert Fact.objects.filter(union_id=union_pk, name="case.opened").count() == 1
            scope = Scope("union", district=union.district, street=union.street, union=union)
            board = dashboard_build(scope, period_parse({}), link=lambda level, pk: f"/{level}/{pk}/")
            assert board.units[1].rows[0].cells["cases_opened"] == 1
    finally:
        with django_db_blocker.unblock():

            def clean():
                from accounts.models import Account

                union = Union.objects.filter(slug=slug).first()
                if union is not None:
                    Fact.objects.filter(union_id=union.pk).delete()
                    FactMonth.objects.filter(union_id=union.pk).delete()
                    SchemaState.objects.filter(union=union).delete()
                    Domain.objects.filter(tenant=union).delete()
                    Union.objects.filter(pk=union.pk).delete()
                Account.objects.filter(mobile="13800138097").delete()

            _in_thread(clean)
    print(f"\nshard public schema migrated in {timings.get('migrate_shared', 0):.1f}s")


def test_switching_a_connection_to_another_database_inside_a_transaction_is_refused(
    second_database, django_db_blocker
):
    """The default connection follows a union to its database, but never out of an open
    transaction: that would leave the transaction behind, half done."""
    from django.db import transaction

    from workershome.shards import ShardSwitchError, on_database

    def work():
        with transaction.atomic():
            connection.set_schema_to_public()
            with pytest.raises(ShardSwitchError), on_database(SHARD):
                pass
            assert connection.settings_dict["NAME"] != second_database
        with on_database(SHARD), schema_context("public"), connection.cursor() as cursor:
            cursor.execute("SELECT current_database()")
            return cursor.fetchone()[0]

    with django_db_blocker.unblock():
        assert _in_thread(work) == second_database
