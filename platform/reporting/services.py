"""Receiving the unions' information reports, and federation staff marking them read."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from tenants.registry.models import Union
from workershome.errors import ServiceError
from workershome.shards import shared_atomic
from workershome.tenancy import on_portal

from .models import ReceivedReport
from .selectors import received_reports_visible_to

REQUIRED = ("report", "title", "category", "content", "written_on")


@shared_atomic(savepoint=False)
def received_report_receive(
    *, union_schema: str, event_id: uuid.UUID | str, occurred_at: datetime.datetime, payload: dict[str, Any]
) -> tuple[ReceivedReport, bool]:
    """Store a union's report for the federation, once per event id; returns (row, created).

    Runs inside the union's outbox delivery transaction (the union's search path reaches these
    public tables). A payload that breaks the ``report.sent`` contract raises ``ValueError``:
    a programming error; the event stays undelivered until it is fixed.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("received_report_receive must run inside the delivery's transaction")
    existing = ReceivedReport.objects.filter(event_id=event_id).first()
    if existing is not None:
        return existing, False
    missing = [key for key in REQUIRED if not payload.get(key)]
    written_on = parse_date(str(payload.get("written_on") or ""))
    if missing or written_on is None:
        raise ValueError(f"report.sent payload without {missing or ['written_on']}: {sorted(payload)}")
    union = Union.objects.get(schema_name=union_schema)
    sent_at = parse_datetime(str(payload.get("sent_at") or "")) or occurred_at
    report = ReceivedReport.objects.create(
        event_id=event_id,
        report_uuid=payload["report"],
        union=union,
        # Where the registry places the union now: the federation's own record.
        district_id=union.district_id,
        title=str(payload["title"])[:200],
        category=str(payload["category"])[:20],
        category_label=str(payload.get("category_label", ""))[:50],
        content=str(payload["content"]),
        written_on=written_on,
        sent_at=sent_at,
    )
    return report, True


@shared_atomic
def received_report_mark_read(*, report: ReceivedReport, by) -> ReceivedReport:
    """已阅: a federation administrator who oversees the report's union marks it read (once)."""
    if not on_portal() or not received_reports_visible_to(by).filter(pk=report.pk).exists():
        raise ServiceError(
            "report_forbidden", _("Only the administrators of this union's district or of the city can read it."),
            status=404,
        )  # fmt: skip
    report = ReceivedReport.objects.select_for_update().get(pk=report.pk)
    if report.read_at is None:
        report.read_at = timezone.now()
        report.read_by = by
        report.save(update_fields=["read_at", "read_by"])
    return report
