"""iCalendar (RFC 5545) feeds of the union's calendar, made with the ``icalendar`` library.

Two feeds: the union's (every published activity and every other source's entries, from
``FEED_PAST`` ago to ``FEED_AHEAD`` ahead) and a worker's private one (what they signed up for,
the waiting list marked). Phone calendars subscribe to them (webcal://) and fetch them again
from time to time, so each event keeps the same UID for as long as it exists, and a cancelled
activity stays in the feed with ``STATUS:CANCELLED`` so that phones take it off.

Times are written in Asia/Shanghai with its VTIMEZONE; DTSTAMP is the time the entry last
changed, so the same data gives the same bytes (and the same ETag).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import icalendar
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from workershome.page_cache import page_cache_generation

from .calendar import CalendarEntry, calendar_kind_labels
from .selectors_calendar import SignedUpEntry, calendar_entries

FEED_PAST = datetime.timedelta(days=90)
FEED_AHEAD = datetime.timedelta(days=366)
# How often calendar apps that honour it fetch the feed again.
REFRESH_INTERVAL = datetime.timedelta(hours=1)
# The union's feed is kept in the cache until an activity changes (the page cache's generation)
# or this long, for other sources' changes.
FEED_CACHE_SECONDS = 60 * 60
PRODID = "-//Workers' Home platform//Activity calendar//ZH"
EPOCH = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Feed:
    """A feed's bytes with what conditional GETs need."""

    body: bytes
    etag: str
    last_modified: datetime.datetime | None


def feed_window(*, now: datetime.datetime | None = None) -> tuple[datetime.datetime, datetime.datetime]:
    """From ``FEED_PAST`` before today to ``FEED_AHEAD`` after it, on whole local days (so the
    window, and the feed's bytes, change once a day)."""
    today = timezone.localdate(now or timezone.now())
    midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    return midnight - FEED_PAST, midnight + FEED_AHEAD


def union_uid_domain(union) -> str:
    """The right-hand side of every UID: the union's own host, stable whatever host was asked."""
    return f"{union.slug}.{settings.BASE_DOMAIN}"


def _calendar(*, name: str, description: str, start: datetime.datetime, end: datetime.datetime, uid: str):
    cal = icalendar.Calendar.new(
        prodid=PRODID, name=name, description=description, uid=uid, refresh_interval=REFRESH_INTERVAL
    )
    cal.add("X-WR-TIMEZONE", settings.TIME_ZONE)
    cal.add("X-PUBLISHED-TTL", REFRESH_INTERVAL)
    cal.add("CALSCALE", "GREGORIAN")
    # Only the years the feed spans: Asia/Shanghai has one rule since 1991.
    cal.add_component(
        icalendar.Timezone.from_tzid(
            settings.TIME_ZONE,
            first_date=datetime.date(start.year - 1, 1, 1),
            last_date=datetime.date(end.year + 2, 1, 1),
        )
    )
    return cal


def _event(
    entry: CalendarEntry,
    *,
    domain: str,
    base_url: str,
    labels: dict,
    status: str | None = None,
    prefix: str = "",
):
    tz = timezone.get_default_timezone()
    url = base_url + entry.url if entry.url.startswith("/") else entry.url
    description = "\n\n".join(part for part in (entry.description.strip(), url) if part)
    stamp = (entry.updated_at or EPOCH).astimezone(datetime.UTC).replace(microsecond=0)
    event = icalendar.Event()
    event.add("UID", f"{entry.uid}@{domain}")
    event.add("DTSTAMP", stamp)
    event.add("DTSTART", entry.starts_at.astimezone(tz).replace(microsecond=0))
    event.add("DTEND", entry.ends_at.astimezone(tz).replace(microsecond=0))
    if entry.cancelled:
        prefix = _("[Cancelled] ") + prefix  # for the calendar apps that ignore STATUS
    event.add("SUMMARY", prefix + entry.title)
    if entry.location:
        event.add("LOCATION", entry.location)
    if url:
        event.add("URL", url)
    if description:
        event.add("DESCRIPTION", description)
    event.add("CATEGORIES", [str(labels.get(entry.kind, entry.kind))])
    event.add("STATUS", "CANCELLED" if entry.cancelled else (status or "CONFIRMED"))
    if entry.cancelled:
        event.add("TRANSP", "TRANSPARENT")  # keeps the time free
    return event


def _feed(cal, entries: Iterable[CalendarEntry]) -> Feed:
    body = cal.to_ical()
    stamps = [entry.updated_at for entry in entries if entry.updated_at]
    return Feed(
        body=body,
        etag=f'"{hashlib.sha256(body).hexdigest()[:32]}"',
        last_modified=max(stamps).replace(microsecond=0) if stamps else None,
    )


def union_feed_build(*, union, base_url: str, now: datetime.datetime | None = None) -> Feed:
    """The union's feed: every source's entries in the window, cancelled activities marked."""
    start, end = feed_window(now=now)
    entries = calendar_entries(start=start, end=end, include_cancelled=True)
    domain = union_uid_domain(union)
    cal = _calendar(
        name=_("%(union)s · activities") % {"union": union.name},
        description=_("Activities, group meetings and training at the Workers' Home of %(union)s.")
        % {"union": union.name},
        start=start,
        end=end,
        uid=f"calendar@{domain}",
    )
    labels = calendar_kind_labels()
    for entry in entries:
        cal.add_component(_event(entry, domain=domain, base_url=base_url, labels=labels))
    return _feed(cal, entries)


def _union_feed_key(base_url: str) -> str:
    return f"activities:feed:g{page_cache_generation()}:{timezone.localdate():%Y%m%d}:{base_url}"


def union_feed_validators(*, base_url: str) -> tuple[str, datetime.datetime | None] | None:
    """The cached feed's ETag and Last-Modified, without its bytes (for a 304), or ``None``."""
    return cache.get(_union_feed_key(base_url) + ":validators")


def union_feed(*, union, base_url: str) -> Feed:
    """``union_feed_build``, cached per union, host and day until an activity changes."""
    key = _union_feed_key(base_url)
    found = cache.get(key)
    if found is None:
        found = union_feed_build(union=union, base_url=base_url)
        cache.set_many(
            {key: found, key + ":validators": (found.etag, found.last_modified)}, FEED_CACHE_SECONDS
        )
    return found


def personal_feed_build(*, union, user, signups: list[SignedUpEntry], base_url: str, start, end) -> Feed:
    """A worker's private feed: their confirmed places, and their places on a waiting list
    (``STATUS:TENTATIVE``, the title marked) so they keep the date free."""
    domain = union_uid_domain(union)
    cal = _calendar(
        name=_("My activities · %(union)s") % {"union": union.short_name or union.name},
        description=_("The activities you signed up for at %(union)s.") % {"union": union.name},
        start=start,
        end=end,
        uid=f"calendar-user-{user.pk}@{domain}",
    )
    labels = calendar_kind_labels()
    waiting_prefix = _("[Waiting list] ")
    for signup in signups:
        cal.add_component(
            _event(
                signup.entry,
                domain=domain,
                base_url=base_url,
                labels=labels,
                status="TENTATIVE" if signup.waiting else "CONFIRMED",
                prefix=waiting_prefix if signup.waiting else "",
            )
        )
    return _feed(cal, [signup.entry for signup in signups])
