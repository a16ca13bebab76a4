"""The search indices, declared with ``elasticsearch.dsl``.

Two indices, each behind an alias so ``search_reindex`` can rebuild without downtime:

- ``<prefix>-public``: published content anyone may find (portal and union sites);
- ``<prefix>-staff``: each union's own records for its staff search in the admin.

The alias points at one concrete index ``<prefix>-<visibility>-<timestamp>``. While a rebuild
runs, the ``<prefix>-<visibility>-next`` alias points at the index being filled, and the
indexing pipeline writes to both, so nothing saved during the rebuild is lost at the swap.

Every document is routed by its union's schema (``_routing``), and its id is
``<schema>:<kind>:<pk>``: ids never collide across unions.
"""

from __future__ import annotations

import datetime
from functools import cache
from typing import Any, Literal

from elasticsearch import Elasticsearch
from elasticsearch.dsl import Date, Document, Index, Keyword, Text, analyzer, token_filter

from . import conf

Visibility = Literal["public", "staff"]
VISIBILITIES: tuple[Visibility, ...] = ("public", "staff")

#: Prefix suggestions: the whole title lower-cased, cut into its first 1..20 characters.
title_prefix_analyzer = analyzer(
    "wh_title_prefix",
    tokenizer="keyword",
    filter=["lowercase", token_filter("wh_edge_ngram", "edge_ngram", min_gram=1, max_gram=20)],
)
title_prefix_search_analyzer = analyzer("wh_title_prefix_search", tokenizer="keyword", filter=["lowercase"])


@cache
def entry_class(text_analyzer: str) -> type[Document]:
    """The document class for ``text_analyzer`` (``cjk``, ``ik_max_word``, ``smartcn``...).

    Built per analyzer because the analyzer is a setting: the mapping is made when an index is
    created, and an index keeps the analyzer it was created with until the next reindex.
    """
    search_analyzer = "ik_smart" if text_analyzer == "ik_max_word" else text_analyzer

    def text(**kwargs: Any) -> Text:
        return Text(analyzer=text_analyzer, search_analyzer=search_analyzer, **kwargs)

    class SearchEntry(Document):
        """One searchable record of one union (or of the federation, schema ``public``)."""

        kind = Keyword()
        union_schema = Keyword()
        union_name = Keyword()
        district_code = Keyword()
        district_name = Keyword()
        street_code = Keyword()
        street_name = Keyword()
        title = text(
            fields={
                "prefix": Text(analyzer=title_prefix_analyzer, search_analyzer=title_prefix_search_analyzer),
                "raw": Keyword(ignore_above=256),
            }
        )
        body = text()
        keywords = text()
        url = Keyword(index=False)
        date = Date(format="strict_date_optional_time||epoch_millis")
        permission = Keyword()
        #: Every facet value of the document in one field (``kind:…``, ``district:…``,
        #: ``union:…``, ``month:YYYY-MM``, ``day:YYYY-MM-DD``), so one ``terms`` aggregation
        #: counts every facet: the embedded engine pays per aggregation and per matching document.
        facets = Keyword(multi=True)
        #: Public documents: who may find it (``all``, or ``district:<code>`` for each district a
        #: federation notice was pushed to).
        audience = Keyword(multi=True)
        #: Staff documents: who may find it (``admin``: anyone who may use the union's admin;
        #: ``perm:<app.codename>``, ``role:<code>``, ``user:<id>``).
        access = Keyword(multi=True)

    return SearchEntry


def alias_name(visibility: Visibility) -> str:
    return f"{conf.index_prefix()}-{visibility}"


def next_alias_name(visibility: Visibility) -> str:
    return f"{conf.index_prefix()}-{visibility}-next"


def concrete_index_name(visibility: Visibility) -> str:
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d%H%M%S%f")
    return f"{alias_name(visibility)}-{stamp}"


def index_definition(name: str) -> Index:
    """The index ``name`` with the configured analyzer's mapping (not created yet)."""
    index = Index(name)
    index.settings(number_of_shards=1, max_result_window=10_000)
    index.document(entry_class(conf.analyzer()))
    return index


def index_create(
    client: Elasticsearch, *, visibility: Visibility, aliases: tuple[str, ...] = (), name: str = ""
) -> str:
    """Create a new concrete index for ``visibility`` (with ``aliases``) and return its name."""
    name = name or concrete_index_name(visibility)
    index = index_definition(name)
    for alias in aliases:
        index.aliases(**{alias: {}})
    body = index.to_dict()
    # An index that already exists (another process ensured it first) is left as it is.
    client.options(ignore_status=400).indices.create(
        index=name, settings=body.get("settings"), mappings=body.get("mappings"), aliases=body.get("aliases")
    )
    return name


def alias_indices(client: Elasticsearch, alias: str) -> list[str]:
    """The concrete indices ``alias`` points at ([] when it does not exist)."""
    response = client.options(ignore_status=404).indices.get_alias(name=alias)
    if response.meta.status == 404:
        return []
    return sorted(name for name, spec in response.body.items() if alias in spec.get("aliases", {}))


def indices_ensure(client: Elasticsearch) -> None:
    """Create the live indices that do not exist yet (a fresh engine): empty until reindexed."""
    for visibility in VISIBILITIES:
        alias = alias_name(visibility)
        if not alias_indices(client, alias):
            # A fixed name: two processes ensuring at once create one index, not two under one
            # alias; an index of that name left without its alias gets it back.
            name = index_create(client, visibility=visibility, aliases=(alias,), name=f"{alias}-0")
            client.indices.put_alias(index=name, name=alias)
