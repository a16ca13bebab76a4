"""Turning registered records into search documents and writing them to the engine.

Called by the indexing task (a few records after a commit), by the reindex command (every
record, in bulk) and when a union is suspended, archived, reinstated or deleted. The union,
district and street of a document, its id and its absolute URL are filled in here from the
schema; the apps only say what the record's text is (``search.registry``).
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, helpers

from workershome.tenancy import current_schema

from .documents import VISIBILITIES, Visibility, alias_name, indices_ensure, next_alias_name
from .registry import SearchDocument, SearchSource, source_for_kind, sources

log = logging.getLogger(__name__)

PUBLIC_SCHEMA = "public"
UNION_INFO_SECONDS = 60.0
#: Seconds a bulk request or a delete-by-query may take (queries keep ``SEARCH_TIMEOUT``).
BULK_TIMEOUT = 120.0


class SearchEngineError(RuntimeError):
    """The engine failed or could not be reached while indexing: the task retries."""


@contextlib.contextmanager
def engine_errors() -> Iterator[None]:
    """Turn the client's connection errors and server-side failures into ``SearchEngineError``
    (a retry); a 4xx answer other than 429 is a bug and is raised as it is."""
    from .client import search_client_reset
    from .query import SearchUnavailable

    try:
        yield
    except (TransportError, SearchUnavailable) as exc:
        search_client_reset()
        raise SearchEngineError(str(exc)) from exc
    except ApiError as exc:
        if exc.meta.status >= 500 or exc.meta.status == 429:
            raise SearchEngineError(str(exc)) from exc
        raise
    except helpers.BulkIndexError as exc:
        statuses = {next(iter(item.values())).get("status", 0) for item in exc.errors}
        if any(status >= 500 or status == 429 for status in statuses):
            raise SearchEngineError(str(exc)) from exc
        raise


@dataclass(frozen=True)
class UnionInfo:
    """What every document of a union carries about it (filled by the search layer)."""

    schema: str
    name: str
    district_code: str
    district_name: str
    street_code: str
    street_name: str
    #: ``https://<host>[:port]`` with no trailing slash: the union's site (the portal's for public).
    base_url: str
    active: bool


_union_cache: dict[str, tuple[float, UnionInfo | None]] = {}
_inactive_cache: list[tuple[float, frozenset[str]]] = []
_cache_lock = threading.Lock()


def union_info_forget() -> None:
    """Drop the cached union facts (a union was renamed, moved, suspended or deleted)."""
    with _cache_lock:
        _union_cache.clear()
        _inactive_cache.clear()


def union_info(schema: str) -> UnionInfo | None:
    """The registry facts of the union in ``schema`` (``None`` if there is none), cached briefly."""
    return union_infos([schema]).get(schema)


def union_infos(schemas: list[str]) -> dict[str, UnionInfo | None]:
    """``union_info`` for several schemas, with one query for those not cached."""
    now = time.monotonic()
    found: dict[str, UnionInfo | None] = {}
    missing = []
    for schema in schemas:
        cached = _union_cache.get(schema)
        if cached and now - cached[0] < UNION_INFO_SECONDS:
            found[schema] = cached[1]
        else:
            missing.append(schema)
    if not missing:
        return found
    from tenants.registry.models import Union
    from tenants.registry.services import union_url

    loaded = {
        union.schema_name: UnionInfo(
            schema=union.schema_name,
            name=union.name,
            district_code=union.district.code if union.district else "",
            district_name=union.district.name if union.district else "",
            street_code=union.street.code if union.street else "",
            street_name=union.street.name if union.street else "",
            base_url=union_url(union).rstrip("/") if union.primary_host else "",
            active=union.status == Union.Status.ACTIVE,
        )
        for union in Union.objects.select_related("district", "street").filter(schema_name__in=missing)
    }
    with _cache_lock:
        for schema in missing:
            _union_cache[schema] = (now, loaded.get(schema))
            found[schema] = loaded.get(schema)
    return found


def inactive_union_schemas() -> frozenset[str]:
    """Schemas of suspended and archived unions: never shown, even before their documents are
    removed (the removal runs after commit, by task)."""
    now = time.monotonic()
    if _inactive_cache and now - _inactive_cache[0][0] < UNION_INFO_SECONDS / 2:
        return _inactive_cache[0][1]
    from tenants.registry.models import Union

    schemas = frozenset(
        Union.objects.exclude(status=Union.Status.ACTIVE).values_list("schema_name", flat=True)
    )
    with _cache_lock:
        _inactive_cache[:] = [(now, schemas)]
    return schemas


def document_id(schema: str, kind: str, pk: object) -> str:
    return f"{schema}:{kind}:{pk}"


def source_applies(source: SearchSource, schema: str) -> bool:
    """Public-schema sources are indexed in the public schema only, union sources in unions only."""
    return (source.schema == "public") == (schema == PUBLIC_SCHEMA)


def absolute_url(url: str, union: UnionInfo) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return union.base_url + (url if url.startswith("/") else "/" + url)


def entry_body(source: SearchSource, document: SearchDocument, union: UnionInfo) -> dict[str, Any]:
    """The engine's document for ``document`` of ``source`` in ``union``."""
    date = document.date
    if isinstance(date, datetime.datetime):
        date = date.date()
    body: dict[str, Any] = {
        "kind": source.kind,
        "union_schema": union.schema,
        "union_name": union.name,
        "district_code": union.district_code,
        "district_name": union.district_name,
        "street_code": union.street_code,
        "street_name": union.street_name,
        "title": document.title,
        "body": document.body,
        "keywords": [str(k) for k in document.keywords if k],
        "url": absolute_url(document.url, union),
        "date": date.isoformat() if date else None,
        "facets": facet_values(kind=source.kind, union=union, date=date),
    }
    if source.visibility == "staff":
        body["permission"] = document.permission
        body["access"] = access_values(document)
    else:
        body["audience"] = sorted(
            f"{AUDIENCE_DISTRICT}{code}" for code in set(document.districts) if code
        ) or [AUDIENCE_ALL]
    return body


#: ``audience`` of a public document anyone may find.
AUDIENCE_ALL = "all"
#: ``audience`` of a public document addressed to a district's unions: the prefix of the code.
AUDIENCE_DISTRICT = "district:"
#: ``access`` of a staff document anyone who may use the union's admin may find.
ACCESS_ADMIN = "admin"


def facet_values(*, kind: str, union: UnionInfo, date: datetime.date | None) -> list[str]:
    """The document's values of every facet, in the one ``facets`` field (see the query builder)."""
    values = [f"kind:{kind}", f"union:{union.schema}"]
    if union.district_code:
        values.append(f"district:{union.district_code}")
    if date:
        values += [f"month:{date:%Y-%m}", f"day:{date.isoformat()}"]
    return values


def access_values(document: SearchDocument) -> list[str]:
    """Who may find a staff document: its permission, roles and users, or anyone in the admin."""
    values = (
        ([f"perm:{document.permission}"] if document.permission else [])
        + [f"role:{role}" for role in document.roles if role]
        + [f"user:{user}" for user in document.users if user is not None]
    )
    return sorted(set(values)) or [ACCESS_ADMIN]


def document_render(source: SearchSource, row: Any) -> SearchDocument | None:
    """``source.document(row)``; a source that fails on one row is logged and skipped, never
    allowed to stop the other rows (the row keeps its old document until it indexes again)."""
    try:
        return source.document(row)
    except Exception:
        log.exception("search: %s document for %s failed", source.kind, getattr(row, "pk", row))
        raise


def write_targets(client: Elasticsearch) -> dict[Visibility, list[str]]:
    """The concrete indices each visibility is written to: the live one and, during a rebuild,
    the one being filled. Creates the live indices on a fresh engine."""
    wanted = {alias_name(v): v for v in VISIBILITIES} | {next_alias_name(v): v for v in VISIBILITIES}
    targets: dict[Visibility, list[str]] = {v: [] for v in VISIBILITIES}
    for attempt in range(2):
        response = client.options(ignore_status=404).indices.get_alias(name=",".join(wanted))
        body = response.body if isinstance(response.body, dict) else {}
        for index, spec in body.items():
            if not isinstance(spec, dict):
                continue
            for alias in spec.get("aliases", {}):
                if alias in wanted and index not in targets[wanted[alias]]:
                    targets[wanted[alias]].append(index)
        if all(targets.values()) or attempt:
            break
        indices_ensure(client)
    return targets


def _bulk(client: Elasticsearch, actions: Iterable[dict[str, Any]], *, refresh: bool = False) -> int:
    ok = 0
    for success, info in helpers.streaming_bulk(
        client.options(request_timeout=BULK_TIMEOUT),
        actions,
        chunk_size=500,
        raise_on_error=False,
        raise_on_exception=True,
        refresh=refresh,
    ):
        if success:
            ok += 1
            continue
        operation, detail = next(iter(info.items()))
        if operation == "delete" and detail.get("status") == 404:
            continue  # already gone
        raise helpers.BulkIndexError("search bulk failed", [info])
    return ok


@dataclass(frozen=True)
class SyncResult:
    indexed: int
    removed: int


def documents_sync(*, items: Iterable[tuple[str, str]], refresh: bool = False) -> SyncResult:
    """Bring the documents of ``items`` ((kind, pk) pairs of the current schema) up to date:
    index what the source renders, remove what it no longer renders or what is gone.

    Runs in the record's schema. Raises ``SearchEngineError`` when the engine fails (retry).
    """
    from .client import search_client

    schema = current_schema()
    union = union_info(schema)
    by_kind: dict[str, set[str]] = defaultdict(set)
    for kind, pk in items:
        by_kind[kind].add(str(pk))
    actions: list[tuple[Visibility, dict[str, Any]]] = []
    indexed = removed = 0
    for kind, pks in by_kind.items():
        source = source_for_kind(kind)
        if source is None or not source_applies(source, schema):
            continue
        rows = {str(row.pk): row for row in source.queryset().filter(pk__in=list(pks))}
        for pk in sorted(pks):
            doc_id = document_id(schema, kind, pk)
            row = rows.get(pk)
            try:
                document = document_render(source, row) if row is not None else None
            except Exception:
                continue
            if document is None or union is None or not union.active:
                actions.append((source.visibility, {"_op_type": "delete", "_id": doc_id, "_routing": schema}))
                removed += 1
            else:
                body = entry_body(source, document, union)
                actions.append((source.visibility, {"_id": doc_id, "_routing": schema, "_source": body}))
                indexed += 1
    if not actions:
        return SyncResult(0, 0)
    with engine_errors():
        client = search_client()
        targets = write_targets(client)
        _bulk(
            client,
            ({**action, "_index": index} for visibility, action in actions for index in targets[visibility]),
            refresh=refresh,
        )
    return SyncResult(indexed, removed)


def union_documents_remove(*, schema: str, refresh: bool = False) -> None:
    """Remove every document of the union in ``schema`` (suspended, archived or deleted)."""
    from .client import search_client

    with engine_errors():
        client = search_client()
        targets = write_targets(client)
        indices = sorted({index for names in targets.values() for index in names})
        client.options(request_timeout=BULK_TIMEOUT).delete_by_query(
            index=",".join(indices),
            query={"term": {"union_schema": schema}},
            routing=schema,
            refresh=refresh,
            conflicts="proceed",
        )


def union_entries(*, schema: str, union: UnionInfo) -> Iterator[tuple[Visibility, dict[str, Any]]]:
    """Every document of every source of the current schema (``schema``), as bulk actions
    without an index: the reindex and a reinstated union's fill."""
    for source in sources():
        if not source_applies(source, schema):
            continue
        for row in source.queryset().iterator(chunk_size=1000):
            try:
                document = document_render(source, row)
            except Exception:
                continue
            if document is None:
                continue
            yield (
                source.visibility,
                {
                    "_id": document_id(schema, source.kind, row.pk),
                    "_routing": schema,
                    "_source": entry_body(source, document, union),
                },
            )


def union_documents_index(*, schema: str, refresh: bool = False) -> int:
    """Index every document of the union in the current schema (a reinstated union)."""
    from .client import search_client

    union = union_info(schema)
    if union is None or not union.active:
        return 0
    with engine_errors():
        client = search_client()
        targets = write_targets(client)
        return _bulk(
            client,
            (
                {**action, "_index": index}
                for visibility, action in union_entries(schema=schema, union=union)
                for index in targets[visibility]
            ),
            refresh=refresh,
        )
