"""Reads of the elections: plans for the admin, the ballots a member can vote in, the published
ballots (only once the ballot has closed), a receipt's ballot and the recount."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import QuerySet

from .models import Ballot, Candidate, ElectionPlan, Seat
from .services import receipt_hash, voter_for

COUNTED = (
    ElectionPlan.Status.COUNTED,
    ElectionPlan.Status.RESULT_SUBMITTED,
    ElectionPlan.Status.RESULT_RETURNED,
    ElectionPlan.Status.RESULT_APPROVED,
)


def plans_list() -> QuerySet[ElectionPlan]:
    return ElectionPlan.objects.select_related("committee").prefetch_related("seats")


def plan_by_uuid(value) -> ElectionPlan | None:
    try:
        return ElectionPlan.objects.select_related("committee").filter(uuid=value).first()
    except Exception:  # a malformed uuid is simply not found
        return None


def elections_for(user) -> list[tuple[ElectionPlan, bool]]:
    """The online elections whose roll ``user`` is on, newest first, with whether they voted."""
    plans = (
        ElectionPlan.objects.filter(method=ElectionPlan.Method.ONLINE)
        .exclude(
            status__in=[
                ElectionPlan.Status.DRAFT,
                ElectionPlan.Status.SUBMITTED,
                ElectionPlan.Status.RETURNED,
            ]
        )
        .select_related("committee")
    )
    found = []
    for plan in plans:
        voter = voter_for(plan, user)
        if voter is not None:
            found.append((plan, voter.has_voted))
    return found


def is_counted(plan: ElectionPlan) -> bool:
    return plan.status in COUNTED


def ballots_published(plan: ElectionPlan) -> list[Ballot]:
    """Every ballot of a closed online election, in receipt-hash order; nothing before the close."""
    if plan.method != ElectionPlan.Method.ONLINE or not is_counted(plan):
        return []
    return list(Ballot.objects.filter(plan=plan).order_by("receipt_hash"))


def receipt_lookup(plan: ElectionPlan, code: str) -> Ballot | None:
    """The ballot whose receipt code is ``code`` (spaces, dashes and case ignored), once closed."""
    if plan.method != ElectionPlan.Method.ONLINE or not is_counted(plan):
        return None
    return Ballot.objects.filter(plan=plan, receipt_hash=receipt_hash(code)).first()


def tally_recount(ballots: Iterable[Ballot]) -> dict[int, int]:
    """Votes per candidate id, counted from the ballots themselves."""
    counts: dict[int, int] = defaultdict(int)
    for ballot in ballots:
        for choice in ballot.choices:
            counts[choice] += 1
    return dict(counts)


def candidates_by_seat(plan: ElectionPlan) -> list[tuple[Seat, list[Candidate]]]:
    """The plan's seats, each with its candidates in ballot order."""
    candidates = list(plan.candidates.select_related("member").order_by("order", "pk"))
    return [(seat, [c for c in candidates if c.role == seat.role]) for seat in plan.seats.all()]
