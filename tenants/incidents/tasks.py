from __future__ import annotations

from celery import shared_task

from .services import incident_warning_mirror


@shared_task(
    name="tenants.incidents.tasks.incident_warning_mirror",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def incident_warning_mirror_task(*, event_id: str) -> bool:
    """In the union's schema: copy the federation's acknowledgement or escalation of a warning
    onto the union's record (sent by name from the federation's inbox)."""
    return incident_warning_mirror(event_id=event_id) is not None
