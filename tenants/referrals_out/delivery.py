"""Delivering a referral to its receiver's public record (registered in ``apps``). The outbox
payload carries counted facts only (kinds, difficulty); the rows the sender chose to share are
read from the union's own tables here, inside the delivery's transaction in the union's
schema, and only those reach the receiver."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import translation
from django.utils.translation import gettext as _

from stations.services import referral_rating_receive, referral_receive
from tenants.events.models import OutboxEvent
from tenants.mediation.models import MediationCase
from workershome.tenancy import current_schema

from .models import OutgoingReferral, SharedItem


def shared_rows(referral: OutgoingReferral) -> list[dict[str, str]]:
    """The label/value rows the receiver gets: the kind of case (with the kind of dispute for a
    mediation case), and the chosen items, in the list's order."""
    case = referral.case
    mediation = MediationCase.objects.filter(case=case).select_related("worker").first()
    kind = str(case.get_kind_display())
    if mediation is not None:
        kind = f"{kind}：{mediation.get_claim_kind_display()}"  # the kind of dispute goes with it
    rows = [{"label": _("Kind of case"), "value": kind}]
    worker = mediation.worker if mediation is not None else case.requester
    values: dict[str, Callable[[], str]] = {
        SharedItem.WORKER_NAME: lambda: (
            (worker.get_full_name() or worker.username) if worker is not None else case.requester_name
        ),
        SharedItem.CONTACT: lambda: case.requester_contact or (worker.username if worker is not None else ""),
        SharedItem.SUBJECT: lambda: case.title,
        SharedItem.DETAILS: lambda: case.description,
    }
    if mediation is not None:
        values.update({
            SharedItem.RESPONDENT: lambda: f"{mediation.respondent_name}（{mediation.get_respondent_kind_display()}）",
            SharedItem.CLAIM: lambda: mediation.claim,
            SharedItem.AMOUNT: lambda: f"{mediation.amount_claimed} 元",
            SharedItem.MEDIATION_NOTE: lambda: mediation.closing_note,
        })  # fmt: skip
    for item in SharedItem.values:
        if item in referral.shared and item in values:
            rows.append({"label": str(SharedItem(item).label), "value": str(values[SharedItem(item)]())})
    if referral.note:
        rows.append({"label": _("Note from the union"), "value": referral.note})
    return rows


def referral_sent_deliver(event: OutboxEvent) -> None:
    referral = OutgoingReferral.objects.select_related("case", "previous").get(uuid=event.payload["referral"])
    with translation.override("zh-hans"):
        rows = shared_rows(referral)
    referral_receive(
        union_schema=current_schema(), event_id=event.pk, referral_uuid=referral.uuid,
        reference=referral.case.reference, case_kind=referral.case.kind, difficulty=referral.difficulty,
        shared=rows, sent_at=referral.sent_at, receiver_kind=referral.receiver_kind,
        receiver_union_schema=referral.receiver_union_schema,
        previous_uuid=referral.previous.uuid if referral.previous else None,
    )  # fmt: skip


def referral_rated_deliver(event: OutboxEvent) -> None:
    referral_rating_receive(referral_uuid=event.payload["referral"], rating=event.payload["rating"])
