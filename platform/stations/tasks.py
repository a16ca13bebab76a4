from __future__ import annotations

from celery import shared_task


@shared_task(name="stations.tasks.referrals_escalate", acks_late=True)
def referrals_escalate() -> int:
    """Beat, on the public schema: escalate overdue open referrals to their district."""
    from .services import referrals_escalate_overdue

    return referrals_escalate_overdue()
