"""The rationalisation proposal campaign (职工合理化建议活动).

Once a year the union calls on workers to propose improvements to work, safety, costs and
services. A ``ProposalCampaign`` sets the dates, how proposals are judged (criteria with
weights), who judges them (the panel) and the awards. Each ``Proposal`` is a case of kind
``proposal`` and runs its published procedure (received → screening → evaluation →
implementation → closed); panelists score it (``ProposalScore``), the chairman adopts or rejects
it at the evaluation step, and adopted proposals are awarded once implemented. The results are
published to the workers when the evaluation is over.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from tenants.cases.models import Case
from workershome.deletion import SET_NULL_IN_UNIONS

SCORE_SCALES = ((10, _("0 to 10 points")), (100, _("0 to 100 points")))


class ProposalCampaign(ClusterableModel):
    """One year's campaign: when proposals are collected and judged, by whom, and the awards.

    The dates are ordered (submissions open, submissions close, evaluation ends). Proposals are
    accepted only between the first two; results are published only after the third, so no
    worker learns of a decision while the panel is still judging.
    """

    class Phase(models.TextChoices):
        UPCOMING = "upcoming", _("Not open yet")
        OPEN = "open", _("Open for proposals")
        EVALUATION = "evaluation", _("Under evaluation")
        ENDED = "ended", _("Evaluation over")
        PUBLISHED = "published", _("Results published")

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(
        _("theme"), blank=True, help_text=_("What the campaign asks for this year, shown to workers.")
    )
    submission_opens = models.DateField(_("submissions open"))
    submission_closes = models.DateField(_("submissions close"))
    evaluation_ends = models.DateField(_("evaluation ends"))
    score_max = models.PositiveSmallIntegerField(
        _("score scale"), choices=SCORE_SCALES, default=10, help_text=_("Each criterion is scored on it.")
    )
    panel = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="proposal_panels",
        verbose_name=_("evaluation panel"),
        help_text=_("Members of staff who score the proposals."),
    )
    results_published_at = models.DateTimeField(_("results published"), null=True, blank=True)
    results_published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("proposal campaign")
        verbose_name_plural = _("proposal campaigns")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(submission_opens__lt=models.F("submission_closes"))
                & models.Q(submission_closes__lt=models.F("evaluation_ends")),
                name="proposal_campaign_dates_ordered",
            ),
            models.CheckConstraint(condition=models.Q(score_max__in=(10, 100)), name="proposal_score_scale"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def results_published(self) -> bool:
        return self.results_published_at is not None

    def phase_on(self, day: datetime.date) -> str:
        if self.results_published_at is not None:
            return self.Phase.PUBLISHED
        if day < self.submission_opens:
            return self.Phase.UPCOMING
        if day <= self.submission_closes:
            return self.Phase.OPEN
        if day <= self.evaluation_ends:
            return self.Phase.EVALUATION
        return self.Phase.ENDED


class ScoringCriterion(Orderable):
    """One thing the panel judges a proposal on (创新性, 可行性, 经济效益…) and its weight in
    per cent; a campaign's weights add up to 100."""

    campaign = ParentalKey(ProposalCampaign, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=30)
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    description = models.CharField(_("what the panel looks for"), max_length=200, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("scoring criterion")
        verbose_name_plural = _("scoring criteria")

    def __str__(self) -> str:
        return f"{self.name} {self.weight}%"


class AwardLevel(Orderable):
    """An award an implemented proposal can receive (一等奖…优秀奖) and its amount in yuan."""

    campaign = ParentalKey(ProposalCampaign, on_delete=models.CASCADE, related_name="award_levels")
    name = models.CharField(_("award"), max_length=20)
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )

    class Meta(Orderable.Meta):
        verbose_name = _("award level")
        verbose_name_plural = _("award levels")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="proposal_award_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.amount:,.0f}元）"


class Proposal(models.Model):
    """A worker's rationalisation proposal, filed in a campaign.

    Its handling is the ``Case`` it is one-to-one with: the case's step is where the proposal
    stands, and the case engine refuses any step the published procedure does not allow. This
    model holds what is particular to proposals: the problem and the suggestion, the decision,
    the estimated annual benefit and the award.
    """

    class Decision(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        NOT_ELIGIBLE = "not_eligible", _("Not accepted at screening")
        ADOPTED = "adopted", _("Adopted")
        REJECTED = "rejected", _("Not adopted")

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="proposal")
    campaign = models.ForeignKey(
        ProposalCampaign, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("campaign")
    )
    title = models.CharField(_("title"), max_length=100)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=SET_NULL_IN_UNIONS,
        related_name="proposals",
        verbose_name=_("proposer"),
    )
    co_proposers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="proposals_joined", verbose_name=_("co-proposers")
    )
    department = models.CharField(_("department concerned"), max_length=50, blank=True)
    problem = models.TextField(_("the problem"))
    suggestion = models.TextField(_("the suggestion"))
    expected_benefit = models.TextField(_("expected benefit"), blank=True)
    publish_name = models.BooleanField(
        _("publish my name with the results"),
        default=False,
        help_text=_("Without this consent the results list the proposal without the proposers' names."),
    )
    submitted_at = models.DateTimeField(_("submitted"))
    decision = models.CharField(
        _("decision"), max_length=15, choices=Decision.choices, default=Decision.PENDING
    )
    decision_note = models.TextField(_("reasons for the decision"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )
    estimated_annual_benefit = models.DecimalField(
        _("estimated annual benefit (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    award_level = models.ForeignKey(
        AwardLevel,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("award"),
    )
    award_amount = models.DecimalField(
        _("award amount (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    awarded_at = models.DateTimeField(_("awarded"), null=True, blank=True)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [models.Index(fields=["campaign", "decision"], name="proposal_campaign_decision")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(estimated_annual_benefit__isnull=True)
                | models.Q(estimated_annual_benefit__gte=0),
                name="proposal_benefit_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(award_level__isnull=True) | models.Q(decision="adopted"),
                name="proposal_award_only_adopted",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        return self.case.reference


class ProposalScore(models.Model):
    """One panelist's score of one proposal: a value per criterion and a comment.

    ``values`` maps each criterion's id to its score on the campaign's scale; ``total`` is the
    weighted sum (Σ value × weight / 100), on the same scale, kept so lists can average it.
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="scores")
    panelist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=SET_NULL_IN_UNIONS,
        related_name="proposal_scores",
        verbose_name=_("panelist"),
    )
    values = models.JSONField(_("scores by criterion"), default=dict)
    total = models.DecimalField(_("weighted score"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)
    scored_at = models.DateTimeField(_("scored"), auto_now_add=True)
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["scored_at", "pk"]
        verbose_name = _("proposal score")
        verbose_name_plural = _("proposal scores")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "panelist"], name="proposal_score_once_per_panelist"),
            models.CheckConstraint(condition=models.Q(total__gte=0), name="proposal_score_total_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.total}"
