"""Reads on collective-incident warnings, with the federation's delivery and acknowledgement."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tenants.cases.kinds import CaseKind
from tenants.cases.roles import is_staff_for
from workershome.tenancy import on_portal

from .models import IncidentWarning


def may_handle_warnings(user) -> bool:
    """The union's chairman and officers (the warning kind's staff), on the union's own site."""
    return bool(
        not on_portal()
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and is_staff_for(user, CaseKind.WARNING)
    )


def incident_warnings_visible_to(user) -> QuerySet[IncidentWarning]:
    warnings = IncidentWarning.objects.select_related("case", "reported_by")
    return warnings if may_handle_warnings(user) else warnings.none()


@dataclass(frozen=True)
class DeliveryState:
    """Where a warning stands with the federation: what the union's staff see."""

    code: str  # pending | delivered | escalated | acknowledged
    label: str | Promise
    district: str = ""
    resend_count: int = 0
    acknowledged_at: object = None
    delivered_at: object = None
    escalated_at: object = None

    @property
    def settled(self) -> bool:
        return self.code == "acknowledged"


STATE_LABELS = {
    "pending": _("Sending"),
    "delivered": _("Delivered, awaiting acknowledgement"),
    "escalated": _("Not acknowledged, escalated to the city"),
    "acknowledged": _("Acknowledged by the district"),
}


def delivery_states(warnings: Iterable[IncidentWarning]) -> dict[int, DeliveryState]:
    """The live state of each warning, from the federation's inbox rows (one query by event id;
    the union schema's search path reaches the public table), falling back to the mirrored
    fields for a warning not delivered yet."""
    from federation.models import InboxWarning

    warnings = list(warnings)
    rows = {
        row["event_id"]: row
        for row in InboxWarning.objects.filter(event_id__in=[w.event_id for w in warnings]).values(
            "event_id", "received_at", "acknowledged_at", "escalated_at", "resend_count", "district__name"
        )
    }
    states: dict[int, DeliveryState] = {}
    for warning in warnings:
        row = rows.get(warning.event_id)
        delivered = row["received_at"] if row else warning.delivered_at
        acknowledged = row["acknowledged_at"] if row else warning.acknowledged_at
        escalated = row["escalated_at"] if row else warning.escalated_at
        if acknowledged:
            code = "acknowledged"
        elif escalated:
            code = "escalated"
        elif delivered:
            code = "delivered"
        else:
            code = "pending"
        states[warning.pk] = DeliveryState(
            code=code,
            label=STATE_LABELS[code],
            district=(row["district__name"] or "") if row else "",
            resend_count=row["resend_count"] if row else 0,
            acknowledged_at=acknowledged,
            delivered_at=delivered,
            escalated_at=escalated,
        )
    return states


def delivery_state(warning: IncidentWarning) -> DeliveryState:
    return delivery_states([warning])[warning.pk]
