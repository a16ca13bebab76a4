"""Migrating the unions' schemas: only those behind, each in its own transaction, in parallel.

``migrate_schemas --tenant`` introspects every union (Django reads ``pg_class`` several times per
schema, and ``pg_class`` grows with every union), so a deploy with nothing to apply costs about
0.5 s per union at 1,000 unions. Here each union's schema records the code fingerprint it was
made or migrated at (``SchemaState``); a union whose fingerprint is the code's is skipped without
touching its schema, so a no-op deploy is one query. A union behind is migrated in one
transaction together with its new fingerprint: a failing migration rolls that union back to its
old state, is reported with its error and is retried by the next run; the others go on.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from workershome.tenancy import use_public_schema

from .models import SchemaState, Union
from .state import code_fingerprint

logger = logging.getLogger(__name__)


@dataclass
class MigrationReport:
    """What a run did: unions migrated, skipped as current, and failed (schema → error)."""

    migrated: list[str] = field(default_factory=list)
    skipped: int = 0
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failed


def unions_behind(*, fingerprint: str, schemas: Iterable[str] | None = None) -> list[tuple[int, str, str]]:
    """``(id, schema, database)`` of every union whose recorded state is not ``fingerprint`` (or
    unknown)."""
    unions = Union.objects.exclude(schema_name="public")
    if schemas is not None:
        unions = unions.filter(schema_name__in=list(schemas))
    return list(
        unions.exclude(schema_state__fingerprint=fingerprint)
        .order_by("pk")
        .values_list("pk", "schema_name", "database")
    )


def _run_migrations(schema_name: str) -> int:
    """Apply the unapplied migrations to ``schema_name`` as ``migrate`` does; returns how many."""
    from django_tenants.utils import schema_context

    with schema_context(schema_name):
        return _run_migrations_here()


def _run_migrations_here() -> int:
    from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.loader.check_consistent_history(connection)
    targets = executor.loader.graph.leaf_nodes()
    plan = executor.migration_plan(targets)
    pre_state = executor._create_project_state(with_applied_migrations=True)  # type: ignore[attr-defined]
    emit_pre_migrate_signal(0, False, connection.alias, apps=pre_state.apps, plan=plan)

    def settle(action, migration=None, fake=False):
        # What a commit between migrations would do: fire the deferred constraint checks, so the
        # next migration's ALTER TABLE does not meet "pending trigger events".
        if action == "apply_success":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED")

    executor.progress_callback = settle
    post_state = executor.migrate(targets, plan=plan, state=pre_state.clone(), fake=False, fake_initial=False)
    post_state.clear_delayed_apps_cache()
    emit_post_migrate_signal(0, False, connection.alias, apps=post_state.apps, plan=plan)
    return len(plan)


def union_schema_migrate(
    *, union_id: int, schema_name: str, fingerprint: str, database: str = DEFAULT_DB_ALIAS
) -> str | None:
    """Migrate one union's schema and record ``fingerprint``, all in one transaction; returns
    the error (and records it) if it failed, leaving the schema as it was.

    A union on a shard (``database``) is migrated in one transaction on its database, and its
    new fingerprint is recorded in the directory after that commits (a lost record only means
    the next run finds nothing to apply and records it then)."""
    if database != DEFAULT_DB_ALIAS:
        return _union_schema_migrate_on_shard(
            union_id=union_id, schema_name=schema_name, fingerprint=fingerprint
        )
    try:
        with transaction.atomic():
            _run_migrations(schema_name)
            use_public_schema()
            SchemaState.objects.update_or_create(
                union_id=union_id,
                defaults={
                    "fingerprint": fingerprint,
                    "migrated_at": timezone.now(),
                    "error": "",
                    "failed_at": None,
                },
            )
    except Exception as exc:  # any failure stops this union only; it is reported and retried
        error = f"{type(exc).__name__}: {exc}".strip()[:2000]
        logger.warning("migrating %s failed: %s", schema_name, error)
        use_public_schema()
        SchemaState.objects.update_or_create(
            union_id=union_id, defaults={"error": error, "failed_at": timezone.now()}
        )
        return error
    finally:
        use_public_schema()
    return None


def _union_schema_migrate_on_shard(*, union_id: int, schema_name: str, fingerprint: str) -> str | None:
    from django_tenants.utils import schema_context

    try:
        with schema_context(schema_name), transaction.atomic():
            _run_migrations_here()
    except Exception as exc:  # as above: this union only, reported and retried
        error = f"{type(exc).__name__}: {exc}".strip()[:2000]
        logger.warning("migrating %s failed: %s", schema_name, error)
        use_public_schema()
        SchemaState.objects.update_or_create(
            union_id=union_id, defaults={"error": error, "failed_at": timezone.now()}
        )
        return error
    use_public_schema()
    SchemaState.objects.update_or_create(
        union_id=union_id,
        defaults={"fingerprint": fingerprint, "migrated_at": timezone.now(), "error": "", "failed_at": None},
    )
    return None


def _migrate_batch(batch: list[tuple[int, str, str]], fingerprint: str) -> list[tuple[str, str | None]]:
    return [
        (
            schema,
            union_schema_migrate(union_id=pk, schema_name=schema, fingerprint=fingerprint, database=database),
        )
        for pk, schema, database in batch
    ]


def _child_start() -> None:
    # The parent closed its connections before forking; each child opens its own.
    for conn in connections.all(initialized_only=True):
        conn.close()


def unions_migrate(
    *,
    processes: int | None = None,
    batch_size: int = 10,
    schemas: Iterable[str] | None = None,
    progress: Callable[[int], None] | None = None,
    start: Callable[[int], None] | None = None,
) -> MigrationReport:
    """Migrate every union behind the code's fingerprint; ``progress(n)`` is called as batches
    finish, ``start(n)`` first with the number behind. ``processes`` > 1 migrates batches in that many forked processes."""
    fingerprint = code_fingerprint()
    use_public_schema()
    total = Union.objects.exclude(schema_name="public")
    if schemas is not None:
        total = total.filter(schema_name__in=list(schemas))
    behind = unions_behind(fingerprint=fingerprint, schemas=schemas)
    report = MigrationReport(skipped=total.count() - len(behind))
    if start:
        start(len(behind))
    batches = [behind[i : i + batch_size] for i in range(0, len(behind), batch_size)]
    processes = processes or int(getattr(settings, "TENANT_MULTIPROCESSING_MAX_PROCESSES", 2))
    if processes <= 1 or len(batches) <= 1:
        results: Iterable[list[tuple[str, str | None]]] = (_migrate_batch(b, fingerprint) for b in batches)
        _collect(results, report, progress)
    else:
        connections.close_all()
        context = multiprocessing.get_context("fork")
        with context.Pool(min(processes, len(batches)), initializer=_child_start) as pool:
            _collect(pool.imap_unordered(_star_batch, [(b, fingerprint) for b in batches]), report, progress)
    report.migrated.sort()
    return report


def _star_batch(args: tuple[list[tuple[int, str, str]], str]) -> list[tuple[str, str | None]]:
    return _migrate_batch(*args)


def _collect(results, report: MigrationReport, progress) -> None:
    for batch in results:
        for schema, error in batch:
            if error is None:
                report.migrated.append(schema)
            else:
                report.failed[schema] = error
        if progress:
            progress(len(batch))
