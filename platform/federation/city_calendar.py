"""The city calendar (全市活动日历): activities unions open to other unions' members.

A union's ``activity.listed`` event (title, kind, times, place, places, its page) upserts one
``CityActivity``; ``activity.unlisted`` withdraws it. Both are delivered by the union's outbox in
the delivery's transaction, idempotently: the row keeps when the latest applied event happened
and ignores older ones. The portal lists and exports (iCalendar) these rows only; sign-up
happens on the union's site, where the worker signs in with their one account (journey 9).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_tenants.utils import get_public_schema_name

from tenants.events.models import OutboxEvent
from tenants.registry.models import Union
from workershome.page_cache import page_cache_refresh
from workershome.shards import shared_atomic
from workershome.tenancy import current_schema

from .models import CityActivity, District, Fact

# How far ahead the city calendar lists, and how long after they ended the feed keeps entries.
CALENDAR_AHEAD = datetime.timedelta(days=366)
FEED_PAST = datetime.timedelta(days=30)
PAGE_SIZE = 20


def _moment(value: Any) -> datetime.datetime:
    moment = parse_datetime(str(value)) if value else None
    if moment is None:
        raise ValueError(f"activity.listed with a bad time: {value!r}")
    return moment


@shared_atomic(savepoint=False)
def city_activity_list(event: OutboxEvent) -> CityActivity | None:
    """Apply a union's ``activity.listed`` event (registered as its outbox handler)."""
    payload = event.payload
    union = Union.objects.only("pk", "district_id", "street_id").get(schema_name=current_schema())
    existing = (
        CityActivity.objects.select_for_update()
        .filter(union_id=union.pk, activity_id=int(payload["activity_id"]))
        .first()
    )
    if existing is not None and existing.listed_from > event.occurred_at:
        return existing  # a newer event was applied already
    # A withdrawal that happened later but arrived first (its listing's delivery failed once)
    # is among the facts: the activity is recorded, but withdrawn.
    withdrawn_at = (
        Fact.objects.filter(
            union_id=union.pk,
            name="activity.unlisted",
            payload__activity_id=int(payload["activity_id"]),
            occurred_at__gt=event.occurred_at,
        )
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    values = {
        "district_id": union.district_id,
        "street_id": union.street_id,
        "title": str(payload["title"])[:120],
        "kind": str(payload.get("kind", ""))[:20],
        "audience": str(payload.get("audience", ""))[:20],
        "starts_at": _moment(payload["starts_at"]),
        "ends_at": _moment(payload["ends_at"]),
        "place": str(payload.get("place") or "")[:200],
        "capacity": payload.get("capacity") if isinstance(payload.get("capacity"), int) else None,
        "path": str(payload.get("path") or "")[:200],
        "status": CityActivity.Status.WITHDRAWN if withdrawn_at else CityActivity.Status.LISTED,
        "listed_from": withdrawn_at or event.occurred_at,
    }
    _portal_pages_refresh()
    if existing is None:
        return CityActivity.objects.create(
            union_id=union.pk, activity_id=int(payload["activity_id"]), **values
        )
    for field, value in values.items():
        setattr(existing, field, value)
    existing.save()
    return existing


def _portal_pages_refresh() -> None:
    """The portal's cached pages (the calendar and its feed) go stale once the change commits."""
    page_cache_refresh(schema=get_public_schema_name())


@shared_atomic(savepoint=False)
def city_activity_unlist(event: OutboxEvent) -> None:
    """Apply a union's ``activity.unlisted`` event: the activity leaves the calendar (its row
    stays, withdrawn, so that the feed tells phones it is off)."""
    union_id = Union.objects.filter(schema_name=current_schema()).values_list("pk", flat=True).get()
    withdrawn = CityActivity.objects.filter(
        union_id=union_id, activity_id=int(event.payload["activity_id"]), listed_from__lte=event.occurred_at
    ).update(status=CityActivity.Status.WITHDRAWN, listed_from=event.occurred_at, updated_at=timezone.now())
    if withdrawn:
        _portal_pages_refresh()


# --- Reads ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarFilter:
    """What a visitor narrowed the calendar to; unknown values are dropped, never an error."""

    district: District | None = None
    kind: str = ""
    day_from: datetime.date | None = None
    day_to: datetime.date | None = None


def city_calendar_filter(params, *, kinds: dict[str, Any]) -> CalendarFilter:
    """Read the filter from query parameters; anything unknown or malformed is ignored."""
    district = None
    code = (params.get("district") or "").strip()
    if code.isdigit():
        district = District.objects.filter(code=code).first()
    kind = (params.get("kind") or "").strip()
    if kind not in kinds:
        kind = ""

    def day(name: str) -> datetime.date | None:
        try:
            return datetime.date.fromisoformat((params.get(name) or "").strip())
        except ValueError:
            return None

    day_from, day_to = day("from"), day("to")
    if day_from and day_to and day_to < day_from:
        day_from, day_to = day_to, day_from
    return CalendarFilter(district=district, kind=kind, day_from=day_from, day_to=day_to)


def city_activities(
    *, filters: CalendarFilter, now: datetime.datetime | None = None, include_withdrawn: bool = False
) -> QuerySet[CityActivity]:
    """Listed activities of active unions that have not ended, soonest first, filtered."""
    now = now or timezone.now()
    rows = CityActivity.objects.filter(union__status=Union.Status.ACTIVE).select_related("union", "district")
    if not include_withdrawn:
        rows = rows.filter(status=CityActivity.Status.LISTED)
    rows = rows.filter(ends_at__gt=now, starts_at__lt=now + CALENDAR_AHEAD)
    if filters.district is not None:
        rows = rows.filter(district=filters.district)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    tz = timezone.get_current_timezone()
    if filters.day_from:
        rows = rows.filter(ends_at__gte=datetime.datetime.combine(filters.day_from, datetime.time.min, tz))
    if filters.day_to:
        rows = rows.filter(starts_at__lt=datetime.datetime.combine(filters.day_to, datetime.time.max, tz))
    return rows.order_by("starts_at", "pk")


def union_base_urls(union_ids) -> dict[int, str]:
    """Each union's site address (scheme, primary host, port), in one query."""
    from tenants.registry.models import Domain

    port = f":{settings.SITE_PORT}" if settings.SITE_PORT else ""
    return {
        tenant_id: f"{settings.SITE_SCHEME}://{host}{port}"
        for tenant_id, host in Domain.objects.filter(
            tenant_id__in=set(union_ids), is_primary=True
        ).values_list("tenant_id", "domain")
    }
