from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from workershome.periodic import for_each_union


@shared_task(
    name="tenants.elections.tasks.election_approval_apply",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def election_approval_apply_task(*, approval_id: int) -> str | None:
    """In the union's schema: apply the district's decision on a plan or a result."""
    from .services import approval_apply

    return approval_apply(approval_id=approval_id)


@shared_task(name="tenants.elections.tasks.elections_sweep", acks_late=True)
def elections_sweep() -> dict[str, int]:
    """In one union's schema: close online ballots whose time is up (then vacuum the ballot
    tables), and apply any district decision whose task was lost. Idempotent."""
    from approvals.selectors import approval_request_latest

    from .models import ElectionPlan
    from .services import approval_apply, ballot_close, ballot_tables_vacuum

    closed = applied = 0
    due = ElectionPlan.objects.filter(
        method=ElectionPlan.Method.ONLINE, status=ElectionPlan.Status.APPROVED, closes_at__lte=timezone.now()
    )
    for plan in due:
        ballot_close(plan=plan)
        closed += 1
    if closed:
        ballot_tables_vacuum()
    waiting: dict[str, str] = {
        ElectionPlan.Status.SUBMITTED: "election_plan",
        ElectionPlan.Status.RESULT_SUBMITTED: "election_result",
    }
    for plan in ElectionPlan.objects.filter(status__in=list(waiting)):
        row = approval_request_latest(kind=waiting[plan.status], object_uuid=plan.uuid)
        if row is not None and row["status"] != "pending" and approval_apply(approval_id=row["id"]):
            applied += 1
    return {"closed": closed, "applied": applied}


@shared_task(name="tenants.elections.tasks.elections_sweep_all")
def elections_sweep_all() -> int:
    """Beat, on the public schema: sweep every active union."""
    return for_each_union(elections_sweep)
