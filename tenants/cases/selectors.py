"""Reads on cases."""

from __future__ import annotations

import hmac

from django.db.models import QuerySet
from django.utils import timezone

from .kinds import MODULE_PAGES
from .models import Case
from .procedures import Way, machine_for
from .roles import cases_visible_to, may_act
from .services import tracking_digest


def case_list(
    *, user, status: str | None = None, kind: str | None = None, assignee: int | None = None,
    overdue: bool | None = None, requester: int | None = None,
) -> QuerySet[Case]:  # fmt: skip
    """The cases ``user`` may see, filtered."""
    qs = cases_visible_to(user)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if assignee:
        qs = qs.filter(assignee_id=assignee)
    if requester:
        qs = qs.filter(requester_id=requester)
    if overdue is True:
        qs = qs.filter(status=Case.Status.OPEN, due_at__lt=timezone.now())
    elif overdue is False:
        qs = qs.exclude(status=Case.Status.OPEN, due_at__lt=timezone.now())
    return qs


def case_by_tracking_code(code: str) -> Case | None:
    digest = tracking_digest(code or "")
    case = Case.objects.filter(tracking_digest=digest).first()
    if case is None or not hmac.compare_digest(case.tracking_digest or "", digest):
        return None
    return case


def case_ways_for(*, case: Case, user) -> list[Way]:
    """The steps ``user`` may move the case to now (empty when closed or not theirs to act)."""
    if case.status != Case.Status.OPEN or case.kind in MODULE_PAGES:
        return []
    machine = machine_for(case.procedure)
    if not may_act(user, case=case, role=machine.step(case.step).role):
        return []
    return list(machine.ways_from(case.step))


def cases_overdue_unescalated() -> QuerySet[Case]:
    return Case.objects.filter(status=Case.Status.OPEN, due_at__lt=timezone.now(), escalated_at__isnull=True)


def case_module_page(case: Case) -> str | None:
    """Where the steps of ``case`` are taken when its module has its own page."""
    url_for = MODULE_PAGES.get(case.kind)
    return url_for(case) if url_for else None
