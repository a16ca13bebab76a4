"""``{% federation_notices_latest as latest %}``: the three newest notices for the home page card."""

from django import template
from django.core.cache import cache

from ..selectors import notices_for_current_union

register = template.Library()

# Safety net only: publishing or withdrawing a notice bumps the addressed unions' card version
# (``tasks.notice_pages_refresh``), which changes the key at once. Its own version, not the page
# cache's generation, so that other changes on the site do not cost the card a query.
CARD_SECONDS = 5 * 60
CARD_VERSION_KEY = "syndication:home-card-version"


@register.simple_tag
def federation_notices_latest(count: int = 3) -> list:
    """The union's newest notices, cached per union (the cache keys carry the schema) until a
    notice addressed to it changes: the home page stays within its query budget."""
    key = f"syndication:home-card:{count}:{cache.get(CARD_VERSION_KEY) or 0}"
    latest = cache.get(key)
    if latest is None:
        latest = list(notices_for_current_union()[:count])
        cache.set(key, latest, CARD_SECONDS)
    return latest
