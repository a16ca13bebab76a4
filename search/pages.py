"""What the search pages and the search API share: reading a request's parameters, choosing the
audience from the host, and making found documents safe and useful to show.

Thin on purpose: the query itself (and the mandatory union filter) is ``search.query``'s.

- On the federation portal the audience is the whole federation (``Audience.portal``); on a
  union's site it is that union first, the federation's shared content second
  (``Audience.site``); in a union's admin it is the user's own union, limited to the records
  their role may see (``Audience.staff``).
- Bad facet values are dropped by the query builder; the pages also tell the person which ones
  were ignored, so a hand-edited or stale link gets an answer rather than silently other results.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext

from workershome.tenancy import current_schema

from .query import DATE_RANGES, Audience, SearchHit, SearchResults, search_run
from .registry import source_for_kind, sources

#: Results per page on the pages (the API lets callers choose, up to ``PER_PAGE_MAX``).
PER_PAGE = 10
#: The largest page number a link may ask for (the engine answers 10,000 hits at most).
PAGE_MAX = 1000


@dataclass(frozen=True)
class SearchParams:
    """A search request's parameters, checked: unknown values dropped and named in ``ignored``."""

    text: str = ""
    kinds: tuple[str, ...] = ()
    district: str = ""
    union: str = ""
    date_range: str = ""
    page: int = 1
    ignored: tuple[str, ...] = field(default_factory=tuple)

    def query_pairs(self, **changes: Any) -> list[tuple[str, str]]:
        """The parameters as (name, value) pairs for a link, with ``changes`` applied."""
        params = replace(self, **changes) if changes else self
        pairs: list[tuple[str, str]] = [("q", params.text)]
        pairs += [("kind", kind) for kind in params.kinds]
        for name in ("district", "union", "date_range"):
            value = getattr(params, name)
            if value:
                pairs.append((name, value))
        if params.page > 1:
            pairs.append(("page", str(params.page)))
        return pairs


def audience_for_request(request: Any, *, staff: bool = False) -> Audience:
    """The portal's audience on the portal, the union's on its site, the user's in its admin."""
    schema = current_schema()
    if staff:
        return Audience.staff(schema_name=schema, user=request.user)
    return Audience.site(schema)


def _values(data: Mapping[str, Any], name: str) -> list[str]:
    getlist = getattr(data, "getlist", None)
    values = getlist(name) if getlist is not None else ([data[name]] if name in data else [])
    return [str(value).strip() for value in values if str(value).strip()]


def params_read(data: Mapping[str, Any], *, audience: Audience) -> SearchParams:
    """The checked parameters of ``data`` (a QueryDict or a dict) for ``audience``.

    ``q`` is kept as typed (``search.query`` says what is wrong with it). A kind, district,
    union or date range that does not exist, or does not apply to this audience, is dropped and
    named in ``ignored``; a page that is not a whole number from 1 is page 1, also named.
    """
    from federation.models import District

    ignored: list[str] = []
    visibility = "staff" if audience.kind == "staff" else "public"
    known_kinds = {source.kind for source in sources() if source.visibility == visibility}
    kinds = []
    for kind in _values(data, "kind"):
        if kind in known_kinds and kind not in kinds:
            kinds.append(kind)
        elif kind not in known_kinds:
            ignored.append(gettext("type “%(value)s”") % {"value": kind[:40]})
    district = (_values(data, "district") or [""])[0]
    if district and (audience.kind == "staff" or not District.objects.filter(code=district[:12]).exists()):
        ignored.append(gettext("district “%(value)s”") % {"value": district[:40]})
        district = ""
    union = (_values(data, "union") or [""])[0]
    if union and (audience.kind != "portal" or not _union_searchable(union)):
        ignored.append(gettext("union “%(value)s”") % {"value": union[:40]})
        union = ""
    date_range = (_values(data, "date_range") or [""])[0]
    if date_range and date_range not in DATE_RANGES:
        ignored.append(gettext("date “%(value)s”") % {"value": date_range[:40]})
        date_range = ""
    raw_page = (_values(data, "page") or ["1"])[0]
    try:
        page = int(raw_page)
        if not 1 <= page <= PAGE_MAX:
            raise ValueError
    except ValueError:
        ignored.append(gettext("page “%(value)s”") % {"value": raw_page[:20]})
        page = 1
    text = data.get("q", "") if hasattr(data, "get") else ""
    return SearchParams(
        text=str(text or ""), kinds=tuple(kinds), district=district, union=union, date_range=date_range,
        page=page, ignored=tuple(ignored),
    )  # fmt: skip


def _union_searchable(schema: str) -> bool:
    from tenants.registry.models import Union

    return (
        Union.objects.filter(schema_name=schema, status=Union.Status.ACTIVE)
        .exclude(schema_name="public")
        .exists()
    )


def results_fetch(params: SearchParams, *, audience: Audience, per_page: int = PER_PAGE) -> SearchResults:
    """One page of results for ``params`` (raises ``SearchQueryError``/``SearchUnavailable``)."""
    return search_run(
        text=params.text, audience=audience, kinds=params.kinds, district=params.district or None,
        union=params.union or None, date_range=params.date_range or None, page=params.page, per_page=per_page,
    )  # fmt: skip


def link_for(kind: str, url: str, *, audience: Audience) -> str:
    """Where a found document links to, from where the person is searching; "" when there is
    no page for it there.

    Documents link to their own union's host. The federation's notices are read on each union's
    site (``/notices/<id>/``): on a union's site the link stays on that site; the portal has no
    page for them, so there they are shown without a link.
    """
    if kind == "federation_notice":
        return "" if audience.kind == "portal" else urlsplit(url).path
    return url


def hit_url(hit: SearchHit, *, audience: Audience) -> str:
    return link_for(hit.kind, hit.url, audience=audience)


def staff_hits_visible(hits: Sequence[SearchHit], *, user: Any) -> list[SearchHit]:
    """The hits ``user`` may open now: the query builder already limited them by the roles,
    users and permissions in each document; a source that can say who may see a record
    (``SearchSource.visible``: cases) checks the found ones against the database again, so a
    change the index has not caught up with yet never shows a record to the wrong person."""
    checked = {hit.kind for hit in hits if (source := source_for_kind(hit.kind)) and source.visible}
    allowed: dict[str, set[int]] = {}
    for kind in checked:
        pks = sorted({pk for hit in hits if hit.kind == kind and (pk := _pk(hit)) is not None})
        visible = source_for_kind(kind).visible  # type: ignore[union-attr]
        allowed[kind] = {int(pk) for pk in visible(user, pks)} if pks else set()  # type: ignore[misc]
    return [hit for hit in hits if hit.kind not in checked or _pk(hit) in allowed[hit.kind]]


def _pk(hit: SearchHit) -> int | None:
    try:
        return int(hit.id.rsplit(":", 1)[1])
    except (IndexError, ValueError):
        return None


def kind_label(kind: str) -> str:
    source = source_for_kind(kind)
    return str(source.label) if source else kind


def date_label(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""
