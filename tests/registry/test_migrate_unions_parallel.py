"""`migrate_unions --processes 2`: the unions behind are migrated by forked worker processes, as
in a deploy; a union whose migration really fails stops alone, is reported, keeps its old state,
and the next run completes it.

The workers are separate processes with their own database sessions, so they only see committed
data: the test's unions are provisioned and put behind outside any test transaction (as the
session's unions are in ``conftest.py``), and removed at the end.
"""

from __future__ import annotations

import os
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.migrations import operations
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.signals import post_migrate
from django_tenants.utils import schema_context

from accounts.models import Account
from federation.models import District
from tenants.registry.models import SchemaState, SpareSchema, Union
from tenants.registry.services import union_provision
from tenants.registry.state import code_fingerprint, tenant_app_labels
from tests.factories import PASSWORD, credit_code

SLUGS = ["bingxing-1", "bingxing-2", "bingxing-3", "bingxing-4"]
FAILING = "bingxing-3"
BEHIND = "before-the-deploy"


def _applied(schema: str) -> set[tuple[str, str]]:
    with schema_context(schema):
        return set(MigrationRecorder(connection).applied_migrations())


def _leaves_to_break() -> list[tuple[tuple[str, str], str, str]]:
    """``(leaf, create, drop)`` for each migration of a union app that no other migration depends
    on and whose first operation creates a table or adds a column, sorted: ``create`` makes an
    object of that name by hand (in schema ``{schema}``), so applying the leaf then fails as a
    real migration does; ``drop`` removes it again."""
    labels = tenant_app_labels()
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    state = executor.loader.project_state()  # every migration applied: the models' tables
    found = []
    for app, name in sorted(graph.leaf_nodes()):
        node = graph.node_map[(app, name)]
        parents = [p for p in node.parents if p[0] == app]
        operation = graph.nodes[(app, name)].operations[:1]
        # Only migrations nothing depends on: unapplying one then takes back that one alone.
        if app not in labels or not parents or node.children or not operation:
            continue
        operation = operation[0]
        if isinstance(operation, operations.CreateModel):
            table = state.models[app, operation.name_lower].options.get("db_table")
            table = table or f"{app}_{operation.name_lower}"
            found.append(
                ((app, name), f'CREATE TABLE "{{schema}}"."{table}" (hand_made integer)',
                 f'DROP TABLE "{{schema}}"."{table}"')
            )  # fmt: skip
        elif isinstance(operation, operations.AddField):
            table = state.models[app, operation.model_name_lower].options.get("db_table")
            table = table or f"{app}_{operation.model_name_lower}"
            field = operation.field.clone()
            field.set_attributes_from_name(operation.name)
            found.append(
                ((app, name), f'ALTER TABLE "{{schema}}"."{table}" ADD COLUMN "{field.column}" integer',
                 f'ALTER TABLE "{{schema}}"."{table}" DROP COLUMN "{field.column}"')
            )  # fmt: skip
    return found


def _unapply(schema: str, node: tuple[str, str]) -> bool:
    """Really take ``schema`` back before ``node`` (one committed transaction); False (and
    nothing changed) if it cannot be unapplied."""
    with schema_context(schema):
        executor = MigrationExecutor(connection)
        parent = next(p for p in executor.loader.graph.node_map[node].parents if p[0] == node[0])
        try:
            with transaction.atomic():
                executor.migrate([parent])
        except Exception:  # an irreversible migration
            return False
    assert node not in _applied(schema)
    return True


def _drop_unions() -> None:
    connection.set_schema_to_public()
    for union in Union.objects.filter(slug__in=SLUGS):
        union.delete(force_drop=True)
    Account.objects.filter(mobile__in=[_mobile(slug) for slug in SLUGS]).delete()


def _mobile(slug: str) -> str:
    return f"1660000000{SLUGS.index(slug)}"


def _provision(slug: str) -> Union:
    number = SLUGS.index(slug)
    result = union_provision(
        name=f"朝阳区并行迁移测试{number}号公司工会",
        slug=slug,
        credit_code=credit_code(300 + number),
        district=District.objects.get(code="110105"),
        officer_mobile=_mobile(slug),
        officer_name="王芳",
        officer_password=PASSWORD,
    )
    connection.set_schema_to_public()
    return result.union


@pytest.mark.django_db
def test_the_deploy_refills_the_spare_pool_to_the_settings_size(settings):
    # (Marked, it also makes pytest-django set the test database up when this file runs alone:
    # the test below works outside any test transaction and is not marked.)
    settings.UNION_SPARE_SCHEMAS = 1
    assert SpareSchema.objects.count() == 0
    call_command("migrate_unions", processes=2, no_progress=True, verbosity=0, schemas=["u_xinghe"])
    assert SpareSchema.objects.count() == 1
    settings.UNION_SPARE_SCHEMAS = 0
    call_command("migrate_unions", processes=2, no_progress=True, verbosity=0, schemas=["u_xinghe"])
    assert SpareSchema.objects.count() == 1  # 0 keeps none new; those made stay until used


@pytest.fixture
def committed_unions(django_db_setup, django_db_blocker):
    """Four unions provisioned and committed, removed afterwards (with their schemas)."""
    with django_db_blocker.unblock():
        _drop_unions()  # what an interrupted earlier run may have left
        with mock.patch("tenants.registry.tasks.spare_schemas_refill.delay"):
            unions = {slug: _provision(slug) for slug in SLUGS}
        try:
            yield unions
        finally:
            _drop_unions()


@pytest.fixture
def worker_pids(tmp_path):
    """The process ids in which a union finished its migrations (``post_migrate``), as a file the
    forked workers append to."""
    path: Path = tmp_path / "pids"
    path.touch()

    def record(sender, **kwargs):
        with path.open("a") as file:
            file.write(f"{os.getpid()}\n")

    post_migrate.connect(record, weak=False, dispatch_uid="test_migrate_unions_parallel")
    yield lambda: {int(line) for line in path.read_text().split()}
    post_migrate.disconnect(dispatch_uid="test_migrate_unions_parallel")


def test_two_processes_migrate_the_unions_behind_and_a_failing_one_stops_alone_and_resumes(
    committed_unions, worker_pids, django_db_blocker, capsys
):
    with django_db_blocker.unblock():
        schemas = {slug: union.schema_name for slug, union in committed_unions.items()}
        current = Union.objects.get(slug="xinghe").schema_name  # conftest's union A, current
        # Given four unions one migration behind the code, and in the third a hand-made object
        # that makes a later migration of its own fail: it is two migrations behind, the first
        # applies, the second fails.
        candidates = iter(_leaves_to_break())
        first = next((leaf for leaf, _c, _d in candidates if _unapply(schemas[SLUGS[0]], leaf)), None)
        second, create, drop = next((c for c in candidates if _unapply(schemas[FAILING], c[0])), (None,) * 3)
        assert first and second, "needs two migrations of union apps that can be taken back alone"
        for slug in SLUGS[1:]:
            assert _unapply(schemas[slug], first)
        with connection.cursor() as cursor:
            cursor.execute(create.format(schema=schemas[FAILING]))
        connection.set_schema_to_public()
        SchemaState.objects.filter(union__slug__in=SLUGS).update(fingerprint=BEHIND)
        failing_before = _applied(schemas[FAILING])
        capsys.readouterr()

        # When the deploy migrates them in two processes, one union per batch
        with pytest.raises(CommandError) as failed:
            call_command(
                "migrate_unions", processes=2, batch_size=1, no_spares=True, verbosity=2,
                schemas=[*schemas.values(), current],
            )  # fmt: skip
        out, err = capsys.readouterr()

        # Then the three others are migrated, by two worker processes (not this one)
        pids = worker_pids()
        assert (
            1 <= len(pids) <= 2 and os.getpid() not in pids
        )  # forked workers; a busy pool may hand all batches to one
        assert str(failed.value) == (
            "3 migrated, 1 skipped (current), 1 failed. Fix the error and run migrate_unions again to resume."
        )
        assert "unions: 100%" in err and "4/4" in err  # the progress bar counted the four behind
        for slug in SLUGS:
            if slug != FAILING:
                assert f"{schemas[slug]}: migrated" in out
                assert first in _applied(schemas[slug])
                assert SchemaState.objects.get(union__slug=slug).fingerprint == code_fingerprint()
        # and the failing union is reported with its error, alone, and left on its old state:
        # the migration that did apply before the failure was rolled back with it.
        failures = [line for line in err.splitlines() if ": FAILED " in line]
        assert len(failures) == 1 and failures[0].startswith(f"{schemas[FAILING]}: FAILED ")
        assert "already exists" in failures[0]
        assert _applied(schemas[FAILING]) == failing_before
        assert first not in failing_before and second not in failing_before
        connection.set_schema_to_public()
        state = SchemaState.objects.get(union__slug=FAILING)
        assert state.fingerprint == BEHIND and "already exists" in state.error and state.failed_at

        # When the cause is removed and the deploy runs again, it resumes with that union only
        with connection.cursor() as cursor:
            cursor.execute(drop.format(schema=schemas[FAILING]))
        capsys.readouterr()
        call_command(
            "migrate_unions", processes=2, batch_size=1, no_spares=True, verbosity=2,
            schemas=[*schemas.values(), current],
        )  # fmt: skip
        out, err = capsys.readouterr()
        assert "1 migrated, 4 skipped (current), 0 failed." in out
        assert f"{schemas[FAILING]}: migrated" in out and "FAILED" not in err
        assert {first, second} <= _applied(schemas[FAILING])
        connection.set_schema_to_public()
        state = SchemaState.objects.get(union__slug=FAILING)
        assert state.fingerprint == code_fingerprint() and state.error == "" and state.failed_at is None
