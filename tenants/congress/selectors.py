"""Reads on the workers' congress: sessions, whether one is overdue, motions by state (overdue
replies first for staff), what a delegate sees, and what members see."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.db.models import Count, QuerySet
from django.utils import timezone

from tenants.membership.models import Member

from .models import CongressSession, Delegate, DisclosureItem, Motion, Resolution


def today() -> datetime.date:
    return timezone.localdate()


def sessions_list() -> QuerySet[CongressSession]:
    return CongressSession.objects.annotate(
        delegate_count=Count("delegates", distinct=True), motion_count=Count("motions", distinct=True)
    ).order_by("-held_on", "-pk")


def session_last_held() -> CongressSession | None:
    """The latest session that convened (open or closed)."""
    return (
        CongressSession.objects.exclude(status=CongressSession.Status.PLANNED)
        .order_by("-held_on", "-pk")
        .first()
    )


def congress_overdue(on: datetime.date | None = None) -> bool:
    """Whether no session convened in the year before ``on``: 职代会 must meet at least yearly.

    A union with no session at all is overdue once it has been on the platform for a year."""
    on = on or today()
    last = session_last_held()
    if last is not None:
        return last.held_on < on - relativedelta(years=1)
    from workershome.tenancy import current_tenant

    created = getattr(current_tenant(), "created_at", None)
    return created is not None and timezone.localdate(created) < on - relativedelta(years=1)


def session_current() -> CongressSession | None:
    """The session delegates work in on the site: the one not closed yet, else the latest."""
    return (
        CongressSession.objects.exclude(status=CongressSession.Status.CLOSED)
        .order_by("held_on", "pk")
        .first()
        or CongressSession.objects.order_by("-held_on", "-pk").first()
    )


def motions_for_staff(*, session: CongressSession | None = None, status: str = "") -> QuerySet[Motion]:
    motions = Motion.objects.exclude(status=Motion.Status.DRAFT).select_related("session", "proposer__member")
    if session is not None:
        motions = motions.filter(session=session)
    if status == "overdue":
        motions = motions.filter(status=Motion.Status.ACCEPTED, reply_due_on__lt=today())
    elif status:
        motions = motions.filter(status=status)
    return motions.annotate(cosigner_count=Count("cosigners")).order_by("-session__held_on", "number", "pk")


def motions_to_cosign(*, session: CongressSession, delegate: Delegate) -> QuerySet[Motion]:
    return (
        Motion.objects.filter(session=session, status=Motion.Status.DRAFT)
        .exclude(proposer=delegate)
        .select_related("proposer__member")
        .annotate(cosigner_count=Count("cosigners"))
        .order_by("-pk")
    )


def motions_of(*, delegate: Delegate) -> QuerySet[Motion]:
    return (
        Motion.objects.filter(proposer=delegate).annotate(cosigner_count=Count("cosigners")).order_by("-pk")
    )


def delegates_of_user(user) -> QuerySet[Delegate]:
    if user is None or not getattr(user, "is_authenticated", False):
        return Delegate.objects.none()
    return Delegate.objects.filter(member__user=user, member__status=Member.Status.ACTIVE).select_related(
        "session"
    )


def resolutions_public() -> QuerySet[Resolution]:
    return Resolution.objects.exclude(session__status=CongressSession.Status.PLANNED).select_related(
        "session"
    )


def disclosures_published() -> QuerySet[DisclosureItem]:
    return DisclosureItem.objects.filter(published=True)


def motion_counts(session: CongressSession) -> dict[str, int]:
    counts = dict(session.motions.values_list("status").annotate(n=Count("pk")).order_by())
    overdue = session.motions.filter(status=Motion.Status.ACCEPTED, reply_due_on__lt=today()).count()
    return {**{status: counts.get(status, 0) for status in Motion.Status.values}, "overdue": overdue}
