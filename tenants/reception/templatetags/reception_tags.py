"""Template tags that put the reception day on the union's site pages (home, services)."""

from __future__ import annotations

from django import template

from ..selectors import Occurrence, reception_next_cached

register = template.Library()


@register.simple_tag
def reception_next_date() -> Occurrence | None:
    """The next reception date that takes place, or ``None`` (from the cache, see the selector)."""
    return reception_next_cached()
