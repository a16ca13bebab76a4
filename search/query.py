"""The query builder: the one place that turns a person's words into a search, for every page.

Pages and the API call ``search_run`` (a results page) and ``search_suggest`` (titles while
typing). They say *who* is searching with an ``Audience``; the union filter that follows from it
is applied here, never by the caller:

- ``Audience.portal()``: the federation portal. Public documents of every active union plus the
  public schema's own (federation notices, shared resources).
- ``Audience.site(schema_name)``: a union's own site. The same public documents, but the union's
  own rank first (a strong boost) and the federation's shared content second.
- ``Audience.staff(schema_name=..., user=...)``: staff search in a union's admin. Only ``staff``
  documents of *that* union, and only those the user may see: whose ``permission`` the user
  holds, whose ``roles`` include one of the user's roles or whose ``users`` name the user (a
  superuser sees all; a document with none of these is found by anyone who may use the union's
  admin; a user who may not use the admin finds nothing). Build it in the union's schema: the
  user's permissions and roles are read there.

Public documents carry an audience: a federation notice pushed to chosen districts is found only
on the sites of those districts' unions (never on the portal or elsewhere).

Errors: ``SearchQueryError`` (bad words: empty, over 200 characters, punctuation only; its
``message`` is a translated Chinese sentence and ``code`` is machine-readable) and
``SearchUnavailable`` (the engine cannot be reached; pages show "搜索暂不可用"). A page past the
end is an empty page; an unknown kind, district, union or date range is ignored.
"""

from __future__ import annotations

import datetime
import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)

#: The longest query we accept, in characters (after trimming).
QUERY_MAX_LENGTH = 200
#: The largest page size a caller may ask for.
PER_PAGE_MAX = 50
#: Deep paging is refused by the engine past 10,000 hits; beyond that a page is simply empty.
RESULT_WINDOW = 10_000


def _interpolate(message: Any, params: dict[str, Any]) -> str:
    return str(message) % params


_interpolate_lazy = lazy(_interpolate, str)


class SearchQueryError(ValueError):
    """The words cannot be searched; ``message`` says why (lazy: rendered in the language that
    shows it, so the API can answer in Chinese and English)."""

    def __init__(self, code: str, message: str | Promise) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message


class SearchUnavailable(RuntimeError):
    """The search engine cannot be reached or failed; the page says search is unavailable."""

    code = "search_unavailable"

    @property
    def message(self) -> str | Promise:
        return _("Search is temporarily unavailable. Please try again later.")


#: A staff document without a permission is found by anyone who may use the union's admin.
ADMIN_ACCESS_PERMISSION = "wagtailadmin.access_admin"

AudienceKind = Literal["portal", "site", "staff"]


@dataclass(frozen=True)
class Audience:
    """Who is searching, which decides which documents may be found."""

    kind: AudienceKind
    #: The union's schema for ``site`` and ``staff``; ``None`` on the portal.
    schema_name: str | None = None
    #: ``staff`` only: the permissions (``app_label.codename``) the user holds.
    permissions: frozenset[str] = frozenset()
    #: ``staff`` only: a superuser finds every staff document of the union.
    all_permissions: bool = False
    #: ``staff`` only: the user may use the union's admin at all; if not, nothing is found.
    admin_access: bool = True
    #: ``staff`` only: the union roles (role codes) the user holds.
    roles: frozenset[str] = frozenset()
    #: ``staff`` only: the user's id in the union's schema.
    user_id: int | None = None

    @property
    def grants(self) -> frozenset[str]:
        """``staff``: the ``access`` values of the documents this user may find (see
        ``search.indexing.access_values``); empty for anyone who may not use the admin."""
        if self.kind != "staff" or not self.admin_access:
            return frozenset()
        return frozenset(
            {"admin"}
            | {f"perm:{permission}" for permission in self.permissions}
            | {f"role:{role}" for role in self.roles}
            | ({f"user:{self.user_id}"} if self.user_id is not None else set())
        )

    @classmethod
    def portal(cls) -> Audience:
        return cls(kind="portal")

    @classmethod
    def site(cls, schema_name: str) -> Audience:
        if not schema_name or schema_name == "public":
            return cls.portal()
        return cls(kind="site", schema_name=schema_name)

    @classmethod
    def staff(cls, *, schema_name: str, user: Any) -> Audience:
        """Staff of ``schema_name``; reads ``user``'s permissions (call it in that schema)."""
        if not schema_name:
            raise ValueError("staff search needs the union's schema")
        if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
            return cls(kind="staff", schema_name=schema_name, admin_access=False)
        if getattr(user, "is_superuser", False):
            return cls(kind="staff", schema_name=schema_name, all_permissions=True, user_id=user.pk)
        permissions = frozenset(user.get_all_permissions())
        # A union role is the group of that name (``tenants.cases.roles.roles_of``).
        cached = getattr(user, "_role_codes", None)
        roles = frozenset(cached if cached is not None else user.groups.values_list("name", flat=True))
        return cls(
            kind="staff",
            schema_name=schema_name,
            permissions=permissions,
            admin_access=ADMIN_ACCESS_PERMISSION in permissions,
            roles=roles,
            user_id=user.pk,
        )


@dataclass(frozen=True)
class SearchHit:
    """One found document, ready to show."""

    id: str
    kind: str
    kind_label: str
    #: HTML: the title with matched words in ``<mark>``; everything else escaped.
    title_html: str
    #: HTML: a short passage of the body (or keywords) with matched words in ``<mark>``.
    snippet_html: str
    title: str
    url: str
    union_schema: str
    union_name: str
    district_code: str
    district_name: str
    street_name: str
    date: datetime.date | None
    score: float


@dataclass(frozen=True)
class FacetBucket:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass(frozen=True)
class Facet:
    name: str  # "kind", "district", "union", "date"
    label: str
    buckets: list[FacetBucket]


@dataclass(frozen=True)
class SearchResults:
    text: str
    hits: list[SearchHit]
    total: int
    page: int
    per_page: int
    #: ``kind``, ``district``, ``union`` (portal only) and ``date``, in that order; empty buckets left out.
    facets: list[Facet] = field(default_factory=list)
    #: "Did you mean": a corrected query, or "" when the words look right.
    suggestion: str = ""
    took_ms: int = 0

    @property
    def pages(self) -> int:
        return max(1, -(-min(self.total, RESULT_WINDOW) // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def facet(self, name: str) -> Facet | None:
        return next((f for f in self.facets if f.name == name), None)


@dataclass(frozen=True)
class Suggestion:
    """A title offered while typing."""

    title: str
    kind: str
    kind_label: str
    url: str
    union_name: str


#: Date-range facet values (``date_range=``), each a (label, from-offset, to-offset) in days from today.
DATE_RANGES: dict[str, tuple[Any, int | None, int | None]] = {
    "upcoming": (_("Upcoming"), 0, None),
    "month": (_("Past month"), -30, 0),
    "year": (_("Past year"), -365, -30),
    "older": (_("Older"), None, -365),
}


def search_run(
    *,
    text: str,
    audience: Audience,
    kinds: Sequence[str] = (),
    district: str | None = None,
    union: str | None = None,
    date_range: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    page: int = 1,
    per_page: int = 10,
) -> SearchResults:
    """Search ``text`` for ``audience`` and return one page of results with facets.

    ``kinds``: limit to these kinds (unknown kinds are ignored). ``district``: a district code;
    ``union``: a union's schema name (portal only; a site searches its own union first anyway);
    ``date_range``: a key of ``DATE_RANGES``; ``date_from``/``date_to``: inclusive dates.
    ``page`` starts at 1; ``per_page`` is capped at ``PER_PAGE_MAX``.

    Raises ``SearchQueryError`` for unsearchable words and ``SearchUnavailable`` when the engine
    is down.
    """
    from .querybuild import run

    return run(
        text=text,
        audience=audience,
        kinds=kinds,
        district=district,
        union=union,
        date_range=date_range,
        date_from=date_from,
        date_to=date_to,
        page=page,
        per_page=per_page,
    )


def search_suggest(*, prefix: str, audience: Audience, limit: int = 8) -> list[Suggestion]:
    """Titles that start like ``prefix`` (or contain it), for suggestions while typing.

    Never raises ``SearchQueryError``: an empty, too long or punctuation-only prefix gives ``[]``.
    Raises ``SearchUnavailable`` when the engine is down.
    """
    from .querybuild import suggest

    return suggest(prefix=prefix, audience=audience, limit=limit)


_PUNCTUATION_CATEGORIES = ("P", "S", "Z", "C")


def query_clean(text: str) -> str:
    """The words to search: trimmed, whitespace collapsed, full-width forms folded (NFKC).

    Raises ``SearchQueryError`` when nothing searchable is left or the text is too long.
    """
    if text is None or not str(text).strip():
        raise SearchQueryError("query_empty", _("Please enter something to search for."))
    cleaned = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(text))).strip()
    if len(cleaned) > QUERY_MAX_LENGTH:
        raise SearchQueryError(
            "query_too_long",
            _interpolate_lazy(
                _("The search text is too long: at most %(max)d characters."), {"max": QUERY_MAX_LENGTH}
            ),
        )
    if not any(unicodedata.category(ch)[0] not in _PUNCTUATION_CATEGORIES for ch in cleaned):
        raise SearchQueryError(
            "query_no_words", _("Please enter words to search for, not only punctuation or symbols.")
        )
    return cleaned
