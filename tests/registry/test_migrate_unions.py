"""`migrate_unions`: skip what is current, migrate what is behind, one union's failure stays its own."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from tenants.registry import migrate
from tenants.registry.models import SchemaState
from tenants.registry.state import code_fingerprint, tenant_app_labels

pytestmark = pytest.mark.django_db


def _applied(schema: str) -> set[tuple[str, str]]:
    with schema_context(schema):
        return set(MigrationRecorder(connection).applied_migrations())


def _unapply_a_leaf(schema: str) -> tuple[str, str]:
    """Really take ``schema`` one migration back: unapply the first reversible leaf migration of
    a union app. Returns it."""
    labels = tenant_app_labels()
    with schema_context(schema):
        executor = MigrationExecutor(connection)
        graph = executor.loader.graph
        for app, name in sorted(graph.leaf_nodes()):
            parents = [p for p in graph.node_map[(app, name)].parents if p[0] == app]
            if app not in labels or not parents:
                continue
            try:
                with transaction.atomic():
                    executor.migrate([parents[0]])
            except Exception:  # irreversible: try the next app
                executor = MigrationExecutor(connection)
                continue
            return (app, name)
    raise AssertionError("no reversible leaf migration")


def _behind(union) -> tuple[str, str]:
    leaf = _unapply_a_leaf(union.schema_name)
    connection.set_schema_to_public()
    SchemaState.objects.filter(union=union).update(fingerprint="before-the-deploy")
    assert leaf not in _applied(union.schema_name)
    return leaf


def test_provisioned_unions_record_the_codes_state(union_a, union_b):
    assert SchemaState.objects.get(union=union_a).fingerprint == code_fingerprint()
    assert SchemaState.objects.get(union=union_b).fingerprint == code_fingerprint()


def test_a_current_union_is_skipped_without_touching_its_schema(union_a, union_b):
    with (
        mock.patch.object(migrate, "_run_migrations") as run,
        CaptureQueriesContext(connection) as queries,
    ):
        report = migrate.unions_migrate(processes=1)
    run.assert_not_called()
    assert report.migrated == [] and report.failed == {} and report.skipped >= 2
    # One count and one list from the registry; nothing reads a union's schema or the catalog.
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert len(queries.captured_queries) <= 3
    assert union_a.schema_name not in sql and "pg_class" not in sql and "django_migrations" not in sql


def test_a_union_behind_is_migrated_and_records_the_codes_state(union_a, union_b):
    leaf = _behind(union_b)
    report = migrate.unions_migrate(processes=1)
    assert report.migrated == [union_b.schema_name] and report.failed == {}
    assert leaf in _applied(union_b.schema_name)
    state = SchemaState.objects.get(union=union_b)
    assert state.fingerprint == code_fingerprint() and state.migrated_at and not state.error


def test_a_failing_union_keeps_its_old_state_the_others_are_migrated_and_a_rerun_resumes(union_a, union_b):
    leaf_a, leaf_b = _behind(union_a), _behind(union_b)
    real = migrate._run_migrations

    def fails_on_b(schema_name):
        applied = real(schema_name)  # the migration really runs, then the union fails
        if schema_name == union_b.schema_name:
            raise RuntimeError("disk full")
        return applied

    with mock.patch.object(migrate, "_run_migrations", side_effect=fails_on_b):
        report = migrate.unions_migrate(processes=1)
    assert report.migrated == [union_a.schema_name]
    assert list(report.failed) == [union_b.schema_name] and "disk full" in report.failed[union_b.schema_name]
    assert leaf_a in _applied(union_a.schema_name)
    assert leaf_b not in _applied(union_b.schema_name)  # rolled back with the failure
    failed = SchemaState.objects.get(union=union_b)
    assert failed.fingerprint == "before-the-deploy" and "disk full" in failed.error and failed.failed_at

    # Run again: only the failed union is left, and it is migrated now.
    report = migrate.unions_migrate(processes=1)
    assert report.migrated == [union_b.schema_name] and report.failed == {}
    assert leaf_b in _applied(union_b.schema_name)
    assert SchemaState.objects.get(union=union_b).error == ""


def test_the_command_reports_and_fails_the_deploy_on_a_failure(union_b, capsys):
    _behind(union_b)
    with (
        mock.patch.object(migrate, "_run_migrations", side_effect=RuntimeError("lock timeout")),
        pytest.raises(CommandError, match="1 failed"),
    ):
        call_command("migrate_unions", processes=1, no_progress=True, no_spares=True)
    assert f"{union_b.schema_name}: FAILED RuntimeError: lock timeout" in capsys.readouterr().err
    call_command("migrate_unions", processes=1, no_progress=True, no_spares=True)
    assert "1 migrated" in capsys.readouterr().out


def test_the_quick_check_names_a_union_behind(union_b):
    call_command("check_migrations", quick=True, no_progress=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    SchemaState.objects.filter(union=union_b).update(fingerprint="before-the-deploy")
    with pytest.raises(CommandError, match="1 of"):
        call_command("check_migrations", quick=True, no_progress=True, stderr=open("/dev/null", "w"))  # noqa: SIM115


def test_a_union_without_a_recorded_state_counts_as_behind(union_a):
    SchemaState.objects.filter(union=union_a).delete()
    assert (union_a.pk, union_a.schema_name, "default") in migrate.unions_behind(
        fingerprint=code_fingerprint()
    )
