from __future__ import annotations

from celery import shared_task

from workershome.periodic import for_each_union

from .services import followups_scan


@shared_task(acks_late=True)
def followups_scan_task() -> dict[str, int]:
    """Remind officers of this union's follow-up visits due and report late ones (idempotent)."""
    return followups_scan()


@shared_task
def followups_scan_all() -> int:
    """Periodic: queue ``followups_scan_task`` in every active union."""
    return for_each_union(followups_scan_task)
