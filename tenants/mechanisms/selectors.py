"""Reads of the working mechanisms: activists' hours by year, meetings with their follow-ups,
reports by status."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from .models import Activist, ActivistService, InfoReport, JointMeeting, StaffDuty


def activists_with_hours(*, year: int) -> QuerySet[Activist]:
    """Activists with ``year_hours`` and ``year_services``: their service in ``year``."""
    in_year = Q(services__served_on__year=year)
    return (
        Activist.objects.select_related("member")
        .annotate(
            year_hours=Coalesce(
                Sum("services__hours", filter=in_year), Value(Decimal("0")), output_field=DecimalField()
            ),
            year_services=Count("services", filter=in_year),
        )
        .order_by("-active", "member__name", "pk")
    )


def activist_hours(*, activist: Activist, year: int) -> Decimal:
    total = ActivistService.objects.filter(activist=activist, served_on__year=year).aggregate(
        total=Sum("hours")
    )
    return total["total"] or Decimal("0")


def activist_hours_by_year(*, activist: Activist) -> list[tuple[int, Decimal, int]]:
    """(year, hours, services) for every year the activist served, newest first."""
    rows = (
        ActivistService.objects.filter(activist=activist)
        .values("served_on__year")
        .annotate(hours=Sum("hours"), services=Count("pk"))
        .order_by("-served_on__year")
    )
    return [(row["served_on__year"], row["hours"], row["services"]) for row in rows]


def team_hours(*, year: int) -> Decimal:
    total = ActivistService.objects.filter(served_on__year=year).aggregate(total=Sum("hours"))
    return total["total"] or Decimal("0")


def meetings_with_follow_ups() -> QuerySet[JointMeeting]:
    return (
        JointMeeting.objects.prefetch_related("follow_ups")
        .annotate(
            follow_up_count=Count("follow_ups"),
            follow_up_open=Count("follow_ups", filter=Q(follow_ups__done_on__isnull=True)),
        )
        .order_by("-held_on", "-pk")
    )


def staff_duties() -> QuerySet[StaffDuty]:
    return StaffDuty.objects.select_related("user")


def reports_sent() -> QuerySet[InfoReport]:
    return InfoReport.objects.filter(status=InfoReport.Status.SENT)
