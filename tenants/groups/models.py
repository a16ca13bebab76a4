"""Interest groups (兴趣小组): the union's clubs, who is in them, who leads them, when they meet,
and what they post to each other.

A worker asks to join an open group; a leader of the group (or a union officer) lets them in.
Regular meetings are a recurrence rule (python-dateutil's ``rrule``, as the reception day's):
their dates are computed, never stored, and shown on the union's calendar. A group's posts are
for its members only; an attached photo is private media served through the group's page.
"""

from __future__ import annotations

import datetime
import os
import uuid

from dateutil import rrule
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tenants.reception.models import Weekday, WeekOfMonth
from workershome.deletion import CASCADE_IN_UNIONS, SET_NULL_IN_UNIONS

_RRULE_WEEKDAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)


class GroupKind(models.TextChoices):
    BASKETBALL = "basketball", _("Basketball")
    BADMINTON = "badminton", _("Badminton")
    TABLE_TENNIS = "table_tennis", _("Table tennis")
    FOOTBALL = "football", _("Football")
    RUNNING = "running", _("Running")
    HIKING = "hiking", _("Hiking")
    PHOTOGRAPHY = "photography", _("Photography")
    CALLIGRAPHY = "calligraphy", _("Calligraphy and painting")
    READING = "reading", _("Reading")
    SINGING = "singing", _("Choir")
    DANCE = "dance", _("Dance")
    CHESS = "chess", _("Chess and cards")
    OTHER = "other", _("Other")


class InterestGroup(models.Model):
    """One club of the union, e.g. the badminton group or the reading club (文体活动 / 兴趣小组:
    a Workers' Home keeps workers' spare time lively through groups they run themselves)."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=GroupKind.choices)
    description = models.TextField(_("description"), blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("photo"),
    )  # fmt: skip
    open_to_join = models.BooleanField(
        _("open to new members"), default=True, help_text=_("Workers may ask to join on the site.")
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("An inactive group is no longer shown on the site.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("interest group")
        verbose_name_plural = _("interest groups")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/groups/{self.pk}/"


class GroupMembership(models.Model):
    """A member of a group, and whether they lead it."""

    class Role(models.TextChoices):
        LEADER = "leader", _("Leader")
        MEMBER = "member", _("Member")

    group = models.ForeignKey(InterestGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=CASCADE_IN_UNIONS, related_name="group_memberships",
        verbose_name=_("member"),
    )  # fmt: skip
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        ordering = ["-role", "joined_at", "pk"]
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="group_member_once")]

    def __str__(self) -> str:
        return f"{self.group} · {self.user}"

    @property
    def is_leader(self) -> bool:
        return self.role == self.Role.LEADER


class GroupJoinRequest(models.Model):
    """A worker's request to join a group, until a leader or an officer answers it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    group = models.ForeignKey(InterestGroup, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=CASCADE_IN_UNIONS, related_name="group_join_requests",
        verbose_name=_("worker"),
    )  # fmt: skip
    message = models.CharField(_("message"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"], condition=Q(status="pending"), name="group_join_pending_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.user}"


class GroupMeeting(models.Model):
    """A group's regular meeting, e.g. "every Wednesday 18:30–20:30 in the activity centre".

    Its dates are computed from the rule and shown on the union's calendar.
    """

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")

    group = models.ForeignKey(InterestGroup, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=100, blank=True, help_text=_("E.g. weekly training."))
    frequency = models.CharField(
        _("repeats"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    interval = models.PositiveSmallIntegerField(
        _("every"), default=1, validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("1 = every week or month, 2 = every other one, …"),
    )  # fmt: skip
    weekday = models.PositiveSmallIntegerField(_("day of the week"), choices=Weekday.choices)
    week_of_month = models.SmallIntegerField(
        _("which one in the month"), choices=WeekOfMonth.choices, null=True, blank=True,
        help_text=_("For a monthly meeting: the first, second… or last such day of the month."),
    )  # fmt: skip
    starts_on = models.DateField(_("first date"))
    ends_on = models.DateField(_("last date"), null=True, blank=True)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    room = models.ForeignKey(
        "cms.RoomPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="group_meetings",
        verbose_name=_("room"),
    )  # fmt: skip
    place = models.CharField(
        _("outside place"),
        max_length=100,
        blank=True,
        help_text=_("Where it meets, when not in one of our rooms."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["group", "weekday", "start_time", "pk"]
        verbose_name = _("regular meeting")
        verbose_name_plural = _("regular meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="group_meeting_times"
            ),
            models.CheckConstraint(
                condition=Q(frequency="weekly") | Q(week_of_month__isnull=False),
                name="group_meeting_monthly_nth",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="group_meeting_dates",
            ),
            models.CheckConstraint(condition=Q(interval__gte=1), name="group_meeting_interval"),
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.describe()}"

    @property
    def where(self) -> str:
        return self.room.title if self.room_id and self.room else self.place

    def rule(self) -> rrule.rrule:
        weekday = _RRULE_WEEKDAYS[self.weekday]
        start = datetime.datetime.combine(self.starts_on, self.start_time)
        until = datetime.datetime.combine(self.ends_on, self.start_time) if self.ends_on else None
        if self.frequency == self.Frequency.MONTHLY:
            return rrule.rrule(
                rrule.MONTHLY, dtstart=start, interval=self.interval,
                byweekday=weekday(self.week_of_month or 1), until=until,
            )  # fmt: skip
        return rrule.rrule(
            rrule.WEEKLY, dtstart=start, interval=self.interval, byweekday=weekday, until=until
        )

    def occurrences_between(
        self, start: datetime.datetime, end: datetime.datetime
    ) -> list[tuple[datetime.datetime, datetime.datetime]]:
        """The meetings (aware start and end) that overlap [start, end)."""
        if end <= start:
            return []
        first = timezone.localtime(start).date() - datetime.timedelta(days=1)
        last = timezone.localtime(end).date()
        found = self.rule().between(
            datetime.datetime.combine(first, datetime.time.min),
            datetime.datetime.combine(last, datetime.time.max),
            inc=True,
        )
        result = []
        for moment in found:
            begins = timezone.make_aware(moment)
            ends = timezone.make_aware(datetime.datetime.combine(moment.date(), self.end_time))
            if begins < end and ends > start:
                result.append((begins, ends))
        return result

    def describe(self) -> str:
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


def post_image_path(instance: GroupPost, filename: str) -> str:
    """Private media: ``private/…`` never serves from /media/, only through the group's page."""
    extension = os.path.splitext(filename)[1].lower()
    return f"private/groups/{instance.group_id}/{uuid.uuid4().hex}{extension}"


class GroupPost(models.Model):
    """A message to the group (a training note, photos of Saturday's match), for its members."""

    group = models.ForeignKey(InterestGroup, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=SET_NULL_IN_UNIONS, related_name="+",
        verbose_name=_("author"),
    )  # fmt: skip
    body = models.TextField(_("text"), max_length=2000)
    image = models.FileField(_("photo"), upload_to=post_image_path, max_length=200, blank=True)
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("group post")
        verbose_name_plural = _("group posts")
        indexes = [models.Index(fields=["group", "-created_at"], name="group_post_recent")]

    def __str__(self) -> str:
        return self.body[:30]
