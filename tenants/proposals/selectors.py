"""Reads of the proposal campaign: the current campaign, who sees which proposals, the scores
and the published results."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.utils import timezone

from tenants.cases.kinds import CaseKind
from tenants.cases.procedures import machine_for
from tenants.cases.roles import is_staff_for

from .models import AwardLevel, Proposal, ProposalCampaign, ProposalScore, ScoringCriterion

_clock: ContextVar[datetime.date | None] = ContextVar("proposals_clock", default=None)
CENT = Decimal("0.01")

# Roles whose holders may sit on an evaluation panel: the union's staff.
PANEL_ROLES = frozenset({"chairman", "officer", "mediator", "counsellor", "librarian", "editor"})


def today() -> datetime.date:
    """The union's date (Asia/Shanghai) that the campaign's dates are compared with."""
    return _clock.get() or timezone.localdate()


@contextlib.contextmanager
def clock_at(day: datetime.date) -> Iterator[None]:
    """Run the campaign's date rules as on ``day``: for tests and for the demo's story."""
    token = _clock.set(day)
    try:
        yield
    finally:
        _clock.reset(token)


def is_proposal_staff(user) -> bool:
    """The union's staff who handle proposals (the kind's staff roles and the chairman)."""
    return is_staff_for(user, CaseKind.PROPOSAL)


def is_panelist(user, campaign: ProposalCampaign) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return campaign.panel.filter(pk=user.pk).exists()


def is_member(user) -> bool:
    """Whether ``user`` belongs to this union (any union role; staff are members too; a worker
    of another union signed in for an open activity, role ``visitor``, is not)."""
    from tenants.users.roles import is_member as union_member

    return union_member(user)


def campaigns() -> QuerySet[ProposalCampaign]:
    return ProposalCampaign.objects.prefetch_related(
        Prefetch("criteria", queryset=ScoringCriterion.objects.order_by("sort_order", "pk")),
        Prefetch("award_levels", queryset=AwardLevel.objects.order_by("sort_order", "pk")),
    )


def campaign_current() -> ProposalCampaign | None:
    """The campaign the site shows: the one open for proposals, else the next to open, else the
    latest."""
    day = today()
    found = campaigns().filter(submission_opens__lte=day, submission_closes__gte=day).first()
    if found is None:
        found = campaigns().filter(submission_opens__gt=day).order_by("submission_opens").first()
    return found or campaigns().order_by("-year").first()


def campaigns_with_results() -> QuerySet[ProposalCampaign]:
    return ProposalCampaign.objects.filter(results_published_at__isnull=False).order_by("-year")


def proposals_visible_to(user) -> QuerySet[Proposal]:
    """Staff who handle proposals see them all; anyone else the ones they proposed or joined."""
    qs = Proposal.objects.select_related("case", "campaign", "proposer", "award_level")
    if user is None or not user.is_authenticated:
        return qs.none()
    if is_proposal_staff(user):
        return qs
    return qs.filter(Q(proposer=user) | Q(co_proposers=user)).distinct()


def proposals_of(user) -> QuerySet[Proposal]:
    """The proposals ``user`` made or joined as a co-proposer (what "my proposals" lists)."""
    if user is None or not user.is_authenticated:
        return Proposal.objects.none()
    own = Proposal.objects.filter(Q(proposer=user) | Q(co_proposers=user)).values("pk")
    return (
        Proposal.objects.filter(pk__in=own)
        .select_related("case", "case__procedure", "campaign", "proposer", "award_level")
        .order_by("-campaign__year", "-submitted_at", "-pk")
    )


def proposals_to_score(user) -> QuerySet[Proposal]:
    """Proposals at the evaluation step in the campaigns ``user`` is a panelist of."""
    if user is None or not user.is_authenticated:
        return Proposal.objects.none()
    return Proposal.objects.select_related("case", "campaign").filter(
        campaign__panel=user, case__step="evaluation", case__status="open"
    )


def proposals_for_admin(user) -> QuerySet[Proposal]:
    """What the admin's proposal list shows ``user``: everything for proposal staff, otherwise
    the proposals of their panels (from the evaluation step on), with the average score."""
    if is_proposal_staff(user):
        qs = Proposal.objects.all()
    else:
        qs = Proposal.objects.filter(campaign__panel=user).exclude(case__step__in=("received", "screening"))
        qs = qs.exclude(decision=Proposal.Decision.NOT_ELIGIBLE)
    return qs.select_related("case", "case__procedure", "campaign", "proposer", "award_level").annotate(
        average_score=Avg("scores__total"), score_count=Count("scores", distinct=True)
    )


def step_label(proposal: Proposal) -> str:
    """The label of the step the proposal's case is at, from its published procedure."""
    case = proposal.case
    try:
        return machine_for(case.procedure).step(case.step).label
    except KeyError:
        return case.step


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def weighted_total(values: dict[str, int], criteria: list[ScoringCriterion]) -> Decimal:
    """Σ value × weight / 100, on the campaign's scale."""
    total = sum((Decimal(values[str(c.pk)]) * c.weight for c in criteria), Decimal(0))
    return _quantize(total / 100)


@dataclass
class ScoreSummary:
    """What the chairman sees before deciding: each criterion's average and the weighted
    average of the panel's scores."""

    criteria: list[tuple[ScoringCriterion, Decimal | None]]
    average: Decimal | None
    count: int
    panel_size: int
    scores: list[ProposalScore] = field(default_factory=list)


def score_summary(proposal: Proposal) -> ScoreSummary:
    campaign = proposal.campaign
    criteria = list(campaign.criteria.order_by("sort_order", "pk"))
    scores = list(proposal.scores.select_related("panelist"))
    per_criterion: list[tuple[ScoringCriterion, Decimal | None]] = []
    for criterion in criteria:
        found = [Decimal(s.values[str(criterion.pk)]) for s in scores if str(criterion.pk) in s.values]
        per_criterion.append((criterion, _quantize(sum(found, Decimal(0)) / len(found)) if found else None))
    average = _quantize(sum((s.total for s in scores), Decimal(0)) / len(scores)) if scores else None
    return ScoreSummary(
        criteria=per_criterion,
        average=average,
        count=len(scores),
        panel_size=campaign.panel.count(),
        scores=scores,
    )


def score_of(proposal: Proposal, panelist) -> ProposalScore | None:
    return proposal.scores.filter(panelist=panelist).first()


@dataclass
class ResultRow:
    proposal: Proposal
    names: list[str] | None  # None: the proposer asked not to be named
    award: str
    award_amount: Decimal | None
    benefit: Decimal | None
    average: Decimal | None


@dataclass
class CampaignResults:
    campaign: ProposalCampaign
    received: int
    adopted: int
    total_benefit: Decimal
    total_awards: Decimal
    rows: list[ResultRow]


def campaign_results(campaign: ProposalCampaign) -> CampaignResults:
    """The published results: the adopted proposals with their awards, benefits and, where the
    proposer consented, the proposers' names (published names need the consent given on
    submission; nobody else's data is shown)."""
    adopted = list(
        campaign.proposals.filter(decision=Proposal.Decision.ADOPTED)
        .select_related("proposer", "award_level")
        .prefetch_related("co_proposers")
        .annotate(average_score=Avg("scores__total"))
        .order_by("award_level__sort_order", "-estimated_annual_benefit", "pk")
    )
    # Awarded first, in the order of the award levels; then those still being implemented.
    adopted.sort(key=lambda p: (p.award_level is None, p.award_level.sort_order if p.award_level else 0))
    rows = []
    for proposal in adopted:
        names = None
        if proposal.publish_name:
            people = [proposal.proposer, *proposal.co_proposers.all()]
            names = [person.get_full_name() for person in people if person is not None]
        rows.append(
            ResultRow(
                proposal=proposal,
                names=names,
                award=proposal.award_level.name if proposal.award_level else "",
                award_amount=proposal.award_amount,
                benefit=proposal.estimated_annual_benefit,
                average=_quantize(Decimal(proposal.average_score))
                if proposal.average_score is not None
                else None,
            )
        )
    return CampaignResults(
        campaign=campaign,
        received=campaign.proposals.count(),
        adopted=len(rows),
        total_benefit=sum((row.benefit or Decimal(0) for row in rows), Decimal(0)),
        total_awards=sum((row.award_amount or Decimal(0) for row in rows), Decimal(0)),
        rows=rows,
    )
