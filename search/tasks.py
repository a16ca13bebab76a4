"""Indexing tasks: run in the record's schema (tenant-schemas-celery carries it)."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from .indexing import SearchEngineError

#: Engine errors and database hiccups are retried with exponential backoff (up to ten minutes
#: apart, eight times); acknowledged late, so a worker killed mid-task leaves it queued.
_RETRIED: tuple[type[BaseException], ...] = (SearchEngineError, DatabaseError)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=_RETRIED,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def search_documents_sync(*, items: list[list[str]]) -> int:
    """Index or remove the documents of ``items`` ([kind, pk] pairs of this schema) after the
    commit that changed them. Safe to run twice: it reads the rows again each time. Retried
    with backoff while the engine is down."""
    from .indexing import documents_sync

    result = documents_sync(items=[(kind, pk) for kind, pk in items])
    return result.indexed + result.removed


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=_RETRIED,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def search_union_remove(*, schema: str) -> None:
    """A union was suspended, archived or deleted: remove all its documents."""
    from .indexing import union_documents_remove

    union_documents_remove(schema=schema)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=_RETRIED,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def search_union_index(*, schema: str) -> int:
    """A union was reinstated: index all its documents again. Runs in the union's schema."""
    from workershome.tenancy import current_schema

    from .indexing import union_documents_index

    if current_schema() != schema:
        return 0
    return union_documents_index(schema=schema)
