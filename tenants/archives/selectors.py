"""Reads of the archives: items a person may read (by category, year, kind), the due list of
items whose retention period ends, the years on file, and the counts behind the site's page."""

from __future__ import annotations

import datetime

from django.db.models import Count, QuerySet
from django.utils import timezone

from .models import AccessLevel, ArchiveBundle, ArchiveCategory, ArchiveItem
from .permissions import items_readable_by


def items_for(
    user, *, category: str = "", year: int | None = None, kind: str = "", access: str = "", query: str = ""
) -> QuerySet[ArchiveItem]:
    """Items ``user`` may read, filtered; unknown filter values simply match nothing."""
    items = items_readable_by(user)
    if category:
        items = items.filter(category=category)
    if year:
        items = items.filter(year=year)
    if kind:
        items = items.filter(kind=kind)
    if access:
        items = items.filter(access=access)
    if query:
        items = items.filter(title__icontains=query.strip()[:100])
    return items.annotate(file_total=Count("files")).order_by("-year", "category", "sequence")


def item_for(user, pk) -> ArchiveItem | None:
    """One item if ``user`` may read it, else ``None`` (answered 404)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**31:
        return None
    return items_readable_by(user).filter(pk=pk).prefetch_related("files").first()


def years_on_file(user) -> list[int]:
    return list(items_readable_by(user).order_by("-year").values_list("year", flat=True).distinct())


def public_overview(*, year: int | None = None) -> list[dict]:
    """The members' page: for each category with public items (of ``year``), how many."""
    items = ArchiveItem.objects.filter(access=AccessLevel.PUBLIC)
    if year:
        items = items.filter(year=year)
    counts = dict(items.values_list("category").annotate(n=Count("pk")).values_list("category", "n"))
    return [
        {"category": code, "label": label, "count": counts[code]}
        for code, label in ArchiveCategory.choices
        if counts.get(code)
    ]


def items_due_for_review(*, day: datetime.date | None = None, within_days: int = 0) -> QuerySet[ArchiveItem]:
    """Items whose retention period has ended (or ends within ``within_days``): to be reviewed
    (鉴定) for disposal or longer keeping. Permanent items never are."""
    day = (day or timezone.localdate()) + datetime.timedelta(days=within_days)
    return ArchiveItem.objects.filter(review_on__isnull=False, review_on__lte=day).order_by(
        "review_on", "number"
    )


def bundles_of(user) -> QuerySet[ArchiveBundle]:
    return ArchiveBundle.objects.filter(requested_by=user)


def year_coverage(*, year: int) -> list[dict]:
    """For the admin: each category's item count in ``year`` (all levels)."""
    counts = dict(
        ArchiveItem.objects.filter(year=year)
        .values_list("category")
        .annotate(n=Count("pk"))
        .values_list("category", "n")
    )
    return [
        {"category": code, "label": label, "count": counts.get(code, 0)}
        for code, label in ArchiveCategory.choices
    ]
