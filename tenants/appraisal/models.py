"""Democratic appraisal (民主评议): members rate the union's leaders and its work, anonymously.

A round is open to members for a period; each member rates every subject once (满意, 基本满意,
不满意, with an optional comment). Anonymity is structural, a voter roll beside a ballot box:
``AppraisalParticipation`` records *that* a member took part (one row per member and round,
enforced by a unique constraint, so concurrent submissions cannot both count), and
``AppraisalRating`` holds *what* was rated, with a random UUID key, no user, no member, no
time and no link to the participation row. After the round closes the aggregate is published;
a subject rated by fewer than the round's ``min_sample`` members is suppressed so that no one's
rating can be inferred.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from workershome.deletion import SET_NULL_IN_UNIONS


class AppraisalRound(models.Model):
    """One appraisal (评议) of the union's leaders and work, open to members from ``opens_at`` to
    ``closes_at``; its aggregate is published (``published_at``) only after it closes."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    min_sample = models.PositiveSmallIntegerField(
        _("fewest ratings to publish"), default=5,
        help_text=_("A subject with fewer ratings is not published, so that no one's rating can be inferred."),
    )  # fmt: skip
    published_at = models.DateTimeField(_("results published"), null=True, blank=True, editable=False)
    closed_reported_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )

    class Meta:
        ordering = ["-opens_at", "-pk"]
        verbose_name = _("appraisal round")
        verbose_name_plural = _("appraisal rounds")
        permissions = [("view_comments", "Can read appraisal comments (in aggregate)")]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="appraisal_round_dates"),
            models.CheckConstraint(condition=Q(min_sample__gte=3), name="appraisal_min_sample_at_least_3"),
        ]

    def __str__(self) -> str:
        return self.title


class AppraisalSubject(models.Model):
    """What is rated in a round: a leader holding a committee position (its name kept as it was
    when rated), or the union's work in an area."""

    class Kind(models.TextChoices):
        LEADER = "leader", _("Leader")
        WORK = "work", _("The union's work")

    round = models.ForeignKey(AppraisalRound, on_delete=models.CASCADE, related_name="subjects")
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices)
    position = models.ForeignKey(
        "committees.Position", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("position"),
    )  # fmt: skip
    name = models.CharField(_("subject"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["round", "order", "pk"]
        verbose_name = _("appraisal subject")
        verbose_name_plural = _("appraisal subjects")
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="appraisal_subject_unique"),
            models.CheckConstraint(
                condition=Q(kind="work", position__isnull=True) | Q(kind="leader"),
                name="appraisal_subject_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AppraisalParticipation(models.Model):
    """The voter roll: that ``user`` took part in ``round`` (one row each, whatever the timing).

    Deliberately no time and no link to the ratings: it only says "has rated"."""

    round = models.ForeignKey(AppraisalRound, on_delete=models.CASCADE, related_name="participations")
    # Kept (as empty) when the user is deleted, so the round's count of participants stays right.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="appraisal_one_per_member")]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.user_id}"


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class AppraisalRating(models.Model):
    """One anonymous rating of one subject: a random key, the rating and an optional comment.

    No user, member, participation or timestamp: nothing here leads back to who rated."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject = models.ForeignKey(AppraisalSubject, on_delete=models.CASCADE, related_name="ratings")
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        indexes = [models.Index(fields=["subject", "rating"], name="appraisal_rating_subject")]

    def __str__(self) -> str:
        return self.get_rating_display()
