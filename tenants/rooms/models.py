"""Room booking (场地预约): members and interest groups book the home's rooms.

The rooms are the website's ``cms.RoomPage`` pages. Each bookable room has a ``RoomBookingRule``:
whether it may be booked, its weekly opening hours, whether an officer approves each booking,
the longest booking and how far ahead. A multi-use room (一室多用) is one room booked for one of
its uses at a time.

Two live bookings of one room never overlap: PostgreSQL refuses it with an exclusion constraint
over the booking's time range (btree_gist, created by this app's first migration), whatever
path the rows take. Published activities held in the room are refused by the service.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.models import RoomKind
from tenants.reception.models import Weekday
from workershome.deletion import SET_NULL_IN_UNIONS


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class RoomBookingRule(models.Model):
    """How one room of the home may be booked."""

    room = models.OneToOneField(
        "cms.RoomPage", on_delete=models.CASCADE, related_name="booking_rule", verbose_name=_("room")
    )
    bookable = models.BooleanField(
        _("bookable"), default=True, help_text=_("Members and groups may book the room on the site.")
    )
    requires_approval = models.BooleanField(
        _("requires approval"),
        default=False,
        help_text=_("An officer approves each booking before it holds."),
    )
    max_hours = models.PositiveSmallIntegerField(
        _("longest booking (hours)"), default=4, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    days_ahead = models.PositiveSmallIntegerField(
        _("bookable days ahead"), default=30, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    notes = models.CharField(
        _("notes for people booking"), max_length=300, blank=True, help_text=_("E.g. where to get the key.")
    )

    class Meta:
        ordering = ["room__path"]
        verbose_name = _("room booking setup")
        verbose_name_plural = _("room booking setups")
        constraints = [
            models.CheckConstraint(condition=Q(max_hours__range=(1, 24)), name="room_rule_max_hours"),
            models.CheckConstraint(condition=Q(days_ahead__range=(1, 365)), name="room_rule_days_ahead"),
        ]

    def __str__(self) -> str:
        return str(self.room)


class RoomOpeningHours(models.Model):
    """One opening period of a room on one day of the week (a day may have several, e.g.
    9:00–12:00 and 14:00–21:00); a day without any is closed."""

    rule = models.ForeignKey(RoomBookingRule, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("day of the week"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(condition=Q(closes__gt=models.F("opens")), name="room_hours_order"),
            models.CheckConstraint(condition=Q(weekday__range=(0, 6)), name="room_hours_weekday"),
        ]

    def __str__(self) -> str:
        return f"{Weekday(self.weekday).label} {self.opens:%H:%M}–{self.closes:%H:%M}"


class RoomBooking(models.Model):
    """A member's (or, through its leader, an interest group's) booking of a room for one use,
    from ``starts_at`` to ``ends_at``. Pending and approved bookings hold the time."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Confirmed")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    LIVE = (Status.PENDING, Status.APPROVED)

    room = models.ForeignKey(
        "cms.RoomPage", on_delete=models.CASCADE, related_name="bookings", verbose_name=_("room")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=SET_NULL_IN_UNIONS, related_name="room_bookings",
        verbose_name=_("booked by"),
    )  # fmt: skip
    group = models.ForeignKey(
        "interest_groups.InterestGroup", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="room_bookings", verbose_name=_("for the group"),
    )  # fmt: skip
    use = models.CharField(_("used as"), max_length=30, choices=RoomKind.choices)
    purpose = models.CharField(_("purpose"), max_length=200)
    people = models.PositiveSmallIntegerField(_("number of people"), validators=[MinValueValidator(1)])
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("booked"), auto_now_add=True)
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )
    decline_reason = models.CharField(_("reason"), max_length=200, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("room booking")
        verbose_name_plural = _("room bookings")
        indexes = [models.Index(fields=["room", "status", "starts_at"], name="room_booking_room_time")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="room_booking_times"),
            models.CheckConstraint(condition=Q(people__gte=1), name="room_booking_people"),
            ExclusionConstraint(
                name="room_booking_no_overlap",
                index_type="GIST",
                expressions=[
                    ("room", RangeOperators.EQUAL),
                    (TsTzRange("starts_at", "ends_at", RangeBoundary()), RangeOperators.OVERLAPS),
                ],
                condition=Q(status__in=["pending", "approved"]),
                violation_error_message=_("The room is already booked at this time."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M} {self.purpose}"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE

    @property
    def hours(self) -> float:
        return round((self.ends_at - self.starts_at).total_seconds() / 3600, 2)
