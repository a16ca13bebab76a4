"""The page cache of a union's site, emptied as soon as something on it is published.

Anonymous visitors get pages from Django's cache middleware (keys carry the schema through
``django_tenants.cache.make_key``). Every key here also carries the union's *generation*, a
counter in the cache: publishing, unpublishing, moving or deleting a page, or publishing a
procedure, bumps it, so the union's cached pages are never read again (they expire on their
own) and visitors see the change at once rather than after ``PAGE_CACHE_SECONDS``. Other unions'
pages are untouched.
"""

from __future__ import annotations

from django.core.cache import cache
from django.middleware import cache as cache_middleware

from .tenancy import on_commit_in_schema

GENERATION_KEY = "page-cache-generation"


def page_cache_generation() -> int:
    return cache.get(GENERATION_KEY) or 0


def page_cache_refresh(*, schema: str | None = None) -> None:
    """Make every cached page of the current union (or of ``schema``) stale, once the current
    transaction commits."""

    def bump() -> None:
        cache.add(GENERATION_KEY, 0, None)
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # evicted between add and incr
            cache.set(GENERATION_KEY, 1, None)

    on_commit_in_schema(bump, schema=schema)


class _GenerationalKeyPrefix:
    """The middleware's ``key_prefix``, computed per access (the instance is shared by threads)."""

    _base_prefix = ""

    @property
    def key_prefix(self) -> str:
        return f"{self._base_prefix}.g{page_cache_generation()}"

    @key_prefix.setter
    def key_prefix(self, value: str) -> None:
        self._base_prefix = value


class UpdateCacheMiddleware(_GenerationalKeyPrefix, cache_middleware.UpdateCacheMiddleware):
    pass


class FetchFromCacheMiddleware(_GenerationalKeyPrefix, cache_middleware.FetchFromCacheMiddleware):
    pass
