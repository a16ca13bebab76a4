"""Reads on membership: the requests an officer reviews."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from .models import Member, MembershipRequest, MemberTransfer


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


def joining_details(*, request) -> dict:
    """What an officer hands to workers: the union's invite code, the join link, pending requests."""
    from workershome.tenancy import current_tenant

    union = current_tenant()
    link = request.build_absolute_uri(f"/accounts/register/?code={union.invite_code}")
    return {
        "union": union,
        "invite_code": union.invite_code,
        "join_link": link,
        "open_registration": union.registration == union.Registration.OPEN,
        "pending": MembershipRequest.objects.filter(status=MembershipRequest.Status.PENDING).count(),
    }


def members_list() -> QuerySet[Member]:
    """The roster, in this union's schema only."""
    return Member.objects.all()


def member_by_mobile(mobile: str) -> Member | None:
    from accounts.validators import normalize_mobile

    return Member.objects.filter(mobile=normalize_mobile(mobile)).first()


def transfers_incoming() -> QuerySet[MemberTransfer]:
    """Requests addressed to this union, those waiting first."""
    return (
        MemberTransfer.objects.filter(direction=MemberTransfer.Direction.INCOMING)
        .select_related("peer_union", "member")
        .order_by(Case(When(status="pending", then=Value(0)), default=Value(1)), "-requested_at")
    )


def transfers_outgoing() -> QuerySet[MemberTransfer]:
    """Requests this union sent, those waiting first."""
    return (
        MemberTransfer.objects.filter(direction=MemberTransfer.Direction.OUTGOING)
        .select_related("peer_union", "member")
        .order_by(Case(When(status="pending", then=Value(0)), default=Value(1)), "-requested_at")
    )


def roster_counts() -> dict[str, int]:
    from django.db.models import Count

    counts = dict(Member.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return {status: counts.get(status, 0) for status in Member.Status.values}
