"""The chairman's reception day (主席接待日): a recurring, published schedule, bookable slots,
and the log of who came and what was said.

Occurrences and slots are never stored: they are computed from the schedule's recurrence rule
(python-dateutil's ``rrule``) whenever they are shown or booked, so changing the schedule
changes every future date at once. Only what happens on a date is stored: a cancellation, a
booking, a visit.
"""

from __future__ import annotations

import datetime

from dateutil import rrule
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from workershome.deletion import SET_NULL_IN_UNIONS

_RRULE_WEEKDAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WeekOfMonth(models.IntegerChoices):
    FIRST = 1, _("the first")
    SECOND = 2, _("the second")
    THIRD = 3, _("the third")
    FOURTH = 4, _("the fourth")
    LAST = -1, _("the last")


class ReceptionSchedule(models.Model):
    """When and where the chairman receives workers, e.g. "every month on the second Tuesday,
    14:00–16:00, in the mediation room", cut into bookable slots.

    主席接待日: the chairman receives workers on site on set days, published on the union's
    site so every worker knows when to come; booking a slot spares them a wasted trip.
    """

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")

    title = models.CharField(_("title"), max_length=100, default="主席接待日")
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=SET_NULL_IN_UNIONS,
        related_name="+",
        verbose_name=_("host"),
        help_text=_("Who receives the workers: normally the chairman."),
    )
    place = models.CharField(_("place"), max_length=100)
    frequency = models.CharField(
        _("repeats"), max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    interval = models.PositiveSmallIntegerField(
        _("every"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("1 = every week or month, 2 = every other one, …"),
    )
    weekday = models.PositiveSmallIntegerField(_("day of the week"), choices=Weekday.choices)
    week_of_month = models.SmallIntegerField(
        _("which one in the month"),
        choices=WeekOfMonth.choices,
        null=True,
        blank=True,
        help_text=_("For a monthly schedule: the first, second… or last such day of the month."),
    )
    starts_on = models.DateField(_("first possible date"))
    ends_on = models.DateField(_("last possible date"), null=True, blank=True)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    slot_minutes = models.PositiveSmallIntegerField(
        _("minutes per slot"), default=30, validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    people_per_slot = models.PositiveSmallIntegerField(
        _("people per slot"), default=1, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    booking_open = models.BooleanField(
        _("booking open"), default=True, help_text=_("Workers may book slots on the site.")
    )
    booking_weeks_ahead = models.PositiveSmallIntegerField(
        _("bookable weeks ahead"), default=8, validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    published = models.BooleanField(
        _("shown on the site"), default=True, help_text=_("Workers see the schedule on the union's site.")
    )
    notes = models.CharField(
        _("notes for workers"), max_length=300, blank=True, help_text=_("E.g. what to bring.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-published", "pk"]
        verbose_name = _("reception schedule")
        verbose_name_plural = _("reception schedules")
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=models.F("start_time")), name="reception_times"),
            models.CheckConstraint(
                condition=Q(frequency="weekly") | Q(week_of_month__isnull=False), name="reception_monthly_nth"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="reception_dates",
            ),
            models.CheckConstraint(condition=Q(people_per_slot__gte=1), name="reception_capacity"),
            models.CheckConstraint(condition=Q(slot_minutes__gte=5), name="reception_slot_length"),
            models.CheckConstraint(condition=Q(interval__gte=1), name="reception_interval"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.describe()}）"

    # --- The recurrence ------------------------------------------------------------------------

    def rule(self) -> rrule.rrule:
        """The dates of the reception, as a dateutil rule on naive local datetimes at the start
        time. Monthly schedules pick the n-th (or last) such weekday of the month."""
        weekday = _RRULE_WEEKDAYS[self.weekday]
        start = datetime.datetime.combine(self.starts_on, self.start_time)
        until = datetime.datetime.combine(self.ends_on, self.start_time) if self.ends_on else None
        if self.frequency == self.Frequency.MONTHLY:
            return rrule.rrule(
                rrule.MONTHLY,
                dtstart=start,
                interval=self.interval,
                byweekday=weekday(self.week_of_month or 1),
                until=until,
            )
        return rrule.rrule(
            rrule.WEEKLY, dtstart=start, interval=self.interval, byweekday=weekday, until=until
        )

    def dates_between(self, first: datetime.date, last: datetime.date) -> list[datetime.date]:
        """The reception dates from ``first`` to ``last`` inclusive (cancelled ones included)."""
        if last < first:
            return []
        found = self.rule().between(
            datetime.datetime.combine(first, datetime.time.min),
            datetime.datetime.combine(last, datetime.time.max),
            inc=True,
        )
        return [moment.date() for moment in found]

    def occurs_on(self, day: datetime.date) -> bool:
        return bool(self.dates_between(day, day))

    def slot_starts(self, day: datetime.date) -> list[datetime.datetime]:
        """The start of each whole slot between the start and end time on ``day`` (aware)."""
        start = timezone.make_aware(datetime.datetime.combine(day, self.start_time))
        end = timezone.make_aware(datetime.datetime.combine(day, self.end_time))
        length = datetime.timedelta(minutes=self.slot_minutes)
        starts = []
        while start + length <= end:
            starts.append(start)
            start += length
        return starts

    @property
    def slot_length(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=self.slot_minutes)

    def describe(self) -> str:
        """In words, in the active language: "每月第二个星期二 14:00–16:00"."""
        weekday = Weekday(self.weekday).label
        if self.frequency == self.Frequency.MONTHLY:
            nth = WeekOfMonth(self.week_of_month or 1).label
            if self.interval == 1:
                when = gettext("Every month on %(nth)s %(weekday)s") % {"nth": nth, "weekday": weekday}
            else:
                when = gettext("Every %(n)s months on %(nth)s %(weekday)s") % {
                    "n": self.interval, "nth": nth, "weekday": weekday,
                }  # fmt: skip
        elif self.interval == 1:
            when = gettext("Every %(weekday)s") % {"weekday": weekday}
        else:
            when = gettext("Every %(n)s weeks on %(weekday)s") % {"n": self.interval, "weekday": weekday}
        return f"{when} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class ReceptionCancellation(models.Model):
    """A reception date that does not take place (a holiday, the chairman away)."""

    schedule = models.ForeignKey(ReceptionSchedule, on_delete=models.CASCADE, related_name="cancellations")
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("cancelled reception date")
        verbose_name_plural = _("cancelled reception dates")
        constraints = [models.UniqueConstraint(fields=["schedule", "date"], name="reception_cancelled_once")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.reason}"


class ReceptionBooking(models.Model):
    """A member's booking of one slot on one reception date, with what they want to raise.

    A member holds at most one active booking per reception date (the constraint is the last
    line of defence; the service refuses it first with a clear message), and a slot takes at
    most ``people_per_slot`` active bookings (the service counts them under a lock on the
    schedule, so two people racing for the last place cannot both get it).
    """

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", pgettext_lazy("reception booking", "Came")

    schedule = models.ForeignKey(ReceptionSchedule, on_delete=models.PROTECT, related_name="bookings")
    date = models.DateField(_("date"))
    slot_start = models.DateTimeField(_("time"))
    slot_end = models.DateTimeField(_("until"))
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=SET_NULL_IN_UNIONS,
        related_name="reception_bookings",
        verbose_name=_("member"),
    )
    topic = models.CharField(_("topic"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.BOOKED)
    created_at = models.DateTimeField(_("booked"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )

    class Meta:
        ordering = ["slot_start", "pk"]
        verbose_name = _("reception booking")
        verbose_name_plural = _("reception bookings")
        indexes = [models.Index(fields=["schedule", "slot_start", "status"], name="reception_slot_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "date", "member"],
                condition=Q(status__in=["booked", "attended"]),
                name="reception_one_booking_per_day",
            )
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.slot_start):%Y-%m-%d %H:%M} {self.topic}"

    @property
    def is_upcoming(self) -> bool:
        return self.slot_start > timezone.now()


class ReceptionVisit(models.Model):
    """One worker received: who came (a member or a named visitor), the topic, what was said
    and the follow-up promised. A visit can become a case (an appeal) in one step, and then
    links to it, so the worker's matter is tracked to an answer within the time limit."""

    schedule = models.ForeignKey(
        ReceptionSchedule,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("reception schedule"),
    )
    booking = models.OneToOneField(
        ReceptionBooking, null=True, blank=True, on_delete=models.SET_NULL, related_name="visit"
    )
    visited_at = models.DateTimeField(_("time of the visit"), default=timezone.now)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=SET_NULL_IN_UNIONS,
        related_name="reception_visits",
        verbose_name=_("member"),
    )
    visitor_name = models.CharField(_("visitor's name"), max_length=50, blank=True)
    visitor_contact = models.CharField(_("visitor's contact"), max_length=100, blank=True)
    department = models.CharField(_("department"), max_length=100, blank=True)
    topic = models.CharField(_("topic"), max_length=200)
    notes = models.TextField(_("what was said"))
    follow_up = models.TextField(_("follow-up"), blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=SET_NULL_IN_UNIONS,
        related_name="+",
        verbose_name=_("received by"),
    )
    case = models.OneToOneField(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reception_visit",
        verbose_name=_("case"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_at", "-pk"]
        verbose_name = _("reception visit")
        verbose_name_plural = _("reception visits")
        constraints = [
            # The name is kept even for a member (as it was at the visit), so the log still says
            # who came if the member's account is removed later.
            models.CheckConstraint(condition=~Q(visitor_name=""), name="reception_visit_who")
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.visited_at):%Y-%m-%d} {self.visitor} {self.topic}"

    @property
    def visitor(self) -> str:
        return self.visitor_name
