"""The city calendar on the federation portal: a phone-first page and an iCalendar feed.

Anyone may browse it (the activities are open to other unions' members or to everyone); each
entry links to its union's site, where a worker signs up with their one account."""

from __future__ import annotations

import hashlib

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tenants.activities.calendar import CalendarEntry
from tenants.activities.feeds import _calendar, _event
from tenants.activities.models import ActivityKind
from workershome.tenancy import on_portal

from .city_calendar import (
    FEED_PAST,
    PAGE_SIZE,
    city_activities,
    city_calendar_filter,
    union_base_urls,
)
from .models import District


def _portal_only() -> None:
    if not on_portal():
        raise Http404


@require_GET
def city_calendar(request: HttpRequest) -> HttpResponse:
    """全市活动日历: upcoming open activities of every union, by district, kind and date."""
    _portal_only()
    kinds = dict(ActivityKind.choices)
    filters = city_calendar_filter(request.GET, kinds=kinds)
    paginator = Paginator(city_activities(filters=filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))  # a page past the end shows the last one
    bases = union_base_urls(activity.union_id for activity in page)
    entries = [(activity, bases.get(activity.union_id, "") + activity.path, kinds.get(activity.kind, activity.kind))
               for activity in page]  # fmt: skip
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "federation/calendar/city.html",
        {
            "page": page,
            "entries": entries,
            "filters": filters,
            "districts": District.objects.all(),
            "kinds": kinds.items(),
            "query": query.urlencode(),
            "feed_query": query.urlencode(),
        },
    )


@require_GET
def city_calendar_feed(request: HttpRequest) -> HttpResponse:
    """The city calendar as iCalendar, with the same filters as the page (for phones)."""
    _portal_only()
    kinds = dict(ActivityKind.choices)
    filters = city_calendar_filter(request.GET, kinds=kinds)
    now = timezone.now()
    rows = list(city_activities(filters=filters, now=now - FEED_PAST, include_withdrawn=True)[:1000])
    bases = union_base_urls(row.union_id for row in rows)
    start = min((row.starts_at for row in rows), default=now)
    end = max((row.ends_at for row in rows), default=now)
    domain = request.get_host().split(":")[0]
    cal = _calendar(
        name=_("City calendar of the Workers' Homes"),
        description=_("Activities that unions open to the members of other unions."),
        start=start,
        end=end,
        uid=f"city-calendar@{domain}",
    )
    for row in rows:
        entry = CalendarEntry(
            uid=f"city-{row.union_id}-{row.activity_id}",
            title=f"{row.title}（{row.union.short_name}）",
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            kind=row.kind,
            location=row.place,
            url=bases.get(row.union_id, "") + row.path,
            cancelled=row.status != row.Status.LISTED,
            updated_at=row.updated_at,
        )
        cal.add_component(_event(entry, domain=domain, base_url="", labels=kinds))
    body = cal.to_ical()
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["ETag"] = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    response["Content-Disposition"] = 'inline; filename="city-calendar.ics"'
    response["Cache-Control"] = "public, max-age=300"
    return response
