"""Files the archives produce: the yearly catalogue (年度归档目录) as an Excel workbook, and a
bulk download as a ZIP of items' files with that catalogue inside."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterable
from typing import IO

from django.utils.translation import gettext as _

from .models import ArchiveCategory, ArchiveItem

# The catalogue's name inside a ZIP: a file name, the same whatever the page's language.
CATALOGUE_NAME = "目录.xlsx"
COLUMNS = (
    "No.", "Item number", "Category", "Title", "Date", "Kind", "Files", "Retention period",
    "Review for disposal on", "Access", "Description",
)  # fmt: skip


def _row(index: int, item: ArchiveItem, files: int) -> list:
    return [
        index, item.number, item.get_category_display(), item.title, item.date, item.get_kind_display(), files,
        item.get_retention_display(), item.review_on, item.get_access_display(), item.description[:500],
    ]  # fmt: skip


def catalogue_workbook(*, items: Iterable[ArchiveItem], title: str) -> bytes:
    """A workbook: the catalogue sorted by category (in the catalogue's order) and sequence,
    with a heading row per category, and a sheet of counts per category."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    order = {code: position for position, code in enumerate(ArchiveCategory.values)}
    rows = sorted(items, key=lambda item: (item.year, order[item.category], item.sequence))
    book = Workbook()
    sheet = book.active
    sheet.title = _("Archive catalogue")[:31]
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_(name) for name in COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    counts: dict[str, int] = {}
    current = None
    for index, item in enumerate(rows, start=1):
        if item.category != current:
            current = item.category
            sheet.append([f"{item.get_category_display()}（{_catalogue_code(item)}）"])
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        files = getattr(item, "file_total", None)
        sheet.append(_row(index, item, files if files is not None else item.files.count()))
        sheet.cell(row=sheet.max_row, column=5).number_format = "yyyy-mm-dd"
        sheet.cell(row=sheet.max_row, column=9).number_format = "yyyy-mm-dd"
        counts[item.category] = counts.get(item.category, 0) + 1
    for column, width in zip("ABCDEFGHIJK", (6, 26, 16, 40, 12, 12, 6, 10, 14, 12, 40), strict=True):
        sheet.column_dimensions[column].width = width
    summary = book.create_sheet(_("By category")[:31])
    summary.append([_("Category"), _("Items")])
    for code, label in ArchiveCategory.choices:
        summary.append([str(label), counts.get(code, 0)])
    summary.append([_("Total"), len(rows)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _catalogue_code(item: ArchiveItem) -> str:
    from .models import CATEGORY_CODES

    return CATEGORY_CODES[item.category]


def _safe(name: str) -> str:
    name = os.path.basename(name.replace("\\", "/")).strip() or "file"
    return "".join(ch if ch not in '<>:"|?*' and ord(ch) >= 32 else "_" for ch in name)


def bundle_write(*, items: list[ArchiveItem], out: IO[bytes]) -> int:
    """Write a ZIP to ``out``: one folder per item (named by its item number) with its files,
    and ``目录.xlsx`` listing the items. Returns how many files went in."""
    written = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for item in items:
            used: set[str] = set()
            for archive_file in item.files.all():
                name = _safe(archive_file.name)
                stem, extension = os.path.splitext(name)
                counter = 1
                while name in used:
                    counter += 1
                    name = f"{stem}({counter}){extension}"
                used.add(name)
                with (
                    archive_file.file.open("rb") as source,
                    archive.open(f"{item.number}/{name}", "w") as target,
                ):
                    for chunk in iter(lambda: source.read(1024 * 1024), b""):
                        target.write(chunk)
                written += 1
        archive.writestr(
            CATALOGUE_NAME, catalogue_workbook(items=items, title=_("Catalogue of this download"))
        )
    return written
