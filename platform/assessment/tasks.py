from __future__ import annotations

from celery import shared_task

from .models import AssessmentRound
from .services import round_compute


@shared_task
def assessment_rounds_compute() -> int:
    """Periodic (nightly, on the portal): recompute every open round's scorecards from the facts."""
    return sum(
        round_compute(assessment_round=assessment_round)
        for assessment_round in AssessmentRound.objects.filter(status=AssessmentRound.Status.OPEN)
    )
