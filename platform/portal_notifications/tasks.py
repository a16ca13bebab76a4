from __future__ import annotations

from celery import shared_task


@shared_task(name="portal_notifications.tasks.portal_notifications_purge", acks_late=True)
def portal_notifications_purge_task() -> int:
    """Beat, daily, on the public schema: delete read portal notifications past retention."""
    from .services import portal_notifications_purge

    return portal_notifications_purge()
