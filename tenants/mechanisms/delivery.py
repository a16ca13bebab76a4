"""Delivering ``report.sent`` to the federation's received reports (registered in ``apps``)."""

from __future__ import annotations

from reporting.services import received_report_receive
from tenants.events.models import OutboxEvent
from workershome.tenancy import current_schema

from .models import InfoReport


def report_sent_deliver(event: OutboxEvent) -> None:
    """Put the report among the federation's received reports, inside the outbox delivery's
    transaction (idempotent on the event id)."""
    received, _created = received_report_receive(
        union_schema=current_schema(), event_id=event.pk, occurred_at=event.occurred_at, payload=event.payload
    )
    InfoReport.objects.filter(event_id=event.pk, delivered_at__isnull=True).update(
        delivered_at=received.received_at
    )
