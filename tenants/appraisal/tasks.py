from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from tenants.events.services import event_emit
from workershome.periodic import for_each_union

from .models import AppraisalRound


@shared_task(acks_late=True)
def appraisal_rounds_closed_report() -> int:
    """Tell the federation once that a round closed, with how many members took part. Runs in a
    union's schema; idempotent (``closed_reported_at``)."""
    done = 0
    for pk in AppraisalRound.objects.filter(
        closes_at__lte=timezone.now(), closed_reported_at__isnull=True
    ).values_list("pk", flat=True):
        with transaction.atomic():
            appraisal_round = AppraisalRound.objects.select_for_update().get(pk=pk)
            if appraisal_round.closed_reported_at is not None:
                continue
            appraisal_round.closed_reported_at = timezone.now()
            appraisal_round.save(update_fields=["closed_reported_at"])
            event_emit(
                name="appraisal.round_closed",
                payload={"participants": appraisal_round.participations.count(),
                         "subjects": appraisal_round.subjects.count()},
            )  # fmt: skip
            done += 1
    return done


@shared_task
def appraisal_rounds_closed_report_all() -> int:
    """Periodic: queue ``appraisal_rounds_closed_report`` in every active union."""
    return for_each_union(appraisal_rounds_closed_report)
