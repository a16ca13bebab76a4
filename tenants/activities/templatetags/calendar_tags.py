"""Template tags of the union's activity calendar: kinds' labels, and the next activities for
the home page (cached: see ``activities_upcoming_cached``)."""

from __future__ import annotations

from django import template

from ..calendar import CalendarEntry, calendar_kind_labels
from ..selectors_calendar import activities_upcoming_cached

register = template.Library()


@register.filter
def calendar_kind_label(kind: str) -> str:
    return str(calendar_kind_labels().get(kind, kind))


@register.simple_tag
def activities_upcoming() -> list[CalendarEntry]:
    """The next published activities, for the home page."""
    return activities_upcoming_cached()
