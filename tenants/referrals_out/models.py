"""Referrals a union sends up to its street's service station (转介街道工会服务站), as the union
keeps them.

An ``OutgoingReferral`` is the union's side of a work order: which case (first: a mediation
case that failed), the worker's consent to share, what the sender chose to share, the
difficulty, and the status as the station last reported it (a task in the union's schema
copies it from the station's ``stations.StationReferral``), with the worker's rating at the end.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from stations.models import Difficulty, ReferralStatus
from tenants.mediation.models import MediationCase
from tenants.privacy.fields import EncryptedTextField
from tenants.privacy.models import Consent
from workershome.deletion import SET_NULL_IN_UNIONS


class SharedItem(models.TextChoices):
    """What the sender may choose to share with the station (the kind of dispute always goes)."""

    WORKER_NAME = "worker_name", _("The worker's name")
    RESPONDENT = "respondent", _("The respondent")
    CLAIM = "claim", _("The dispute and what the worker asks for")
    AMOUNT = "amount", _("Amount claimed")
    MEDIATION_NOTE = "mediation_note", _("Why the mediation failed")


class OutgoingReferral(models.Model):
    """One case this union referred to its street's service station, and where it stands."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mediation = models.OneToOneField(
        MediationCase,
        on_delete=models.PROTECT,
        related_name="station_referral",
        verbose_name=_("mediation case"),
    )
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, related_name="+", verbose_name=_("consent")
    )
    shared = models.JSONField(_("shared with the station"), default=list)
    difficulty = models.CharField(_("difficulty"), max_length=10, choices=Difficulty.choices)
    note = EncryptedTextField(_("note to the station"), blank=True)
    station_name = models.CharField(_("station"), max_length=100)
    status = models.CharField(
        _("status"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    status_note = models.TextField(_("station's note"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=SET_NULL_IN_UNIONS, related_name="+",
        verbose_name=_("sent by"),
    )  # fmt: skip
    rating = models.PositiveSmallIntegerField(_("worker's rating"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("referral to the service station")
        verbose_name_plural = _("referrals to the service station")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(status="closed") & Q(rating__gte=1) & Q(rating__lte=5)),
                name="outgoing_referral_rating_when_closed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.mediation} → {self.station_name}"
