"""Collective-incident warnings (群体性事件预警): found early, reported at once."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.cases.models import Case
from workershome.deletion import SET_NULL_IN_UNIONS

from .choices import LOCATION_MAX_LENGTH, MAX_HEADCOUNT, SUMMARY_MAX_LENGTH, IncidentCategory, RiskLevel


class IncidentWarning(models.Model):
    """A warning that a group of workers may act together (stop work, petition, gather).

    The union's staff report it in a short form; it is a case of kind ``warning``, so it runs
    the warning procedure (report → verify → resolve → closed) and shows on the published
    flowchart. The report and its ``warning.raised`` outbox event are written in one
    transaction, so a warning on record is a warning the federation will receive. The delivery
    and acknowledgement state mirror the federation's inbox row (``event_id``).
    """

    case = models.OneToOneField(
        Case, on_delete=models.PROTECT, related_name="incident_warning", verbose_name=_("case")
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    category = models.CharField(_("category"), max_length=20, choices=IncidentCategory.choices)
    summary = models.TextField(
        _("what is happening"),
        max_length=SUMMARY_MAX_LENGTH,
        help_text=_(
            "What the workers intend to do and why. Describe the incident, not people: no names or phone numbers."
        ),
    )
    headcount = models.PositiveIntegerField(
        _("people involved"), validators=[MinValueValidator(1), MaxValueValidator(MAX_HEADCOUNT)]
    )
    location = models.CharField(_("where"), max_length=LOCATION_MAX_LENGTH)
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices)
    expected_at = models.DateTimeField(
        _("expected at"), null=True, blank=True, help_text=_("When the workers plan to act, if known.")
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=SET_NULL_IN_UNIONS,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reported_at = models.DateTimeField(_("reported"))
    event_id = models.UUIDField(_("federation event"), unique=True, editable=False)
    delivered_at = models.DateTimeField(_("received by the federation"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged by the district"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated to the city"), null=True, blank=True)

    class Meta:
        ordering = ["-reported_at", "-pk"]
        verbose_name = _("collective-incident warning")
        verbose_name_plural = _("collective-incident warnings")

    def __str__(self) -> str:
        return f"{self.case.reference} {self.get_category_display()} {self.headcount}"

    @property
    def reference(self) -> str:
        return self.case.reference
