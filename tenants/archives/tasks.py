from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from workershome.periodic import for_each_union

from .models import ArchiveBundle
from .services import archive_bundle_build, archive_bundle_fail, archive_year_report


@shared_task(
    acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3
)
def archive_bundle_build_task(*, bundle_id: int) -> int:
    """Build one bundle's ZIP in this union's schema and tell the person (idempotent); returns
    how many files went in."""
    bundle = ArchiveBundle.objects.select_related("requested_by").filter(pk=bundle_id).first()
    if bundle is None:
        return 0
    try:
        return archive_bundle_build(bundle=bundle).file_count
    except Exception as error:
        retrying = isinstance(error, OSError) and archive_bundle_build_task.request.retries < (
            archive_bundle_build_task.max_retries or 0
        )
        if not retrying:
            archive_bundle_fail(bundle=bundle)
        raise


@shared_task(acks_late=True)
def archive_years_report_task() -> list[bool]:
    """Report last year's and this year's archive coverage to the federation (idempotent)."""
    year = timezone.localdate().year
    return [archive_year_report(year=y).complete for y in (year - 1, year)]


@shared_task
def archive_years_report_all() -> int:
    """Periodic: queue ``archive_years_report_task`` in every active union."""
    return for_each_union(archive_years_report_task)
