"""Outbox delivery tasks: after each commit that needs it, and a sweep every minute."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from workershome.periodic import for_each_union

from .delivery import OutboxDeliveryError, outbox_deliver_pending


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OutboxDeliveryError, DatabaseError, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def outbox_deliver(*, event_id: str | None = None) -> int:
    """Deliver this union's undelivered events that have a handler (or only ``event_id``).
    Runs in the union's schema; safe to run twice or at once (see ``delivery``). Returns how
    many it delivered; if some failed, raises so Celery retries with backoff."""
    result = outbox_deliver_pending(event_id=event_id)
    if result.failed:
        raise OutboxDeliveryError(f"{len(result.failed)} event(s) not delivered: {', '.join(result.failed)}")
    return len(result.delivered)


@shared_task
def outbox_deliver_all() -> int:
    """Periodic (every minute): sweep every active union's outbox, so an event whose delivery
    was lost (a worker killed mid-task, a broker restart) still arrives."""
    return for_each_union(outbox_deliver)
