"""Street union service stations (街道/乡镇工会服务站) and the referrals unions send them.

A ``ServiceStation`` is the station of one street: the third level of the three-level service
system (city centre → district centres → street stations). Its staff are the portal users with
the ``station_staff`` federation role on that street; the unions it serves are the unions the
registry places on that street.

A ``StationReferral`` is a case a union referred to its street's station, as the station
received it: written by the union's outbox delivery (keyed by the outbox event's id, so a
repeated delivery changes nothing), holding only what the union chose to share with the
worker's recorded consent. The station's staff move it along (accepted → in progress → closed,
or declined); each change is carried back to the union's own record by a task in its schema.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from workershome.deletion import SET_NULL_ON_PORTAL


class Difficulty(models.TextChoices):
    """How hard the referred case is; it sets the station's time limit."""

    SIMPLE = "simple", _("Simple")
    NORMAL = "normal", _("Normal")
    COMPLEX = "complex", _("Complex")


# Working time the station has to close a referral, by difficulty (calendar days).
LIMIT_DAYS = {Difficulty.SIMPLE: 5, Difficulty.NORMAL: 10, Difficulty.COMPLEX: 20}


def limit_for(difficulty: str, *, sent_on: datetime.date) -> datetime.date:
    return sent_on + datetime.timedelta(days=LIMIT_DAYS[Difficulty(difficulty)])


class ReferralStatus(models.TextChoices):
    """Where a referral stands; the union's record mirrors the station's."""

    SENT = "sent", _("Sent to the station")
    ACCEPTED = "accepted", _("Accepted by the station")
    IN_PROGRESS = "in_progress", _("Being handled by the station")
    CLOSED = "closed", _("Closed by the station")
    DECLINED = "declined", _("Declined by the station")


OPEN_STATUSES = (ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS)


class ServiceStation(models.Model):
    """The union service station of one street: where it is, how to reach it, what it offers
    and its identifier on the city's grid platform (网格化平台)."""

    street = models.OneToOneField(
        "federation.Street", on_delete=models.PROTECT, related_name="station", verbose_name=_("street")
    )
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200)
    phone = models.CharField(_("phone"), max_length=30)
    services = models.TextField(_("services offered"), help_text=_("One service per line."))
    grid_id = models.CharField(_("grid platform identifier"), max_length=50, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["street__code"]
        verbose_name = _("service station")
        verbose_name_plural = _("service stations")
        constraints = [
            models.UniqueConstraint(
                fields=["grid_id"], condition=~Q(grid_id=""), name="station_grid_id_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def service_list(self) -> list[str]:
        return [line.strip() for line in self.services.splitlines() if line.strip()]


class StationReferral(models.Model):
    """A case one union referred to its street's station (转介工单), as the station holds it:
    the kind of case, its difficulty and time limit, the rows the union chose to share, the
    status with the station's note, escalation to the district when overdue, and the worker's
    rating once closed."""

    event_id = models.UUIDField(unique=True, editable=False)
    referral_uuid = models.UUIDField(unique=True, editable=False)
    union = models.ForeignKey(
        "registry.Union", on_delete=models.CASCADE, related_name="station_referrals", verbose_name=_("union")
    )
    station = models.ForeignKey(
        ServiceStation, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("station")
    )
    district = models.ForeignKey(
        "federation.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("district"),
    )  # fmt: skip
    reference = models.CharField(_("union's reference"), max_length=40)
    case_kind = models.CharField(_("kind of case"), max_length=20)
    difficulty = models.CharField(_("difficulty"), max_length=10, choices=Difficulty.choices)
    shared = models.JSONField(_("shared by the union"), default=list)
    sent_at = models.DateTimeField(_("sent"))
    due_on = models.DateField(_("due by"))
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    status_note = models.TextField(_("station's note"), blank=True)
    changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_ON_PORTAL, related_name="+",
        verbose_name=_("changed by"),
    )  # fmt: skip
    changed_by_name = models.CharField(_("handled by"), max_length=50, blank=True)
    escalated_at = models.DateTimeField(_("escalated to the district"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("worker's rating"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("station referral")
        verbose_name_plural = _("station referrals")
        indexes = [
            models.Index(fields=["station", "status"], name="station_referral_status"),
            models.Index(
                fields=["due_on"], name="station_referral_open_due",
                condition=Q(status__in=["sent", "accepted", "in_progress"]),
            ),
        ]  # fmt: skip
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(status="closed") & Q(rating__gte=1) & Q(rating__lte=5)),
                name="station_referral_rating_when_closed",
            ),
            models.CheckConstraint(
                condition=Q(status="sent") | Q(changed_at__isnull=False), name="station_referral_changed_at"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} → {self.station_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
