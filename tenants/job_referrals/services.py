"""Writes of skills and job referral: record a referral, follow it up until it is settled.

Events carry counted facts only: ``referral.created`` (kind) and ``referral.settled`` (kind,
outcome, days from referral to outcome), never the member or the employer.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.events.services import event_emit
from workershome.errors import Conflict, ServiceError

from .models import Referral, ReferralFollowUp
from .permissions import handles_referrals

MAX_TEXT = 2000


def _staff(by) -> None:
    if not handles_referrals(by):
        raise ServiceError("referral_forbidden", _("Only the chairman and union officers handle referrals."))


def _clean(value: str | None) -> str:
    return (value or "").strip()


@transaction.atomic
def referral_create(
    *,
    member,
    kind: str,
    referred_on: datetime.date,
    course=None,
    institution: str = "",
    programme: str = "",
    employer: str = "",
    position: str = "",
    contact: str = "",
    notes: str = "",
    next_follow_up_on: datetime.date | None = None,
    by,
) -> Referral:
    """Record that ``member`` (on the roster, active) was referred to training or to a job."""
    _staff(by)
    if member is None or getattr(member, "status", "") != "active":
        raise ServiceError("referral_member", _("Choose an active member from the roster."), field="member")
    if kind not in Referral.Kind.values:
        raise ServiceError("referral_kind", _("Choose training or job."), field="kind")
    today = timezone.localdate()
    if referred_on > today:
        raise ServiceError(
            "referral_future", _("A referral cannot be dated in the future."), field="referred_on"
        )
    if referred_on < today - datetime.timedelta(days=366 * 5):
        raise ServiceError("referral_old", _("This date is more than five years ago."), field="referred_on")
    if next_follow_up_on is not None and next_follow_up_on < referred_on:
        raise ServiceError(
            "referral_follow_up_before",
            _("A follow-up cannot come before the referral."),
            field="next_follow_up_on",
        )
    values = {name: _clean(value) for name, value in dict(
        institution=institution, programme=programme, employer=employer, position=position, contact=contact,
    ).items()}  # fmt: skip
    if any(len(value) > 200 for value in values.values()) or len(notes or "") > MAX_TEXT:
        raise ServiceError("referral_long", _("A field is too long."))
    if kind == Referral.Kind.TRAINING:
        if course is None and not values["institution"]:
            raise ServiceError(
                "referral_course",
                _("Choose one of our courses or name the outside institution."),
                field="course",
            )
        values.update(employer="", position="")
    else:
        if not values["employer"] or not values["position"]:
            raise ServiceError("referral_job", _("Enter the employer and the position."), field="employer")
        course = None
        values.update(institution="", programme="")
    referral = Referral.objects.create(
        member=member, kind=kind, referred_on=referred_on, course=course, notes=_clean(notes),
        next_follow_up_on=next_follow_up_on, referred_by=by, **values,
    )  # fmt: skip
    event_emit(name="referral.created", payload={"kind": kind, "own_course": course is not None})
    return referral


@transaction.atomic
def referral_follow_up(
    *,
    referral: Referral,
    followed_up_on: datetime.date,
    outcome: str,
    note: str,
    next_follow_up_on: datetime.date | None = None,
    by,
) -> ReferralFollowUp:
    """Record a follow-up and the outcome then; a settled outcome (placed or not) closes the
    referral and is counted for the federation once."""
    _staff(by)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.outcome != Referral.Outcome.PENDING:
        raise Conflict("referral_settled", _("This referral is already settled."))
    if outcome not in Referral.Outcome.values:
        raise ServiceError("referral_outcome", _("Choose an outcome."), field="outcome")
    if followed_up_on < referral.referred_on:
        raise ServiceError(
            "referral_follow_up_before",
            _("A follow-up cannot come before the referral."),
            field="followed_up_on",
        )
    if followed_up_on > timezone.localdate():
        raise ServiceError(
            "referral_future", _("A follow-up cannot be dated in the future."), field="followed_up_on"
        )
    note = _clean(note)
    if not note:
        raise ServiceError("referral_note", _("Say what was learnt."), field="note")
    if len(note) > MAX_TEXT:
        raise ServiceError("referral_long", _("A field is too long."), field="note")
    if (
        outcome == Referral.Outcome.PENDING
        and next_follow_up_on is not None
        and next_follow_up_on < followed_up_on
    ):
        raise ServiceError(
            "referral_next_before",
            _("The next follow-up must come after this one."),
            field="next_follow_up_on",
        )
    follow_up = ReferralFollowUp.objects.create(
        referral=referral, followed_up_on=followed_up_on, outcome=outcome, note=note, by=by
    )
    referral.outcome = outcome
    if outcome == Referral.Outcome.PENDING:
        referral.next_follow_up_on = next_follow_up_on
    else:
        referral.outcome_on = followed_up_on
        referral.next_follow_up_on = None
        event_emit(
            name="referral.settled",
            payload={
                "kind": referral.kind,
                "outcome": outcome,
                "days": (followed_up_on - referral.referred_on).days,
            },
        )
    referral.save(update_fields=["outcome", "outcome_on", "next_follow_up_on"])
    return follow_up
