from __future__ import annotations

from celery import shared_task

from workershome.periodic import for_each_union


@shared_task(
    name="tenants.referrals_out.tasks.referral_sync",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def referral_sync_task(*, referral_uuid: str) -> str | None:
    """In the sender's schema: copy the receiver's change onto the union's referral."""
    from .services import referral_sync

    return referral_sync(referral_uuid=referral_uuid)


@shared_task(
    name="tenants.referrals_out.tasks.referral_received_notify",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def referral_received_notify_task(*, referral_uuid: str) -> int:
    """In the receiving sister union's schema: tell its chairman and officers a referral arrived."""
    from .services import referral_received_notify

    return referral_received_notify(referral_uuid=referral_uuid)


@shared_task(name="tenants.referrals_out.tasks.referrals_sync_sweep", acks_late=True)
def referrals_sync_sweep() -> int:
    """In one union's schema: re-sync every referral still open, in case a task was lost."""
    from stations.models import OPEN_STATUSES

    from .models import OutgoingReferral
    from .services import referral_sync

    synced = 0
    for uuid in OutgoingReferral.objects.filter(status__in=OPEN_STATUSES).values_list("uuid", flat=True):
        if referral_sync(referral_uuid=str(uuid)):
            synced += 1
    return synced


@shared_task(name="tenants.referrals_out.tasks.referrals_sync_sweep_all")
def referrals_sync_sweep_all() -> int:
    """Beat, on the public schema: sweep every active union."""
    return for_each_union(referrals_sync_sweep)
