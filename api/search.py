"""Search as an API, on the portal (every union's public content) and on each union's host (its
own content first, the federation's shared content second): the same query as the /search/ page.

``GET /api/v1/search/`` (results with facets, highlighted snippets, paging and "did you mean")
and ``GET /api/v1/search/suggest/`` (titles while typing). Public, like the pages. Errors use
the API's one body: ``query_empty``, ``query_too_long``, ``query_no_words`` (400, field ``q``),
``invalid`` (400, a parameter of the wrong type) and ``search_unavailable`` (503).

``GET /api/v1/staff-search/`` (union hosts only): the admin's 记录检索 as an API, the union's
own cases and archive items, limited to what the signed-in user's role may see there (the query
builder filters by the user's roles, permissions and id; found cases are checked against the
database again). Signed-in staff who may use the union's admin only: anyone else gets 401/403.

Thin: parameters are read by ``search.pages``, the query is ``search.query``'s.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from search.pages import (
    PAGE_MAX,
    audience_for_request,
    hit_url,
    link_for,
    params_read,
    results_fetch,
    staff_hits_visible,
)
from search.query import (
    ADMIN_ACCESS_PERMISSION,
    DATE_RANGES,
    PER_PAGE_MAX,
    QUERY_MAX_LENGTH,
    Audience,
    SearchQueryError,
    SearchResults,
    SearchUnavailable,
    search_suggest,
)
from workershome.errors import ServiceError
from workershome.tenancy import on_portal


class SearchInputSerializer(serializers.Serializer):
    """The types of the parameters; which values exist is checked by ``search.pages``."""

    q = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=QUERY_MAX_LENGTH * 4)
    page = serializers.IntegerField(required=False, min_value=1, max_value=PAGE_MAX, default=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=PER_PAGE_MAX, default=10)


class SearchHitSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="`<schema>:<kind>:<pk>`: unique across unions.")
    kind = serializers.CharField(help_text="The kind of record, e.g. `activity`, `room`, `procedure`.")
    kind_label = serializers.CharField(help_text="The kind in Chinese.")
    title = serializers.CharField()
    title_html = serializers.CharField(help_text="The title, escaped, with matched words in `<mark>`.")
    snippet_html = serializers.CharField(
        help_text="A short passage, escaped, with matched words in `<mark>`."
    )
    url = serializers.CharField(help_text="Where to read it (empty for a federation notice on the portal).")
    union_name = serializers.CharField(
        help_text="The union it belongs to (the federation for shared content)."
    )
    from_federation = serializers.BooleanField(help_text="Shared content of the federation, not of a union.")
    district_code = serializers.CharField()
    district_name = serializers.CharField()
    date = serializers.DateField(allow_null=True, help_text="When it happens or was published.")


class FacetBucketSerializer(serializers.Serializer):
    value = serializers.CharField(
        help_text="The value to pass back (`kind=`, `district=`, `union=`, `date_range=`)."
    )
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    count = serializers.IntegerField()
    selected = serializers.BooleanField()


class FacetSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=["kind", "district", "union", "date"])
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    buckets = FacetBucketSerializer(many=True)


class SearchResultsSerializer(serializers.Serializer):
    q = serializers.CharField(help_text="The words searched, as sent.")
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    page_size = serializers.IntegerField()
    suggestion = serializers.CharField(help_text="“Did you mean”: corrected words, or empty.")
    ignored = serializers.ListField(
        child=serializers.CharField(), help_text="Parameter values ignored because they do not exist here."
    )
    facets = FacetSerializer(many=True)
    results = SearchHitSerializer(many=True)


class SuggestionSerializer(serializers.Serializer):
    title = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    url = serializers.CharField()
    union_name = serializers.CharField()


class SuggestionsSerializer(serializers.Serializer):
    q = serializers.CharField()
    suggestions = SuggestionSerializer(many=True)


FACET_PARAMETERS = [
    OpenApiParameter("q", str, required=True, description=f"The words to search (at most {QUERY_MAX_LENGTH} characters)."),
    OpenApiParameter("kind", str, many=True, description="Only these kinds (repeat the parameter); unknown ones are ignored."),
    OpenApiParameter("district", str, description="A district's administrative code, e.g. 110105."),
    OpenApiParameter("union", str, description="Portal only: one union's schema name."),
    OpenApiParameter("date_range", str, enum=list(DATE_RANGES), description="Upcoming, past month, past year or older."),
    OpenApiParameter("page", int, description=f"From 1 (at most {PAGE_MAX}); past the last page the results are empty."),
    OpenApiParameter("page_size", int, description=f"1 to {PER_PAGE_MAX}, 10 by default."),
]  # fmt: skip
BAD_QUERY = OpenApiResponse(
    description="`query_empty`, `query_too_long`, `query_no_words` (field `q`) or `invalid`: Chinese `message`."
)
UNAVAILABLE = OpenApiResponse(description="`search_unavailable`: the search engine cannot be reached.")


def _unavailable(error: SearchUnavailable) -> ServiceError:
    return ServiceError(error.code, error.message, status=503)


def results_data(
    params: Any, results: SearchResults, hits: list[Any], *, audience: Audience
) -> dict[str, Any]:
    return {
        "q": params.text, "total": results.total, "page": results.page, "pages": results.pages,
        "page_size": results.per_page, "suggestion": results.suggestion, "ignored": list(params.ignored),
        "facets": [
            {"name": facet.name, "label": facet.label, "buckets": [vars(bucket) for bucket in facet.buckets]}
            for facet in results.facets
        ],
        "results": [
            {**vars(hit), "url": hit_url(hit, audience=audience), "from_federation": hit.union_schema == "public"}
            for hit in hits
        ],
    }  # fmt: skip


def results_for(request: Request, *, audience: Audience) -> tuple[Any, SearchResults]:
    checked = SearchInputSerializer(data=request.query_params)
    checked.is_valid(raise_exception=True)
    params = params_read(request.query_params, audience=audience)
    try:
        results = results_fetch(params, audience=audience, per_page=checked.validated_data["page_size"])
    except SearchQueryError as error:
        raise ServiceError(error.code, error.message, field="q") from error
    except SearchUnavailable as error:
        raise _unavailable(error) from error
    return params, results


class SearchView(APIView):
    """Search this host's content: on a union's host its own first, then the federation's shared
    content; on the portal every union's public content, with a `union` facet."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="search", parameters=FACET_PARAMETERS,
        responses={200: SearchResultsSerializer, 400: BAD_QUERY, 503: UNAVAILABLE},
    )  # fmt: skip
    def get(self, request: Request) -> Response:
        """Results with facets (kind, district, union, date), highlighted snippets, paging and “did you mean”."""
        audience = audience_for_request(request)
        params, results = results_for(request, audience=audience)
        return Response(
            SearchResultsSerializer(results_data(params, results, results.hits, audience=audience)).data
        )


class UsesUnionAdmin(BasePermission):
    """Signed in on a union's host, with access to that union's admin (its staff)."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(
            not on_portal()
            and user
            and user.is_authenticated
            and (user.is_superuser or user.has_perm(ADMIN_ACCESS_PERMISSION))
        )


STAFF_PARAMETERS = [
    OpenApiParameter("q", str, required=True, description=f"The words to search, e.g. a case's reference (at most {QUERY_MAX_LENGTH} characters)."),
    OpenApiParameter("kind", str, many=True, enum=["case", "archive"], description="Only these kinds (repeat the parameter); unknown ones are ignored."),
    OpenApiParameter("date_range", str, enum=list(DATE_RANGES), description="Upcoming, past month, past year or older."),
    OpenApiParameter("page", int, description=f"From 1 (at most {PAGE_MAX}); past the last page the results are empty."),
    OpenApiParameter("page_size", int, description=f"1 to {PER_PAGE_MAX}, 10 by default."),
]  # fmt: skip


class StaffSearchView(APIView):
    """The union's own records (cases, archive items) that the signed-in user's role may see in the
    admin: 记录检索. A mediator finds the mediation cases, the officers named on a hardship file
    find that file's case, nobody finds another union's records; counselling and the words of a
    case (its subject, details, parties) are never searchable."""

    permission_classes = [UsesUnionAdmin]

    @extend_schema(
        operation_id="staff_search", parameters=STAFF_PARAMETERS,
        responses={
            200: SearchResultsSerializer, 400: BAD_QUERY,
            401: OpenApiResponse(description="`not_authenticated`: sign in first."),
            403: OpenApiResponse(description="`permission_denied`: not staff of this union (or on the portal)."),
            503: UNAVAILABLE,
        },
    )  # fmt: skip
    def get(self, request: Request) -> Response:
        """Results with facets (kind, date), highlighted snippets, paging and “did you mean”."""
        audience = audience_for_request(request, staff=True)
        params, results = results_for(request, audience=audience)
        hits = staff_hits_visible(results.hits, user=request.user)
        return Response(SearchResultsSerializer(results_data(params, results, hits, audience=audience)).data)


class SuggestView(APIView):
    """Titles that start like what is being typed (for a search box)."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="search_suggest",
        parameters=[OpenApiParameter("q", str, required=True, description="What has been typed so far.")],
        responses={200: SuggestionsSerializer, 503: UNAVAILABLE},
    )  # fmt: skip
    def get(self, request: Request) -> Response:
        """At most eight titles; words that cannot be searched give an empty list."""
        prefix = str(request.query_params.get("q", ""))[: QUERY_MAX_LENGTH + 1]
        audience = audience_for_request(request)
        try:
            found = search_suggest(prefix=prefix, audience=audience, limit=8)
        except SearchUnavailable as error:
            raise _unavailable(error) from error
        suggestions = [
            {"title": item.title, "kind": item.kind, "kind_label": item.kind_label, "union_name": item.union_name,
             "url": link_for(item.kind, item.url, audience=audience)}
            for item in found
        ]  # fmt: skip
        return Response(SuggestionsSerializer({"q": prefix, "suggestions": suggestions}).data)
