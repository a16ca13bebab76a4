"""Reads of referrals: the list (filtered by kind and outcome), follow-ups due, counts."""

from __future__ import annotations

import datetime

from django.db.models import Count, QuerySet
from django.utils import timezone

from .models import Referral


def referrals_listed(*, kind: str = "", outcome: str = "") -> QuerySet[Referral]:
    referrals = Referral.objects.select_related("member", "course", "referred_by")
    if kind in Referral.Kind.values:
        referrals = referrals.filter(kind=kind)
    if outcome in Referral.Outcome.values:
        referrals = referrals.filter(outcome=outcome)
    return referrals.order_by("-referred_on", "-pk")


def follow_ups_due(*, on: datetime.date | None = None) -> QuerySet[Referral]:
    """Pending referrals whose next follow-up is today or earlier."""
    return referrals_listed(outcome=Referral.Outcome.PENDING).filter(
        next_follow_up_on__lte=on or timezone.localdate()
    )


def referral_counts() -> dict[tuple[str, str], int]:
    return {
        (row["kind"], row["outcome"]): row["n"]
        for row in Referral.objects.values("kind", "outcome").annotate(n=Count("pk"))
    }
