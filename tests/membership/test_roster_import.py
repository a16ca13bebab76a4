"""Importing the roster from Excel (issue 9 part 1): wrong columns refuse the file with one
message naming them; bad rows are reported row by row while the good ones are saved; importing
again saves nothing twice; people with an account are linked; the command shows a progress bar."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from tenants.events.models import OutboxEvent
from tenants.membership.models import Member
from tenants.membership.roster import roster_export_xlsx, roster_template_xlsx
from tenants.membership.services import member_create, roster_import
from tests.factories import make_person
from tests.membership.roster_helpers import HEADER, upload, workbook
from workershome.errors import ServiceError

pytestmark = pytest.mark.django_db

GOOD = [
    ["王建华", "13910001001", "男", "生产部一车间", datetime.date(2019, 3, 8), "HY001"],
    ["李秀兰", "139-1000-1002", "女", "质量部", "2020/5/1", "HY002"],
    ["张志刚", "+86 139 1000 1003", "", "设备部", "", ""],
]
BAD = [
    ["", "13910001004", "男", "设备部", "", ""],  # row 5: no name
    ["陈丽娟", "1391000100", "女", "质量部", "", ""],  # row 6: 10 digits
    ["赵海燕", "13910001001", "女", "质量部", "", ""],  # row 7: same mobile as row 2
    ["孙文博", "13910001007", "男", "仓储部", "2021-02-30", ""],  # row 8: no such date
    ["周静怡", "13910001008", "未知", "仓储部", "", ""],  # row 9: gender
    ["吴国强", "13910001009", "男", "仓储部", "", "HY001"],  # row 10: card number of row 2
]


def test_a_bad_file_is_reported_row_by_row_and_the_good_rows_are_saved(union_a):
    # Given a workbook with three good rows and six bad ones (and an empty row)
    rows = [*GOOD, [None] * 6, *BAD]
    with tenant_context(union_a), translation.override("en"):
        # When it is imported
        report = roster_import(upload=upload(rows))
        # Then the good rows are on the roster, normalised
        assert report.rows == 9 and report.created == 3 and report.rejected_rows == 6
        assert sorted(Member.objects.values_list("mobile", flat=True)) == [
            "13910001001",
            "13910001002",
            "13910001003",
        ]
        lee = Member.objects.get(mobile="13910001002")
        assert (lee.gender, lee.joined_on, lee.status) == ("female", datetime.date(2020, 5, 1), "active")
        # And each bad row is reported with its row number, column and reason
        problems = {(p.row, p.column): p.message for p in report.problems}
        assert set(problems) == {(6, "姓名"), (7, "手机号码"), (8, "手机号码"), (9, "入会日期"), (10, "性别"),
                                 (11, "会员证号")}  # fmt: skip
        assert "missing" in problems[(6, "姓名")]
        assert "1391000100" in problems[(7, "手机号码")]
        assert "row 2" in problems[(8, "手机号码")]
        assert "2021-02-30" in problems[(9, "入会日期")]
        assert "row 2" in problems[(11, "会员证号")]
        # And the federation is told the roster's counts, without names
        event = OutboxEvent.objects.filter(name="membership.roster_counted").latest("pk")
        assert event.payload == {"active": 3, "transferred_out": 0, "left": 0}


def test_importing_the_same_file_again_saves_nothing_twice(union_a):
    with tenant_context(union_a):
        first = roster_import(upload=upload(GOOD))
        again = roster_import(upload=upload(GOOD))
        assert (first.created, again.created) == (3, 0)
        assert again.rejected_rows == 3
        assert [(p.row, p.column) for p in again.problems] == [
            (2, "手机号码"),
            (3, "手机号码"),
            (4, "手机号码"),
        ]
        assert Member.objects.count() == 3


def test_wrong_columns_refuse_the_file_with_one_message_naming_them(union_a):
    header = ["姓名", "电话号码", "部门/车间", "身份证号"]
    with tenant_context(union_a), translation.override("en"):
        with pytest.raises(ServiceError) as refused:
            roster_import(upload=upload([["王建华", "13910001001", "生产部", "110101199001011234"]], header))
        message = str(refused.value.message)
        assert refused.value.code == "roster_columns"
        assert "手机号码" in message and "电话号码" in message and "身份证号" in message
        assert Member.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("名册.csv", b"name,mobile\n", "roster_file_type"),
        ("名册.xlsx", b"not a zip at all", "roster_file_type"),
        ("名册.xlsx", b"PK\x03\x04broken zip", "roster_file_unreadable"),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused_clearly(union_a, name, content, code):
    with tenant_context(union_a):
        with pytest.raises(ServiceError) as refused:
            roster_import(upload=SimpleUploadedFile(name, content))
        assert refused.value.code == code and str(refused.value.message)
        assert Member.objects.count() == 0


def test_a_file_too_large_is_refused(union_a, monkeypatch):
    monkeypatch.setattr("tenants.membership.roster.MAX_UPLOAD_BYTES", 1000)
    with tenant_context(union_a):
        with pytest.raises(ServiceError) as refused:
            roster_import(upload=upload(GOOD * 20))
        assert refused.value.code == "roster_file_too_large"


def test_someone_already_on_the_roster_is_reported_and_people_with_an_account_are_linked(union_a):
    account, user = make_person(union_a, "member", name="王芳")
    with tenant_context(union_a):
        member_create(name="李秀兰", mobile="13910001002")
        report = roster_import(upload=upload([*GOOD, ["王芳", account.mobile, "女", "研发部", "", ""]]))
        assert report.created == 3
        assert [(p.row, p.column) for p in report.problems] == [(3, "手机号码")]
        linked = Member.objects.get(mobile=account.mobile)
        assert (linked.account_id, linked.user_id) == (account.pk, user.pk)


def test_the_template_imports_and_the_export_reads_back(union_a):
    template = load_workbook(io.BytesIO(roster_template_xlsx()))
    assert [cell.value for cell in template.active[1]] == HEADER
    with tenant_context(union_a):
        roster_import(upload=upload(GOOD))
        exported = load_workbook(io.BytesIO(roster_export_xlsx(Member.objects.order_by("mobile"))))
    rows = list(exported.active.iter_rows(values_only=True))
    assert list(rows[0][:6]) == HEADER and rows[0][6] == "状态"
    assert rows[1][:2] == ("王建华", "13910001001") and rows[1][6] == str(Member.Status.ACTIVE.label)
    # The export is itself importable elsewhere (same columns first): union B takes the six.
    assert len(rows) == 4


def test_the_command_imports_with_a_progress_bar_and_reports_bad_rows(union_a, tmp_path, capsys):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(workbook([*GOOD, *BAD]))
    call_command("roster_import", union_a.schema_name, str(path))
    out, err = capsys.readouterr()
    assert "3 members added" in out and "6 rows not imported" in out
    assert "第7行 · 手机号码" in out
    assert "row/s" in err or "%|" in err  # tqdm's bar
    with tenant_context(union_a):
        assert Member.objects.count() == 3
    with pytest.raises(CommandError):
        call_command("roster_import", "u_nowhere", str(path))


def test_one_unions_import_never_touches_another(union_a, union_b):
    with tenant_context(union_a):
        roster_import(upload=upload(GOOD))
    with tenant_context(union_b):
        assert Member.objects.count() == 0
        # The same people can be on union B's roster too: uniqueness is per union.
        assert roster_import(upload=upload(GOOD)).created == 3


def test_excel_dates_read_the_same_by_the_fast_reader_and_by_openpyxl(union_a, monkeypatch):
    """The fast reader (expat) and the openpyxl fallback give the same rows, dates included."""
    from tenants.membership import roster
    from tenants.membership.xlsx_rows import XlsxFormatError

    with tenant_context(union_a):
        roster_import(upload=upload(GOOD))
        fast = list(Member.objects.order_by("mobile").values_list("name", "mobile", "gender", "joined_on"))
        Member.objects.all().delete()

        def refuse(_upload):
            raise XlsxFormatError("as if the file were unusual")

        monkeypatch.setattr(roster, "SheetValues", refuse)
        roster_import(upload=upload(GOOD))
        slow = list(Member.objects.order_by("mobile").values_list("name", "mobile", "gender", "joined_on"))
    assert fast == slow
    assert fast[0] == ("王建华", "13910001001", "male", datetime.date(2019, 3, 8))
