"""Rebuilding the indices with no downtime: fill new indices, then swap the aliases at once.

1. Create a new concrete index per visibility, reachable as ``<prefix>-<visibility>-next`` so
   the indexing pipeline writes live changes into it too while it fills.
2. Fill it from every source, in the public schema and in every active union's schema.
3. In one ``_aliases`` request move the live alias from the old index to the new one and drop
   the ``-next`` alias; searches answer from the old index until that instant and from the new
   one after it. Then delete the old indices.

If filling fails, the new indices are deleted and the old ones stay live. After a rebuild,
indexing kept for the pending sweep before it started is done and forgotten (``search.pending``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django_tenants.utils import get_public_schema_name, schema_context

from .documents import VISIBILITIES, Visibility, alias_indices, alias_name, index_create, next_alias_name
from .indexing import PUBLIC_SCHEMA, _bulk, engine_errors, union_entries, union_info, union_info_forget


@dataclass
class ReindexResult:
    indices: dict[Visibility, str] = field(default_factory=dict)
    documents: dict[Visibility, int] = field(default_factory=dict)
    schemas: int = 0
    removed: list[str] = field(default_factory=list)


def reindex_schemas() -> list[str]:
    """The public schema and every active union's schema, in a stable order."""
    from tenants.registry.models import Union

    unions = (
        Union.objects.filter(status=Union.Status.ACTIVE)
        .exclude(schema_name=get_public_schema_name())
        .order_by("schema_name")
        .values_list("schema_name", flat=True)
    )
    return [PUBLIC_SCHEMA, *unions]


def schema_actions(
    schema: str, new: dict[Visibility, str], counts: dict[Visibility, int]
) -> Iterator[dict[str, Any]]:
    union = union_info(schema)
    if union is None:
        return
    with schema_context(schema):
        for visibility, action in union_entries(schema=schema, union=union):
            counts[visibility] += 1
            yield {**action, "_index": new[visibility]}


def search_reindex(
    *, schemas: list[str] | None = None, progress: Callable[[str], None] | None = None
) -> ReindexResult:
    """Rebuild both indices from every source (see the module docstring). Runs in public."""
    from .client import search_client
    from .pending import database_now, pending_forget_before_reindex

    union_info_forget()
    started = database_now()
    schemas = reindex_schemas() if schemas is None else schemas
    result = ReindexResult(schemas=len(schemas))
    counts = dict.fromkeys(VISIBILITIES, 0)
    with engine_errors():
        client = search_client()
        old = {v: alias_indices(client, alias_name(v)) for v in VISIBILITIES}
        stale_next = {v: alias_indices(client, next_alias_name(v)) for v in VISIBILITIES}
        # A rebuild that died half-way left its "-next" index behind: it is never made live.
        for v in VISIBILITIES:
            for index in stale_next[v]:
                if index not in old[v]:
                    client.options(ignore_status=404).indices.delete(index=index)
        new: dict[Visibility, str] = {
            v: index_create(client, visibility=v, aliases=(next_alias_name(v),)) for v in VISIBILITIES
        }
        try:
            for schema in schemas:
                _bulk(client, schema_actions(schema, new, counts))
                if progress:
                    progress(schema)
            client.indices.refresh(index=",".join(new.values()))
        except BaseException:
            client.options(ignore_status=404).indices.delete(index=",".join(new.values()))
            raise
        actions: list[dict[str, Any]] = []
        for v in VISIBILITIES:
            for index in old[v]:
                actions.append({"remove": {"index": index, "alias": alias_name(v)}})
            actions.append({"add": {"index": new[v], "alias": alias_name(v)}})
            actions.append({"remove": {"index": new[v], "alias": next_alias_name(v)}})
        client.indices.update_aliases(actions=actions)
        for v in VISIBILITIES:
            for index in old[v]:
                client.options(ignore_status=404).indices.delete(index=index)
                result.removed.append(index)
    # The new indices hold every schema as read after ``started``, and nothing else.
    pending_forget_before_reindex(started)
    result.indices = dict(new)
    result.documents = dict(counts)
    return result
