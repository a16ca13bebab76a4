"""Hardship cases in staff search: who may find them.

A hardship case's document is the case engine's (``tenants.cases.search``: reference, kind,
procedure, step and status); nothing of the household file (income, illnesses, ID number,
causes) goes in. Who may find it is who reads the file (``access.files_visible_to``): the
chairman and the officers named on the file. Naming or removing an officer indexes the case
again (the file's officers are a ``depends_on`` of the case source).
"""

from __future__ import annotations

from tenants.cases.kinds import CaseKind
from tenants.cases.models import Case
from tenants.cases.search import CaseAccess, case_access_register

from .models import HardshipFile


def hardship_case_access(case: Case) -> CaseAccess:
    officers = tuple(
        HardshipFile.officers.through.objects.filter(hardshipfile__case=case).values_list(
            "user_id", flat=True
        )
    )
    return ("chairman",), officers


case_access_register(
    CaseKind.HARDSHIP, hardship_case_access, depends_on={HardshipFile: lambda file: [file.case]}
)
