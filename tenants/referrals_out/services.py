"""Referring a case to the union's street service station, and keeping the union's record in
step with the station's.

Sending records the worker's consent to share (``tenants.privacy``), keeps only the items the
sender chose, and emits ``referral.sent`` (counted facts only: kind, difficulty); the outbox
delivery hands the chosen items to the station (``delivery``). The station's changes come back
through ``referral_sync``, run by a task in this union's schema.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stations.models import Difficulty, ReferralStatus
from stations.selectors import referral_for_union, station_for_union
from tenants.events.services import event_emit
from tenants.mediation.access import handles_mediation
from tenants.mediation.models import MediationCase
from tenants.privacy.models import Consent, ConsentScope
from tenants.privacy.services import consent_record
from tenants.registry.models import Union
from workershome.errors import Conflict, ServiceError
from workershome.tenancy import current_schema

from .models import OutgoingReferral, SharedItem

CONSENT_PURPOSE = "向街道工会服务站转介案件，并共享所选信息"


@transaction.atomic
def referral_send(
    *,
    mediation: MediationCase,
    shared: list[str],
    difficulty: str,
    consent_given: bool,
    consent_method: str = Consent.Method.WRITTEN,
    note: str = "",
    by,
) -> OutgoingReferral:
    """Refer a failed mediation case to the station of the union's street, sharing only the
    chosen items, once the worker's consent is recorded."""
    if not handles_mediation(by):
        raise ServiceError(
            "referral_forbidden", _("Only mediators and the chairman can refer a case."), status=404
        )
    mediation = MediationCase.objects.select_for_update().get(pk=mediation.pk)
    if not (
        mediation.outcome == MediationCase.Outcome.FAILED
        and mediation.referral_target == MediationCase.ReferralTarget.SERVICE_STATION
    ):
        raise Conflict(
            "referral_not_failed",
            _("Only a failed mediation referred to the street service station can be sent there."),
        )
    if OutgoingReferral.objects.filter(mediation=mediation).exists():
        raise Conflict("referral_sent", _("This case has already been sent to the service station."))
    station = station_for_union(Union.objects.get(schema_name=current_schema()))
    if station is None:
        raise ServiceError(
            "referral_no_station",
            _("The federation has not registered a service station on this union's street yet."),
        )
    if difficulty not in Difficulty.values:
        raise ServiceError("referral_difficulty", _("Choose how difficult the case is."), field="difficulty")
    chosen = [item for item in SharedItem.values if item in set(shared or [])]
    if len(chosen) != len(set(shared or [])):
        raise ServiceError("referral_shared", _("Choose what to share from the list."), field="shared")
    if not consent_given:
        raise ServiceError(
            "consent_required",
            _("Record the worker's consent to share this with the service station first."),
            field="consent_given",
        )
    note = str(note or "").strip()
    if len(note) > 2000:
        raise ServiceError(
            "referral_note", _("The note is too long (at most 2000 characters)."), field="note"
        )
    consent = consent_record(
        worker=mediation.worker,
        scope=ConsentScope.MEDIATION,
        purpose=CONSENT_PURPOSE,
        method=consent_method,
        by=by,
    )
    referral = OutgoingReferral.objects.create(
        mediation=mediation, consent=consent, shared=chosen, difficulty=difficulty, note=note,
        station_name=station.name, sent_at=timezone.now(), sent_by=by,
    )  # fmt: skip
    event_emit(
        name="referral.sent",
        payload={"referral": str(referral.uuid), "case_kind": "mediation", "target": "station",
                 "difficulty": difficulty, "claim_kind": mediation.claim_kind},
    )  # fmt: skip
    return referral


@transaction.atomic
def referral_sync(*, referral_uuid: str) -> str | None:
    """In the union's schema: copy the station's status and note onto the union's record.
    Idempotent; returns the status copied, or None when nothing changed."""
    row: dict[str, Any] | None = referral_for_union(referral_uuid=referral_uuid)
    if row is None:
        return None
    referral = OutgoingReferral.objects.select_for_update().filter(uuid=referral_uuid).first()
    if referral is None or (referral.status == row["status"] and referral.status_note == row["status_note"]):
        return None
    referral.status, referral.status_note = row["status"], row["status_note"]
    referral.status_changed_at, referral.station_name = row["changed_at"], row["station__name"]
    referral.save(update_fields=["status", "status_note", "status_changed_at", "station_name"])
    return referral.status


@transaction.atomic
def referral_rate(*, referral: OutgoingReferral, rating: int, by) -> OutgoingReferral:
    """Record the worker's rating (1–5) of a referral the station closed; it goes to the station
    through the outbox (``referral.rated``, a number only)."""
    if not handles_mediation(by):
        raise ServiceError(
            "referral_forbidden", _("Only mediators and the chairman can refer a case."), status=404
        )
    referral = OutgoingReferral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != ReferralStatus.CLOSED:
        raise Conflict(
            "referral_not_closed", _("The worker rates the referral once the station has closed it.")
        )
    try:
        value = int(rating)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise ServiceError("referral_rating", _("A rating is from 1 to 5."), field="rating")
    referral.rating = value
    referral.save(update_fields=["rating"])
    event_emit(name="referral.rated", payload={"referral": str(referral.uuid), "rating": value})
    return referral
