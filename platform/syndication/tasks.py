"""Refreshing the cached pages of the unions a notice reaches, off the request."""

from __future__ import annotations

from celery import shared_task
from django_tenants.utils import get_public_schema_name, schema_context

from workershome.page_cache import page_cache_refresh


def home_card_refresh() -> None:
    """Make the current union's cached home-page card of notices stale."""
    from django.core.cache import cache

    from .templatetags.syndication_tags import CARD_VERSION_KEY

    cache.add(CARD_VERSION_KEY, 0, None)
    try:
        cache.incr(CARD_VERSION_KEY)
    except ValueError:  # evicted between add and incr
        cache.set(CARD_VERSION_KEY, 1, None)


@shared_task(acks_late=True)
def notice_pages_refresh(*, notice_id: int) -> int:
    """Bump the page-cache generation of every union ``notice_id`` is addressed to (one cache
    increment each), so their anonymous visitors see the notice appear or disappear at once.
    Returns the number of unions refreshed."""
    from .models import FederationNotice
    from .selectors import unions_addressed_by

    with schema_context(get_public_schema_name()):
        notice = FederationNotice.objects.filter(pk=notice_id).first()
        if notice is None:
            return 0
        schemas = unions_addressed_by(notice)
    for schema in schemas:
        page_cache_refresh(schema=schema)  # outside a transaction: bumps at once, in that schema
        with schema_context(schema):  # and the home page card's own key (the keys carry the schema)
            home_card_refresh()
    return len(schemas)
