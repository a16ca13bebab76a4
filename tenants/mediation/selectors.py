"""Reads of dispute mediation: the statutory limit's state, lists, the worker's own records."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.privacy.registry import SensitiveRecord

from .access import cases_visible_to, consultations_visible_to
from .models import Consultation, MediationCase

# A case whose end day is this close is "due": the mediator is reminded.
DUE_WITHIN_DAYS = 3


def today() -> datetime.date:
    return timezone.localdate(timezone.now())


@dataclass(frozen=True)
class LimitState:
    """Where a case stands against its end day: ``ok``, ``due`` (within three days), ``overdue``,
    ``closed`` or ``not_accepted``; ``days_left`` is negative once overdue."""

    code: str
    label: str
    days_left: int | None


_LABELS = {
    "ok": _("In time"),
    "due": _("Ends soon"),
    "overdue": _("Past the limit"),
    "closed": _("Closed"),
    "not_accepted": _("Not accepted yet"),
}


def limit_state(mediation: MediationCase, *, day: datetime.date | None = None) -> LimitState:
    day = day or today()
    if mediation.status == MediationCase.Status.CLOSED:
        code, left = "closed", None
    elif mediation.ends_on is None:
        code, left = "not_accepted", None
    else:
        left = (mediation.ends_on - day).days
        code = "overdue" if left < 0 else "due" if left <= DUE_WITHIN_DAYS else "ok"
    return LimitState(code=code, label=str(_LABELS[code]), days_left=left)


def cases_for(user, *, state: str = "") -> QuerySet[MediationCase]:
    """The cases ``user`` may read, newest first; ``state`` ``open`` or ``overdue`` narrows them."""
    cases = cases_visible_to(user).select_related("case", "worker", "mediator")
    if state == "open":
        cases = cases.exclude(status=MediationCase.Status.CLOSED)
    elif state == "overdue":
        cases = cases.filter(status=MediationCase.Status.ACCEPTED, ends_on__lt=today())
    return cases.order_by("-applied_at", "-pk")


def consultations_for(user, *, waiting_only: bool = False) -> QuerySet[Consultation]:
    consultations = consultations_visible_to(user).select_related("worker", "answered_by")
    if waiting_only:
        consultations = consultations.filter(status=Consultation.Status.WAITING)
    return consultations.order_by("-asked_at", "-pk")


def consultations_of_worker(*, worker) -> QuerySet[Consultation]:
    return Consultation.objects.filter(worker=worker).order_by("-asked_at", "-pk")


def cases_of_worker(*, worker) -> QuerySet[MediationCase]:
    return MediationCase.objects.filter(worker=worker).select_related("case").order_by("-applied_at", "-pk")


def sensitive_records_for_worker(*, worker) -> list[SensitiveRecord]:
    """The worker's consultations and mediation cases, for their privacy page: existence only."""
    from tenants.users.roles import ROLE_LABELS

    records = [
        SensitiveRecord(
            kind=_("Legal consultation"),
            reference=item.reference,
            opened_at=item.asked_at,
            opened_by_role=ROLE_LABELS["member"] if item.channel == "online" else ROLE_LABELS["mediator"],
            status=item.get_status_display(),
        )
        for item in consultations_of_worker(worker=worker)
    ]
    records += [
        SensitiveRecord(
            kind=_("Mediation case"),
            reference=item.reference,
            opened_at=item.applied_at,
            opened_by_role=ROLE_LABELS["mediator"],
            status=item.get_status_display(),
        )
        for item in cases_of_worker(worker=worker)
    ]
    return records
