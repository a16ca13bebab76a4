"""The indexing pipeline: a save or delete of a registered record queues its reindexing.

``post_save``/``post_delete`` of every model (one receiver, looked up per model class) collect
the (kind, pk) pairs a transaction touched, per schema; after the commit one task per schema
(``search_documents_sync``) indexes them, in that schema. A rolled-back transaction queues
nothing: ``transaction.on_commit`` drops the batch's callback with it. A many-to-many change
(``m2m_changed``) counts as a save of the records it relates. A union's suspension, archiving, reinstatement or deletion (``Union`` saved or deleted,
as ``registry.services.union_set_status`` does) removes or restores all its documents.
A task that cannot be queued (or fails in process) leaves its work to the pending sweep
(``search.pending``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models

from workershome.tenancy import current_schema, on_commit_in_schema

from .registry import sources_for_model

log = logging.getLogger(__name__)


_local = threading.local()
#: How far back in the transaction's commit callbacks to look for this schema's batch.
_SCAN = 50


class _Batch:
    """The records one transaction (at one savepoint depth) touched in one schema; sent as one
    task after the commit."""

    def __init__(self, schema: str, savepoints: frozenset[str]) -> None:
        self.schema = schema
        self.savepoints = savepoints
        self.items: set[tuple[str, str]] = set()
        self.callback: object = None
        self.done = False

    def flush(self) -> None:
        self.done = True
        if not self.items:
            return
        from .pending import pending_record_items
        from .tasks import search_documents_sync

        batch = sorted([kind, pk] for kind, pk in self.items)
        try:
            search_documents_sync.delay(items=batch)
        except Exception as exc:
            # The broker is down, or an in-process (eager) task failed: keep the records for the
            # pending sweep (search.pending). Never fail the request that saved them.
            log.exception("search: could not queue indexing of %d record(s) in %s", len(batch), self.schema)
            _keep(partial(pending_record_items, schema=self.schema, items=sorted(self.items), error=exc))


def _keep(record: Callable[[], object]) -> None:
    """Record work for the pending sweep; if even that fails, log it (a reindex repairs it)."""
    try:
        record()
    except Exception:
        log.exception("search: could not keep the indexing for the pending sweep")


def _batch_for(schema: str) -> _Batch | None:
    """The open batch of the current transaction in ``schema``, if its commit callback is still
    queued at the current savepoint depth (a rolled-back savepoint drops it with its records)."""
    conn = connections[DEFAULT_DB_ALIAS]
    batch: _Batch | None = getattr(_local, "batches", {}).get(schema)
    if batch is None or batch.done or not conn.in_atomic_block:
        return None
    if batch.savepoints != frozenset(conn.savepoint_ids):
        return None
    for entry in conn.run_on_commit[: -_SCAN - 1 : -1]:
        if entry[1] is batch.callback:
            return batch
    return None


def _queue(schema: str, items: Iterable[tuple[str, str]]) -> None:
    conn = connections[DEFAULT_DB_ALIAS]
    batch = _batch_for(schema)
    if batch is not None:
        batch.items.update(items)
        return
    batch = _Batch(schema, frozenset(conn.savepoint_ids))
    batch.items.update(items)
    if not conn.in_atomic_block:
        on_commit_in_schema(batch.flush, schema=schema, robust=True)  # autocommit: runs now
        return
    if not hasattr(_local, "batches"):
        _local.batches = {}
    _local.batches[schema] = batch
    on_commit_in_schema(batch.flush, schema=schema, robust=True)
    batch.callback = conn.run_on_commit[-1][1]


def _rows(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, models.Model):
        return [value]
    return list(value)


def _changed(instance: models.Model, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # fixtures loading
    found = sources_for_model(type(instance))
    if not found:
        return
    items: set[tuple[str, str]] = set()
    for source in found:
        if source.model is type(instance) and instance.pk is not None:
            items.add((source.kind, str(instance.pk)))
        rows_for = source.depends_on.get(type(instance))
        if rows_for is not None:
            try:
                rows = _rows(rows_for(instance))
            except Exception:
                log.exception("search: rows depending on %s could not be found", type(instance).__name__)
                continue
            items.update((source.kind, str(row.pk)) for row in rows if row is not None and row.pk is not None)
    if items:
        _queue(current_schema(), items)


def record_saved(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    _changed(instance, **kwargs)


def record_deleted(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    # ``instance.pk`` is still set in post_delete: the task finds no row and removes the document.
    _changed(instance, **kwargs)


def relation_changed(
    sender: Any,
    instance: models.Model,
    action: str = "",
    reverse: bool = False,
    model: type[models.Model] | None = None,
    pk_set: set[Any] | None = None,
    **kwargs: Any,
) -> None:
    """A many-to-many relation changed (``.add``/``.set``/``.remove``/``.clear`` fire no
    ``post_save``): the records on the side that has sources are indexed again (a federation
    notice's districts, the officers named on a hardship file)."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if sources_for_model(type(instance)):
        _changed(instance)
    if model is not None and pk_set and sources_for_model(model):
        for row in model._default_manager.filter(pk__in=pk_set):
            _changed(row)


_UNION_FACTS = ("status", "name", "district_id", "street_id")


def _union_facts(union: Any) -> tuple[Any, ...]:
    return tuple(getattr(union, name) for name in _UNION_FACTS)


def union_saving(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Remember what the documents say about the union before it is saved."""
    if instance.pk and not kwargs.get("raw"):
        before = type(instance).objects.filter(pk=instance.pk).values_list(*_UNION_FACTS).first()
        instance._search_facts_before = before


def union_saved(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    """A union was suspended, archived or reinstated (or renamed, moved to another district):
    remove its documents, or index them again with the new facts, after the commit. Other
    saves (its member count, its invite code) leave the index alone."""
    from .indexing import union_info_forget

    if created or kwargs.get("raw") or instance.schema_name == "public":
        return
    before = getattr(instance, "_search_facts_before", None)
    if before is not None and tuple(before) == _union_facts(instance):
        return
    union_info_forget()
    schema = instance.schema_name
    active = instance.status == type(instance).Status.ACTIVE

    def queue() -> None:
        from django_tenants.utils import schema_context

        from .pending import pending_record_union
        from .tasks import search_union_index, search_union_remove

        try:
            if active:
                with schema_context(schema):
                    search_union_index.delay(schema=schema)
            else:
                search_union_remove.delay(schema=schema)
        except Exception as exc:
            log.exception("search: could not queue the documents of union %s", schema)
            _keep(partial(pending_record_union, schema=schema, active=active, error=exc))

    on_commit_in_schema(queue, schema="public", robust=True)


def union_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A union's registry row was deleted: remove its documents after the commit."""
    from .indexing import union_info_forget

    union_info_forget()
    schema = instance.schema_name

    def queue() -> None:
        from .pending import pending_record_union
        from .tasks import search_union_remove

        try:
            search_union_remove.delay(schema=schema)
        except Exception as exc:
            log.exception("search: could not queue the removal of union %s", schema)
            _keep(partial(pending_record_union, schema=schema, active=False, error=exc))

    on_commit_in_schema(queue, schema="public", robust=True)


def signals_connect() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

    from tenants.registry.models import Union

    post_save.connect(record_saved, dispatch_uid="search_record_saved")
    post_delete.connect(record_deleted, dispatch_uid="search_record_deleted")
    m2m_changed.connect(relation_changed, dispatch_uid="search_relation_changed")
    pre_save.connect(union_saving, sender=Union, dispatch_uid="search_union_saving")
    post_save.connect(union_saved, sender=Union, dispatch_uid="search_union_saved")
    post_delete.connect(union_deleted, sender=Union, dispatch_uid="search_union_deleted")
