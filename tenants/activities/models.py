"""Cultural and sports activities (文体活动): what is on, who signed up, who came, how it went.

有活动: a Workers' Home holds activities regularly and workers sign up on the union's site.
Seats are first come, first served; a full activity keeps a waiting list that moves up by
itself when someone cancels. Workers of sister unions (or anyone) sign up with their one
account where the activity's audience lets them.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from workershome.deletion import CASCADE_IN_UNIONS, SET_NULL_IN_UNIONS


def _check_in_token() -> str:
    return secrets.token_urlsafe(16)


def _calendar_token() -> str:
    return secrets.token_urlsafe(32)


class ActivityKind(models.TextChoices):
    CULTURE = "culture", _("Culture")
    SPORTS = "sports", _("Sports")
    SKILLS_EXCHANGE = "skills_exchange", _("Skills exchange")
    LECTURE = "lecture", _("Lecture")
    VOLUNTEERING = "volunteering", _("Volunteering")
    FAMILY = "family", _("Family")


class Audience(models.TextChoices):
    MEMBERS = "members", _("Our members")
    SISTER_UNIONS = "sister_unions", _("Members of all unions")
    PUBLIC = "public", _("Everyone")


class Activity(models.Model):
    """One activity on one date: a match, a lecture, a family day.

    Held in one of the home's rooms or at an outside place; ``capacity`` empty means no limit.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    room = models.ForeignKey(
        "cms.RoomPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="activities",
        verbose_name=_("room"),
    )  # fmt: skip
    place = models.CharField(
        _("outside place"),
        max_length=200,
        blank=True,
        help_text=_("Where it is held, when not in one of our rooms."),
    )
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100000)],
        help_text=_("Leave empty for no limit."),
    )  # fmt: skip
    audience = models.CharField(
        _("open to"), max_length=20, choices=Audience.choices, default=Audience.MEMBERS
    )
    signup_required = models.BooleanField(_("sign-up required"), default=True)
    signup_deadline = models.DateTimeField(_("sign-up closes"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+",
        verbose_name=_("organiser"),
    )  # fmt: skip
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    summary = models.TextField(_("summary afterwards"), blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    # Set once by the periodic task (federation events are emitted exactly once).
    signups_counted_at = models.DateTimeField(_("sign-ups counted"), null=True, blank=True, editable=False)
    held_at = models.DateTimeField(_("marked as held"), null=True, blank=True, editable=False)
    check_in_token = models.CharField(max_length=32, default=_check_in_token, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["status", "starts_at"], name="activity_status_start")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="activity_times"),
        ]

    def __str__(self) -> str:
        return self.title


class ActivityPhoto(models.Model):
    """A photo from the activity, shown with its summary afterwards."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+")
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("activity photo")

    def __str__(self) -> str:
        return self.caption or f"{self.activity_id}-{self.sort_order}"


class ActivitySignup(models.Model):
    """A worker's place at an activity: confirmed, on the waiting list, or cancelled.

    One live (confirmed or waiting) sign-up per person per activity; the waiting list is in
    the order people joined it (``created_at``).
    """

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signups")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=CASCADE_IN_UNIONS, related_name="activity_signups"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    attended_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    walk_in = models.BooleanField(_("walk-in"), default=False, help_text=_("Came without signing up first."))
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "user"], condition=~Q(status="cancelled"), name="activity_signup_once"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__range=(1, 5)), name="signup_rating"
            ),
        ]
        indexes = [models.Index(fields=["activity", "status", "created_at"], name="signup_queue")]

    def __str__(self) -> str:
        return f"{self.activity_id}: {self.user_id} ({self.status})"


class CalendarToken(models.Model):
    """The secret in the address of a worker's private calendar feed (what they signed up for).

    A phone's calendar app fetches the feed without signing in, so the address itself is the key:
    unguessable, one per local user, and replaced (the old address stops working) when the worker
    asks for a new one or turns the feed off.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=CASCADE_IN_UNIONS, related_name="calendar_token"
    )
    token = models.CharField(max_length=64, unique=True, default=_calendar_token, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar subscription")
        verbose_name_plural = _("calendar subscriptions")

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d}"
