from __future__ import annotations

from celery import shared_task

from workershome.periodic import for_each_union

from .models import Motion
from .services import congress_due_check, motion_deadline_check


@shared_task(acks_late=True)
def congress_check() -> int:
    """Reply reminders and overdue replies of accepted motions, and the yearly session check
    (each reported once). Runs in a union's schema."""
    done = sum(
        1
        for motion in Motion.objects.filter(status=Motion.Status.ACCEPTED).only("pk")
        if motion_deadline_check(motion=motion)
    )
    return done + (1 if congress_due_check() else 0)


@shared_task
def congress_check_all() -> int:
    """Periodic: queue ``congress_check`` in every active union."""
    return for_each_union(congress_check)
