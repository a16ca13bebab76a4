"""Template helpers of the training pages, and the home page's training card."""

from __future__ import annotations

from django import template

from ..selectors import courses_open_for_home

register = template.Library()


@register.filter
def lookup(mapping: dict, key):
    return mapping.get(key) if mapping else None


@register.inclusion_tag("training/includes/home_card.html", takes_context=True)
def training_home_card(context) -> dict:
    """The next courses still open for enrolment (at most three), for the home page."""
    return {"courses": courses_open_for_home()}
