"""Test data for the calendar tests: activities and sign-ups made with the ORM in a union's schema."""

from __future__ import annotations

import datetime
import itertools
import zoneinfo

from django.utils import timezone

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
_titles = itertools.count(1)


def at(year: int, month: int, day: int, hour: int = 19, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def from_now(*, days: float, hours: float = 2) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=days)
    return start, start + datetime.timedelta(hours=hours)


def make_activity(*, starts_at, ends_at=None, status="published", kind="sports", title=None, **fields):
    """An activity in the current schema (call inside ``tenant_context``)."""
    from tenants.activities.models import Activity

    return Activity.objects.create(
        title=title or f"职工篮球赛第{next(_titles)}场",
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at or starts_at + datetime.timedelta(hours=2),
        status=status,
        place=fields.pop("place", "职工活动中心篮球场"),
        description=fields.pop("description", "请穿运动服，提前十分钟到场。"),
        **fields,
    )


def make_signup(*, activity, user, status="confirmed"):
    from tenants.activities.models import ActivitySignup

    return ActivitySignup.objects.create(activity=activity, user=user, status=status)
