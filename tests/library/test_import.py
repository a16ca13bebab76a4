"""Importing the catalogue from Excel: a row-by-row report where a bad row never stops the good
ones, nothing saved twice when the same file comes again, the template, and uploads checked."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from openpyxl import Workbook, load_workbook

from tenants.events.models import OutboxEvent
from tenants.library.excel import catalogue_import, catalogue_template
from tenants.library.models import Book, BookCopy
from workershome.errors import ServiceError

pytestmark = pytest.mark.django_db

HEADINGS = [
    "ISBN",
    "书名",
    "作者",
    "出版社",
    "出版年",
    "中图法分类",
    "条码号",
    "书架位置",
    "简介",
    "与兄弟工会共享",
]
ROWS = [
    [
        "978-7-5302-1200-4",
        "平凡的世界",
        "路遥",
        "北京十月文艺出版社",
        2012,
        "I",
        "B1001",
        "1号书架",
        "",
        "是",
    ],
    ["9787530212004", "平凡的世界", "路遥", "北京十月文艺出版社", 2012, "I", "B1002", "1号书架", "", ""],
    ["978-7-5302-1073-3", "错号的书", "某人", "", "", "I", "B1003", "", "", ""],  # bad check digit
    ["9787508647357", "", "", "中信出版社", 2014, "K", "B1004", "", "", ""],  # new title without a title
    [
        "7-5366-9293-5",
        "三体",
        "刘慈欣",
        "重庆出版社",
        2008,
        "I",
        "B1001",
        "",
        "",
        "",
    ],  # barcode of another book
    ["9787544270878", "解忧杂货店", "东野圭吾", "南海出版公司", 2014, "I 文学", "", "", "", ""],  # title only
    [None, None, None, None, None, None, None, None, None, None],  # blank: ignored
    [9787506365437, "活着", "余华", "作家出版社", 2012, "I", 1005, "2号书架", "", ""],  # numbers from Excel
]


def workbook_upload(rows, name="书目.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADINGS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_bad_rows_are_reported_good_rows_saved_and_a_second_import_saves_nothing(union_a, people):
    librarian = people["librarian"][1]
    with tenant_context(union_a):
        report = catalogue_import(upload=workbook_upload(ROWS), by=librarian)
        outcomes = {row.number: row.outcome for row in report.rows}
        assert outcomes == {
            2: "created",
            3: "created",
            4: "error",
            5: "error",
            6: "error",
            7: "created",
            9: "created",
        }
        messages = {row.number: row.message for row in report.rows}
        assert "校验位" in messages[4] or "check digit" in messages[4]
        assert "B1001" in messages[6]
        assert (report.books_created, report.copies_created) == (3, 3)
        assert set(Book.objects.values_list("isbn", flat=True)) == {
            "9787530212004",
            "9787544270878",
            "9787506365437",
        }
        assert sorted(BookCopy.objects.values_list("barcode", flat=True)) == ["1005", "B1001", "B1002"]
        assert Book.objects.get(isbn="9787530212004").shared
        # The shared title reached the federation's catalogue with its copies counted
        shared = OutboxEvent.objects.filter(name="library.title_shared").order_by("occurred_at")
        assert [event.payload["copies"] for event in shared] == [1, 2]
        assert Book.objects.get(isbn="9787544270878").category == "I"

        again = catalogue_import(upload=workbook_upload(ROWS), by=librarian)
        assert again.created == 0 and again.books_created == 0 and again.copies_created == 0
        assert again.unchanged == 4 and again.errors == 3
        assert Book.objects.count() == 3 and BookCopy.objects.count() == 3


def test_the_template_downloads_and_imports_as_nothing(union_a, people):
    workbook = load_workbook(io.BytesIO(catalogue_template()))
    assert [cell.value for cell in workbook.worksheets[0][1]] == HEADINGS
    assert workbook.worksheets[1].title == "填写说明"
    with tenant_context(union_a):
        report = catalogue_import(
            upload=SimpleUploadedFile("template.xlsx", catalogue_template()), by=people["librarian"][1]
        )
        assert report.rows == [] and not Book.objects.exists()


@pytest.mark.parametrize(
    "upload, code",
    [
        (SimpleUploadedFile("books.csv", b"ISBN,title\n9787506365437,x\n"), "import_type"),
        (SimpleUploadedFile("books.xlsx", b"not a zip at all"), "import_content"),
        (SimpleUploadedFile("books.xlsx", b"PK\x03\x04broken"), "import_unreadable"),
    ],
)
def test_files_that_are_not_workbooks_are_refused(union_a, people, upload, code):
    with tenant_context(union_a), pytest.raises(ServiceError) as error:
        catalogue_import(upload=upload, by=people["librarian"][1])
    assert error.value.code == code and error.value.field == "file"


def test_too_large_a_file_and_a_sheet_without_headings_are_refused(union_a, people, monkeypatch):
    from tenants.library import excel

    librarian = people["librarian"][1]
    with tenant_context(union_a):
        monkeypatch.setattr(excel, "MAX_IMPORT_BYTES", 100)
        with pytest.raises(ServiceError) as error:
            catalogue_import(upload=workbook_upload(ROWS), by=librarian)
        assert error.value.code == "import_too_large"
        monkeypatch.undo()
        workbook = Workbook()
        workbook.active.append(["9787506365437", "活着"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        with pytest.raises(ServiceError) as error:
            catalogue_import(upload=SimpleUploadedFile("x.xlsx", buffer.getvalue()), by=librarian)
        assert error.value.code == "import_no_isbn"
        # A member cannot import
        with pytest.raises(ServiceError) as error:
            catalogue_import(upload=workbook_upload(ROWS), by=people["worker"][1])
        assert error.value.status == 403
        assert not Book.objects.exists()
