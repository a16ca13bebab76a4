"""Import a union's roster from an Excel file on the command line, with a progress bar."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import get_public_schema_name, schema_context
from openpyxl import load_workbook
from tqdm import tqdm

from tenants.membership.roster import MAX_UPLOAD_BYTES
from tenants.membership.services import roster_import
from tenants.registry.models import Union
from workershome.errors import ServiceError


def _rows_in(path: Path) -> int:
    """The first sheet's data rows as the workbook declares them (cheap: read-only mode reads
    the dimension, not the rows)."""
    workbook = load_workbook(path, read_only=True)
    try:
        return max((workbook.worksheets[0].max_row or 1) - 1, 0)
    finally:
        workbook.close()


class Command(BaseCommand):
    help = (
        "Import members from an Excel roster (.xlsx, the admin's template columns: 姓名, 手机号码, 性别, "
        "部门/车间, 入会日期, 会员证号) into the union with the given schema (u_<slug>) or slug. Good rows are "
        "saved, bad rows are reported one per line; people already on the roster are not imported twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("schema", help="The union's schema name (u_<slug>) or its slug.")
        parser.add_argument("file", type=Path, help="The .xlsx file.")
        parser.add_argument(
            "--no-input", "--noinput", action="store_true", help="Never prompt (nothing asks)."
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args, schema: str, file: Path, **options):
        union = Union.objects.filter(schema_name=schema).first() or Union.objects.filter(slug=schema).first()
        if union is None or union.schema_name == get_public_schema_name():
            raise CommandError(f"No union with the schema or slug {schema!r}.")
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        if file.stat().st_size > MAX_UPLOAD_BYTES:
            raise CommandError(f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
        upload = SimpleUploadedFile(file.name, file.read_bytes())
        try:
            total = _rows_in(file) * 2  # each row is counted when read and when saved
        except Exception:  # the import itself reports an unreadable file clearly
            total = None
        bar = tqdm(
            total=total, unit="row", unit_scale=0.5, desc=union.short_name or union.slug,
            disable=options["no_progress"], file=self.stderr._out,
        )  # fmt: skip
        try:
            with schema_context(union.schema_name):
                report = roster_import(upload=upload, progress=bar.update)
        except ServiceError as error:
            raise CommandError(str(error.message)) from error
        finally:
            bar.close()
        for problem in report.problems:
            self.stdout.write(f"第{problem.row}行 · {problem.column}：{problem.message}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{union.name}: {report.rows} rows read, {report.created} members added, "
                f"{report.rejected_rows} rows not imported."
            )
        )
