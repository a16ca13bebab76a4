from __future__ import annotations

from celery import shared_task

from workershome.periodic import for_each_union

from .services import items_overdue_report, plan_reminder_check


@shared_task(acks_late=True)
def work_plans_check() -> dict[str, int]:
    """This union: the January reminder when this year's plan is missing (once a year), and
    items that went overdue reported to the federation (each once). Runs in a union's schema."""
    return {"reminded": int(plan_reminder_check()), "overdue": items_overdue_report()}


@shared_task
def work_plans_check_all() -> int:
    """Periodic (daily): queue ``work_plans_check`` in every active union."""
    return for_each_union(work_plans_check)
