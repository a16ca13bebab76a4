"""Delivering ``warning.raised`` to the federation's warnings inbox (registered in ``apps``)."""

from __future__ import annotations

from federation.inbox import inbox_warning_receive
from tenants.events.models import OutboxEvent
from workershome.tenancy import current_schema

from .models import IncidentWarning


def warning_raised_deliver(event: OutboxEvent) -> None:
    """Put the warning in the district federation's inbox and note it delivered, inside the
    outbox delivery's transaction (idempotent on the event id)."""
    inbox, _created = inbox_warning_receive(
        union_schema=current_schema(), event_id=event.pk, occurred_at=event.occurred_at, payload=event.payload
    )
    IncidentWarning.objects.filter(event_id=event.pk, delivered_at__isnull=True).update(
        delivered_at=inbox.received_at
    )
