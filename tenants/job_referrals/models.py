"""Skills and job referral (技能培训推荐、职业介绍): a roster member referred to a training course
(the union's own, in ``tenants.training``, or an outside institution's) or to a job (employer,
position, contact), by whom and when, and what came of it, followed up until it is settled.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from workershome.deletion import SET_NULL_IN_UNIONS


class Referral(models.Model):
    """One referral of a roster member to training or to a job, and its outcome."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training")
        JOB = "job", _("Job")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        PLACED = "placed", _("Placed or enrolled")
        NOT_PLACED = "not_placed", _("Not placed")

    member = models.ForeignKey(
        "membership.Member", on_delete=models.PROTECT, related_name="referrals", verbose_name=_("member")
    )
    kind = models.CharField(_("referred to"), max_length=10, choices=Kind.choices)
    referred_on = models.DateField(_("referred on"))
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+",
        verbose_name=_("referred by"),
    )  # fmt: skip
    course = models.ForeignKey(
        "training.Course", null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals",
        verbose_name=_("our training course"),
    )  # fmt: skip
    institution = models.CharField(_("outside training institution"), max_length=200, blank=True)
    programme = models.CharField(_("course or programme"), max_length=200, blank=True)
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=100, blank=True)
    contact = models.CharField(_("contact at the employer or institution"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_on = models.DateField(_("outcome known on"), null=True, blank=True)
    next_follow_up_on = models.DateField(_("next follow-up"), null=True, blank=True)
    # The due date last reminded of, so the daily reminder goes once per due date.
    reminded_for = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-referred_on", "-pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [models.Index(fields=["outcome", "next_follow_up_on"], name="referral_follow_up")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="training") | Q(course__isnull=False) | ~Q(institution=""),
                name="referral_training_has_a_course",
            ),
            models.CheckConstraint(
                condition=~Q(kind="job") | (~Q(employer="") & ~Q(position="")),
                name="referral_job_has_employer_and_position",
            ),
            models.CheckConstraint(
                condition=Q(outcome_on__isnull=True) | Q(outcome_on__gte=F("referred_on")),
                name="referral_outcome_after_referral",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.referred_on:%Y-%m-%d}"

    @property
    def target(self) -> str:
        """Where the member was referred to, in a few words."""
        if self.kind == self.Kind.JOB:
            return f"{self.employer} · {self.position}"
        if self.course is not None:
            return self.course.title
        return " · ".join(part for part in (self.institution, self.programme) if part)


class ReferralFollowUp(models.Model):
    """A follow-up of a referral: what the member or the employer said, and the outcome then."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="follow_ups")
    followed_up_on = models.DateField(_("followed up on"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=Referral.Outcome.choices)
    note = models.TextField(_("what was learnt"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-followed_up_on", "-pk"]
        verbose_name = _("referral follow-up")
        verbose_name_plural = _("referral follow-ups")

    def __str__(self) -> str:
        return f"{self.followed_up_on:%Y-%m-%d}"
