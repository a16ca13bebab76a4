"""The roster as an Excel workbook: the template to fill in, reading an uploaded file row by row
with a validation report, and the export.

Reading never saves anything: ``roster_rows_read`` turns a workbook into checked rows and
problems; ``services.roster_import`` saves the good rows. A bad row never stops the good ones.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException

from accounts.validators import normalize_mobile
from workershome.errors import ServiceError

from .models import Member
from .xlsx_rows import SheetValues, XlsxFormatError

# The workbook's columns: (field, Chinese header, required). Headers are what officers see and
# type; they are matched after trimming spaces, with a few common variants (``HEADER_ALIASES``).
COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("name", "姓名", True),
    ("mobile", "手机号码", True),
    ("gender", "性别", False),
    ("department", "部门/车间", False),
    ("joined_on", "入会日期", False),
    ("card_number", "会员证号", False),
)
HEADER_ALIASES = {
    "手机号": "mobile", "手机": "mobile", "联系电话": "mobile", "部门": "department", "车间": "department",
    "部门车间": "department", "所在部门": "department", "入会时间": "joined_on", "会员证编号": "card_number",
    "会员卡号": "card_number",
}  # fmt: skip
HEADER_FIELDS = {header: name for name, header, _required in COLUMNS} | HEADER_ALIASES
FIELD_HEADERS = {name: header for name, header, _required in COLUMNS}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_GENDERS = {"男": "male", "女": "female", "male": "male", "female": "female", "m": "male", "f": "female"}


@dataclass(frozen=True)
class RowProblem:
    """Why one row of the file was not saved: its row number in the sheet, the column, the reason."""

    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    """The outcome of an import: how many rows were read and saved, and each problem by row."""

    rows: int = 0
    created: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def rejected_rows(self) -> int:
        return len({problem.row for problem in self.problems})


def upload_check(upload) -> None:
    """Refuse a file that is not an .xlsx workbook or is too large, before reading it."""
    name = (getattr(upload, "name", "") or "").lower()
    if not name.endswith(".xlsx"):
        raise ServiceError("roster_file_type", _("Upload an Excel workbook (.xlsx)."), field="file")
    if upload.size > MAX_UPLOAD_BYTES:
        raise ServiceError(
            "roster_file_too_large", _("The file is larger than %(limit)s MB."),
            params={"limit": MAX_UPLOAD_BYTES // (1024 * 1024)}, field="file",
        )  # fmt: skip
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    if head != b"PK\x03\x04":
        raise ServiceError("roster_file_type", _("This file is not an Excel workbook (.xlsx)."), field="file")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any) -> datetime.date | None:
    """A date from a cell: an Excel date, or text such as 2021-03-08, 2021/3/8 or 2021年3月8日."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    match = _DATE.match(_text(value))
    if not match:
        raise ValueError
    return datetime.date(int(match[1]), int(match[2]), int(match[3]))


def row_check(
    values: dict[str, Any], *, today: datetime.date
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Check one person's fields; returns the cleaned values and ``(column, message)`` problems.

    Used by the import (row by row) and by the single-member form, so both accept the same.
    """
    problems: list[tuple[str, str]] = []
    cleaned: dict[str, Any] = {}
    name = _text(values.get("name"))
    if not name:
        problems.append(("name", gettext("The name is missing.")))
    elif len(name) > 50:
        problems.append(("name", gettext("The name is longer than 50 characters.")))
    cleaned["name"] = name
    raw_mobile = _text(values.get("mobile"))
    mobile = normalize_mobile(raw_mobile)
    if not raw_mobile:
        problems.append(("mobile", gettext("The mobile number is missing.")))
    elif not _MOBILE.match(mobile):
        problems.append(
            ("mobile", gettext("“%(value)s” is not a mainland mobile number (11 digits starting with 1).")
             % {"value": raw_mobile[:30]})
        )  # fmt: skip
    cleaned["mobile"] = mobile
    gender = _text(values.get("gender")).lower()
    if gender and gender not in _GENDERS:
        problems.append(("gender", gettext("Gender must be 男 or 女.")))
    cleaned["gender"] = _GENDERS.get(gender, "")
    department = _text(values.get("department"))
    if len(department) > 100:
        problems.append(("department", gettext("The department is longer than 100 characters.")))
    cleaned["department"] = department
    joined = values.get("joined_on")
    cleaned["joined_on"] = None
    if _text(joined):
        try:
            cleaned["joined_on"] = _date(joined)
        except ValueError:
            problems.append(
                ("joined_on", gettext("“%(value)s” is not a date (write it as 2021-03-08).")
                 % {"value": _text(joined)[:30]})
            )  # fmt: skip
        else:
            if cleaned["joined_on"] > today:
                problems.append(("joined_on", gettext("The date of joining is in the future.")))
    card = _text(values.get("card_number"))
    if len(card) > 30:
        problems.append(("card_number", gettext("The member card number is longer than 30 characters.")))
    cleaned["card_number"] = card
    return cleaned, problems


@dataclass
class RosterRows:
    """A read workbook: the rows to save (sheet row number, cleaned values) and the problems."""

    rows: int = 0
    good: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def _header_map(header: Iterable[Any]) -> dict[int, str]:
    """Column index -> field; a workbook with unknown or missing columns is refused as a whole,
    with one message naming them."""
    columns: dict[int, str] = {}
    unknown: list[str] = []
    for index, cell in enumerate(header):
        text = re.sub(r"\s+", "", _text(cell))
        if not text:
            continue
        name = HEADER_FIELDS.get(text.rstrip("*＊"))
        if name is None or name in columns.values():
            unknown.append(_text(cell))
        else:
            columns[index] = name
    missing = [header for name, header, required in COLUMNS if required and name not in columns.values()]
    if unknown or missing:
        parts = []
        if missing:
            parts.append(gettext("missing columns: %(names)s") % {"names": "、".join(missing)})
        if unknown:
            parts.append(gettext("unknown or repeated columns: %(names)s") % {"names": "、".join(unknown)})
        expected = "、".join(header for _name, header, _required in COLUMNS)
        raise ServiceError(
            "roster_columns",
            _("The file's columns are wrong (%(problems)s). The first row must name the columns: %(expected)s."),
            params={"problems": "；".join(parts), "expected": expected}, field="file",
        )  # fmt: skip
    return columns


def _too_many() -> ServiceError:
    return ServiceError(
        "roster_too_many_rows", _("The file has more than %(limit)s rows: split it."),
        params={"limit": MAX_ROWS}, field="file",
    )  # fmt: skip


def _sheet_rows(upload: IO[bytes]) -> tuple[list[Any], Callable[[float], datetime.date]]:
    """The first sheet's rows (header first) and how to turn an Excel serial number into a date.

    The fast reader (``xlsx_rows``) first; a workbook it does not understand is read again with
    openpyxl. At most ``MAX_ROWS`` rows (plus the header and some slack for empty rows) are read,
    so a small file that unpacks into millions of rows is refused without exhausting memory.
    """
    limit = MAX_ROWS * 2 + 1
    try:
        reader = SheetValues(upload)
        rows: list[Any] = []
        for row in reader.rows():
            rows.append(row)
            if len(rows) > limit:
                raise _too_many()
        return rows, reader.serial_to_date
    except XlsxFormatError:
        upload.seek(0)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        raise ServiceError(
            "roster_file_unreadable", _("The file could not be read as an Excel workbook."), field="file"
        ) from error
    try:
        rows = []
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            rows.append(row)
            if len(rows) > limit:
                raise _too_many()
        epoch = workbook.epoch
    finally:
        workbook.close()
    return rows, lambda value: from_excel(value, epoch).date()


def roster_rows_read(
    upload: IO[bytes],
    *,
    existing_mobiles: set[str],
    existing_cards: set[str],
    today: datetime.date,
    progress: Callable[[int], None] | None = None,
) -> RosterRows:
    """Read and check every row of the workbook's first sheet (row 1 holds the column names).

    A row is refused, with the reason, when a field is bad, when its mobile number or card number
    already appeared earlier in the file, or when the person is already on the roster. Empty rows
    are skipped. ``progress(n)`` is called as rows are read.
    """
    sheet, serial_to_date = _sheet_rows(upload)
    if not sheet:
        raise ServiceError("roster_empty", _("The file is empty."), field="file")
    columns = _header_map(sheet[0])
    date_columns = [index for index, name in columns.items() if name == "joined_on"]
    result = RosterRows()
    seen_mobiles: dict[str, int] = {}
    seen_cards: dict[str, int] = {}
    mobile_header, card_header = FIELD_HEADERS["mobile"], FIELD_HEADERS["card_number"]
    pending = 0
    for number, row in enumerate(sheet[1:], start=2):
        values = {name: row[index] for index, name in columns.items() if index < len(row)}
        if not any(_text(value) for value in values.values()):
            continue
        serial = values.get("joined_on")
        if date_columns and isinstance(serial, int | float) and not isinstance(serial, bool):
            with contextlib.suppress(ValueError, OverflowError):  # else reported as not a date
                values["joined_on"] = serial_to_date(serial)
        result.rows += 1
        if result.rows > MAX_ROWS:
            raise _too_many()
        cleaned, problems = row_check(values, today=today)
        found = [RowProblem(number, FIELD_HEADERS[column], message) for column, message in problems]
        mobile = cleaned["mobile"]
        if not any(column == "mobile" for column, _m in problems):
            if mobile in existing_mobiles:
                found.append(
                    RowProblem(number, mobile_header, gettext("Already on the roster; not imported again."))
                )
            elif mobile in seen_mobiles:
                found.append(RowProblem(number, mobile_header, gettext("The same mobile number is in row %(row)d.")
                                        % {"row": seen_mobiles[mobile]}))  # fmt: skip
            else:
                seen_mobiles[mobile] = number
        card = cleaned["card_number"]
        if card and not found:
            if card in existing_cards:
                found.append(
                    RowProblem(
                        number, card_header, gettext("This member card number is already on the roster.")
                    )
                )
            elif card in seen_cards:
                found.append(RowProblem(number, card_header, gettext("The same member card number is in row %(row)d.")
                                        % {"row": seen_cards[card]}))  # fmt: skip
            else:
                seen_cards[card] = number
        if found:
            result.problems.extend(found)
        else:
            result.good.append((number, cleaned))
        pending += 1
        if progress is not None and pending >= 500:
            progress(pending)
            pending = 0
    if progress is not None and pending:
        progress(pending)
    return result


def _workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header_row(sheet, headers: list[str]) -> None:
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FDE9E7")
    for index, header in enumerate(headers):
        sheet.column_dimensions[chr(ord("A") + index)].width = max(12, len(header) * 3)
    sheet.freeze_panes = "A2"


def roster_template_xlsx() -> bytes:
    """The workbook officers fill in: the columns, one example row, and a sheet of instructions."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "会员名册"
    _header_row(sheet, [header for _name, header, _required in COLUMNS])
    sheet.append(
        ["张三（示例，导入前请删除）", "13800000000", "男", "生产部一车间", "2021-03-08", "HY2021001"]
    )
    help_sheet = workbook.create_sheet("填写说明")
    for line in (
        ("列", "说明"),
        ("姓名", "必填，50字以内"),
        ("手机号码", "必填，11位大陆手机号；同一工会内不能重复，已在名册中的不会重复导入"),
        ("性别", "选填：男 或 女"),
        ("部门/车间", "选填"),
        ("入会日期", "选填，日期格式，如 2021-03-08"),
        ("会员证号", "选填，不能重复"),
        ("注意", "第一行为列名，请勿修改；身份证号等敏感信息无需填写"),
    ):
        help_sheet.append(line)
    help_sheet.column_dimensions["A"].width = 14
    help_sheet.column_dimensions["B"].width = 70
    return _workbook_bytes(workbook)


def roster_export_xlsx(members: Iterable[Member]) -> bytes:
    """The roster as a workbook with the template's columns (so it can be imported elsewhere) and
    the status."""
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = "会员名册"
    _header_row(sheet, [*(header for _name, header, _required in COLUMNS), "状态", "变动日期"])
    genders = dict(Member.Gender.choices)
    statuses = dict(Member.Status.choices)
    for member in members:
        sheet.append([
            member.name, member.mobile, str(genders.get(member.gender, "")), member.department,
            member.joined_on, member.card_number, str(statuses.get(member.status, member.status)),
            member.status_changed_on,
        ])  # fmt: skip
    for row in sheet.iter_rows(min_row=2, min_col=5, max_col=5):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
    for row in sheet.iter_rows(min_row=2, min_col=8, max_col=8):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
    return _workbook_bytes(workbook)
