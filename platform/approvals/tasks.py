from __future__ import annotations

from celery import shared_task


@shared_task(
    name="approvals.tasks.approval_arrival_tell", acks_late=True, autoretry_for=(OSError,), retry_backoff=True,
    max_retries=5,
)  # fmt: skip
def approval_arrival_tell_task(*, approval_id: int) -> int:
    """On the public schema: tell the district's (or the city's) administrators in their portal
    notifications that a union's request for approval arrived; once per request."""
    from django_tenants.utils import get_public_schema_name, schema_context

    from .services import approval_arrival_tell

    with schema_context(get_public_schema_name()):
        return approval_arrival_tell(approval_id=approval_id)
