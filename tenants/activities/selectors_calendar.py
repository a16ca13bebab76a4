"""Reads for the union's calendar: the merged entries of every source, a month as a grid of
days, the next activities for the home page, and a worker's own sign-ups for their private feed.

Each function costs one query per source (the activities' own: one), whatever the number of
entries: the calendar of a union with thousands of activities stays a handful of queries.
"""

from __future__ import annotations

import calendar as pycalendar
import datetime
from collections.abc import Collection
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils import timezone

from workershome.page_cache import page_cache_generation

from .calendar import CALENDAR_SOURCES, CalendarEntry, activity_location, activity_url
from .models import Activity, ActivitySignup, CalendarToken

# Entries longer than this are shown on their first day only (a season-long volunteering drive
# should not fill every cell of the month).
SPREAD_DAYS = 7
MIN_YEAR, MAX_YEAR = 2000, 2100


def calendar_entries(
    *,
    start: datetime.datetime,
    end: datetime.datetime,
    kinds: Collection[str] | None = None,
    include_cancelled: bool = False,
) -> list[CalendarEntry]:
    """Every source's entries overlapping [start, end), by start time; of ``kinds`` only when
    given; cancelled ones only with ``include_cancelled`` (for the feeds)."""
    entries: list[CalendarEntry] = []
    for source in CALENDAR_SOURCES:
        entries.extend(
            entry
            for entry in source(start=start, end=end)
            if (include_cancelled or not entry.cancelled) and (not kinds or entry.kind in kinds)
        )
    entries.sort(key=lambda entry: (entry.starts_at, entry.ends_at, entry.uid))
    return entries


# --- The month ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayEntry:
    """An entry on one day of the month, with its local times as shown ("09:00")."""

    entry: CalendarEntry
    starts: str
    ends: str
    continued: bool  # began on an earlier day


@dataclass
class CalendarDay:
    date: datetime.date
    in_month: bool
    is_today: bool
    entries: list[DayEntry] = field(default_factory=list)

    @property
    def weekend(self) -> bool:
        return self.date.weekday() >= 5


@dataclass
class MonthCalendar:
    """One month as whole weeks (Monday first), each day with the entries on it."""

    year: int
    month: int
    days: list[CalendarDay]
    previous: tuple[int, int]
    next: tuple[int, int]

    @property
    def first(self) -> datetime.date:
        return datetime.date(self.year, self.month, 1)

    @property
    def days_with_entries(self) -> list[CalendarDay]:
        """The month's own days that have something on (the list view and narrow screens)."""
        return [day for day in self.days if day.in_month and day.entries]

    @property
    def entry_count(self) -> int:
        return len({item.entry.uid for day in self.days if day.in_month for item in day.entries})


def month_shift(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def calendar_month(
    *, year: int, month: int, kinds: Collection[str] | None = None, today: datetime.date | None = None
) -> MonthCalendar:
    """The month's grid, with the days of the neighbouring months that complete its weeks."""
    today = today or timezone.localdate()
    first_weekday, length = pycalendar.monthrange(year, month)
    grid_start = datetime.date(year, month, 1) - datetime.timedelta(days=first_weekday)
    weeks = -(-(first_weekday + length) // 7)
    dates = [grid_start + datetime.timedelta(days=i) for i in range(weeks * 7)]
    days = {day: CalendarDay(date=day, in_month=day.month == month, is_today=day == today) for day in dates}
    entries = calendar_entries(
        start=_local_midnight(dates[0]),
        end=_local_midnight(dates[-1] + datetime.timedelta(days=1)),
        kinds=kinds,
    )
    for entry in entries:
        starts, ends = timezone.localtime(entry.starts_at), timezone.localtime(entry.ends_at)
        first = starts.date()
        # An entry ending at midnight does not show on the next day.
        last = (ends - datetime.timedelta(microseconds=1)).date()
        if (last - first).days >= SPREAD_DAYS:
            last = first
        day = max(first, dates[0])
        while day <= min(last, dates[-1]):
            days[day].entries.append(
                DayEntry(entry=entry, starts=f"{starts:%H:%M}", ends=f"{ends:%H:%M}", continued=day != first)
            )
            day += datetime.timedelta(days=1)
    return MonthCalendar(
        year=year,
        month=month,
        days=list(days.values()),
        previous=month_shift(year, month, -1),
        next=month_shift(year, month, 1),
    )


# --- The home page ------------------------------------------------------------------------------

HOME_UPCOMING = 4
_UPCOMING_SECONDS = 300


def activities_upcoming(
    *, now: datetime.datetime | None = None, limit: int = HOME_UPCOMING
) -> list[CalendarEntry]:
    """The next published activities not yet over, soonest first. One query."""
    now = now or timezone.now()
    rows = (
        Activity.objects.filter(status=Activity.Status.PUBLISHED, ends_at__gt=now)
        .order_by("starts_at", "pk")
        .values_list("pk", "title", "kind", "starts_at", "ends_at", "room__title", "place")[:limit]
    )
    return [
        CalendarEntry(
            uid=f"activity-{pk}",
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            kind=kind,
            location=activity_location(room_title=room_title, place=place),
            url=activity_url(pk),
        )
        for pk, title, kind, starts_at, ends_at, room_title, place in rows
    ]


def activities_upcoming_cached() -> list[CalendarEntry]:
    """``activities_upcoming`` kept in the union's cache (keys carry the schema) until an
    activity changes (the page cache's generation) or the first one listed ends, at most five
    minutes: the home page pays no query for it most of the time, one when it does."""
    now = timezone.now()
    key = f"activities:upcoming:g{page_cache_generation()}"
    cached = cache.get(key)
    if cached is not None and all(entry.ends_at > now for entry in cached):
        return cached
    found = activities_upcoming(now=now)
    cache.set(key, found, _UPCOMING_SECONDS)
    return found


# --- A worker's own calendar --------------------------------------------------------------------


@dataclass(frozen=True)
class SignedUpEntry:
    """An activity a worker signed up for, with their place: confirmed or on the waiting list."""

    entry: CalendarEntry
    waiting: bool
    signed_up_at: datetime.datetime


def signups_for_feed(*, user, start: datetime.datetime, end: datetime.datetime) -> list[SignedUpEntry]:
    """The worker's live sign-ups (confirmed or waiting; never cancelled ones, never drafts) for
    activities overlapping [start, end), cancelled activities flagged. One query."""
    rows = (
        ActivitySignup.objects.filter(
            user=user,
            status__in=[ActivitySignup.Status.CONFIRMED, ActivitySignup.Status.WAITING],
            activity__status__in=[Activity.Status.PUBLISHED, Activity.Status.CANCELLED],
            activity__starts_at__lt=end,
            activity__ends_at__gt=start,
        )
        .order_by("activity__starts_at", "activity_id")
        .values_list(
            "activity_id",
            "activity__title",
            "activity__kind",
            "activity__starts_at",
            "activity__ends_at",
            "activity__room__title",
            "activity__place",
            "activity__description",
            "activity__status",
            "activity__updated_at",
            "status",
            "updated_at",
            "created_at",
        )
    )
    found = []
    for (
        pk, title, kind, starts_at, ends_at, room_title, place, description, activity_status, activity_updated,
        status, signup_updated, created_at,
    ) in rows:  # fmt: skip
        entry = CalendarEntry(
            uid=f"activity-{pk}",
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            kind=kind,
            location=activity_location(room_title=room_title, place=place),
            url=activity_url(pk),
            description=description,
            cancelled=activity_status == Activity.Status.CANCELLED,
            updated_at=max(activity_updated, signup_updated),
        )
        found.append(
            SignedUpEntry(
                entry=entry, waiting=status == ActivitySignup.Status.WAITING, signed_up_at=created_at
            )
        )
    return found


def calendar_token_of(*, user) -> CalendarToken | None:
    return CalendarToken.objects.filter(user=user).first()


def calendar_token_owner(*, token: str):
    """The active local user whose private feed ``token`` opens, or ``None``. One query."""
    if not token or len(token) > 64:
        return None
    found = CalendarToken.objects.filter(token=token, user__is_active=True).select_related("user").first()
    return found.user if found else None
