"""Reads of hardship assistance: settings, schedules, the due list, the worker's own records."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.privacy.registry import SensitiveRecord

from .access import files_visible_to
from .models import HardshipFile, HardshipSettings


def today() -> datetime.date:
    return timezone.localdate(timezone.now())


def hardship_settings() -> HardshipSettings:
    """The union's settings row, or the platform's defaults (unsaved) when it has none."""
    row = HardshipSettings.objects.filter(pk=1).first()
    if row is not None:
        return row
    months = settings.HARDSHIP_FOLLOWUP_MONTHS
    return HardshipSettings(
        pk=1,
        deep_months=months["deep"],
        relative_months=months["relative"],
        sudden_months=months["sudden"],
        fallback_months=settings.HARDSHIP_FALLBACK_MONTHS,
        income_line=settings.HARDSHIP_INCOME_LINE,
    )


def followup_due_after(
    *, tier: str, since: datetime.date, config: HardshipSettings | None = None
) -> datetime.date:
    """The day the next visit is due: ``since`` plus the tier's interval (calendar months)."""
    config = config or hardship_settings()
    return since + relativedelta(months=config.months_for(tier))


# Files still followed up: open or awaiting the exit decision, or left but still watched.
def followed_up(day: datetime.date) -> Q:
    return Q(status__in=(HardshipFile.Status.OPEN, HardshipFile.Status.EXIT_PROPOSED)) | Q(
        status=HardshipFile.Status.EXITED, watch_until__gte=day
    )


def followups_due(*, user, within_days: int = 7) -> QuerySet[HardshipFile]:
    """The due list: ``user``'s files whose next visit is due within ``within_days`` (or late)."""
    day = today()
    return (
        files_visible_to(user)
        .filter(followed_up(day), next_followup_on__lte=day + datetime.timedelta(days=within_days))
        .select_related("case", "worker")
        .order_by("next_followup_on", "pk")
    )


def sensitive_records_for_worker(*, worker) -> list[SensitiveRecord]:
    """The worker's hardship files, for their privacy page: existence only."""
    from tenants.users.roles import ROLE_LABELS

    records = []
    for file in HardshipFile.objects.filter(worker=worker).select_related("case", "opened_by"):
        role = (
            "chairman"
            if file.opened_by and file.opened_by.groups.filter(name="chairman").exists()
            else "officer"
        )
        records.append(
            SensitiveRecord(
                kind=_("Hardship assistance file"),
                reference=file.reference,
                opened_at=file.opened_at,
                opened_by_role=ROLE_LABELS[role],
                status=file.get_status_display(),
            )
        )
    return records
