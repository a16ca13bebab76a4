"""Reads of the annual work plan: this year's plan, items with their overdue flag, figures."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import PlanItem, WorkPlan

OPEN_STATUSES = (PlanItem.Status.NOT_STARTED, PlanItem.Status.IN_PROGRESS)


def plan_for_year(year: int) -> WorkPlan | None:
    return WorkPlan.objects.filter(year=year).first()


def plans_all() -> QuerySet[WorkPlan]:
    return WorkPlan.objects.order_by("-year")


def plan_published(year: int | None = None) -> WorkPlan | None:
    """The plan shown on the site: ``year``'s if published, else the latest published one."""
    plans = WorkPlan.objects.filter(published=True)
    if year is not None:
        return plans.filter(year=year).first()
    return plans.order_by("-year").first()


def plan_years_published() -> list[int]:
    return list(WorkPlan.objects.filter(published=True).order_by("-year").values_list("year", flat=True))


def plan_items(plan: WorkPlan) -> QuerySet[PlanItem]:
    return plan.items.select_related("owner_member", "owner_user").prefetch_related("notes")


def items_overdue(*, today: datetime.date | None = None) -> QuerySet[PlanItem]:
    """Items past their due date, neither done nor cancelled (any plan)."""
    today = today or timezone.localdate()
    return PlanItem.objects.filter(status__in=OPEN_STATUSES, due_on__lt=today)


@dataclass(frozen=True)
class PlanFigures:
    """How far a plan has come: items by state and the average progress (cancelled left out)."""

    items: int
    done: int
    in_progress: int
    not_started: int
    overdue: int
    cancelled: int
    progress: int

    @property
    def done_percent(self) -> int:
        counted = self.items - self.cancelled
        return round(100 * self.done / counted) if counted else 0


def plan_figures(plan: WorkPlan, *, today: datetime.date | None = None) -> PlanFigures:
    today = today or timezone.localdate()
    items = list(plan.items.values_list("status", "progress", "due_on"))
    counted = [progress for status, progress, _due in items if status != PlanItem.Status.CANCELLED]

    def count(status: str) -> int:
        return sum(1 for item_status, _p, _d in items if item_status == status)

    return PlanFigures(
        items=len(items),
        done=count(PlanItem.Status.DONE),
        in_progress=count(PlanItem.Status.IN_PROGRESS),
        not_started=count(PlanItem.Status.NOT_STARTED),
        overdue=sum(1 for status, _p, due in items if status in OPEN_STATUSES and due < today),
        cancelled=count(PlanItem.Status.CANCELLED),
        progress=round(sum(counted) / len(counted)) if counted else 0,
    )


def items_of_owner(*, user) -> QuerySet[PlanItem]:
    """Items a staff user answers for, directly or as the roster member linked to them."""
    return PlanItem.objects.filter(Q(owner_user=user) | Q(owner_member__user=user))
