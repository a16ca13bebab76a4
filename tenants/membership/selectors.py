"""Reads on membership: the requests an officer reviews."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from .models import MembershipRequest


def membership_requests_for_review() -> QuerySet[MembershipRequest]:
    """This union's requests, annotated with ``pending_last`` (0 for pending, 1 once decided)
    so that a listing can put the requests still waiting for an officer first."""
    return MembershipRequest.objects.annotate(
        pending_last=Case(
            When(status=MembershipRequest.Status.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )
