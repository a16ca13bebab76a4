"""Periodic work of the workers' library, in each union's schema."""

from __future__ import annotations

from celery import shared_task

from workershome.periodic import for_each_union

from .services import loans_overdue_remind, reservations_expire


@shared_task(acks_late=True)
def library_daily() -> dict[str, int]:
    """Remind members of overdue loans (once a day per loan) and pass on uncollected holds."""
    return {"reminded": loans_overdue_remind(), "holds_expired": reservations_expire()}


@shared_task
def library_daily_all() -> int:
    """Periodic: queue ``library_daily`` in every active union."""
    return for_each_union(library_daily)
