"""The union's calendar: activities plus entries other apps contribute (group meetings,
course sessions), for the calendar page and the iCalendar feeds.

An app contributes entries by registering a source: ``calendar_source_register(fn)`` where
``fn(*, start, end)`` returns the ``CalendarEntry`` items that overlap [start, end) in the
current union schema. Sources must be cheap (one or two queries per call). Activities are the
first source, registered here.

The calendar page and the union's feed are cached per union until something on the site is
published (``workershome.page_cache``): saving or deleting an activity refreshes them (the
signal receivers below, for activities, group meetings, courses and course sessions); a new
source must add its models there, or its changes show only within the feed's cache time (an
hour) and the page cache's (``PAGE_CACHE_SECONDS``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CalendarSource = Callable[..., Iterable["CalendarEntry"]]
CALENDAR_SOURCES: list[CalendarSource] = []

# What each kind of entry is called on the page and in the feeds' CATEGORIES. Activity kinds are
# added lazily (``calendar_kind_labels``); sources may add theirs when they register.
CALENDAR_KIND_LABELS: dict[str, str | Promise] = {
    "group_meeting": _("Interest group meeting"),
    "course_session": _("Training session"),
}


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
    cancelled: bool = False  # still shown in the feeds (STATUS:CANCELLED), never on the page
    updated_at: datetime.datetime | None = None  # the feeds' DTSTAMP and LAST-MODIFIED


def calendar_source_register(
    source: CalendarSource, *, kinds: dict[str, str | Promise] | None = None
) -> CalendarSource:
    """Add ``source`` to the union calendar (once), with the labels of the kinds it uses."""
    if source not in CALENDAR_SOURCES:
        CALENDAR_SOURCES.append(source)
    CALENDAR_KIND_LABELS.update(kinds or {})
    return source


def calendar_kind_labels() -> dict[str, str | Promise]:
    """Every kind the calendar knows, activity kinds first, with its label (translated lazily)."""
    from .models import ActivityKind

    labels: dict[str, str | Promise] = dict(ActivityKind.choices)
    return {**labels, **CALENDAR_KIND_LABELS}


def activity_url(pk: int) -> str:
    """The activity's own page on the union's site (the activities app's detail view)."""
    return f"/activities/{pk}/"


def activity_location(*, room_title: str | None, place: str) -> str:
    return " · ".join(part for part in (room_title or "", place) if part)


def activity_entries(*, start: datetime.datetime, end: datetime.datetime) -> list[CalendarEntry]:
    """Published activities overlapping [start, end), and cancelled ones flagged as such (the
    feeds tell subscribed phones; the page leaves them out). Drafts never. One query."""
    from .models import Activity

    rows = (
        Activity.objects.filter(
            status__in=[Activity.Status.PUBLISHED, Activity.Status.CANCELLED],
            starts_at__lt=end,
            ends_at__gt=start,
        )
        .order_by("starts_at", "pk")
        .values_list(
            "pk",
            "title",
            "kind",
            "starts_at",
            "ends_at",
            "room__title",
            "place",
            "description",
            "status",
            "updated_at",
        )
    )
    cancelled = Activity.Status.CANCELLED
    return [
        CalendarEntry(
            uid=f"activity-{pk}",
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            kind=kind,
            location=activity_location(room_title=room_title, place=place),
            url=activity_url(pk),
            description=description,
            cancelled=status == cancelled,
            updated_at=updated_at,
        )
        for pk, title, kind, starts_at, ends_at, room_title, place, description, status, updated_at in rows
    ]


calendar_source_register(activity_entries)


def _activity_changed(sender=None, instance=None, **kwargs) -> None:
    """An activity was saved or deleted: the union's cached calendar, feed and home page go stale."""
    from workershome.page_cache import page_cache_refresh

    page_cache_refresh()


# Lazy senders ("app_label.Model"): this module is imported while apps load (other apps register
# their sources in ``ready``), before the models may be.
# The other sources' entries go stale the same way: group meetings, courses and their sessions.
for _sender in (
    "activities.Activity",
    "interest_groups.GroupMeeting",
    "training.Course",
    "training.CourseSession",
):
    post_save.connect(_activity_changed, sender=_sender, dispatch_uid=f"calendar_saved_{_sender}")
    post_delete.connect(_activity_changed, sender=_sender, dispatch_uid=f"calendar_deleted_{_sender}")
