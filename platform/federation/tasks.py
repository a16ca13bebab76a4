"""Federation tasks on the public schema: the warnings inbox's notices and re-sends."""

from __future__ import annotations

from celery import shared_task
from django_tenants.utils import get_public_schema_name, schema_context

from .inbox import inbox_warning_notify_send, inbox_warnings_resend_due


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def inbox_warning_notify(*, warning_id: int, kind: str) -> int:
    """Send one warning notice (first, re-send or escalation) by SMS and email to portal staff."""
    with schema_context(get_public_schema_name()):
        return inbox_warning_notify_send(warning_id=warning_id, kind=kind)


@shared_task(acks_late=True)
def inbox_warnings_resend() -> int:
    """Periodic (every minute): re-send unacknowledged warnings that are due, escalating to the
    city after the allowed re-sends. Reads the data each time: no one-off schedules to lose."""
    with schema_context(get_public_schema_name()):
        return inbox_warnings_resend_due()
