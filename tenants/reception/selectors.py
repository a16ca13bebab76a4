"""Reads on reception days: upcoming dates and their slots (computed, never stored), bookings."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from .models import ReceptionBooking, ReceptionCancellation, ReceptionSchedule, ReceptionVisit


@dataclass
class Slot:
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int
    booked: int = 0
    mine: bool = False
    bookable: bool = False

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)

    @property
    def key(self) -> str:
        """The value a booking form posts for this slot: its start as ISO 8601 with offset."""
        return timezone.localtime(self.starts_at).isoformat()


@dataclass
class Occurrence:
    schedule: ReceptionSchedule
    date: datetime.date
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    cancelled: bool = False
    cancel_reason: str = ""
    bookable: bool = False
    slots: list[Slot] = field(default_factory=list)

    @property
    def free(self) -> int:
        return sum(slot.free for slot in self.slots if slot.bookable)

    @property
    def mine(self) -> bool:
        return any(slot.mine for slot in self.slots)


@dataclass
class ScheduleView:
    schedule: ReceptionSchedule
    description: str
    occurrences: list[Occurrence]

    @property
    def next(self) -> Occurrence | None:
        return next((o for o in self.occurrences if not o.cancelled), None)


def _aware(day: datetime.date, moment: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, moment))


def booking_horizon(schedule: ReceptionSchedule, today: datetime.date) -> datetime.date:
    """The last date a worker may book today."""
    return today + datetime.timedelta(weeks=schedule.booking_weeks_ahead)


def schedule_occurrences(
    *,
    schedule: ReceptionSchedule,
    first: datetime.date,
    last: datetime.date,
    cancellations: dict[datetime.date, str] | None = None,
    booked: Counter | None = None,
    mine: set[tuple[int, datetime.datetime]] | None = None,
    now: datetime.datetime | None = None,
) -> list[Occurrence]:
    """The schedule's dates from ``first`` to ``last``, each with its slots.

    ``cancellations`` maps cancelled dates to their reasons; ``booked`` counts active bookings
    per (schedule id, slot start); ``mine`` holds the (schedule id, slot start) the viewer booked. Without them, the
    cancellations are read and nothing counts as booked.
    """
    now = now or timezone.now()
    if cancellations is None:
        cancellations = dict(
            ReceptionCancellation.objects.filter(schedule=schedule, date__range=(first, last)).values_list(
                "date", "reason"
            )
        )
    booked = booked if booked is not None else Counter()
    mine = mine or set()
    horizon = booking_horizon(schedule, timezone.localdate(now))
    found = []
    for day in schedule.dates_between(first, last):
        cancelled = day in cancellations
        open_day = schedule.booking_open and schedule.published and not cancelled and day <= horizon
        occurrence = Occurrence(
            schedule=schedule,
            date=day,
            starts_at=_aware(day, schedule.start_time),
            ends_at=_aware(day, schedule.end_time),
            cancelled=cancelled,
            cancel_reason=cancellations.get(day, ""),
        )
        for start in schedule.slot_starts(day):
            slot = Slot(
                starts_at=start,
                ends_at=start + schedule.slot_length,
                capacity=schedule.people_per_slot,
                booked=booked.get((schedule.pk, start), 0),
                mine=(schedule.pk, start) in mine,
            )
            slot.bookable = open_day and start > now and slot.free > 0
            occurrence.slots.append(slot)
        occurrence.bookable = any(slot.bookable for slot in occurrence.slots)
        found.append(occurrence)
    return found


def reception_upcoming(
    *, user=None, per_schedule: int = 4, now: datetime.datetime | None = None, schedule_id: int | None = None
) -> list[ScheduleView]:
    """The published schedules with their next dates (cancelled ones shown as such), free
    places per slot and, for a signed-in ``user``, which slots are theirs. Four queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    schedules = list(ReceptionSchedule.objects.filter(published=True).select_related("host"))
    if schedule_id is not None:
        schedules = [schedule for schedule in schedules if schedule.pk == schedule_id]
    if not schedules:
        return []
    windows = {s.pk: (today, booking_horizon(s, today)) for s in schedules}
    last = max(window[1] for window in windows.values())
    cancellations: dict[int, dict[datetime.date, str]] = {}
    for schedule_pk, day, reason in ReceptionCancellation.objects.filter(
        schedule__in=schedules, date__range=(today, last)
    ).values_list("schedule_id", "date", "reason"):
        cancellations.setdefault(schedule_pk, {})[day] = reason
    active = ReceptionBooking.objects.filter(
        schedule__in=schedules, status=ReceptionBooking.Status.BOOKED, date__range=(today, last)
    )
    booked = Counter(active.values_list("schedule_id", "slot_start"))
    mine: set[tuple[int, datetime.datetime]] = set()
    if user is not None and user.is_authenticated:
        mine = set(active.filter(member=user).values_list("schedule_id", "slot_start"))
    views = []
    for schedule in schedules:
        first, horizon = windows[schedule.pk]
        occurrences = [
            occurrence
            for occurrence in schedule_occurrences(
                schedule=schedule,
                first=first,
                last=horizon,
                cancellations=cancellations.get(schedule.pk, {}),
                booked=booked,
                mine=mine,
                now=now,
            )
            if occurrence.ends_at > now
        ][:per_schedule]
        views.append(
            ScheduleView(schedule=schedule, description=schedule.describe(), occurrences=occurrences)
        )
    return views


def reception_next(*, now: datetime.datetime | None = None) -> Occurrence | None:
    """The next reception date that takes place, over every published schedule, for the site's
    pages (without booking counts). Two queries; ``None`` when there is none within the window."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    schedules = list(ReceptionSchedule.objects.filter(published=True).select_related("host"))
    if not schedules:
        return None
    last = max(booking_horizon(s, today) for s in schedules)
    cancelled = set(
        ReceptionCancellation.objects.filter(schedule__in=schedules, date__range=(today, last)).values_list(
            "schedule_id", "date"
        )
    )
    found = []
    for schedule in schedules:
        for day in schedule.dates_between(today, booking_horizon(schedule, today)):
            ends_at = _aware(day, schedule.end_time)
            if (schedule.pk, day) not in cancelled and ends_at > now:
                found.append(
                    Occurrence(
                        schedule=schedule,
                        date=day,
                        starts_at=_aware(day, schedule.start_time),
                        ends_at=ends_at,
                    )
                )
                break
    return min(found, key=lambda occurrence: occurrence.starts_at, default=None)


_NEXT_KEY = "reception:next"
_NEXT_SECONDS = 300


def reception_next_cached() -> Occurrence | None:
    """``reception_next`` kept in the union's cache (keys carry the schema) for five minutes,
    so the home page pays no query for it; schedule changes and cancellations forget it."""
    now = timezone.now()
    cached = cache.get(_NEXT_KEY)
    if cached is not None and (cached[0] is None or cached[0].ends_at > now):
        return cached[0]
    found = reception_next(now=now)
    cache.set(_NEXT_KEY, (found,), _NEXT_SECONDS)
    return found


def reception_next_forget() -> None:
    cache.delete(_NEXT_KEY)


def bookings_of(user) -> QuerySet[ReceptionBooking]:
    """A member's bookings, the coming ones first."""
    return ReceptionBooking.objects.filter(member=user).select_related("schedule").order_by("-slot_start")


def bookings_coming(*, days: int = 14, now: datetime.datetime | None = None) -> QuerySet[ReceptionBooking]:
    """Active bookings of the coming ``days`` days, for the staff who receive the workers."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return (
        ReceptionBooking.objects.filter(
            status__in=[ReceptionBooking.Status.BOOKED, ReceptionBooking.Status.ATTENDED],
            date__range=(today, today + datetime.timedelta(days=days)),
        )
        .select_related("schedule", "member", "visit")
        .order_by("slot_start", "pk")
    )


def visits_list() -> QuerySet[ReceptionVisit]:
    return ReceptionVisit.objects.select_related("member", "received_by", "case", "schedule")


def member_by_mobile(mobile: str):
    """The active local user of this union whose account has ``mobile``, or ``None``."""
    from accounts.models import Account
    from accounts.validators import normalize_mobile
    from tenants.users.models import User

    number = normalize_mobile(mobile)
    if not number:
        return None
    account = Account.objects.filter(mobile=number).only("pk").first()
    if account is None:
        return None
    return User.objects.filter(account_id=account.pk, is_active=True).first()
