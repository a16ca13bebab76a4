"""Demo: the union reports its home checklist, its outbox reaches the federation, and its
scorecard in this year's assessment round is computed from its facts.

Runs in a union's schema, last in ``CASE_DEMO_MODULES`` (after every module whose events the
checklist scores). Idempotent: a second run reports the checklist again (a newer report
supersedes the older) and recomputes the same scorecard; nothing is duplicated.
"""

from __future__ import annotations

from django.utils import timezone

from cms.checklist import home_checklist_report
from tenants.events.delivery import outbox_deliver_pending
from workershome.tenancy import current_tenant

from .models import AssessmentRound
from .services import round_open, scorecard_compute


def demo_fill(*, spec, index: int) -> None:
    home_checklist_report()
    while outbox_deliver_pending(limit=2000).delivered:
        pass
    assessment_round = round_open(year=timezone.localdate().year)
    if assessment_round.status == AssessmentRound.Status.OPEN:
        scorecard_compute(assessment_round=assessment_round, union=current_tenant())
