from __future__ import annotations

from celery import shared_task


@shared_task(name="stations.tasks.referrals_escalate", acks_late=True)
def referrals_escalate() -> int:
    """Beat, on the public schema: escalate overdue open referrals one level up."""
    from .services import referrals_escalate_overdue

    return referrals_escalate_overdue()


@shared_task(
    name="stations.tasks.referral_arrival_tell", acks_late=True, autoretry_for=(OSError,), retry_backoff=True,
    max_retries=5,
)  # fmt: skip
def referral_arrival_tell(*, referral_id: int) -> int:
    """On the public schema: email the station's staff, the district's or the city's
    administrators that a referral arrived."""
    from django_tenants.utils import get_public_schema_name, schema_context

    from .services import referral_arrival_tell as tell

    with schema_context(get_public_schema_name()):
        return tell(referral_id=referral_id)
