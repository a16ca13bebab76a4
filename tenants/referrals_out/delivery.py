"""Delivering a referral to the station (registered in ``apps``). The outbox payload carries
counted facts only (kind, difficulty); the rows the sender chose to share are read from the
union's own tables here, inside the delivery's transaction in the union's schema, and only
those reach the station."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from stations.services import referral_rating_receive, referral_receive
from tenants.events.models import OutboxEvent
from workershome.tenancy import current_schema

from .models import OutgoingReferral, SharedItem


def shared_rows(referral: OutgoingReferral) -> list[dict[str, str]]:
    """The label/value rows the station receives: the kind of dispute, and the chosen items."""
    mediation = referral.mediation
    rows = [{"label": _("Kind of dispute"), "value": str(mediation.get_claim_kind_display())}]
    values = {
        SharedItem.WORKER_NAME: lambda: mediation.worker.get_full_name() or mediation.worker.username,
        SharedItem.RESPONDENT: lambda: (
            f"{mediation.respondent_name}（{mediation.get_respondent_kind_display()}）"
        ),
        SharedItem.CLAIM: lambda: mediation.claim,
        SharedItem.AMOUNT: lambda: f"{mediation.amount_claimed} 元",
        SharedItem.MEDIATION_NOTE: lambda: mediation.closing_note,
    }
    for item in SharedItem.values:
        if item in referral.shared:
            rows.append({"label": str(SharedItem(item).label), "value": str(values[SharedItem(item)]())})
    if referral.note:
        rows.append({"label": _("Note from the union"), "value": referral.note})
    return rows


def referral_sent_deliver(event: OutboxEvent) -> None:
    referral = OutgoingReferral.objects.select_related("mediation__case", "mediation__worker").get(
        uuid=event.payload["referral"]
    )
    with translation.override("zh-hans"):
        rows = shared_rows(referral)
    referral_receive(
        union_schema=current_schema(), event_id=event.pk, referral_uuid=referral.uuid,
        reference=referral.mediation.reference, case_kind="mediation", difficulty=referral.difficulty,
        shared=rows, sent_at=referral.sent_at,
    )  # fmt: skip


def referral_rated_deliver(event: OutboxEvent) -> None:
    referral_rating_receive(referral_uuid=event.payload["referral"], rating=event.payload["rating"])
