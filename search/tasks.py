"""Indexing tasks: run in the record's schema (tenant-schemas-celery carries it).

Each task retries on engine and database errors with exponential backoff and full jitter
(Celery's ``retry_backoff``: a random wait of up to 1, 2, 4 … 128 s, so the eight retries end
within about four minutes of the first try, two on average). Its last attempt does not give the
work up: it records it for the durable catch-up (``search.pending``), which a periodic sweep
applies once the engine answers again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from celery import shared_task
from django.db import DatabaseError

from .indexing import SearchEngineError

log = logging.getLogger(__name__)

#: Engine errors and database hiccups are retried with exponential backoff (eight times; the cap
#: of ten minutes between tries is never reached); acknowledged late, so a worker killed
#: mid-task leaves it queued.
_RETRIED: tuple[type[BaseException], ...] = (SearchEngineError, DatabaseError)


def last_attempt(task: Any) -> bool:
    """Whether this run of ``task`` is its last: no retry follows a failure."""
    return task.max_retries is not None and task.request.retries >= task.max_retries


def give_over(error: BaseException, record: Callable[[], object], what: str) -> None:
    """The retries are used up: hand the work to the pending sweep. If even that fails (the
    database is down too), the task fails with the original error, as before."""
    try:
        record()
    except Exception:
        log.exception("search: could not keep %s for the pending sweep", what)
        raise error from None
    log.warning("search: %s kept for the pending sweep after %s", what, type(error).__name__)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=_RETRIED,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def search_documents_sync(self: Any, *, items: list[list[str]]) -> int:
    """Index or remove the documents of ``items`` ([kind, pk] pairs of this schema) after the
    commit that changed them. Safe to run twice: it reads the rows again each time. Retried
    with backoff while the engine is down; then kept for the pending sweep."""
    from workershome.tenancy import current_schema

    from .indexing import documents_sync
    from .pending import pending_record_items

    pairs = [(kind, pk) for kind, pk in items]
    try:
        result = documents_sync(items=pairs)
    except _RETRIED as exc:
        if not last_attempt(self):
            raise  # retried with backoff
        schema = current_schema()
        give_over(
            exc,
            partial(pending_record_items, schema=schema, items=pairs, error=exc),
            f"indexing of {len(pairs)} record(s) in {schema}",
        )
        return 0
    return result.indexed + result.removed


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=_RETRIED,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def search_union_remove(self: Any, *, schema: str) -> None:
    """A union was suspended, archived or deleted: remove all its documents."""
    from .indexing import union_documents_remove
    from .pending import pending_record_union

    try:
        union_documents_remove(schema=schema)
    except _RETRIED as exc:
        if not last_attempt(self):
            raise
        give_over(
            exc,
            partial(pending_record_union, schema=schema, active=False, error=exc),
            f"removal of union {schema}",
        )


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=_RETRIED,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def search_union_index(self: Any, *, schema: str) -> int:
    """A union was reinstated: index all its documents again. Runs in the union's schema."""
    from workershome.tenancy import current_schema

    from .indexing import union_documents_index
    from .pending import pending_record_union

    if current_schema() != schema:
        return 0
    try:
        return union_documents_index(schema=schema)
    except _RETRIED as exc:
        if not last_attempt(self):
            raise
        give_over(
            exc,
            partial(pending_record_union, schema=schema, active=True, error=exc),
            f"indexing of union {schema}",
        )
        return 0


@shared_task(acks_late=True, reject_on_worker_lost=True)
def search_pending_sweep() -> int:
    """Every few minutes (beat, public schema): apply the indexing kept while the engine was
    down, if it answers now. Does nothing but one count while nothing is pending."""
    from .pending import pending_sweep

    result = pending_sweep()
    return result.applied + result.dropped
