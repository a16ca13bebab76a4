from __future__ import annotations

from celery import shared_task

from workershome.periodic import for_each_union

from .services import lectures_held_report, reminders_send


@shared_task(acks_late=True)
def counselling_periodic() -> dict[str, int]:
    """This union's appointment reminders (a day before, once each) and the counting of
    counselling lectures the activities app marked held (once each). Idempotent."""
    return {"reminded": reminders_send(), "lectures_held": lectures_held_report()}


@shared_task
def counselling_periodic_all() -> int:
    """Periodic: queue ``counselling_periodic`` in every active union."""
    return for_each_union(counselling_periodic)
