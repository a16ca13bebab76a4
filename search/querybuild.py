"""How ``search.query`` builds the engine's request and reads its answer.

Kept apart from ``search.query`` (the contract pages code against) so the request body can be
built without sending it: the benchmark sends the very same body straight to the engine.

The user's words go only into ``multi_match``/``match`` queries, never ``query_string``: query
syntax characters (``AND``, ``*``, ``:``, quotes, brackets) are searched as text, harmlessly.
"""

from __future__ import annotations

import datetime
import html
import logging
import time
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext
from elastic_transport import TransportError
from elasticsearch import ApiError
from elasticsearch.dsl import A, Q, Search

from .documents import Visibility, alias_name
from .indexing import PUBLIC_SCHEMA, inactive_union_schemas, union_info, union_infos
from .query import (
    DATE_RANGES,
    PER_PAGE_MAX,
    QUERY_MAX_LENGTH,
    RESULT_WINDOW,
    Audience,
    Facet,
    FacetBucket,
    SearchHit,
    SearchQueryError,
    SearchResults,
    SearchUnavailable,
    Suggestion,
    query_clean,
)
from .registry import source_for_kind, sources

log = logging.getLogger(__name__)

#: How much more a title match counts than a body match, and keywords in between.
TITLE_BOOST = 4
KEYWORDS_BOOST = 2
#: A union's own documents on its site: ranked before the federation's shared content.
OWN_UNION_BOOST = 100
#: Recent and upcoming items rank higher: within a month back and two ahead, then half a year.
RECENT = {"gte": "now-30d/d", "lte": "now+60d/d"}
RECENT_BOOST = 1.5
NEAR = {"gte": "now-180d/d", "lte": "now+180d/d"}
NEAR_BOOST = 0.75
SNIPPET_LENGTH = 80
HIGHLIGHT = {
    "encoder": "html",
    "pre_tags": ["<mark>"],
    "post_tags": ["</mark>"],
    "fields": {
        "title": {"number_of_fragments": 0},
        "body": {"fragment_size": SNIPPET_LENGTH, "number_of_fragments": 1, "no_match_size": SNIPPET_LENGTH},
        "keywords": {"number_of_fragments": 0},
    },
}


@dataclass(frozen=True)
class Scope:
    """Which documents an audience may find: the index, the filters and the routing."""

    visibility: Visibility
    filters: list[Any]
    routing: str | None
    own_schema: str | None


def audience_scope(audience: Audience) -> Scope:
    """The mandatory filters of ``audience``: applied here, never by the caller."""
    inactive = sorted(inactive_union_schemas())
    excluded = [Q("terms", union_schema=inactive)] if inactive else []
    if audience.kind == "portal":
        return Scope("public", [Q("bool", must_not=excluded)] if excluded else [], None, None)
    schema = audience.schema_name
    if not schema:
        raise ValueError(f"a {audience.kind} audience needs its union's schema")
    if audience.kind == "site":
        union_filter = Q("terms", union_schema=sorted({schema, PUBLIC_SCHEMA}))
        filters = [union_filter] + ([Q("bool", must_not=excluded)] if excluded else [])
        return Scope("public", filters, f"{schema},{PUBLIC_SCHEMA}", schema)
    if audience.kind == "staff":
        filters = [Q("term", union_schema=schema)]
        if schema in inactive or not audience.admin_access:
            filters.append(Q("bool", must_not=[Q("match_all")]))
        if not audience.all_permissions:
            allowed = [Q("bool", must_not=[Q("exists", field="permission")]), Q("term", permission="")]
            if audience.permissions:
                allowed.append(Q("terms", permission=sorted(audience.permissions)))
            filters.append(Q("bool", should=allowed, minimum_should_match=1))
        return Scope("staff", filters, schema, schema)
    raise ValueError(f"unknown audience {audience.kind!r}")


def text_query(text: str) -> Any:
    """Titles weigh most, then keywords, then the body; an exact phrase in the title and a
    title that starts with the words rank higher still."""
    return Q(
        "bool",
        must=[
            Q(
                "multi_match",
                query=text,
                fields=[f"title^{TITLE_BOOST}", f"keywords^{KEYWORDS_BOOST}", "body"],
                # The words may sit in different fields (an author in the keywords, a title in the
                # title): cross_fields counts them over the fields together.
                type="cross_fields",
                minimum_should_match="2<75%",
            )
        ],
        should=[
            Q("match_phrase", title={"query": text, "boost": TITLE_BOOST}),
            Q("match", **{"title.prefix": {"query": text, "boost": 2}}),
        ],
    )


def ranked(query: Any, scope: Scope, *, dates: bool = True) -> Any:
    """Add the ranking boosts to ``query``: recent and upcoming items, and on a union's site the
    union's own documents (by so much that they come first).

    Boosts are ``should`` clauses rather than a ``function_score`` decay: a decay is computed
    for every matching document and made the embedded engine's queries ten times slower; a
    range clause is a cheap filter, and recent/upcoming is a coarse notion anyway.
    """
    should: list[Any] = []
    if dates:
        should += [
            Q("range", date={**RECENT, "boost": RECENT_BOOST}),
            Q("range", date={**NEAR, "boost": NEAR_BOOST}),
        ]
    if scope.visibility == "public" and scope.own_schema:
        should.append(Q("term", union_schema={"value": scope.own_schema, "boost": OWN_UNION_BOOST}))
    return Q("bool", must=[query], should=should)


@dataclass(frozen=True)
class Selection:
    """The facet values chosen, each already checked (unknown values are dropped)."""

    kinds: tuple[str, ...]
    district: str | None
    union: str | None
    date_range: str | None
    date_from: datetime.date | None
    date_to: datetime.date | None

    def filters(self, *, skip: str = "") -> list[Any]:
        found: list[Any] = []
        if self.kinds and skip != "kind":
            found.append(Q("terms", kind=list(self.kinds)))
        if self.district and skip != "district":
            found.append(Q("term", district_code=self.district))
        if self.union and skip != "union":
            found.append(Q("term", union_schema=self.union))
        if skip != "date":
            if self.date_range:
                found.append(Q("range", date=date_range_bounds(self.date_range)))
            if self.date_from or self.date_to:
                bounds: dict[str, str] = {}
                if self.date_from:
                    bounds["gte"] = self.date_from.isoformat()
                if self.date_to:
                    bounds["lte"] = self.date_to.isoformat()
                found.append(Q("range", date=bounds))
        return found


def date_range_bounds(key: str) -> dict[str, str]:
    _label, start, end = DATE_RANGES[key]
    bounds: dict[str, str] = {}
    if start is not None:
        bounds["gte"] = f"now{start:+d}d/d" if start else "now/d"
    if end is not None:
        bounds["lt"] = f"now{end:+d}d/d" if end else "now/d"
    return bounds


def selection_check(
    *,
    audience: Audience,
    visibility: Visibility,
    kinds: Any,
    district: str | None,
    union: str | None,
    date_range: str | None,
    date_from: Any,
    date_to: Any,
) -> Selection:
    """Keep the facet values that mean something; drop the rest (an unknown kind, district,
    union or range is ignored rather than failing the page)."""
    if isinstance(kinds, str):
        kinds = [kinds]
    known = {s.kind for s in sources() if s.visibility == visibility}
    checked_kinds = tuple(sorted({k for k in (kinds or ()) if isinstance(k, str) and k in known}))
    checked_district = None
    if district and isinstance(district, str) and audience.kind != "staff" and district in district_names():
        checked_district = district
    checked_union = None
    if union and isinstance(union, str) and audience.kind == "portal":
        info = union_info(union)
        if info is not None and info.active:
            checked_union = union
    checked_range = date_range if isinstance(date_range, str) and date_range in DATE_RANGES else None
    return Selection(
        kinds=checked_kinds,
        district=checked_district,
        union=checked_union,
        date_range=checked_range,
        date_from=date_from if isinstance(date_from, datetime.date) else None,
        date_to=date_to if isinstance(date_to, datetime.date) else None,
    )


def facet_aggregations(selection: Selection, audience: Audience) -> dict[str, Any]:
    """One aggregation per facet, each counting under the *other* facets' choices, so a chosen
    kind still shows how many of the other kinds there are."""
    aggs: dict[str, Any] = {}

    def within(name: str, inner: Any) -> Any:
        others = selection.filters(skip=name)
        if not others:
            return inner  # nothing else chosen: count over the whole result (cheaper)
        agg = A("filter", Q("bool", filter=others))
        agg.bucket("v", inner)
        return agg

    aggs["kind"] = within("kind", A("terms", field="kind", size=50))
    if audience.kind != "staff":
        aggs["district"] = within("district", A("terms", field="district_code", size=50))
    if audience.kind == "portal":
        aggs["union"] = within("union", A("terms", field="union_schema", size=30))
    ranges = []
    for key in DATE_RANGES:
        bounds = date_range_bounds(key)
        entry = {"key": key}
        if "gte" in bounds:
            entry["from"] = bounds["gte"]
        if "lt" in bounds:
            entry["to"] = bounds["lt"]
        ranges.append(entry)
    aggs["date"] = within("date", A("date_range", field="date", ranges=ranges))
    return aggs


def search_body(
    *, text: str, audience: Audience, selection: Selection, start: int, size: int
) -> tuple[Visibility, str | None, dict[str, Any]]:
    """(visibility, routing, request body) for a results page."""
    scope = audience_scope(audience)
    search = Search().query(ranked(Q("bool", must=[text_query(text)], filter=scope.filters), scope))
    chosen = selection.filters()
    if chosen:
        search = search.post_filter(Q("bool", filter=chosen))
    for name, agg in facet_aggregations(selection, audience).items():
        search.aggs[name] = agg
    search = search.extra(from_=start, size=size, track_total_hits=True)
    search = search.source(
        [
            "kind",
            "title",
            "url",
            "union_schema",
            "union_name",
            "district_code",
            "district_name",
            "street_name",
            "date",
        ]
    )
    body = search.to_dict()
    body["highlight"] = HIGHLIGHT
    return scope.visibility, scope.routing, body


def correction_body(text: str) -> dict[str, Any]:
    """Ask the term suggester for each word of ``text`` missing from the titles."""
    return {
        "size": 0,
        "suggest": {
            "text": text,
            "fix": {
                "term": {
                    "field": "title",
                    "min_word_length": 2,
                    "prefix_length": 0,
                    "suggest_mode": "missing",
                    "size": 1,
                }
            },
        },
    }


def _send(visibility: Visibility, routing: str | None, body: dict[str, Any]) -> dict[str, Any]:
    from .client import search_client, search_client_reset

    try:
        client = search_client()
        params: dict[str, Any] = {"ignore_unavailable": True}
        if routing:
            params["routing"] = routing
        response = client.search(index=alias_name(visibility), body=body, **params)
    except TransportError as exc:
        search_client_reset()
        log.warning("search unavailable: %s", exc)
        raise SearchUnavailable(str(exc)) from exc
    except ApiError as exc:
        log.error("search failed: %s", exc)
        raise SearchUnavailable(str(exc)) from exc
    return dict(response.body)


def correction(text: str, suggest: dict[str, Any]) -> str:
    """The words with each misspelt bigram replaced by the engine's suggestion ("" if none).

    The term suggester answers per token: CJK bigrams overlap, so a character is replaced only
    when every suggestion covering it agrees.
    """
    chars = list(text)
    changed: dict[int, str] = {}
    conflict: set[int] = set()
    for entry in suggest.get("fix", []):
        options = entry.get("options") or []
        if not options:
            continue
        offset, length, option = entry["offset"], entry["length"], options[0]["text"]
        if len(option) != length or offset + length > len(chars):
            continue
        for i, ch in enumerate(option):
            position = offset + i
            if chars[position].lower() == ch:
                continue
            if position in changed and changed[position] != ch:
                conflict.add(position)
            changed[position] = ch
    if not changed or conflict:
        return ""
    for position, ch in changed.items():
        chars[position] = ch
    fixed = "".join(chars)
    return fixed if fixed.lower() != text.lower() else ""


def _iso_date(value: Any) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def hit_read(raw: dict[str, Any]) -> SearchHit:
    source = raw.get("_source", {})
    highlight = raw.get("highlight", {})
    title = source.get("title", "")
    registered = source_for_kind(source.get("kind", ""))
    snippet = (highlight.get("body") or highlight.get("keywords") or [""])[0]
    return SearchHit(
        id=raw["_id"],
        kind=source.get("kind", ""),
        kind_label=str(registered.label) if registered else source.get("kind", ""),
        title_html=(highlight.get("title") or [html.escape(title)])[0],
        snippet_html=snippet,
        title=title,
        url=source.get("url", ""),
        union_schema=source.get("union_schema", ""),
        union_name=source.get("union_name", ""),
        district_code=source.get("district_code", ""),
        district_name=source.get("district_name", ""),
        street_name=source.get("street_name", ""),
        date=_iso_date(source.get("date")),
        score=float(raw.get("_score") or 0),
    )


def _buckets(aggregation: dict[str, Any]) -> list[dict[str, Any]]:
    return aggregation.get("v", aggregation).get("buckets", [])


_district_names: list[tuple[float, dict[str, str]]] = []


def district_names() -> dict[str, str]:
    """District code → name, cached for a minute (districts hardly ever change)."""
    now = time.monotonic()
    if _district_names and now - _district_names[0][0] < 60:
        return _district_names[0][1]
    from federation.models import District

    names = dict(District.objects.values_list("code", "name"))
    _district_names[:] = [(now, names)]
    return names


def facets_read(aggregations: dict[str, Any], selection: Selection) -> list[Facet]:
    facets: list[Facet] = []
    if "kind" in aggregations:
        buckets = []
        for b in _buckets(aggregations["kind"]):
            registered = source_for_kind(b["key"])
            label = str(registered.label) if registered else b["key"]
            buckets.append(FacetBucket(b["key"], label, b["doc_count"], b["key"] in selection.kinds))
        facets.append(Facet("kind", gettext("Type"), buckets))
    for name, label, chosen in (
        ("district", gettext("District"), selection.district),
        ("union", gettext("Union"), selection.union),
    ):
        if name not in aggregations:
            continue
        raw = [b for b in _buckets(aggregations[name]) if b["key"]]
        if name == "district":
            names = district_names()
        else:
            names = {
                schema: info.name for schema, info in union_infos([b["key"] for b in raw]).items() if info
            }
        buckets = [
            FacetBucket(b["key"], names.get(b["key"], b["key"]), b["doc_count"], b["key"] == chosen)
            for b in raw
        ]
        facets.append(Facet(name, label, buckets))
    if "date" in aggregations:
        buckets = [
            FacetBucket(
                b["key"], str(DATE_RANGES[b["key"]][0]), b["doc_count"], b["key"] == selection.date_range
            )
            for b in _buckets(aggregations["date"])
            if b["key"] in DATE_RANGES and b["doc_count"]
        ]
        buckets.sort(key=lambda b: list(DATE_RANGES).index(b.value))
        facets.append(Facet("date", gettext("Date"), buckets))
    return [f for f in facets if f.buckets]


def run(
    *,
    text: str,
    audience: Audience,
    kinds: Any = (),
    district: str | None = None,
    union: str | None = None,
    date_range: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    page: int = 1,
    per_page: int = 10,
) -> SearchResults:
    started = time.monotonic()
    cleaned = query_clean(text)
    try:
        page = max(1, int(page))
    except (TypeError, ValueError):
        page = 1
    try:
        per_page = min(PER_PAGE_MAX, max(1, int(per_page)))
    except (TypeError, ValueError):
        per_page = 10
    visibility: Visibility = "staff" if audience.kind == "staff" else "public"
    selection = selection_check(
        audience=audience,
        visibility=visibility,
        kinds=kinds,
        district=district,
        union=union,
        date_range=date_range,
        date_from=date_from,
        date_to=date_to,
    )
    start = (page - 1) * per_page
    size = per_page if start + per_page <= RESULT_WINDOW else 0
    if not size:
        start = 0  # past the deepest page the engine serves: an empty page, totals and facets kept
    visibility, routing, body = search_body(
        text=cleaned, audience=audience, selection=selection, start=start, size=size
    )
    answer = _send(visibility, routing, body)
    total = int(answer.get("hits", {}).get("total", {}).get("value", 0))
    hits = [hit_read(raw) for raw in answer.get("hits", {}).get("hits", [])]
    suggestion = ""
    if total < 3:
        # Few or no hits: "did you mean". Only a correction that finds something for this
        # audience is offered (the suggester's words come from every union's titles).
        candidate = correction(
            cleaned, _send(visibility, routing, correction_body(cleaned)).get("suggest", {})
        )
        if candidate:
            _v, _r, check = search_body(
                text=candidate, audience=audience, selection=selection, start=0, size=0
            )
            check.pop("aggs", None)
            check.pop("highlight", None)
            found = int(_send(visibility, routing, check).get("hits", {}).get("total", {}).get("value", 0))
            if found and found >= total:
                suggestion = candidate
    return SearchResults(
        text=cleaned,
        hits=hits,
        total=total,
        page=page,
        per_page=per_page,
        facets=facets_read(answer.get("aggregations", {}), selection),
        suggestion=suggestion,
        took_ms=int((time.monotonic() - started) * 1000),
    )


def suggest_body(
    *, prefix: str, audience: Audience, limit: int
) -> tuple[Visibility, str | None, dict[str, Any]]:
    scope = audience_scope(audience)
    matches = Q(
        "bool",
        should=[
            Q("match", **{"title.prefix": {"query": prefix, "boost": 3}}),
            Q("match_phrase_prefix", title={"query": prefix}),
        ],
        minimum_should_match=1,
    )
    # Completions rank by how much of the title the prefix covers (a short title first), not by date.
    search = Search().query(ranked(Q("bool", must=[matches], filter=scope.filters), scope, dates=False))
    search = search.extra(size=limit * 2).source(["kind", "title", "url", "union_name"])
    return scope.visibility, scope.routing, search.to_dict()


def suggest(*, prefix: str, audience: Audience, limit: int = 8) -> list[Suggestion]:
    try:
        cleaned = query_clean(prefix)
    except SearchQueryError:
        return []
    if len(cleaned) > QUERY_MAX_LENGTH:
        return []
    limit = min(max(1, int(limit)), 20)
    visibility, routing, body = suggest_body(prefix=cleaned, audience=audience, limit=limit)
    answer = _send(visibility, routing, body)
    found: list[Suggestion] = []
    seen: set[str] = set()
    for raw in answer.get("hits", {}).get("hits", []):
        source = raw.get("_source", {})
        title = source.get("title", "")
        if not title or title in seen:
            continue
        seen.add(title)
        registered = source_for_kind(source.get("kind", ""))
        found.append(
            Suggestion(
                title=title,
                kind=source.get("kind", ""),
                kind_label=str(registered.label) if registered else source.get("kind", ""),
                url=source.get("url", ""),
                union_name=source.get("union_name", ""),
            )
        )
        if len(found) >= limit:
            break
    return found
