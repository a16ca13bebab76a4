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
    """Where a referral stands; the sender's record mirrors the receiver's."""

    SENT = "sent", _("Sent to the receiver")
    ACCEPTED = "accepted", _("Accepted by the receiver")
    IN_PROGRESS = "in_progress", _("Being handled by the receiver")
    CLOSED = "closed", _("Closed by the receiver")
    DECLINED = "declined", _("Declined by the receiver")


class ReceiverKind(models.TextChoices):
    """Who a referral goes to: a level of the three-level service system, or a sister union.

    三级服务体系: the street's service station, the district's service centre (worked by the
    district's administrators), the city's service centre (the city's administrators); or
    兄弟单位: another union, which handles it in its own admin."""

    STATION = "station", _("The street service station")
    DISTRICT = "district", _("The district service centre")
    CITY = "city", _("The city service centre")
    UNION = "union", _("A sister union")


# Where an overdue referral is escalated, by receiver: one level up; a sister union's to the
# sender's district. The city has nobody above it: its overdue referrals are only flagged.
ESCALATES_TO = {
    ReceiverKind.STATION: ReceiverKind.DISTRICT,
    ReceiverKind.DISTRICT: ReceiverKind.CITY,
    ReceiverKind.UNION: ReceiverKind.DISTRICT,
}


def receiver_label(*, kind: str, station: str = "", district: str = "", union: str = "") -> str:
    """The receiver's name as people say it (for pages, the sender's record and messages)."""
    if kind == ReceiverKind.STATION:
        return station
    if kind == ReceiverKind.DISTRICT:
        return str(_("%(district)s federation's service centre") % {"district": district})
    if kind == ReceiverKind.CITY:
        return str(_("The city federation's service centre"))
    return union


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
    """A case one union referred across the three levels (转介工单), as the receiver holds it:
    the receiver (its street's station, its district's or the city's service centre, or a
    sister union; ``receiver_kind`` says which and exactly one receiver column matches it), the
    kind of case, its difficulty and time limit, the rows the union chose to share, the status
    with the receiver's note, escalation one level up when overdue, the worker's rating once
    closed, and the declined referral it re-sends (``previous``), so both sides see the history.

    The name is historical (the first slice knew stations only); the table is the public record
    of every referral."""

    event_id = models.UUIDField(unique=True, editable=False)
    referral_uuid = models.UUIDField(unique=True, editable=False)
    union = models.ForeignKey(
        "registry.Union", on_delete=models.CASCADE, related_name="station_referrals", verbose_name=_("union")
    )
    receiver_kind = models.CharField(
        _("sent to"), max_length=10, choices=ReceiverKind.choices, default=ReceiverKind.STATION
    )
    station = models.ForeignKey(
        ServiceStation, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals",
        verbose_name=_("station"),
    )  # fmt: skip
    receiver_district = models.ForeignKey(
        "federation.District", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals_received",
        verbose_name=_("receiving district"),
    )  # fmt: skip
    receiver_union = models.ForeignKey(
        "registry.Union", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals_received",
        verbose_name=_("receiving union"),
    )  # fmt: skip
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="resent_as",
        verbose_name=_("re-sends the declined referral"),
    )  # fmt: skip
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
        verbose_name = _("referral work order")
        verbose_name_plural = _("referral work orders")
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
            models.CheckConstraint(
                condition=(
                    Q(receiver_kind="station", station__isnull=False, receiver_district__isnull=True,
                      receiver_union__isnull=True)
                    | Q(receiver_kind="district", station__isnull=True, receiver_district__isnull=False,
                        receiver_union__isnull=True)
                    | Q(receiver_kind="city", station__isnull=True, receiver_district__isnull=True,
                        receiver_union__isnull=True)
                    | Q(receiver_kind="union", station__isnull=True, receiver_district__isnull=True,
                        receiver_union__isnull=False)
                ),
                name="station_referral_one_receiver",
            ),
            models.CheckConstraint(
                condition=~Q(receiver_union=models.F("union")), name="station_referral_not_to_itself"
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.reference} → {self.receiver_name}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def receiver_name(self) -> str:
        return receiver_label(
            kind=self.receiver_kind,
            station=self.station.name if self.station_id and self.station else "",
            district=self.receiver_district.name
            if self.receiver_district_id and self.receiver_district
            else "",
            union=self.receiver_union.name if self.receiver_union_id and self.receiver_union else "",
        )

    @property
    def escalates_to(self) -> str:
        return ESCALATES_TO.get(ReceiverKind(self.receiver_kind), "")
