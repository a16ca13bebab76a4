"""Template helpers of the search pages."""

from __future__ import annotations

import re

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_NOT_MARK = re.compile(r"<(?!/?mark>)[^>]*>")


@register.filter
def highlighted(value: str) -> SafeString:
    """A highlighted title or snippet from the query builder: its text is already escaped and
    only ``<mark>`` tags are added; any other tag is removed all the same, so a document can
    never put markup on the page."""
    return mark_safe(_NOT_MARK.sub("", value or ""))
