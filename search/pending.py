"""The durable catch-up: indexing the engine did not take is kept in PostgreSQL and applied later.

An indexing task retries with backoff for a few minutes (``search.tasks``). When it gives up,
or when it cannot even be queued (the broker is down; an in-process task failed), the records it
was for are written to ``search.PendingIndexOp`` in the public schema: one row per (schema,
kind, object id), or per union for a whole union's documents. A periodic task
(``search_pending_sweep``, every few minutes) asks the engine once whether it answers; while it
does not, the sweep stops there. Once it answers, the sweep applies the rows schema by schema, in
each row's own schema (``schema_context``), from the database as it is then: a record that
still exists is indexed again, one that is gone (or no longer a document) is removed. Rows it
applied are deleted, unless a newer failure recorded them again meanwhile. Rows of a suspended,
archived or deleted union are dropped, never indexed; a whole-union row of such a union removes
its documents.
"""

from __future__ import annotations

import functools
import logging
import operator
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.models import F, Q

from .models import PendingIndexOp

log = logging.getLogger(__name__)

Operation = PendingIndexOp.Operation
#: Rows written or applied per statement or bulk request.
CHUNK = 500
#: How long the sweep holds its lock (seconds): a sweep longer than that may overlap the next.
SWEEP_LOCK_SECONDS = 15 * 60
SWEEP_LOCK_KEY = "search:pending-sweep"


def _alias() -> str:
    """The connection of the pending table (the directory while a shard's union is served)."""
    return router.db_for_write(PendingIndexOp) or DEFAULT_DB_ALIAS


def _table() -> str:
    from django_tenants.utils import get_public_schema_name

    quote = connections[_alias()].ops.quote_name
    return f"{quote(get_public_schema_name())}.{quote(PendingIndexOp._meta.db_table)}"


def _error_text(error: BaseException | str) -> str:
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    return text[:500]


def _upsert(rows: Sequence[tuple[str, str, str, str]], error: BaseException | str) -> int:
    """Insert or replace ``(schema, kind, object_id, operation)`` rows: the newest operation
    wins, the attempts so far are kept, ``recorded_at`` is the database's clock now."""
    unique = list({(schema, kind, pk): op for schema, kind, pk, op in rows}.items())
    if not unique:
        return 0
    text = _error_text(error)
    with connections[_alias()].cursor() as cursor:
        for start in range(0, len(unique), CHUNK):
            chunk = unique[start : start + CHUNK]
            values = ", ".join(["(%s, %s, %s, %s, 0, %s, clock_timestamp())"] * len(chunk))
            params: list[Any] = []
            for (schema, kind, pk), op in chunk:
                params += [schema, kind, pk, op, text]
            cursor.execute(
                f"INSERT INTO {_table()} "
                "(schema_name, kind, object_id, operation, attempts, last_error, recorded_at) "
                f"VALUES {values} "
                "ON CONFLICT (schema_name, kind, object_id) DO UPDATE SET "
                "operation = EXCLUDED.operation, last_error = EXCLUDED.last_error, "
                "recorded_at = EXCLUDED.recorded_at",
                params,
            )
    return len(unique)


def _operations(schema: str, items: Iterable[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """``(kind, pk, operation)``: ``index`` for a row its source still has, ``delete`` otherwise
    (a guess for operators only: the sweep decides again from the database)."""
    from workershome.tenancy import current_schema

    from .indexing import source_applies
    from .registry import source_for_kind

    by_kind: dict[str, set[str]] = defaultdict(set)
    for kind, pk in items:
        by_kind[kind].add(str(pk))
    found: list[tuple[str, str, str]] = []
    for kind, pks in by_kind.items():
        existing: set[str] = set(pks)  # when it cannot tell, the sweep will
        source = source_for_kind(kind)
        if source is not None and source_applies(source, schema) and current_schema() == schema:
            try:
                existing = {
                    str(pk) for pk in source.queryset().filter(pk__in=list(pks)).values_list("pk", flat=True)
                }
            except Exception:
                log.warning("search: could not tell which pending %s records still exist", kind)
        found += [(kind, pk, Operation.INDEX if pk in existing else Operation.DELETE) for pk in sorted(pks)]
    return found


def pending_record_items(
    *, schema: str, items: Iterable[tuple[str, str]], error: BaseException | str = ""
) -> int:
    """Keep ``items`` ((kind, pk) pairs of ``schema``) for the sweep; returns how many rows.
    Called in ``schema`` (the task's, or the commit's) to tell an update from a deletion."""
    rows = [(schema, kind, pk, op) for kind, pk, op in _operations(schema, items)]
    return _upsert(rows, error)


def pending_record_union(*, schema: str, active: bool, error: BaseException | str = "") -> int:
    """Keep a whole union's documents for the sweep: to index again (``active``) or remove."""
    op = Operation.UNION_INDEX if active else Operation.UNION_REMOVE
    return _upsert([(schema, "", "", op)], error)


def pending_count(*, timeout_ms: int | None = None) -> int:
    """How many records (and whole unions) wait for the sweep: the backlog operators watch."""
    alias = _alias()
    if timeout_ms is None:
        return PendingIndexOp.objects.using(alias).count()
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        cursor.execute(f"SET LOCAL statement_timeout = {int(timeout_ms)}")
        cursor.execute(f"SELECT count(*) FROM {_table()}")
        return int(cursor.fetchone()[0])


def engine_answers_now() -> bool:
    """One cheap request: whether the engine answers (the embedded one is started if needed)."""
    from elastic_transport import TransportError
    from elasticsearch import ApiError

    from . import conf
    from .client import search_client, search_client_reset
    from .query import SearchUnavailable

    try:
        client = search_client().options(request_timeout=min(conf.timeout(), 5.0))
        up = bool(client.ping())
    except (SearchUnavailable, TransportError, ApiError, OSError):
        up = False
    if not up:
        search_client_reset()  # the embedded engine may come back on another address
    return up


@dataclass
class SweepResult:
    #: ``None``: nothing was pending, the engine was not asked.
    engine_up: bool | None = None
    applied: int = 0
    dropped: int = 0
    failed: int = 0
    #: Rows left after this sweep (its own failures, rows past its limit, newer records).
    left: int = 0
    locked: bool = False


def _applied(rows: Sequence[PendingIndexOp]) -> int:
    """Delete rows that were applied, unless recorded again since they were read."""
    if not rows:
        return 0
    deleted = 0
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        match = functools.reduce(operator.or_, (Q(pk=row.pk, recorded_at=row.recorded_at) for row in chunk))
        deleted += PendingIndexOp.objects.using(_alias()).filter(match).delete()[0]
    return deleted


def _failed(rows: Sequence[PendingIndexOp], error: BaseException) -> None:
    if rows:
        PendingIndexOp.objects.using(_alias()).filter(pk__in=[row.pk for row in rows]).update(
            attempts=F("attempts") + 1, last_error=_error_text(error)
        )


def _union_statuses(schemas: Iterable[str]) -> dict[str, str]:
    from tenants.registry.models import Union

    return dict(Union.objects.filter(schema_name__in=list(schemas)).values_list("schema_name", "status"))


def _sweep_schema(schema: str, rows: list[PendingIndexOp], status: str | None, result: SweepResult) -> None:
    """Apply one schema's rows; raises ``SearchEngineError`` when the engine fails (the caller
    stops), marking the rows not applied as failed."""
    from django_tenants.utils import get_public_schema_name, schema_context

    from tenants.registry.models import Union

    from .indexing import SearchEngineError, documents_sync, union_documents_index, union_documents_remove

    portal = schema == get_public_schema_name()
    active = portal or status == Union.Status.ACTIVE
    whole = [row for row in rows if not row.kind]
    objects = [row for row in rows if row.kind]
    todo = list(rows)
    try:
        if whole:
            if active and not portal:
                with schema_context(schema):
                    union_documents_index(schema=schema)
            else:
                union_documents_remove(schema=schema)
            result.applied += _applied(whole)
            todo = objects
        if not active:
            # A suspended, archived or deleted union: its records are never indexed.
            result.dropped += _applied(objects)
            return
        for start in range(0, len(objects), CHUNK):
            chunk = objects[start : start + CHUNK]
            with schema_context(schema):
                documents_sync(items=[(row.kind, row.object_id) for row in chunk])
            result.applied += _applied(chunk)
            todo = objects[start + CHUNK :]
    except SearchEngineError as exc:
        _failed(todo, exc)
        result.failed += len(todo)
        raise
    except Exception as exc:
        log.exception("search: pending indexing in %s failed", schema)
        _failed(todo, exc)
        result.failed += len(todo)


def pending_sweep(*, limit: int | None = None) -> SweepResult:
    """Apply pending indexing (oldest first, at most ``limit`` rows) if the engine answers.
    Runs in the public schema; each schema's rows are applied in that schema."""
    from django.core.cache import cache

    from . import conf
    from .indexing import SearchEngineError, union_info_forget

    limit = conf.pending_sweep_limit() if limit is None else limit
    result = SweepResult()
    alias = _alias()
    rows = list(PendingIndexOp.objects.using(alias).order_by("recorded_at", "pk")[:limit])
    if not rows:
        return result
    if not cache.add(SWEEP_LOCK_KEY, 1, timeout=SWEEP_LOCK_SECONDS):
        result.locked = True  # another sweep is running
        result.left = len(rows)
        return result
    try:
        result.engine_up = engine_answers_now()
        if not result.engine_up:
            result.left = PendingIndexOp.objects.using(alias).count()
            return result
        union_info_forget()
        by_schema: dict[str, list[PendingIndexOp]] = defaultdict(list)
        for row in rows:
            by_schema[row.schema_name].append(row)
        statuses = _union_statuses(by_schema)
        for schema, schema_rows in by_schema.items():
            try:
                _sweep_schema(schema, schema_rows, statuses.get(schema), result)
            except SearchEngineError:
                log.warning("search: the engine failed during the pending sweep; stopped")
                result.engine_up = False
                break
    finally:
        cache.delete(SWEEP_LOCK_KEY)
    result.left = PendingIndexOp.objects.using(alias).count()
    if result.applied or result.dropped or result.failed:
        log.info(
            "search: pending sweep applied %d, dropped %d, failed %d, %d left",
            result.applied, result.dropped, result.failed, result.left,
        )  # fmt: skip
    return result


def pending_forget_before_reindex(started: Any) -> int:
    """A full rebuild read every schema after ``started``: rows recorded before it are done."""
    return PendingIndexOp.objects.using(_alias()).filter(recorded_at__lt=started).delete()[0]


def database_now() -> Any:
    """The database's clock (the one ``recorded_at`` is written with)."""
    with connections[_alias()].cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


class PendingCollector:
    """The backlog as a Prometheus gauge, counted at each scrape."""

    def _family(self) -> Any:
        from prometheus_client.core import GaugeMetricFamily

        return GaugeMetricFamily(
            "workershome_search_pending_operations",
            "Search indexing waiting for the engine (records and whole unions) after an outage.",
        )

    def describe(self) -> list[Any]:
        return [self._family()]

    def collect(self) -> list[Any]:
        from django_tenants.utils import get_public_schema_name, schema_context

        family = self._family()
        with schema_context(get_public_schema_name()):
            family.add_metric([], pending_count(timeout_ms=1000))
        return [family]


_collector_registered = False


def pending_collector_register() -> None:
    """Register the gauge once per process (the web's ``/metrics``)."""
    global _collector_registered
    if _collector_registered:
        return
    from prometheus_client import REGISTRY

    REGISTRY.register(PendingCollector())
    _collector_registered = True
