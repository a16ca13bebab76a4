from __future__ import annotations

from celery import shared_task

from workershome.periodic import for_each_union

from .selectors import cases_overdue_unescalated
from .services import case_escalate


@shared_task(acks_late=True)
def cases_escalate_overdue() -> int:
    """Escalate this union's overdue cases to the chairman (each once). Runs in a union's schema."""
    return sum(case_escalate(case=case) for case in cases_overdue_unescalated().only("pk"))


@shared_task
def cases_escalate_overdue_all() -> int:
    """Periodic: queue ``cases_escalate_overdue`` in every active union."""
    return for_each_union(cases_escalate_overdue)
