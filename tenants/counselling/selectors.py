"""Reads of counselling: counsellors and free slots for the site, the stress-relief room, the
coming lectures, a worker's own appointments, a counsellor's appointments, and counts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.activities.models import Activity
from tenants.activities.selectors import with_counts
from tenants.privacy.registry import SensitiveRecord

from .models import Appointment, CounsellingLecture, CounsellingSlot, Counsellor

DAYS_SHOWN = 21


def counsellors_listed() -> QuerySet[Counsellor]:
    return Counsellor.objects.filter(active=True).select_related("photo")


def slots_free(
    *, counsellor: Counsellor | None = None, now: datetime.datetime | None = None, days: int = DAYS_SHOWN
) -> QuerySet[CounsellingSlot]:
    """Bookable slots: in the future (within ``days``), of an active counsellor with an account,
    and without a live appointment."""
    now = now or timezone.now()
    taken = Appointment.objects.filter(slot=OuterRef("pk")).exclude(status=Appointment.Status.CANCELLED)
    slots = CounsellingSlot.objects.filter(
        starts_at__gt=now,
        starts_at__lte=now + datetime.timedelta(days=days),
        counsellor__active=True,
        counsellor__user__isnull=False,
    ).exclude(Exists(taken))
    if counsellor is not None:
        slots = slots.filter(counsellor=counsellor)
    return slots.select_related("counsellor").order_by("starts_at", "pk")


@dataclass
class CounsellorView:
    counsellor: Counsellor
    slots: list[CounsellingSlot]


def counsellors_with_free_slots(*, now: datetime.datetime | None = None) -> list[CounsellorView]:
    by_counsellor: dict[int, list[CounsellingSlot]] = {}
    for slot in slots_free(now=now):
        by_counsellor.setdefault(slot.counsellor_id, []).append(slot)
    return [CounsellorView(c, by_counsellor.get(c.pk, [])) for c in counsellors_listed()]


def stress_relief_rooms():
    """The home's stress-relief rooms (职工减压室): rooms of that kind or serving that use (一室多用),
    each with its booking page when the room is bookable."""
    from cms.models import RoomKind, RoomPage
    from tenants.rooms.models import RoomBookingRule

    rooms = list(
        RoomPage.objects.live()
        .filter(Q(kind=RoomKind.STRESS_RELIEF_ROOM) | Q(uses__contains=[RoomKind.STRESS_RELIEF_ROOM]))
        .order_by("path")
    )
    bookable = set(RoomBookingRule.objects.filter(room__in=rooms).values_list("room_id", flat=True))
    return [{"room": room, "bookable": room.pk in bookable} for room in rooms]


def lectures_upcoming(*, user=None, now: datetime.datetime | None = None) -> QuerySet[Activity]:
    """Counselling lectures that have not ended, published (drafts are staff's business)."""
    lectures = CounsellingLecture.objects.values("activity_id")
    return with_counts(
        Activity.objects.filter(
            pk__in=lectures, status=Activity.Status.PUBLISHED, ends_at__gt=now or timezone.now()
        ).select_related("room")
    ).order_by("starts_at", "pk")


def appointments_of_worker(worker) -> QuerySet[Appointment]:
    if worker is None or not getattr(worker, "is_authenticated", False):
        return Appointment.objects.none()
    return (
        Appointment.objects.filter(worker=worker)
        .select_related("slot__counsellor")
        .order_by("-slot__starts_at", "-pk")
    )


def counselling_counts() -> dict[str, int]:
    """What the managers see: counts only, never who booked."""
    now = timezone.now()
    rows = Appointment.objects.aggregate(
        booked=Count("pk", filter=Q(status=Appointment.Status.BOOKED, slot__starts_at__gt=now)),
        held=Count("pk", filter=Q(status=Appointment.Status.HELD)),
        missed=Count("pk", filter=Q(status=Appointment.Status.MISSED)),
        cancelled=Count("pk", filter=Q(status=Appointment.Status.CANCELLED)),
    )
    rows["free"] = slots_free(now=now).count()
    return rows


def sensitive_records_for_worker(*, worker) -> list[SensitiveRecord]:
    """The worker's counselling appointments, for their privacy page: existence only."""
    from tenants.users.roles import ROLE_LABELS

    return [
        SensitiveRecord(
            kind=_("Counselling appointment"),
            reference=f"XL-{appointment.pk}",
            opened_at=appointment.booked_at,
            opened_by_role=ROLE_LABELS["counsellor"],
            status=appointment.get_status_display(),
        )
        for appointment in Appointment.objects.filter(worker=worker)
    ]
