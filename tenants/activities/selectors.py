"""Reads of activities: what is on, who signed up, the waiting list, a person's own activities."""

from __future__ import annotations

import datetime

from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.utils import timezone

from .models import Activity, ActivitySignup
from .permissions import manages_activities

LIVE = (ActivitySignup.Status.CONFIRMED, ActivitySignup.Status.WAITING)
# The check-in page accepts scans from this long before the start until the end.
CHECK_IN_OPENS_BEFORE = datetime.timedelta(hours=1)


def with_counts(queryset: QuerySet[Activity]) -> QuerySet[Activity]:
    """Annotate ``confirmed_count``, ``waiting_count`` and ``attended_count`` (one query)."""
    return queryset.annotate(
        confirmed_count=Count("signups", filter=Q(signups__status=ActivitySignup.Status.CONFIRMED)),
        waiting_count=Count("signups", filter=Q(signups__status=ActivitySignup.Status.WAITING)),
        attended_count=Count("signups", filter=Q(signups__attended_at__isnull=False)),
    )


def activities_visible_to(user) -> QuerySet[Activity]:
    """Published and cancelled activities for anyone; drafts too for the union's staff."""
    queryset = Activity.objects.select_related("room")
    if user is not None and manages_activities(user):
        return queryset
    return queryset.exclude(status=Activity.Status.DRAFT)


def activities_upcoming(
    *, user=None, kind: str = "", now: datetime.datetime | None = None
) -> QuerySet[Activity]:
    """What is on: activities that have not ended, soonest first (drafts only for staff)."""
    queryset = activities_visible_to(user).filter(ends_at__gt=now or timezone.now())
    if kind:
        queryset = queryset.filter(kind=kind)
    return with_counts(queryset).order_by("starts_at", "pk")


def activities_past(*, user=None, kind: str = "", now: datetime.datetime | None = None) -> QuerySet[Activity]:
    """Activities that took place, latest first (with their summaries and photos)."""
    queryset = activities_visible_to(user).filter(
        ends_at__lte=now or timezone.now(), status=Activity.Status.PUBLISHED
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    return with_counts(queryset).order_by("-starts_at", "-pk")


def activity_counts(activity: Activity) -> dict[str, int]:
    rows = dict(
        ActivitySignup.objects.filter(activity=activity).values_list("status").annotate(n=Count("pk"))
    )
    attended = ActivitySignup.objects.filter(activity=activity, attended_at__isnull=False).count()
    return {
        "confirmed": rows.get(ActivitySignup.Status.CONFIRMED, 0),
        "waiting": rows.get(ActivitySignup.Status.WAITING, 0),
        "cancelled": rows.get(ActivitySignup.Status.CANCELLED, 0),
        "attended": attended,
    }


def signup_of(activity: Activity, user) -> ActivitySignup | None:
    """``user``'s live sign-up for ``activity`` (confirmed or waiting), else their latest one."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    signups = ActivitySignup.objects.filter(activity=activity, user=user)
    return signups.filter(status__in=LIVE).first() or signups.order_by("-created_at", "-pk").first()


def waiting_position(signup: ActivitySignup) -> int | None:
    """1 for the first on the waiting list, and so on; ``None`` when not waiting."""
    if signup.status != ActivitySignup.Status.WAITING:
        return None
    ahead = ActivitySignup.objects.filter(
        activity_id=signup.activity_id, status=ActivitySignup.Status.WAITING
    ).filter(Q(created_at__lt=signup.created_at) | Q(created_at=signup.created_at, pk__lt=signup.pk))
    return ahead.count() + 1


def signups_of(user) -> QuerySet[ActivitySignup]:
    """A person's own sign-ups (any status), soonest activity first."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ActivitySignup.objects.none()
    return (
        ActivitySignup.objects.filter(user=user)
        .select_related("activity", "activity__room")
        .order_by("activity__starts_at", "pk")
    )


def signups_for_staff(activity: Activity) -> QuerySet[ActivitySignup]:
    """An activity's sign-ups for its staff: confirmed first, then the waiting list in order."""
    return (
        ActivitySignup.objects.filter(activity=activity)
        .select_related("user")
        .annotate(
            queue=Case(
                When(status=ActivitySignup.Status.CONFIRMED, then=Value(0)),
                When(status=ActivitySignup.Status.WAITING, then=Value(1)),
                default=Value(2),
            )
        )
        .order_by("queue", "created_at", "pk")
    )


def check_in_open(activity: Activity, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        activity.status == Activity.Status.PUBLISHED
        and activity.starts_at - CHECK_IN_OPENS_BEFORE <= now < activity.ends_at
    )


def activities_to_count(now: datetime.datetime | None = None) -> QuerySet[Activity]:
    """Published activities whose sign-up has closed (they started) and are not counted yet."""
    return Activity.objects.filter(
        status=Activity.Status.PUBLISHED,
        starts_at__lte=now or timezone.now(),
        signups_counted_at__isnull=True,
    )


def activities_to_mark_held(now: datetime.datetime | None = None) -> QuerySet[Activity]:
    """Published activities that have ended and are not marked held yet."""
    return Activity.objects.filter(
        status=Activity.Status.PUBLISHED, ends_at__lte=now or timezone.now(), held_at__isnull=True
    )
