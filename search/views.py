"""The search pages: ``/search/`` on the federation portal (every union's public content) and on
each union's site (its own content first, the federation's shared content second), the small
JSON endpoint ``/search/suggest/?q=`` behind suggestions while typing, and the staff search in a
union's admin (记录检索).

Thin: parameters are read by ``search.pages``, the query is ``search.query``'s. Nothing here can
answer 500 for what a person typed: bad words get the query builder's Chinese message (400), an
engine that cannot be reached gets "搜索暂不可用" (503), a page past the end a link back.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.vary import vary_on_headers

from .pages import (
    SearchParams,
    audience_for_request,
    hit_url,
    link_for,
    params_read,
    results_fetch,
    staff_hits_visible,
)
from .query import (
    QUERY_MAX_LENGTH,
    Audience,
    SearchQueryError,
    SearchResults,
    SearchUnavailable,
    search_suggest,
)

#: Suggestions while typing: at most this many titles.
SUGGESTIONS = 8


def search_context(
    request: HttpRequest, *, audience: Audience, staff: bool = False
) -> tuple[dict[str, Any], int]:
    """The template context and status of a results page for ``request``'s parameters."""
    params = params_read(request.GET, audience=audience)
    context: dict[str, Any] = {
        "params": params, "q": params.text, "query_max_length": QUERY_MAX_LENGTH, "audience": audience,
        "results": None, "hits": [], "error": "", "error_code": "", "ignored": params.ignored, "past_end": False,
    }  # fmt: skip
    if "q" not in request.GET:
        return context, 200
    try:
        results = results_fetch(params, audience=audience)
    except SearchQueryError as error:
        context.update(error=error.message, error_code=error.code)
        return context, 400
    except SearchUnavailable as error:
        context.update(error=error.message, error_code=error.code)
        return context, 503
    hits = staff_hits_visible(results.hits, user=request.user) if staff else list(results.hits)
    context.update(
        results=results,
        hits=[{"hit": hit, "url": hit_url(hit, audience=audience)} for hit in hits],
        past_end=results.total > 0 and params.page > results.pages,
        facets=facet_links(params, results),
        pager=pager_links(params, results),
        suggestion_url=("?" + urlencode([("q", results.suggestion)])) if results.suggestion else "",
        first_page_url="?" + urlencode(params.query_pairs(page=1)),
    )  # fmt: skip
    return context, 200


def facet_links(params: SearchParams, results: SearchResults) -> list[dict[str, Any]]:
    """Each facet with its values as links that choose or clear them (kinds may be combined)."""
    facets = []
    for facet in results.facets:
        values = []
        for bucket in facet.buckets:
            if facet.name == "kind":
                kinds = (
                    tuple(k for k in params.kinds if k != bucket.value)
                    if bucket.selected
                    else (*params.kinds, bucket.value)
                )
                pairs = params.query_pairs(kinds=kinds, page=1)
            else:
                field = "date_range" if facet.name == "date" else facet.name
                pairs = params.query_pairs(**{field: "" if bucket.selected else bucket.value, "page": 1})
            values.append({"bucket": bucket, "url": "?" + urlencode(pairs)})
        chosen = any(bucket.selected for bucket in facet.buckets)
        clear = None
        if chosen:
            field = {"kind": "kinds", "date": "date_range"}.get(facet.name, facet.name)
            clear = "?" + urlencode(params.query_pairs(**{field: () if field == "kinds" else "", "page": 1}))
        facets.append({"facet": facet, "values": values, "clear_url": clear})
    return facets


def pager_links(params: SearchParams, results: SearchResults) -> dict[str, str]:
    links = {}
    if params.page > 1:
        links["previous"] = "?" + urlencode(params.query_pairs(page=min(params.page - 1, results.pages)))
    if params.page < results.pages:
        links["next"] = "?" + urlencode(params.query_pairs(page=params.page + 1))
    return links


@method_decorator(never_cache, name="dispatch")
class SearchView(View):
    """GET ``/search/?q=&kind=&district=&union=&date_range=&page=``: the results page."""

    template_name = "search/results.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        context, status = search_context(request, audience=audience_for_request(request))
        return TemplateResponse(request, self.template_name, context, status=status)


@method_decorator(vary_on_headers("Cookie"), name="dispatch")
class SuggestView(View):
    """GET ``/search/suggest/?q=``: titles that start like what is typed, as JSON.

    ``{"q": ..., "suggestions": [{"title", "kind", "kind_label", "url", "union_name"}]}``; words that
    cannot be searched give an empty list; an engine that is down gives 503 with the code
    ``search_unavailable`` and a Chinese message.
    """

    def get(self, request: HttpRequest) -> JsonResponse:
        prefix = request.GET.get("q", "")[: QUERY_MAX_LENGTH + 1]
        audience = audience_for_request(request)
        try:
            found = search_suggest(prefix=prefix, audience=audience, limit=SUGGESTIONS)
        except SearchUnavailable as error:
            return JsonResponse({"code": error.code, "message": error.message}, status=503,
                                json_dumps_params={"ensure_ascii": False})  # fmt: skip
        suggestions = [
            {"title": item.title, "kind": item.kind, "kind_label": item.kind_label,
             "url": link_for(item.kind, item.url, audience=audience), "union_name": item.union_name}
            for item in found
        ]  # fmt: skip
        response = JsonResponse(
            {"q": prefix, "suggestions": suggestions}, json_dumps_params={"ensure_ascii": False}
        )
        response["Cache-Control"] = "private, max-age=30"
        return response


class StaffSearchView(View):
    """The admin's 记录检索: the union's own cases and archive items the user's role may see."""

    template_name = "search/admin/staff.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        context, status = search_context(
            request, audience=audience_for_request(request, staff=True), staff=True
        )
        context["page_title"] = gettext("Record search")
        return TemplateResponse(request, self.template_name, context, status=status)
