"""The periodic tasks: the union's daily checklist report and the nightly recompute."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils.module_loading import import_string

from assessment.models import Scorecard
from assessment.tasks import assessment_rounds_compute
from cms.tasks import home_checklist_count_all

from .conftest import checklist_payload, fact

pytestmark = pytest.mark.django_db


def test_beat_entries_point_at_the_tasks():
    """Given the beat schedule, then both entries name the real tasks."""
    assert (
        import_string(settings.CELERY_BEAT_SCHEDULE["home-checklist-count"]["task"])
        is home_checklist_count_all
    )
    assert (
        import_string(settings.CELERY_BEAT_SCHEDULE["assessment-compute"]["task"])
        is assessment_rounds_compute
    )


def test_nightly_recompute_scores_open_rounds_only(union_a, assessment_round):
    """Given an open round and a closed one, when the nightly task runs, then only the open
    round's scorecards are (re)computed, with the facts that arrived since."""
    from assessment.services import round_open

    closed = round_open(year=2025)
    closed.status = "closed"
    closed.save()
    fact(union_a, "home.checklist_counted", checklist_payload())
    assert assessment_rounds_compute() >= 1
    card = Scorecard.objects.get(assessment_round=assessment_round, union=union_a)
    assert card.scores.get(code="display_sign").auto_points == 4
    assert not Scorecard.objects.filter(assessment_round=closed).exists()
