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
import re
import time
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from elastic_transport import TransportError
from elasticsearch import ApiError
from elasticsearch.dsl import A, Q, Search

from .documents import Visibility, alias_name
from .indexing import AUDIENCE_DISTRICT, PUBLIC_SCHEMA, inactive_union_schemas, union_info, union_infos
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
#: Recent and upcoming items rank higher: within a month back and two ahead (days from today),
#: then half a year either side.
RECENT = (-30, 60)
RECENT_BOOST = 1.5
NEAR = (-180, 180)
NEAR_BOOST = 0.75
#: The facets, in the order pages show them.
FACET_GROUPS = ("kind", "district", "union", "date")
#: How many values the one facet aggregation may return: every kind, district, union and month
#: of the matching documents, and the days of the (at most three) months a date range splits.
FACET_VALUES_MAX = 50_000
#: The portal's union facet offers the unions with the most results.
UNION_FACET_SIZE = 30
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
    #: Documents never found (``must_not``): evaluated only for the few documents they match,
    #: where a filter is evaluated for every matching document on the embedded engine.
    exclude: list[Any]
    routing: str | None
    own_schema: str | None


def audience_scope(audience: Audience) -> Scope:
    """The mandatory filters of ``audience``: applied here, never by the caller.

    Public documents carry an ``audience``: ``all``, or ``district:<code>`` for each district a
    federation notice was pushed to. The portal leaves out every document addressed to
    districts; a union's site those addressed to districts other than its own. Written as
    exclusions (``must_not``), which the embedded engine evaluates for the few documents they
    match, where a ``term`` filter on ``all`` costs as much as the text query itself; a
    document indexed before audiences existed counts as addressed to everyone, as it was.

    Staff documents carry ``access`` (who may find them): the user's grants filter them.
    """
    inactive = sorted(inactive_union_schemas())
    excluded: list[Any] = [Q("terms", union_schema=inactive)] if inactive else []
    to_districts = Q("prefix", audience=AUDIENCE_DISTRICT)
    if audience.kind == "portal":
        return Scope("public", [], [*excluded, to_districts], None, None)
    schema = audience.schema_name
    if not schema:
        raise ValueError(f"a {audience.kind} audience needs its union's schema")
    if audience.kind == "site":
        info = union_info(schema)
        own = f"{AUDIENCE_DISTRICT}{info.district_code}" if info and info.district_code else ""
        elsewhere = (
            Q("bool", filter=[to_districts], must_not=[Q("term", audience=own)]) if own else to_districts
        )
        filters = [Q("terms", union_schema=sorted({schema, PUBLIC_SCHEMA}))]
        return Scope("public", filters, [*excluded, elsewhere], f"{schema},{PUBLIC_SCHEMA}", schema)
    if audience.kind == "staff":
        filters = [Q("term", union_schema=schema)]
        if schema in inactive or not audience.admin_access:
            filters.append(Q("bool", must_not=[Q("match_all")]))
        elif not audience.all_permissions:
            # A document indexed before access lists existed follows its permission until the
            # next reindex (none: anyone in the admin).
            legacy = [Q("bool", must_not=[Q("exists", field="permission")]), Q("term", permission="")]
            if audience.permissions:
                legacy.append(Q("terms", permission=sorted(audience.permissions)))
            allowed = [
                Q("terms", access=sorted(audience.grants)),
                Q("bool", must_not=[Q("exists", field="access")], should=legacy, minimum_should_match=1),
            ]
            filters.append(Q("bool", should=allowed, minimum_should_match=1))
        return Scope("staff", filters, [], schema, schema)
    raise ValueError(f"unknown audience {audience.kind!r}")


def text_query(text: str) -> tuple[list[Any], list[Any]]:
    """(must, should): titles weigh most, then keywords, then the body; an exact phrase in the
    title ranks higher still.

    Every clause is evaluated for every matching document on the embedded engine, so only what
    changes the ranking is here: the edge-ngram ``title.prefix`` is for suggestions while typing
    (``suggest_body``), not for results.
    """
    words = Q(
        "multi_match",
        query=text,
        fields=[f"title^{TITLE_BOOST}", f"keywords^{KEYWORDS_BOOST}", "body"],
        # The words may sit in different fields (an author in the keywords, a title in the
        # title): cross_fields counts them over the fields together.
        type="cross_fields",
        minimum_should_match="2<75%",
    )
    return [words], [Q("match_phrase", title={"query": text, "boost": TITLE_BOOST})]


def _today() -> datetime.date:
    return timezone.localdate()


def _day(offset: int, today: datetime.date | None = None) -> str:
    return ((today or _today()) + datetime.timedelta(days=offset)).isoformat()


def boosts(scope: Scope, *, dates: bool = True) -> list[Any]:
    """The ranking boosts: recent and upcoming items, and on a union's site the union's own
    documents (by so much that they come first).

    Boosts are ``should`` clauses rather than a ``function_score`` decay: a decay is computed
    for every matching document and made the embedded engine's queries ten times slower; a
    range clause is a cheap filter, and recent/upcoming is a coarse notion anyway.
    """
    should: list[Any] = []
    if dates:
        today = _today()
        should += [
            Q(
                "range",
                date={"gte": _day(RECENT[0], today), "lte": _day(RECENT[1], today), "boost": RECENT_BOOST},
            ),
            Q("range", date={"gte": _day(NEAR[0], today), "lte": _day(NEAR[1], today), "boost": NEAR_BOOST}),
        ]
    if scope.visibility == "public" and scope.own_schema:
        should.append(Q("term", union_schema={"value": scope.own_schema, "boost": OWN_UNION_BOOST}))
    return should


def scoped(must: list[Any], should: list[Any], scope: Scope) -> Any:
    """One flat ``bool``: what must match, what ranks higher (its scores add up, as nested
    ``bool``s' would, for less work per document), and the scope's filters and exclusions."""
    return Q("bool", must=must, should=should, filter=scope.filters, must_not=scope.exclude)


@dataclass(frozen=True)
class Selection:
    """The facet values chosen, each already checked (unknown values are dropped)."""

    kinds: tuple[str, ...]
    district: str | None
    union: str | None
    date_range: str | None
    date_from: datetime.date | None
    date_to: datetime.date | None

    def group_filters(self, group: str) -> list[Any]:
        """The filters this selection puts on the facet ``group`` (``kind``, ``district``,
        ``union`` or ``date``)."""
        found: list[Any] = []
        if group == "kind" and self.kinds:
            found.append(Q("terms", kind=list(self.kinds)))
        elif group == "district" and self.district:
            found.append(Q("term", district_code=self.district))
        elif group == "union" and self.union:
            found.append(Q("term", union_schema=self.union))
        elif group == "date":
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

    def filters(self, *, skip: str = "") -> list[Any]:
        return [f for group in FACET_GROUPS if group != skip for f in self.group_filters(group)]

    @property
    def chosen_groups(self) -> tuple[str, ...]:
        return tuple(group for group in FACET_GROUPS if self.group_filters(group))


def date_range_bounds(key: str, today: datetime.date | None = None) -> dict[str, str]:
    """The ``range`` bounds of the date facet value ``key``: whole days, in the site's time zone."""
    _label, start, end = DATE_RANGES[key]
    bounds: dict[str, str] = {}
    if start is not None:
        bounds["gte"] = _day(start, today)
    if end is not None:
        bounds["lt"] = _day(end, today)
    return bounds


def date_range_of(day: datetime.date, today: datetime.date) -> str | None:
    """The date facet value ``day`` falls in (the same bounds as ``date_range_bounds``)."""
    for key, (_label, start, end) in DATE_RANGES.items():
        if start is not None and day < today + datetime.timedelta(days=start):
            continue
        if end is not None and day >= today + datetime.timedelta(days=end):
            continue
        return key
    return None


def date_split_months(today: datetime.date) -> list[str]:
    """The months (``YYYY-MM``) inside which one date range ends and another starts: their
    documents are counted by day, every other month's as a whole."""
    edges = {today + datetime.timedelta(days=edge) for _l, start, end in DATE_RANGES.values()
             for edge in (start, end) if edge is not None}  # fmt: skip
    return sorted({f"{day:%Y-%m}" for day in edges})


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


def facet_groups(audience: Audience) -> tuple[str, ...]:
    """The facets ``audience`` is offered: the district on public searches, the union on the
    portal only."""
    return tuple(
        group for group in FACET_GROUPS
        if (group != "district" or audience.kind != "staff") and (group != "union" or audience.kind == "portal")
    )  # fmt: skip


def facet_include(groups: tuple[str, ...], today: datetime.date) -> str:
    """The ``facets`` values one aggregation returns for ``groups``: a regular expression."""
    prefixes = [group for group in groups if group != "date"] + (["month"] if "date" in groups else [])
    pattern = "(" + "|".join(prefixes) + "):.+"
    if "date" in groups:
        pattern += "|day:(" + "|".join(date_split_months(today)) + ")-.+"
    return pattern


def facet_aggregations(selection: Selection, audience: Audience, today: datetime.date) -> dict[str, Any]:
    """The facets' counts, as few aggregations as the choices allow.

    Every facet value of a document sits in its one ``facets`` field, so one ``terms``
    aggregation counts them all: the embedded engine pays for each aggregation over every
    matching document (four separate aggregations made a broad query four times slower than
    none). The date facet's ranges move with today, so documents are counted by month, and by
    day in the months a range boundary splits (``date_split_months``).

    A chosen value filters the hits (``post_filter``) while each facet still counts under the
    *other* facets' choices: each chosen facet gets an aggregation of its own under the others'
    filters, and the facets not chosen share one under all the choices. Nothing chosen (most
    searches): one aggregation.
    """
    groups = facet_groups(audience)
    chosen = [group for group in selection.chosen_groups if group in groups]
    passes: list[tuple[str, tuple[str, ...], list[Any]]] = []
    rest = tuple(group for group in groups if group not in chosen)
    if rest:
        passes.append(("facets", rest, selection.filters()))
    for group in chosen:
        passes.append((f"facets_{group}", (group,), selection.filters(skip=group)))
    aggs: dict[str, Any] = {}
    for name, included, filters in passes:
        terms = A("terms", field="facets", size=FACET_VALUES_MAX, include=facet_include(included, today))
        if filters:
            agg = A("filter", Q("bool", filter=filters))
            agg.bucket("v", terms)
            aggs[name] = agg
        else:
            aggs[name] = terms
    return aggs


def search_body(
    *, text: str, audience: Audience, selection: Selection, start: int, size: int
) -> tuple[Visibility, str | None, dict[str, Any]]:
    """(visibility, routing, request body) for a results page."""
    scope = audience_scope(audience)
    must, should = text_query(text)
    search = Search().query(scoped(must, should + boosts(scope), scope))
    chosen = selection.filters()
    if chosen:
        search = search.post_filter(Q("bool", filter=chosen))
    for name, agg in facet_aggregations(selection, audience, _today()).items():
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


def count_body(*, text: str, scope: Scope, selection: Selection, at_least: int) -> dict[str, Any]:
    """Whether ``text`` finds at least ``at_least`` documents for the scope and choices: no
    scores, no page, no facets."""
    must, _should = text_query(text)
    body: dict[str, Any] = {
        "size": 0,
        "track_total_hits": max(1, at_least),
        "query": scoped(must, [], scope).to_dict(),
    }
    chosen = selection.filters()
    if chosen:
        body["post_filter"] = Q("bool", filter=chosen).to_dict()
    return body


#: "Did you mean": how many of the audience's closest titles to read corrections from.
CORRECTION_HITS = 10
CORRECTION_TAG = "\x02"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def correction_body(text: str, scope: Scope) -> dict[str, Any]:
    """The audience's titles closest to ``text``: each word (CJK bigram) may differ by one edit,
    its first letter kept, and the highlighter marks the words that matched.

    A fuzzy query with a fixed first letter only looks at the words starting with it; the term
    suggester compares every word of the index and cost as much as a broad faceted query on the
    embedded engine. Only this audience's documents are read, so a correction never reveals
    another union's words.
    """
    query = Q(
        "bool",
        must=[Q("match", title={"query": text, "fuzziness": 1, "prefix_length": 1, "max_expansions": 20})],
        filter=scope.filters,
        must_not=scope.exclude,
    )
    return {
        "size": CORRECTION_HITS,
        "query": query.to_dict(),
        "_source": False,
        "highlight": {
            "pre_tags": [CORRECTION_TAG],
            "post_tags": [CORRECTION_TAG],
            "fields": {"title": {"number_of_fragments": 0}},
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


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of ``a`` and ``b``, or ``limit + 1`` once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def correction(text: str, answer: dict[str, Any]) -> str:
    """``text`` with each word replaced by the closest marked passage of the titles found by
    ``correction_body`` ("" when nothing is close or nothing would change).

    A word of up to four letters may be one edit away, a longer one two; the closest passage,
    then the one that comes up most often, then the one in the better-ranked title wins.
    """
    spans: list[str] = []
    for raw in answer.get("hits", {}).get("hits", []):
        for fragment in raw.get("highlight", {}).get("title", []):
            spans += [part for i, part in enumerate(fragment.split(CORRECTION_TAG)) if i % 2 and part.strip()]
    if not spans:
        return ""
    words = text.split(" ")
    fixed = []
    for word in words:
        limit = 1 if len(word) <= 4 else 2
        found: dict[str, tuple[int, int, int]] = {}  # candidate -> (distance, -count, first seen)
        # Chinese words are corrected letter for letter (a missing or extra character is not a
        # typo but another word); others may also gain or lose letters.
        sizes = [len(word)] if _CJK.search(word) else range(max(1, len(word) - limit), len(word) + limit + 1)
        for order, span in enumerate(spans):
            for size in sizes:
                for start in range(0, len(span) - size + 1):
                    candidate = span[start : start + size]
                    distance = _distance(word.lower(), candidate.lower(), limit)
                    if distance > limit:
                        continue
                    best = found.get(candidate)
                    found[candidate] = (distance, best[1] - 1, best[2]) if best else (distance, -1, order)
        choice = min(found.items(), key=lambda item: item[1])[0] if found else word
        fixed.append(choice)
    suggestion = " ".join(fixed)
    return suggestion if suggestion.lower() != text.lower() else ""


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


def facet_counts(aggregations: dict[str, Any], today: datetime.date) -> dict[str, dict[str, int]]:
    """``{group: {value: count}}`` from the ``facets`` aggregations (see ``facet_aggregations``)."""
    counts: dict[str, dict[str, int]] = {group: {} for group in FACET_GROUPS}
    split = set(date_split_months(today))
    for name, aggregation in aggregations.items():
        if name != "facets" and not name.startswith("facets_"):
            continue
        for bucket in aggregation.get("v", aggregation).get("buckets", []):
            prefix, _sep, value = str(bucket.get("key", "")).partition(":")
            count = int(bucket.get("doc_count", 0))
            if not value or not count:
                continue
            day: datetime.date | None = None
            if prefix in ("kind", "district", "union"):
                counts[prefix][value] = counts[prefix].get(value, 0) + count
                continue
            if prefix == "month" and value not in split:
                day = _iso_date(f"{value}-01")
            elif prefix == "day" and value[:7] in split:
                day = _iso_date(value)
            key = date_range_of(day, today) if day else None
            if key:
                counts["date"][key] = counts["date"].get(key, 0) + count
    return counts


def facets_read(aggregations: dict[str, Any], selection: Selection, audience: Audience) -> list[Facet]:
    counts = facet_counts(aggregations, _today())
    groups = facet_groups(audience)
    facets: list[Facet] = []
    if "kind" in groups:
        buckets = []
        for value, count in _ranked(counts["kind"]):
            registered = source_for_kind(value)
            label = str(registered.label) if registered else value
            buckets.append(FacetBucket(value, label, count, value in selection.kinds))
        facets.append(Facet("kind", gettext("Type"), buckets))
    if "district" in groups:
        names = district_names()
        buckets = [
            FacetBucket(value, names.get(value, value), count, value == selection.district)
            for value, count in _ranked(counts["district"])[:50]
        ]
        facets.append(Facet("district", gettext("District"), buckets))
    if "union" in groups:
        top = _ranked(counts["union"])[:UNION_FACET_SIZE]
        infos = union_infos([value for value, _count in top])
        buckets = [
            FacetBucket(
                value, info.name if (info := infos.get(value)) else value, count, value == selection.union
            )
            for value, count in top
        ]
        facets.append(Facet("union", gettext("Union"), buckets))
    if "date" in groups:
        buckets = [
            FacetBucket(key, str(DATE_RANGES[key][0]), counts["date"][key], key == selection.date_range)
            for key in DATE_RANGES
            if counts["date"].get(key)
        ]
        facets.append(Facet("date", gettext("Date"), buckets))
    return [f for f in facets if f.buckets]


def _ranked(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Most documents first, then by value (a stable order for equal counts)."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


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
        # Few or no hits: "did you mean", from this audience's own titles; offered only when the
        # corrected words find at least as much.
        scope = audience_scope(audience)
        candidate = correction(cleaned, _send(visibility, routing, correction_body(cleaned, scope)))
        if candidate:
            check = count_body(text=candidate, scope=scope, selection=selection, at_least=total)
            found = int(_send(visibility, routing, check).get("hits", {}).get("total", {}).get("value", 0))
            if found and found >= total:
                suggestion = candidate
    return SearchResults(
        text=cleaned,
        hits=hits,
        total=total,
        page=page,
        per_page=per_page,
        facets=facets_read(answer.get("aggregations", {}), selection, audience),
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
    search = Search().query(scoped([matches], boosts(scope, dates=False), scope))
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
