"""Writes of the archives: filing an item with its files and item number, editing it, adding
and removing files, removing an item, archiving an activity's summary, bulk-download requests
and their ZIPs, and the yearly "archive complete" report to the federation.

Each function checks its input and the caller's right before changing anything, runs in one
transaction, and emits counted facts only (category, kind, year, counts).
"""

from __future__ import annotations

import datetime
import os
import tempfile
from collections.abc import Iterable

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.events.services import event_emit
from tenants.notifications.services import notify
from tenants.registry.models import Union
from workershome.errors import Conflict, ServiceError
from workershome.tenancy import current_schema

from .models import (
    CATEGORY_CODES,
    REQUIRED_CATEGORIES,
    AccessLevel,
    ArchiveBundle,
    ArchiveCategory,
    ArchiveFile,
    ArchiveItem,
    ArchiveKind,
    ArchiveSequence,
    ArchiveYearReport,
    Retention,
)
from .permissions import files_archives, is_chairman, manages_archives, may_read
from .uploads import archive_upload_check

MAX_FILES_PER_ITEM = 50
MAX_BUNDLE_ITEMS = 2000
EARLIEST_YEAR = 1949
RETENTION_YEARS = {Retention.YEARS_30: 30, Retention.YEARS_10: 10}


# --- checks ---------------------------------------------------------------------------------------


def _filer_required(user) -> None:
    if not files_archives(user):
        raise ServiceError("archive_staff_only", _("Only the union's staff can file archives."), status=403)


def _choice(value, choices, *, code: str, field: str) -> str:
    if value not in choices.values:
        raise ServiceError(code, _("Choose one of the listed options."), field=field)
    return str(value)


def _title(value) -> str:
    title = (value or "").strip()
    if not title:
        raise ServiceError("archive_title_required", _("Give the item a title."), field="title")
    if len(title) > 200:
        raise ServiceError("archive_title_long", _("The title is longer than 200 characters."), field="title")
    return title


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, datetime.date):
        raise ServiceError("archive_date", _("Enter a valid date."), field="date")
    if value.year < EARLIEST_YEAR or value > timezone.localdate() + datetime.timedelta(days=366):
        raise ServiceError("archive_date_range", _("The date is out of range."), field="date")
    return value


def review_date(*, date: datetime.date, retention: str) -> datetime.date | None:
    """保管期限 counts from 1 January of the year after the item's year: a 10-year item of 2024
    is reviewed for disposal on 2035-01-01. Permanent items are never reviewed."""
    years = RETENTION_YEARS.get(retention)  # type: ignore[call-overload]
    return None if years is None else datetime.date(date.year + 1 + years, 1, 1)


def fonds_prefix() -> str:
    """The union's part of an item number: its short name (its name if none)."""
    union = Union.objects.filter(schema_name=current_schema()).first()
    if union is None:
        return "UNION"
    return (union.short_name or union.name).strip()[:30]


def _number_next(*, year: int, category: str) -> tuple[int, str]:
    """The next sequence number of ``year`` and ``category`` and the item number (档号) it
    makes: ``<union short name>-<year>-<category code>-<sequence>``. The counter row is locked
    and only goes up, so a number is given once and never again, even after a deletion."""
    ArchiveSequence.objects.get_or_create(year=year, category=category)
    counter = ArchiveSequence.objects.select_for_update().get(year=year, category=category)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last, f"{fonds_prefix()}-{year}-{CATEGORY_CODES[category]}-{counter.last:04d}"


def _file_save(*, item: ArchiveItem, upload, content_type: str, by) -> ArchiveFile:
    name = os.path.basename(upload.name or "file")[:200]
    archive_file = ArchiveFile(
        item=item, name=name, size=upload.size, content_type=content_type, uploaded_by=by
    )
    archive_file.file.save(name, upload, save=False)
    archive_file.save()
    return archive_file


# --- items ----------------------------------------------------------------------------------------


@transaction.atomic
def archive_item_create(
    *,
    category: str,
    kind: str,
    title: str,
    date: datetime.date | str,
    retention: str,
    access: str,
    files: Iterable = (),
    description: str = "",
    activity=None,
    page=None,
    term=None,
    by,
) -> ArchiveItem:
    """File an item with its files (at least one), numbered once and for good."""
    _filer_required(by)
    category = _choice(category, ArchiveCategory, code="archive_category", field="category")
    kind = _choice(kind, ArchiveKind, code="archive_kind", field="kind")
    retention = _choice(retention, Retention, code="archive_retention", field="retention")
    access = _choice(access, AccessLevel, code="archive_access", field="access")
    if access == AccessLevel.CHAIRMAN and not is_chairman(by):
        raise ServiceError(
            "archive_access_chairman",
            _("Only the chairman can file an item for the chairman only."),
            field="access",
        )
    title, day = _title(title), _date(date)
    uploads = [upload for upload in files if upload]
    if not uploads:
        raise ServiceError("archive_files_required", _("Attach at least one file."), field="files")
    if len(uploads) > MAX_FILES_PER_ITEM:
        raise ServiceError(
            "archive_files_many",
            _("Attach at most %(n)s files."),
            params={"n": MAX_FILES_PER_ITEM},
            field="files",
        )
    types = [archive_upload_check(upload) for upload in uploads]  # every file checked before any is saved
    sequence, number = _number_next(year=day.year, category=category)
    item = ArchiveItem.objects.create(
        number=number, sequence=sequence, category=category, kind=kind, year=day.year, title=title, date=day,
        description=(description or "").strip()[:5000], retention=retention,
        review_on=review_date(date=day, retention=retention), access=access, activity=activity, page=page,
        term=term, created_by=by,
    )  # fmt: skip
    for upload, content_type in zip(uploads, types, strict=True):
        _file_save(item=item, upload=upload, content_type=content_type, by=by)
    event_emit(
        name="archives.item_archived",
        payload={"category": category, "kind": kind, "year": day.year, "files": len(uploads), "count": 1},
    )
    return item


@transaction.atomic
def archive_item_update(
    *,
    item: ArchiveItem,
    title: str,
    date: datetime.date | str,
    kind: str,
    retention: str,
    access: str,
    description: str = "",
    by,
) -> ArchiveItem:
    """Correct an item's details. Its category and year are part of its number, so a date in
    another year is refused (file a new item instead)."""
    _filer_required(by)
    item = ArchiveItem.objects.select_for_update().get(pk=item.pk)
    if not may_read(by, item):
        raise ServiceError("archive_not_found", _("No such archive item."), status=404)
    kind = _choice(kind, ArchiveKind, code="archive_kind", field="kind")
    retention = _choice(retention, Retention, code="archive_retention", field="retention")
    access = _choice(access, AccessLevel, code="archive_access", field="access")
    if access == AccessLevel.CHAIRMAN and not is_chairman(by):
        raise ServiceError(
            "archive_access_chairman",
            _("Only the chairman can file an item for the chairman only."),
            field="access",
        )
    day = _date(date)
    if day.year != item.year:
        raise Conflict(
            "archive_year_fixed",
            _("The item is numbered in %(year)s: its date must stay in that year."),
            params={"year": item.year}, field="date",
        )  # fmt: skip
    item.title, item.date, item.kind = _title(title), day, kind
    item.retention, item.access = retention, access
    item.review_on = review_date(date=day, retention=retention)
    item.description = (description or "").strip()[:5000]
    item.save()
    return item


@transaction.atomic
def archive_file_add(*, item: ArchiveItem, upload, by) -> ArchiveFile:
    _filer_required(by)
    item = ArchiveItem.objects.select_for_update().get(pk=item.pk)
    if not may_read(by, item):
        raise ServiceError("archive_not_found", _("No such archive item."), status=404)
    if item.files.count() >= MAX_FILES_PER_ITEM:
        raise ServiceError(
            "archive_files_many",
            _("Attach at most %(n)s files."),
            params={"n": MAX_FILES_PER_ITEM},
            field="files",
        )
    content_type = archive_upload_check(upload)
    return _file_save(item=item, upload=upload, content_type=content_type, by=by)


@transaction.atomic
def archive_file_remove(*, archive_file: ArchiveFile, by) -> None:
    """Remove one file of an item; the last file stays (an item always has a file)."""
    _filer_required(by)
    item = ArchiveItem.objects.select_for_update().get(pk=archive_file.item_id)
    if not may_read(by, item):
        raise ServiceError("archive_not_found", _("No such archive item."), status=404)
    if item.files.count() <= 1:
        raise Conflict(
            "archive_last_file", _("An item keeps at least one file: add another before removing this.")
        )
    path = archive_file.file.name or ""
    archive_file.delete()
    transaction.on_commit(lambda: archive_file.file.storage.delete(path))


@transaction.atomic
def archive_item_delete(*, item: ArchiveItem, by) -> None:
    """Remove an item and its files (the chairman's decision, e.g. after a disposal review).
    Its number is not given again: the sequence only goes up."""
    if not (is_chairman(by) and manages_archives(by)):
        raise ServiceError(
            "archive_chairman_only", _("Only the chairman can remove archive items."), status=403
        )
    item = ArchiveItem.objects.select_for_update().get(pk=item.pk)
    paths = list(item.files.values_list("file", flat=True))
    category, year = item.category, item.year
    item.delete()
    event_emit(name="archives.item_removed", payload={"category": category, "year": year, "count": 1})

    def files_delete() -> None:
        from django.core.files.storage import default_storage

        for path in paths:
            default_storage.delete(path)

    transaction.on_commit(files_delete)


# --- links to the rest of the platform ------------------------------------------------------------


def _activity_category(activity) -> str:
    return (
        ArchiveCategory.TRAINING
        if activity.kind in {"lecture", "skills_exchange"}
        else ArchiveCategory.ACTIVITIES
    )


@transaction.atomic
def activity_summary_archive(*, activity, by, access: str = AccessLevel.PUBLIC) -> ArchiveItem:
    """File a held activity's summary (as a PDF) with its photos, once per activity.

    The dependency runs one way: the archives read activities; activities know nothing of the
    archives."""
    from .documents import text_pdf

    _filer_required(by)
    if ArchiveItem.objects.filter(activity=activity).exists():
        raise Conflict("archive_activity_done", _("This activity's summary is already archived."))
    if activity.held_at is None:
        raise ServiceError(
            "archive_activity_not_held", _("Only an activity that took place can be archived.")
        )
    summary = (activity.summary or "").strip()
    if not summary:
        raise ServiceError(
            "archive_activity_no_summary", _("Write the activity's summary first, then archive it.")
        )
    day = timezone.localtime(activity.starts_at).date()
    place = activity.room.title if getattr(activity, "room", None) else activity.place
    lines = [f"{_('Date')}：{day:%Y-%m-%d}　{_('Place')}：{place or '—'}", *summary.splitlines()]
    title = str(_("%(title)s: summary") % {"title": activity.title})
    pdf = ContentFile(
        text_pdf(title=title, paragraphs=[line for line in lines if line.strip()]), name="summary.pdf"
    )
    uploads: list = [pdf]
    for photo in activity.photos.select_related("image").order_by("sort_order", "pk")[
        : MAX_FILES_PER_ITEM - 1
    ]:
        with photo.image.file.open("rb") as handle:
            name = os.path.basename(photo.image.file.name)
            uploads.append(ContentFile(handle.read(), name=name))
    return archive_item_create(
        category=_activity_category(activity), kind=ArchiveKind.ACTIVITY_SUMMARY, title=title, date=day,
        retention=Retention.YEARS_10, access=access, files=uploads, description=summary, activity=activity, by=by,
    )  # fmt: skip


# --- bulk download --------------------------------------------------------------------------------


@transaction.atomic
def archive_bundle_request(
    *, by, item_ids: Iterable[int | str] = (), category: str = "", year: int | None = None
) -> ArchiveBundle:
    """Ask for a ZIP of the chosen items (or of a category and year), built by a task; the
    person is told when it is ready. Items they may not read are left out."""
    from .permissions import items_readable_by

    if not manages_archives(by):
        raise ServiceError(
            "archive_staff_only", _("Only the union's staff can download archives."), status=403
        )
    items = items_readable_by(by)
    ids = sorted({int(pk) for pk in item_ids if str(pk).isdigit() and int(pk) < 2**31})
    if ids:
        items = items.filter(pk__in=ids)
        label = str(_("%(n)s selected items") % {"n": len(ids)})
    elif category or year:
        if category:
            category = _choice(category, ArchiveCategory, code="archive_category", field="category")
            items = items.filter(category=category)
        if year:
            items = items.filter(year=year)
        label = " ".join(
            part
            for part in (str(year or ""), str(ArchiveCategory(category).label) if category else "")
            if part
        )
    else:
        raise ServiceError("archive_bundle_empty", _("Choose items, or a category and year."))
    chosen = list(
        items.order_by("year", "category", "sequence").values_list("pk", flat=True)[: MAX_BUNDLE_ITEMS + 1]
    )
    if not chosen:
        raise ServiceError("archive_bundle_none", _("None of the chosen items can be downloaded."))
    if len(chosen) > MAX_BUNDLE_ITEMS:
        raise ServiceError(
            "archive_bundle_large", _("Choose at most %(n)s items at a time."), params={"n": MAX_BUNDLE_ITEMS}
        )
    bundle = ArchiveBundle.objects.create(requested_by=by, item_ids=chosen, label=label[:200])
    from .tasks import archive_bundle_build_task

    transaction.on_commit(lambda: archive_bundle_build_task.delay(bundle_id=bundle.pk))
    return bundle


def archive_bundle_build(*, bundle: ArchiveBundle) -> ArchiveBundle:
    """Write the bundle's ZIP (spooled to a temporary file, then saved privately) and tell the
    person. Access is checked again per item, as it stands now. Safe to run twice."""
    from .exports import bundle_write

    if bundle.status == ArchiveBundle.Status.READY:
        return bundle
    user = bundle.requested_by
    items = [
        item
        for item in ArchiveItem.objects.filter(pk__in=bundle.item_ids).prefetch_related("files")
        if manages_archives(user) and may_read(user, item)
    ]
    with tempfile.TemporaryFile() as spool:
        files = bundle_write(items=items, out=spool)
        size = spool.tell()
        spool.seek(0)
        with transaction.atomic():
            bundle = ArchiveBundle.objects.select_for_update().get(pk=bundle.pk)
            if bundle.status == ArchiveBundle.Status.READY:
                return bundle
            bundle.file.save("bundle.zip", File(spool), save=False)
            bundle.status, bundle.ready_at = ArchiveBundle.Status.READY, timezone.now()
            bundle.item_count, bundle.file_count, bundle.size = len(items), files, size
            bundle.save()
            notify(
                recipients=[user], title=str(_("Your archive download is ready")),
                body=str(_("%(label)s: %(n)s items.") % {"label": bundle.label, "n": len(items)}),
                url=f"/admin/archives/downloads/{bundle.pk}/", channels=("site",),
            )  # fmt: skip
    return bundle


@transaction.atomic
def archive_bundle_fail(*, bundle: ArchiveBundle) -> None:
    ArchiveBundle.objects.filter(pk=bundle.pk).exclude(status=ArchiveBundle.Status.READY).update(
        status=ArchiveBundle.Status.FAILED
    )


# --- the yearly report to the federation ----------------------------------------------------------


@transaction.atomic
def archive_year_report(*, year: int) -> ArchiveYearReport:
    """Report which categories hold items for ``year`` ("archive complete" when every required
    category has one). Emits a fact only when the answer changed since the last report."""
    present = sorted(set(ArchiveItem.objects.filter(year=year).values_list("category", flat=True)))
    missing = [str(category) for category in REQUIRED_CATEGORIES if category not in present]
    report, created = ArchiveYearReport.objects.select_for_update().get_or_create(
        year=year, defaults={"categories": present, "complete": not missing}
    )
    if created or report.categories != present:
        report.categories, report.complete = present, not missing
        report.save()
        event_emit(
            name="archives.year_reported",
            payload={"year": year, "categories": present, "missing": missing, "complete": not missing,
                     "items": ArchiveItem.objects.filter(year=year).count()},
        )  # fmt: skip
    return report
