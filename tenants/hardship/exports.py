"""Exports of a hardship file. Every caller logs the export (``sensitive_read_log``) first."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse

from .models import HardshipFile

FILE_CSV_FIELDS = ("reference", "kind", "tier", "status", "id_number", "household_size", "monthly_income",
                   "causes", "health")  # fmt: skip


def file_csv_response(file: HardshipFile) -> HttpResponse:
    """The file as a two-column CSV (field, value), with members, assistance and visits."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["字段", "内容"])
    writer.writerow(["职工", file.worker.name or file.worker.get_full_name()])
    for name in FILE_CSV_FIELDS:
        value = (
            getattr(file, f"get_{name}_display")()
            if name in ("kind", "tier", "status")
            else getattr(file, name)
        )
        label = (
            getattr(HardshipFile._meta.get_field(name), "verbose_name", name)
            if name != "reference"
            else "档案编号"
        )
        writer.writerow([str(label), value])
    for member in file.members.all():
        writer.writerow(
            ["家庭成员", f"{member.get_relation_display()} {member.name} {member.id_number} {member.health}"]
        )
    for record in file.assistance.all():
        writer.writerow(["帮扶记录", f"{record.given_on} {record.get_form_display()} {record.amount} "
                                    f"{record.get_source_display()} {record.description}"])  # fmt: skip
    for visit in file.visits.all():
        writer.writerow(
            [
                "回访记录",
                f"{visit.visited_on} {visit.get_method_display()} {visit.get_situation_display()} {visit.findings}",
            ]
        )
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file.reference}.csv"'
    response["Cache-Control"] = "no-store"
    return response
