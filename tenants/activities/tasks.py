"""Periodic work of activities: after the start, count the sign-ups; after the end, mark the
activity held. Both emit their federation event once (idempotent)."""

from __future__ import annotations

from celery import shared_task

from workershome.periodic import for_each_union

from .services import activities_close_and_mark_held


@shared_task(acks_late=True)
def activities_mark_held() -> int:
    """Count the sign-ups of started activities and mark ended ones held, in this union's schema."""
    return activities_close_and_mark_held()


@shared_task
def activities_mark_held_all() -> int:
    """Periodic: queue ``activities_mark_held`` in every active union."""
    return for_each_union(activities_mark_held)
