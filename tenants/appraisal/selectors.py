"""Reads on democratic appraisal: rounds by phase, whether a member has taken part, and the
aggregate, with subjects rated by too few members suppressed. Comments are read only in
aggregate, sorted, never with anything about who wrote them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils import timezone

from .models import AppraisalParticipation, AppraisalRating, AppraisalRound, AppraisalSubject, Rating


@dataclass(frozen=True)
class SubjectResult:
    subject: AppraisalSubject
    total: int
    counts: dict[str, int]
    suppressed: bool

    @property
    def shares(self) -> dict[str, int]:
        """Whole percentages of each rating (shown only when not suppressed)."""
        if self.suppressed or not self.total:
            return {}
        return {rating: round(100 * n / self.total) for rating, n in self.counts.items()}

    @property
    def rows(self) -> list[tuple[str, str, int, int]]:
        """(value, label, count, percentage) for each rating, for templates."""
        shares = self.shares
        return [
            (value, str(label), self.counts[value], shares.get(value, 0)) for value, label in Rating.choices
        ]


def rounds_list() -> QuerySet[AppraisalRound]:
    return AppraisalRound.objects.annotate(
        subject_count=Count("subjects", distinct=True),
        participant_count=Count("participations", distinct=True),
    ).order_by("-opens_at", "-pk")


def rounds_open() -> QuerySet[AppraisalRound]:
    now = timezone.now()
    return AppraisalRound.objects.filter(opens_at__lte=now, closes_at__gt=now, published_at__isnull=True)


def rounds_published() -> QuerySet[AppraisalRound]:
    return AppraisalRound.objects.filter(published_at__isnull=False).order_by("-closes_at")


def has_taken_part(*, appraisal_round: AppraisalRound, user) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return AppraisalParticipation.objects.filter(round=appraisal_round, user=user).exists()


def round_results(appraisal_round: AppraisalRound) -> list[SubjectResult]:
    """Each subject's counts; those with fewer ratings than the round's ``min_sample`` are
    suppressed: their counts are zeroed here, so no page or API can show them."""
    counted: dict[int, dict[str, int]] = {}
    for subject_id, rating, n in (
        AppraisalRating.objects.filter(subject__round=appraisal_round)
        .values_list("subject_id", "rating")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counted.setdefault(subject_id, {})[rating] = n
    results = []
    for subject in appraisal_round.subjects.order_by("order", "pk"):
        counts = {value: counted.get(subject.pk, {}).get(value, 0) for value in Rating.values}
        total = sum(counts.values())
        suppressed = total < appraisal_round.min_sample
        if suppressed:
            counts, total = dict.fromkeys(Rating.values, 0), 0
        results.append(SubjectResult(subject=subject, total=total, counts=counts, suppressed=suppressed))
    return results


def round_comments(appraisal_round: AppraisalRound) -> dict[int, list[str]]:
    """The comments on each subject that is not suppressed, sorted (so their order says nothing
    about when or by whom they were written). For the chairman only (``reads_comments``)."""
    shown = {result.subject.pk for result in round_results(appraisal_round) if not result.suppressed}
    comments: dict[int, list[str]] = {pk: [] for pk in shown}
    for subject_id, comment in (
        AppraisalRating.objects.filter(subject_id__in=shown)
        .exclude(comment="")
        .values_list("subject_id", "comment")
    ):
        comments[subject_id].append(comment)
    return {pk: sorted(texts) for pk, texts in comments.items()}
