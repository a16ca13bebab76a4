"""The vocabulary of a collective-incident warning (群体性事件预警), shared by the union that
reports it and the federation that receives it: the payload of ``warning.raised`` uses these
codes, so both sides read it the same way. No models here: the federation layer imports this
module without touching a union's tables.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskLevel(models.TextChoices):
    """How serious the union judges the situation, in the 一般 / 较大 / 重大 scale of emergency plans."""

    LOW = "low", _("General")
    ELEVATED = "elevated", _("Serious")
    SEVERE = "severe", _("Major")


class IncidentCategory(models.TextChoices):
    """What the dispute is about: a short code the district can count and act on."""

    WAGE_ARREARS = "wage_arrears", _("Wage arrears")
    SOCIAL_INSURANCE = "social_insurance", _("Social insurance")
    LAYOFFS = "layoffs", _("Layoffs, closure or relocation")
    WORKING_HOURS = "working_hours", _("Working hours and overtime")
    PAY = "pay", _("Pay and benefits")
    SAFETY = "safety", _("Safety and occupational health")
    RESTRUCTURING = "restructuring", _("Restructuring of the employer")
    OTHER = "other", _("Other")


MAX_HEADCOUNT = 100_000
SUMMARY_MAX_LENGTH = 500
LOCATION_MAX_LENGTH = 200
