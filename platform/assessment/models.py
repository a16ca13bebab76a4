"""The federation's yearly assessment of the Workers' Homes (职工之家建设考核), in the public schema.

A round is one year's assessment against one version of the checklist
(``federation.assessment.CHECKLISTS``); each union gets one scorecard per round, with one
score per criterion computed from the facts the union reported, which a district
administrator may override after a site visit (with a comment saying why).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workershome.deletion import SET_NULL_ON_PORTAL


class AssessmentRound(models.Model):
    """One year's assessment (考核年度) and the checklist version it scores against."""

    class Status(models.TextChoices):
        OPEN = "open", _("Scoring open")
        CLOSED = "closed", _("Scoring closed")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    version = models.CharField(_("checklist version"), max_length=20)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    computed_at = models.DateTimeField(_("last computed"), null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")
        constraints = [
            models.CheckConstraint(condition=models.Q(year__gte=2000), name="assessment_round_year")
        ]

    def __str__(self) -> str:
        return f"{self.year} ({self.version})"


class Scorecard(models.Model):
    """One union's result in a round: the totals of its criterion scores and the rating.

    ``earned`` and ``possible`` count only criteria that could be assessed (a requirement whose
    feature does not exist yet is left out rather than failed); ``percent`` is earned over
    possible, and the rating follows from it (``federation.assessment.rating_for``).
    """

    assessment_round = models.ForeignKey(
        AssessmentRound, on_delete=models.CASCADE, related_name="scorecards", verbose_name=_("round")
    )
    union = models.ForeignKey(
        "registry.Union", on_delete=models.CASCADE, related_name="scorecards", verbose_name=_("union")
    )
    earned = models.PositiveSmallIntegerField(_("points earned"), default=0)
    possible = models.PositiveSmallIntegerField(_("points possible"), default=0)
    percent = models.DecimalField(_("score"), max_digits=5, decimal_places=1, default=0)
    rating = models.CharField(_("rating"), max_length=20, blank=True)
    evidence_notes = models.TextField(_("evidence notes"), blank=True)
    visit_note = models.TextField(_("site visit"), blank=True)
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=SET_NULL_ON_PORTAL,
        related_name="+",
        verbose_name=_("visited by"),
    )
    computed_at = models.DateTimeField(_("last computed"), null=True, blank=True)

    class Meta:
        ordering = ["-percent", "union__name"]
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        constraints = [
            models.UniqueConstraint(fields=["assessment_round", "union"], name="scorecard_once_per_round"),
            models.CheckConstraint(
                condition=models.Q(earned__lte=models.F("possible")), name="scorecard_earned"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.union} {self.assessment_round.year}"


class CriterionScore(models.Model):
    """One criterion of a scorecard: the points computed from the facts (``None`` when it could
    not be assessed), what the facts showed, and a district administrator's override."""

    scorecard = models.ForeignKey(
        Scorecard, on_delete=models.CASCADE, related_name="scores", verbose_name=_("scorecard")
    )
    code = models.CharField(_("criterion"), max_length=40)
    max_points = models.PositiveSmallIntegerField(_("points"))
    auto_points = models.PositiveSmallIntegerField(_("computed points"), null=True, blank=True)
    evidence = models.CharField(_("what the facts show"), max_length=300, blank=True)
    override_points = models.PositiveSmallIntegerField(_("points after review"), null=True, blank=True)
    override_comment = models.TextField(_("review comment"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=SET_NULL_ON_PORTAL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    overridden_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "code"], name="criterion_score_once"),
            models.CheckConstraint(
                condition=models.Q(auto_points__isnull=True)
                | models.Q(auto_points__lte=models.F("max_points")),
                name="criterion_score_auto_max",
            ),
            models.CheckConstraint(
                condition=models.Q(override_points__isnull=True)
                | (models.Q(override_points__lte=models.F("max_points")) & ~models.Q(override_comment="")),
                name="criterion_score_override",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def points(self) -> int | None:
        """The points that count: the review's if there is one, else the computed ones."""
        return self.override_points if self.override_points is not None else self.auto_points

    @property
    def overridden(self) -> bool:
        return self.override_points is not None
