"""Writes of the assessment: opening a round, computing its scorecards from the facts, and a
district administrator's review (override of a criterion, site-visit note)."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from federation.assessment import (
    CHECKLISTS,
    CURRENT_VERSION,
    FactRow,
    Facts,
    checklist,
    fact_names,
    rating_for,
)
from federation.models import Fact
from tenants.registry.models import Union
from workershome.shards import shared_atomic

from .models import AssessmentRound, CriterionScore, Scorecard


@shared_atomic
def round_open(*, year: int, version: str = CURRENT_VERSION) -> AssessmentRound:
    """Open the year's round against a checklist version (the existing round if already open)."""
    if version not in CHECKLISTS:
        raise ValidationError(_("Unknown checklist version."))
    if not 2000 <= year <= 2100:
        raise ValidationError(_("Enter a valid year."))
    assessment_round, _created = AssessmentRound.objects.get_or_create(
        year=year, defaults={"version": version}
    )
    return assessment_round


def _totals(scorecard: Scorecard) -> None:
    scores = list(scorecard.scores.all())
    counted = [score for score in scores if score.points is not None]
    scorecard.earned = sum(score.points or 0 for score in counted)
    scorecard.possible = sum(score.max_points for score in counted)
    percent = Decimal(scorecard.earned * 100) / scorecard.possible if scorecard.possible else Decimal(0)
    scorecard.percent = percent.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    scorecard.rating = rating_for(scorecard.percent)


@shared_atomic
def scorecard_compute(*, assessment_round: AssessmentRound, union: Union) -> Scorecard:
    """(Re)compute one union's scorecard from its facts. A reviewer's overrides are kept."""
    criteria = checklist(assessment_round.version)
    year = assessment_round.year
    rows = Fact.objects.filter(
        union=union,
        name__in=fact_names(criteria),
        occurred_at__lt=datetime.datetime(year + 2, 1, 1, tzinfo=timezone.get_current_timezone()),
    ).values_list("name", "occurred_at", "payload")
    facts = Facts(year, (FactRow(name, timezone.localtime(at), payload) for name, at, payload in rows))
    scorecard, _created = Scorecard.objects.select_for_update().get_or_create(
        assessment_round=assessment_round, union=union
    )
    existing = {score.code: score for score in scorecard.scores.all()}
    for criterion in criteria:
        points, evidence = criterion.score(facts)
        score = existing.get(criterion.code) or CriterionScore(scorecard=scorecard, code=criterion.code)
        score.max_points, score.auto_points, score.evidence = criterion.points, points, evidence[:300]
        score.save()
    codes = {criterion.code for criterion in criteria}
    scorecard.scores.exclude(code__in=codes).delete()
    _totals(scorecard)
    scorecard.computed_at = timezone.now()
    scorecard.save()
    return scorecard


def round_compute(*, assessment_round: AssessmentRound) -> int:
    """(Re)compute every active union's scorecard in an open round; returns how many."""
    if assessment_round.status != AssessmentRound.Status.OPEN:
        raise ValidationError(_("The round is closed; its scores no longer change."))
    unions = Union.objects.exclude(schema_name="public").filter(status=Union.Status.ACTIVE).order_by("pk")
    done = 0
    for union in unions.iterator():
        scorecard_compute(assessment_round=assessment_round, union=union)
        done += 1
    AssessmentRound.objects.filter(pk=assessment_round.pk).update(computed_at=timezone.now())
    return done


@shared_atomic
def criterion_override(*, score: CriterionScore, points: int | None, comment: str, by) -> CriterionScore:
    """A district administrator's review of one criterion: set its points (0 to the criterion's
    maximum) with a comment saying why, or clear the override (``points=None``)."""
    score = (
        CriterionScore.objects.select_for_update()
        .select_related("scorecard__assessment_round")
        .get(pk=score.pk)
    )
    if score.scorecard.assessment_round.status != AssessmentRound.Status.OPEN:
        raise ValidationError(_("The round is closed; its scores no longer change."))
    comment = (comment or "").strip()
    if points is None:
        score.override_points, score.override_comment, score.overridden_by, score.overridden_at = (
            None,
            "",
            None,
            None,
        )
    else:
        if not 0 <= points <= score.max_points:
            raise ValidationError(_("Enter points between 0 and %(max)s.") % {"max": score.max_points})
        if not comment:
            raise ValidationError(_("Say why the points are changed."))
        score.override_points, score.override_comment = points, comment[:2000]
        score.overridden_by, score.overridden_at = by, timezone.now()
    score.save()
    scorecard = score.scorecard
    _totals(scorecard)
    scorecard.save(update_fields=["earned", "possible", "percent", "rating"])
    return score


@shared_atomic
def scorecard_visit_record(
    *, scorecard: Scorecard, visited_on: datetime.date, note: str, evidence_notes: str, by
) -> Scorecard:
    """Record the district's site visit (实地检查) and the evidence notes on a scorecard."""
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Describe what the site visit found."))
    if visited_on > timezone.localdate():
        raise ValidationError(_("The visit cannot be in the future."))
    scorecard.visit_note, scorecard.visited_on, scorecard.visited_by = note[:4000], visited_on, by
    scorecard.evidence_notes = (evidence_notes or "").strip()[:4000]
    scorecard.save(update_fields=["visit_note", "visited_on", "visited_by", "evidence_notes"])
    return scorecard
