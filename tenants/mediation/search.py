"""Mediation cases in staff search: who may find them.

A mediation case's document is the case engine's (``tenants.cases.search``: reference, kind,
procedure, step and status; never the dispute's claim, amounts, minutes or parties). Who may
find it is who reads it in the mediation module (``access.handles_mediation``): the chairman
and every mediator of the union; officers, counsellors and editors do not.
"""

from __future__ import annotations

from tenants.cases.kinds import CaseKind
from tenants.cases.models import Case
from tenants.cases.search import CaseAccess, case_access_register

from .access import MEDIATING_ROLES


def mediation_case_access(case: Case) -> CaseAccess:
    return tuple(sorted(MEDIATING_ROLES)), ()


case_access_register(CaseKind.MEDIATION, mediation_case_access)
