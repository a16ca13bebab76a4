"""The union's calendar: activities plus entries other apps contribute (group meetings,
course sessions), for the calendar page and the iCalendar feeds.

An app contributes entries by registering a source: ``calendar_source_register(fn)`` where
``fn(*, start, end)`` returns the ``CalendarEntry`` items that overlap [start, end) in the
current union schema. Sources must be cheap (one or two queries per call).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

CalendarSource = Callable[..., Iterable["CalendarEntry"]]
CALENDAR_SOURCES: list[CalendarSource] = []


@dataclass(frozen=True)
class CalendarEntry:
    uid: str  # stable and unique within the union, e.g. "activity-12", "group-meeting-3-20261128"
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    kind: str  # an ActivityKind value, or the source's own ("group_meeting", "course_session")
    location: str = ""
    url: str = ""  # absolute path on the union's site
    description: str = ""


def calendar_source_register(source: CalendarSource) -> CalendarSource:
    if source not in CALENDAR_SOURCES:
        CALENDAR_SOURCES.append(source)
    return source
