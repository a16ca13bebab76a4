"""Writes on democratic appraisal: rounds and their subjects, a member's anonymous ratings, and
publishing the aggregate after the round closes.

Anonymity: ``appraisal_submit`` writes the voter roll row and the ratings in one transaction
(so a member counts once, or not at all), but the rating rows carry nothing that leads back to
the member: a random key, no time, no user, inserted in random order. Nothing here logs who
rated, and no event is emitted per submission. When the results are published the round's
ratings are rewritten in one transaction in a new random order, so that not even the database's
own row versions keep which rows were written together.
"""

from __future__ import annotations

import datetime
import random
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.committees.models import Committee, Position
from tenants.events.services import event_emit
from tenants.users.roles import is_member
from workershome.errors import Conflict, ServiceError

from .models import AppraisalParticipation, AppraisalRating, AppraisalRound, AppraisalSubject, Rating

COMMENT_LIMIT = 500


def _locked(round_: AppraisalRound) -> AppraisalRound:
    return AppraisalRound.objects.select_for_update().get(pk=round_.pk)


@transaction.atomic
def round_create(
    *,
    title: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    description: str = "",
    min_sample: int = 5,
    by=None,
) -> AppraisalRound:
    """Plan a round, open to members from ``opens_at`` to ``closes_at``."""
    title = (title or "").strip()[:200]
    if not title:
        raise ServiceError("round_title_missing", _("Give the round a title."), field="title")
    if not isinstance(opens_at, datetime.datetime) or not isinstance(closes_at, datetime.datetime):
        raise ServiceError(
            "round_dates_missing", _("Give when the round opens and closes."), field="opens_at"
        )
    if closes_at <= opens_at:
        raise ServiceError("round_dates", _("The round must close after it opens."), field="closes_at")
    if not (3 <= min_sample <= 100):
        raise ServiceError(
            "round_min_sample_invalid", _("The fewest ratings to publish must be between 3 and 100."),
            field="min_sample",
        )  # fmt: skip
    return AppraisalRound.objects.create(
        title=title, description=(description or "").strip(), opens_at=opens_at, closes_at=closes_at,
        min_sample=min_sample, created_by=by,
    )  # fmt: skip


def _subjects_editable(round_: AppraisalRound) -> None:
    if round_.published_at or round_.participations.exists():
        raise ServiceError("round_started", _("Subjects can only be changed before anyone has rated."))


@transaction.atomic
def subject_add(
    *, appraisal_round: AppraisalRound, kind: str, name: str = "", position: Position | None = None, by=None
) -> AppraisalSubject:
    """Add what members rate: a leader (a committee position) or an area of the union's work."""
    round_ = _locked(appraisal_round)
    _subjects_editable(round_)
    if kind not in AppraisalSubject.Kind.values:
        raise ServiceError("subject_kind_invalid", _("Choose what kind of subject this is."), field="kind")
    if kind == AppraisalSubject.Kind.LEADER:
        if position is None:
            raise ServiceError(
                "subject_position_missing", _("Choose the leader's position."), field="position"
            )
        name = name.strip() or f"{position.get_role_display()} {position.member.name}"
    elif position is not None:
        raise ServiceError(
            "subject_kind_invalid", _("Only a leader is rated through a position."), field="kind"
        )
    name = (name or "").strip()[:200]
    if not name:
        raise ServiceError("subject_name_missing", _("Name what is rated."), field="name")
    if round_.subjects.filter(name=name).exists():
        raise Conflict("subject_exists", _("This round already rates %(name)s."), params={"name": name},
                       field="name")  # fmt: skip
    return AppraisalSubject.objects.create(
        round=round_, kind=kind, name=name, position=position, order=round_.subjects.count()
    )


@transaction.atomic
def subjects_add_leaders(*, appraisal_round: AppraisalRound, by=None) -> int:
    """Add the union committee's serving chairman and vice-chairmen as subjects; returns how many."""
    from tenants.committees.selectors import current_term

    committee = Committee.objects.filter(kind=Committee.Kind.UNION_COMMITTEE).first()
    term = current_term(committee, today=timezone.localdate()) if committee else None
    if term is None:
        raise ServiceError(
            "round_no_committee", _("The union committee has no serving term to take leaders from.")
        )
    added = 0
    for position in term.positions.filter(role__in=["chairman", "vice_chairman"]).select_related("member"):
        name = f"{position.get_role_display()} {position.member.name}"
        if not AppraisalSubject.objects.filter(round=appraisal_round, name=name).exists():
            subject_add(
                appraisal_round=appraisal_round,
                kind=AppraisalSubject.Kind.LEADER,
                position=position,
                name=name,
                by=by,
            )
            added += 1
    return added


def round_phase(round_: AppraisalRound, now: datetime.datetime | None = None) -> str:
    now = now or timezone.now()
    if round_.published_at:
        return "published"
    if now < round_.opens_at:
        return "upcoming"
    if now < round_.closes_at:
        return "open"
    return "closed"


@transaction.atomic
def appraisal_submit(
    *,
    appraisal_round: AppraisalRound,
    user,
    ratings: dict[int, tuple[str, str]],
    at: datetime.datetime | None = None,
) -> int:
    """A member's ratings of an open round's subjects, once.

    ``ratings`` maps subject ids to (rating, comment); a subject the member leaves unrated (an
    empty rating: they do not know that leader's work) is skipped, but at least one must be
    rated. The voter roll row and the ratings are written together; a second submission (even a
    concurrent one) is refused by the roll's unique constraint, with nothing saved. ``at`` is
    the moment of the submission (default now; the demo records a past round). Returns how
    many subjects were rated.
    """
    round_ = AppraisalRound.objects.get(pk=appraisal_round.pk)
    if not is_member(user):
        raise ServiceError(
            "appraisal_members_only", _("Only members of this union can take part."), status=403
        )
    if round_phase(round_, at) != "open":
        raise ServiceError("round_not_open", _("This appraisal is not open for ratings."))
    subjects = set(round_.subjects.values_list("pk", flat=True))
    if set(ratings) - subjects:
        raise ServiceError("appraisal_subject_unknown", _("Rate only the subjects of this appraisal."),
                           field="ratings")  # fmt: skip
    rows = []
    for pk, (rating, comment) in ratings.items():
        if not rating:
            continue
        if rating not in Rating.values:
            raise ServiceError("appraisal_rating_invalid", _("Choose one of the ratings."), field="ratings")
        rows.append(
            AppraisalRating(subject_id=pk, rating=rating, comment=(comment or "").strip()[:COMMENT_LIMIT])
        )
    if not rows:
        raise ServiceError(
            "appraisal_empty", _("Rate at least one subject before you submit."), field="ratings"
        )
    try:
        with transaction.atomic():
            AppraisalParticipation.objects.create(round=round_, user=user)
    except IntegrityError as error:
        raise Conflict(
            "appraisal_already_rated", _("You have already taken part in this appraisal.")
        ) from error
    random.SystemRandom().shuffle(rows)
    AppraisalRating.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def round_publish(*, appraisal_round: AppraisalRound, by=None) -> AppraisalRound:
    """Publish the aggregate once the round has closed (small groups suppressed on display).

    The ratings are rewritten first in a fresh random order with new keys, in this one
    transaction, so no trace of which rows were written together remains."""
    from .selectors import round_results

    round_ = _locked(appraisal_round)
    if round_.published_at:
        raise ServiceError("round_published", _("The results are already published."))
    if round_phase(round_) != "closed":
        raise ServiceError("round_not_closed", _("Results are published only after the round closes."))
    ratings = list(
        AppraisalRating.objects.filter(subject__round=round_).values_list("subject_id", "rating", "comment")
    )
    AppraisalRating.objects.filter(subject__round=round_).delete()
    random.SystemRandom().shuffle(ratings)
    AppraisalRating.objects.bulk_create(
        [AppraisalRating(id=uuid.uuid4(), subject_id=s, rating=r, comment=c) for s, r, c in ratings]
    )
    round_.published_at = timezone.now()
    round_.save(update_fields=["published_at"])
    results = round_results(round_)
    shown = [result for result in results if not result.suppressed]
    event_emit(
        name="appraisal.results_published",
        payload={
            "participants": round_.participations.count(),
            "subjects": len(results),
            "suppressed": len(results) - len(shown),
            "satisfied": sum(result.counts[Rating.SATISFIED] for result in shown),
            "basic": sum(result.counts[Rating.BASIC] for result in shown),
            "unsatisfied": sum(result.counts[Rating.UNSATISFIED] for result in shown),
        },
    )
    return round_
