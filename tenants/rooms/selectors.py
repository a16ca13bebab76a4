"""Reads on room booking: which rooms can be booked, their opening periods, what already takes a
room at a time (bookings, published activities, interest groups' regular meetings), a room's
week, and people's bookings.

``room_is_free`` is the one answer to "can the room be used then?", for this app and for the
activities app alike.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from cms.models import RoomPage
from tenants.activities.models import Activity

from .models import RoomBooking, RoomBookingRule, RoomOpeningHours


def _aware(day: datetime.date, moment: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, moment))


def room_rule(room: RoomPage) -> RoomBookingRule | None:
    return (
        RoomBookingRule.objects.filter(room=room)
        .prefetch_related(Prefetch("hours", queryset=RoomOpeningHours.objects.order_by("weekday", "opens")))
        .first()
    )


def rules_listed(*, bookable_only: bool = True) -> QuerySet[RoomBookingRule]:
    rules = RoomBookingRule.objects.select_related("room").prefetch_related("hours")
    if bookable_only:
        rules = rules.filter(bookable=True, room__live=True)
    return rules.order_by("room__path")


def opening_periods(
    rule: RoomBookingRule, day: datetime.date
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The room's opening periods on ``day`` (aware), from the rule's prefetched hours."""
    return [
        (_aware(day, hours.opens), _aware(day, hours.closes))
        for hours in sorted(rule.hours.all(), key=lambda h: h.opens)
        if hours.weekday == day.weekday()
    ]


def within_opening_hours(
    rule: RoomBookingRule, starts_at: datetime.datetime, ends_at: datetime.datetime
) -> bool:
    """Whether [starts_at, ends_at) lies inside one opening period of one day."""
    day = timezone.localtime(starts_at).date()
    return any(opens <= starts_at and ends_at <= closes for opens, closes in opening_periods(rule, day))


@dataclass(frozen=True)
class Busy:
    """Something that takes the room for a while."""

    kind: str  # "booking", "activity" or "group_meeting"
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    booking: RoomBooking | None = None

    @property
    def pending(self) -> bool:
        return self.booking is not None and self.booking.status == RoomBooking.Status.PENDING


def room_busy(
    *,
    room: RoomPage,
    start: datetime.datetime,
    end: datetime.datetime,
    exclude_booking: RoomBooking | None = None,
    exclude_meeting=None,
) -> list[Busy]:
    """What takes ``room`` during [start, end): live bookings, published activities and the
    regular meetings of active groups held there. Three queries."""
    from tenants.groups.selectors import meetings_between

    bookings = RoomBooking.objects.filter(
        room=room, status__in=RoomBooking.LIVE, starts_at__lt=end, ends_at__gt=start
    ).select_related("group", "member")
    if exclude_booking is not None:
        bookings = bookings.exclude(pk=exclude_booking.pk)
    found = [
        Busy(kind="booking", title=booking.group.name if booking.group else gettext("Booked"),
             starts_at=booking.starts_at, ends_at=booking.ends_at, booking=booking)
        for booking in bookings
    ]  # fmt: skip
    found += [
        Busy(kind="activity", title=activity.title, starts_at=activity.starts_at, ends_at=activity.ends_at)
        for activity in Activity.objects.filter(
            room=room, status=Activity.Status.PUBLISHED, starts_at__lt=end, ends_at__gt=start
        ).only("title", "starts_at", "ends_at")
    ]
    found += [
        Busy(kind="group_meeting", title=o.group.name, starts_at=o.starts_at, ends_at=o.ends_at)
        for o in meetings_between(start=start, end=end, room=room, exclude_meeting=exclude_meeting)
    ]
    return sorted(found, key=lambda busy: (busy.starts_at, busy.ends_at))


def room_is_free(
    *,
    room: RoomPage,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    exclude_booking: RoomBooking | None = None,
) -> bool:
    """Whether nothing (a live booking, a published activity, a group's regular meeting) takes
    ``room`` during [starts_at, ends_at). The activities app calls it before it publishes an
    activity held in a room."""
    return not room_busy(room=room, start=starts_at, end=ends_at, exclude_booking=exclude_booking)


@dataclass
class DayView:
    date: datetime.date
    periods: list[tuple[datetime.datetime, datetime.datetime]]
    busy: list[Busy] = field(default_factory=list)
    bookable: bool = False

    @property
    def open(self) -> bool:
        return bool(self.periods)


def week_start_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def week_from_param(raw: str) -> datetime.date | None:
    """The Monday of the week holding the ISO date ``raw`` (``?week=``), or ``None`` for
    something that is not a date within a sensible range."""
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        return None
    return week_start_of(day) if 2000 <= day.year <= 2999 else None


def room_week(*, room: RoomPage, rule: RoomBookingRule, week_start: datetime.date) -> list[DayView]:
    """The room's seven days from ``week_start`` (a Monday): opening periods, what takes the
    room, and whether the day can still be booked."""
    now = timezone.now()
    today = timezone.localdate(now)
    horizon = today + datetime.timedelta(days=rule.days_ahead)
    start = _aware(week_start, datetime.time.min)
    end = _aware(week_start + datetime.timedelta(days=7), datetime.time.min)
    busy = room_busy(room=room, start=start, end=end)
    days = []
    for offset in range(7):
        day = week_start + datetime.timedelta(days=offset)
        periods = opening_periods(rule, day)
        view = DayView(
            date=day,
            periods=periods,
            busy=[
                b
                for b in busy
                if timezone.localtime(b.starts_at).date() <= day <= timezone.localtime(b.ends_at).date()
            ],
        )
        view.bookable = (
            rule.bookable
            and bool(periods)
            and today <= day <= horizon
            and any(close > now for _, close in periods)
        )
        days.append(view)
    return days


def bookings_of(user) -> QuerySet[RoomBooking]:
    """A member's bookings, the latest first."""
    return (
        RoomBooking.objects.filter(member=user).select_related("room", "group").order_by("-starts_at", "-pk")
    )


def bookings_listed(*, status: str | None = None, room: RoomPage | None = None) -> QuerySet[RoomBooking]:
    bookings = RoomBooking.objects.select_related("room", "group", "member", "decided_by")
    if status:
        bookings = bookings.filter(status=status)
    if room is not None:
        bookings = bookings.filter(room=room)
    return bookings.order_by("starts_at", "pk")


def bookings_pending() -> QuerySet[RoomBooking]:
    return bookings_listed(status=RoomBooking.Status.PENDING).filter(ends_at__gt=timezone.now())
