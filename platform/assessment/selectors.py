"""Reads of the assessment, scoped by the reader's federation roles (or the reader's union)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from federation.assessment import FAMILIES, Criterion, checklist
from federation.models import FederationRole
from federation.roles import federation_roles, has_federation_role
from tenants.registry.models import Union

from .models import AssessmentRound, CriterionScore, Scorecard


def scorecards_scope(user) -> Q:
    """The scorecards a portal user may see: the city's administrators all, a district's
    administrators their district's unions, station staff their street's. Nothing otherwise."""
    allowed = Q(pk__in=[])
    for role in federation_roles(user):
        if role.kind == FederationRole.Kind.CITY_ADMIN:
            return Q()
        if role.kind == FederationRole.Kind.DISTRICT_ADMIN and role.district_id:
            allowed |= Q(union__district_id=role.district_id)
        elif role.kind == FederationRole.Kind.STATION_STAFF and role.street_id:
            allowed |= Q(union__street_id=role.street_id)
    return allowed


def scorecards_visible(*, user, assessment_round: AssessmentRound) -> QuerySet[Scorecard]:
    return (
        Scorecard.objects.filter(assessment_round=assessment_round)
        .filter(scorecards_scope(user))
        .select_related("union", "union__district", "union__street")
        .order_by("-percent", "union__name")
    )


def may_review(user, union: Union) -> bool:
    """Only an administrator of the union's own district reviews (overrides, site visits)."""
    return bool(union.district_id) and has_federation_role(
        user, FederationRole.Kind.DISTRICT_ADMIN, district_id=union.district_id
    )


def scores_of(scorecard: Scorecard) -> list[CriterionScore]:
    return list(scorecard.scores.select_related("overridden_by").order_by("pk"))


def scorecard_of_union(*, union: Union) -> Scorecard | None:
    """The union's own scorecard in the latest round (for the union's admin page); only its own."""
    return (
        Scorecard.objects.filter(union_id=union.pk)
        .select_related("assessment_round")
        .order_by("-assessment_round__year")
        .first()
    )


@dataclass(frozen=True)
class Line:
    """One criterion on a scorecard page: the checklist's text with the union's score."""

    criterion: Criterion
    score: CriterionScore

    @property
    def to_fix(self) -> bool:
        points = self.score.points
        return points is not None and points < self.score.max_points


def scorecard_lines(scorecard: Scorecard) -> list[tuple[str, list[Line]]]:
    """The scorecard's criteria grouped by family, in the checklist's order."""
    criteria = {criterion.code: criterion for criterion in checklist(scorecard.assessment_round.version)}
    groups: dict[str, list[Line]] = {}
    for score in scores_of(scorecard):
        criterion = criteria.get(score.code)
        if criterion is not None:
            groups.setdefault(criterion.family, []).append(Line(criterion, score))
    return [(str(FAMILIES[family]), lines) for family, lines in groups.items()]


def scorecard_to_fix(scorecard: Scorecard) -> list[Line]:
    """What the union should fix: criteria short of their points, the most points lost first."""
    lines = [line for _family, group in scorecard_lines(scorecard) for line in group if line.to_fix]
    return sorted(lines, key=lambda line: line.score.max_points - (line.score.points or 0), reverse=True)
