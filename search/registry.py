"""What each app tells the search layer: which of its records become search documents, and how.

Every app that has something to find declares it in its own ``search.py`` (NetBox's habit), which
the search app imports at start-up (``SearchConfig.ready`` autodiscovers ``<app>.search``)::

    # tenants/activities/search.py
    from search.registry import SearchDocument, SearchSource, source_register

    def activity_document(activity: Activity) -> SearchDocument | None:
        if not activity.is_listed:           # unpublished: removed from the index
            return None
        return SearchDocument(title=activity.title, body=activity.summary, url=activity.get_absolute_url(),
                              date=activity.starts_at.date())

    source_register(SearchSource(kind="activity", label=_("Activities"), model=Activity,
                                 visibility="public", document=activity_document,
                                 queryset=lambda: Activity.objects.all()))

The search app connects ``post_save``/``post_delete`` of every registered model; after the
transaction commits a Celery task (in the record's schema) calls ``document`` and indexes the
result, or removes the document when it returns ``None`` or the record is gone. Apps never talk
to the engine. Document ids are ``<schema>:<kind>:<pk>``, and the union, district and street are
filled in by the search layer from the schema, never by the app.

Visibility:
- ``public``: published content anyone may find (pages, activities, services, procedures, rooms,
  books, notices, shared resources). Found on the portal's cross-unit search and on every union's
  site (the union's own first, the federation's shared content second).
- ``staff``: a union's own records (cases, files, archives) for its staff search in the admin.
  Always filtered to the searching user's own union by the query builder, and to the records
  the user may see: those whose ``permission`` the user holds, whose ``roles`` include one of
  the user's roles, or whose ``users`` name the user (a document with none of the three is
  found by anyone who may use the union's admin). Sensitive fields (counselling notes, hardship and health
  details, dispute claims, anything ``tenants.privacy`` encrypts) are never put in a document.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import models
from django.utils.functional import Promise

Visibility = Literal["public", "staff"]


@dataclass(frozen=True)
class SearchDocument:
    """The searchable text of one record, as its app renders it."""

    title: str
    body: str = ""
    url: str = ""
    #: When it happens (an activity's start) or was published: ranks recent and upcoming items.
    date: datetime.date | None = None
    #: Extra words to match (a room's facilities, a book's author and ISBN, a group's hobby).
    keywords: tuple[str, ...] = ()
    #: Staff documents only: the permission (``app_label.codename``) a user needs to find it.
    permission: str = ""
    #: Staff documents only: the union roles (role codes, the group names) whose holders may find
    #: it, whatever their permissions.
    roles: tuple[str, ...] = ()
    #: Staff documents only: users (their ids in the union's schema) who may find it whatever
    #: their role: a restricted case's assignee, the officers named on a hardship file.
    users: tuple[int, ...] = ()
    #: Public documents only: the codes of the districts whose unions' sites may show it; empty
    #: for everyone (a federation notice pushed to chosen districts names them here).
    districts: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchSource:
    """One kind of searchable record and how to turn a row into a document."""

    kind: str
    label: str | Promise
    model: type[models.Model]
    visibility: Visibility
    document: Callable[[Any], SearchDocument | None]
    #: Every row to (re)index, evaluated in the schema being indexed.
    queryset: Callable[[], models.QuerySet[Any]]
    #: ``union``: the model lives in each union's schema; ``public``: in the public schema
    #: (federation notices, shared resources, city calendar entries).
    schema: Literal["union", "public"] = "union"
    #: Extra models whose save/delete should reindex a record of this kind: model -> rows affected.
    depends_on: dict[type[models.Model], Callable[[Any], Any]] = field(default_factory=dict)
    #: Staff sources: ``visible(user, pks)`` -> the pks ``user`` may open *now*, checked again
    #: against the database before a found record is shown (the index may lag a change).
    visible: Callable[[Any, list[Any]], set[Any]] | None = None


_sources: dict[str, SearchSource] = {}


def source_register(source: SearchSource) -> None:
    """Declare a kind of searchable record (from the app's ``search.py``); kinds are unique."""
    existing = _sources.get(source.kind)
    if existing is not None and existing.model is not source.model:
        raise ValueError(f"search kind {source.kind!r} is already registered for {existing.model.__name__}")
    _sources[source.kind] = source


def sources() -> list[SearchSource]:
    return list(_sources.values())


def source_for_kind(kind: str) -> SearchSource | None:
    return _sources.get(kind)


def sources_for_model(model: type[models.Model]) -> list[SearchSource]:
    return [s for s in _sources.values() if s.model is model or model in s.depends_on]


def source_unregister(kind: str) -> SearchSource | None:
    """Forget a kind (a test's own source); its documents stay until the next reindex."""
    return _sources.pop(kind, None)
