from __future__ import annotations

from celery import shared_task

from workershome.periodic import for_each_union

from .services import inbound_nonces_prune


@shared_task(acks_late=True)
def inbound_nonces_prune_union() -> int:
    """Delete this union's nonces too old to matter (idempotent). Runs in a union's schema."""
    return inbound_nonces_prune()


@shared_task
def inbound_nonces_prune_all() -> int:
    """Periodic: queue ``inbound_nonces_prune_union`` in every active union."""
    return for_each_union(inbound_nonces_prune_union)
