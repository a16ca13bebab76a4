from __future__ import annotations

from celery import shared_task

from workershome.periodic import for_each_union

from .services import mediation_limits_scan


@shared_task(acks_late=True)
def mediation_limits_scan_task() -> dict[str, int]:
    """Remind mediators of this union's mediations ending soon, flag those past the limit (idempotent)."""
    return mediation_limits_scan()


@shared_task
def mediation_limits_scan_all() -> int:
    """Periodic: queue ``mediation_limits_scan_task`` in every active union."""
    return for_each_union(mediation_limits_scan_task)
