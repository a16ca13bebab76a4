from __future__ import annotations

from celery import shared_task

from workershome.periodic import for_each_union

from .checklist import home_checklist_report


@shared_task(acks_late=True)
def home_checklist_count() -> bool:
    """Report this union's home checklist to the federation (``home.checklist_counted``).
    Runs in a union's schema."""
    return home_checklist_report() is not None


@shared_task
def home_checklist_count_all() -> int:
    """Periodic (daily): queue ``home_checklist_count`` in every active union."""
    return for_each_union(home_checklist_count)
