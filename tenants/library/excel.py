"""The catalogue in Excel: a template to fill in, and its import with a row-by-row report.

Each row is one copy of a title (its ISBN and barcode); the title is created the first time its
ISBN appears. Every row runs in its own savepoint, so a bad row is reported and skipped and the
good ones are saved; a row whose title and barcode are already in the catalogue saves nothing,
so importing the same file twice adds nothing the second time.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from workershome.errors import ServiceError

from .models import Book, BookCopy, LibraryClass
from .permissions import manages_catalogue
from .services import _hold_for_next, _share_event, _staff, _title, book_save, book_share, isbn_normalize

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
_ZIP = b"PK\x03\x04"

# The template's headings (what the librarians read), and the other headings accepted for each column.
COLUMNS: dict[str, tuple[str, ...]] = {
    "isbn": ("ISBN", "书号", "isbn"),
    "title": ("书名", "题名", "title"),
    "authors": ("作者", "责任者", "authors", "author"),
    "publisher": ("出版社", "publisher"),
    "year": ("出版年", "出版年份", "year"),
    "category": ("中图法分类", "分类", "分类号", "category", "class"),
    "barcode": ("条码号", "条码", "登录号", "barcode"),
    "location": ("书架位置", "馆藏位置", "书架", "location", "shelf"),
    "description": ("简介", "内容简介", "description"),
    "shared": ("与兄弟工会共享", "共享", "shared"),
}
_YES = {"是", "y", "yes", "true", "1", "√", "共享"}


@dataclass
class ImportRow:
    number: int
    outcome: str  # "created", "unchanged" or "error"
    message: str
    isbn: str = ""
    title: str = ""


@dataclass
class ImportReport:
    rows: list[ImportRow] = field(default_factory=list)
    books_created: int = 0
    copies_created: int = 0

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def created(self) -> int:
        return self.count("created")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def errors(self) -> int:
        return self.count("error")


def catalogue_template() -> bytes:
    """The .xlsx template: the headings on the first sheet, how to fill it in on the second."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "书目"
    headings = [names[0] for names in COLUMNS.values()]
    sheet.append(headings)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGHIJ", (18, 30, 20, 20, 8, 12, 14, 14, 40, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 80
    for row in (
        ("列", "填写要求"),
        (
            "ISBN",
            "必填。13位或10位ISBN，可带连字符，如 978-7-5302-1200-4；10位的会转换为13位。校验位不对的行不导入。",
        ),
        ("书名", "新书必填。"),
        ("作者", "新书必填，多位作者用“、”分隔。"),
        ("出版社", "选填。"),
        ("出版年", "选填，四位数字，如 2012。"),
        ("中图法分类", "新书必填，填中图法基本大类字母，如 I（文学）、K（历史、地理）。"),
        (
            "条码号",
            "选填。每行一册：填了条码号就登记这一册书；同一本书有几册就写几行，ISBN相同、条码号不同。",
        ),
        ("书架位置", "选填，如“3号书架第2层”。"),
        ("简介", "选填。"),
        ("与兄弟工会共享", "选填，填“是”则列入市总工会的共享书目（只上报书目信息和册数，不含借阅人信息）。"),
        ("", "同一文件重复导入不会重复登记：已在书目中的书和已登记的条码号会跳过。"),
        ("分类", "中图法基本大类"),
    ):
        notes.append(row)
    for code, label in LibraryClass.choices:
        notes.append((code, str(label)))
    for cell in notes[1]:
        cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_file_check(upload) -> None:
    """Refuse a file that is not an .xlsx workbook or is too large."""
    extension = os.path.splitext(upload.name or "")[1].lower()
    if extension != ".xlsx":
        raise ServiceError(
            "import_type", _("Upload an Excel workbook (.xlsx): download the template and fill it in."),
            field="file",
        )  # fmt: skip
    if upload.size > MAX_IMPORT_BYTES:
        raise ServiceError(
            "import_too_large", _("The file is larger than %(limit)s MB."),
            params={"limit": MAX_IMPORT_BYTES // (1024 * 1024)}, field="file",
        )  # fmt: skip
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    if head != _ZIP:
        raise ServiceError(
            "import_content", _("This file is not a real Excel workbook: its content does not match .xlsx."),
            field="file",
        )  # fmt: skip


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _columns(header: tuple) -> dict[str, int]:
    lookup = {alias.lower(): key for key, aliases in COLUMNS.items() for alias in aliases}
    found: dict[str, int] = {}
    for index, heading in enumerate(header):
        key = lookup.get(_text(heading).lower())
        if key and key not in found:
            found[key] = index
    if "isbn" not in found:
        raise ServiceError(
            "import_no_isbn", _("The first row must hold the column headings, with an “ISBN” column: use the template."),
            field="file",
        )  # fmt: skip
    return found


def _row_import(values: dict[str, str], by, report: ImportReport) -> tuple[str, str, str]:
    """One row, in its own savepoint: (outcome, message, title)."""
    number = isbn_normalize(values.get("isbn", ""))
    book = Book.objects.filter(isbn=number).first()
    book_created = False
    if book is None:
        year_text = values.get("year", "")
        if year_text and not year_text.isdigit():
            raise ServiceError("book_year", _("Give the year the book was published."), field="year")
        category = values.get("category", "")[:1].upper()
        book = book_save(
            book=Book(
                isbn=number, title=values.get("title", ""), authors=values.get("authors", ""),
                publisher=values.get("publisher", ""), year=int(year_text) if year_text else None,
                category=category, description=values.get("description", ""),
            ),
            by=by,
        )  # fmt: skip
        book_created = True
    barcode = "".join(values.get("barcode", "").split())
    copy_created = False
    if barcode:
        if len(barcode) > 40:
            raise ServiceError("copy_barcode_long", _("The barcode is too long."), field="barcode")
        existing = BookCopy.objects.select_related("book").filter(barcode=barcode).first()
        if existing is not None and existing.book_id != book.pk:
            raise ServiceError(
                "copy_barcode_taken", _("Barcode %(barcode)s is already used by a copy of %(title)s."),
                params={"barcode": barcode, "title": _title(existing.book)}, field="barcode",
            )  # fmt: skip
        if existing is None:
            copy = BookCopy.objects.create(
                book=book, barcode=barcode, location=values.get("location", "")[:100]
            )
            _hold_for_next(copy)
            copy_created = True
    # Shared once its copies are in, so the federation's catalogue counts them.
    if book_created and values.get("shared", "").lower() in _YES:
        book_share(book=book, shared=True, by=by)
    elif copy_created and book.shared:
        _share_event(book)
    report.books_created += book_created
    report.copies_created += copy_created
    if book_created and copy_created:
        return "created", gettext("New title, copy %(barcode)s added.") % {"barcode": barcode}, book.title
    if book_created:
        return "created", gettext("New title added (no copy: the barcode is empty)."), book.title
    if copy_created:
        return (
            "created",
            gettext("Copy %(barcode)s added to a title already in the catalogue.") % {"barcode": barcode},
            book.title,
        )
    return "unchanged", gettext("Already in the catalogue: nothing saved."), book.title


@transaction.atomic
def catalogue_import(*, upload, by) -> ImportReport:
    """Import titles and copies from the template's workbook; see the module's docstring."""
    from openpyxl import load_workbook

    _staff(by, manages_catalogue(by))
    import_file_check(upload)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception as error:
        raise ServiceError(
            "import_unreadable",
            _("This workbook cannot be read: save it again as .xlsx in Excel or WPS."),
            field="file",
        ) from error
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise ServiceError("import_empty", _("The workbook is empty."), field="file")
        columns = _columns(header)
        report = ImportReport()
        for number, row in enumerate(rows, start=2):
            values = {key: _text(row[index]) if index < len(row) else "" for key, index in columns.items()}
            if not any(values.values()):
                continue
            if number - 1 > MAX_IMPORT_ROWS:
                raise ServiceError(
                    "import_too_many", _("Import at most %(n)s rows at a time: split the file."),
                    params={"n": MAX_IMPORT_ROWS}, field="file",
                )  # fmt: skip
            try:
                with transaction.atomic():
                    outcome, message, title = _row_import(values, by, report)
            except (ServiceError, IntegrityError) as error:
                message = (
                    str(error.message)
                    if isinstance(error, ServiceError)
                    else gettext("Saved by someone else at the same moment: import the file again.")
                )
                report.rows.append(
                    ImportRow(number, "error", message, values.get("isbn", ""), values.get("title", ""))
                )
            else:
                report.rows.append(ImportRow(number, outcome, message, values.get("isbn", ""), title))
    finally:
        workbook.close()
    return report
