"""Writes on the workers' congress: sessions and their delegates, attendance and the quorum,
the agenda and minutes, motions (co-signing, submission, review, replies, satisfaction),
resolutions, disclosure items, and the periodic check of overdue replies and sessions.

Every refusal is a ``ServiceError`` with a clear message and nothing saved; every change the
federation counts emits an event in the same transaction (counts and dates only).
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tenants.events.services import event_emit
from tenants.membership.models import Member
from workershome.errors import Conflict, ServiceError

from .models import (
    AgendaItem,
    CongressOverdueReport,
    CongressSession,
    Delegate,
    DisclosureItem,
    Motion,
    MotionCosigner,
    Resolution,
    Satisfaction,
    quorum_of,
)

REMIND_DAYS_BEFORE = 7


def _text(value: str, *, field: str, code: str, message, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ServiceError(code, message, field=field)
    return value[:limit]


def _locked(session: CongressSession) -> CongressSession:
    return CongressSession.objects.select_for_update().get(pk=session.pk)


# --- Sessions ------------------------------------------------------------------------------------


@transaction.atomic
def session_create(
    *,
    congress_number: int,
    session_number: int,
    title: str,
    held_on: datetime.date,
    place: str = "",
    cosigners_min: int = 2,
    reply_days: int = 30,
    by=None,
) -> CongressSession:
    """Plan a session (the N-th congress's M-th session) with its motion rules."""
    title = _text(title, field="title", code="session_title_missing", message=_("Give the session a title."),
                  limit=200)  # fmt: skip
    if not isinstance(held_on, datetime.date):
        raise ServiceError("session_date_missing", _("Give the date the session is held."), field="held_on")
    if not (0 <= cosigners_min <= 50):
        raise ServiceError(
            "session_cosigners_invalid",
            _("Co-signers needed must be between 0 and 50."),
            field="cosigners_min",
        )
    if not (1 <= reply_days <= 365):
        raise ServiceError("session_reply_days_invalid", _("Days to reply must be between 1 and 365."),
                           field="reply_days")  # fmt: skip
    if CongressSession.objects.filter(
        congress_number=congress_number, session_number=session_number
    ).exists():
        raise Conflict(
            "session_number_taken", _("Session %(session)s of congress %(congress)s already exists."),
            params={"congress": congress_number, "session": session_number}, field="session_number",
        )  # fmt: skip
    return CongressSession.objects.create(
        congress_number=congress_number, session_number=session_number, title=title, held_on=held_on,
        place=(place or "").strip()[:200], cosigners_min=cosigners_min, reply_days=reply_days,
    )  # fmt: skip


@transaction.atomic
def session_minutes_save(*, session: CongressSession, minutes: str, by=None) -> CongressSession:
    """Record the session's minutes (会议纪要); they can be completed after it closes."""
    session = _locked(session)
    session.minutes = (minutes or "").strip()
    session.save(update_fields=["minutes"])
    return session


@transaction.atomic
def agenda_item_add(*, session: CongressSession, title: str, by=None) -> AgendaItem:
    session = _locked(session)
    if session.status == CongressSession.Status.CLOSED:
        raise ServiceError("session_closed", _("The session is closed."))
    title = _text(title, field="title", code="agenda_title_missing", message=_("Give the agenda item."),
                  limit=200)  # fmt: skip
    order = (session.agenda.aggregate(m=Max("order"))["m"] or 0) + 1
    return AgendaItem.objects.create(session=session, title=title, order=order)


@transaction.atomic
def delegate_add(*, session: CongressSession, member: Member, constituency: str, by=None) -> Delegate:
    """Seat an active roster member as a delegate of ``constituency``, before the session convenes."""
    session = _locked(session)
    if session.status != CongressSession.Status.PLANNED:
        raise ServiceError(
            "session_not_planned",
            _("Delegates are seated before the session convenes."),
            field="member_mobile",
        )
    constituency = _text(
        constituency, field="constituency", code="delegate_constituency_missing",
        message=_("Give the delegate's constituency (代表团/选区)."), limit=100,
    )  # fmt: skip
    if member.status != Member.Status.ACTIVE:
        raise ServiceError(
            "delegate_member_inactive", _("Only an active member can be a delegate."), field="member_mobile"
        )
    if session.delegates.filter(member=member).exists():
        raise Conflict(
            "delegate_exists", _("This member is already a delegate of this session."), field="member_mobile"
        )
    return Delegate.objects.create(session=session, member=member, constituency=constituency)


@transaction.atomic
def attendance_record(*, session: CongressSession, present_ids: list[int], by=None) -> int:
    """Mark which delegates are present (the others absent); returns how many are present."""
    session = _locked(session)
    if session.status != CongressSession.Status.PLANNED:
        raise ServiceError("session_not_planned", _("Attendance is recorded before the session convenes."))
    present = set(present_ids)
    session.delegates.update(present=False)
    return session.delegates.filter(pk__in=present).update(present=True)


@transaction.atomic
def session_open(*, session: CongressSession, by=None) -> CongressSession:
    """Convene the session: refused unless at least two thirds of its delegates are present."""
    session = _locked(session)
    if session.status != CongressSession.Status.PLANNED:
        raise ServiceError("session_not_planned", _("This session has already convened."))
    total = session.delegates.count()
    present = session.delegates.filter(present=True).count()
    if total == 0:
        raise ServiceError("session_no_delegates", _("Seat the session's delegates first."))
    needed = quorum_of(total)
    if present < needed:
        raise ServiceError(
            "quorum_not_met",
            _("The session cannot convene: %(present)s of %(total)s delegates are present, and at least two "
              "thirds (%(needed)s) must be."),
            params={"present": present, "total": total, "needed": needed},
        )  # fmt: skip
    session.status = CongressSession.Status.OPEN
    session.delegates_total, session.present_count = total, present
    session.opened_at = timezone.now()
    session.save(update_fields=["status", "delegates_total", "present_count", "opened_at"])
    event_emit(
        name="congress.session_held",
        payload={"held_on": session.held_on.isoformat(), "delegates": total, "present": present,
                 "quorum_ratio": round(present / total, 3)},
    )  # fmt: skip
    return session


@transaction.atomic
def session_close(*, session: CongressSession, by=None) -> CongressSession:
    session = _locked(session)
    if session.status != CongressSession.Status.OPEN:
        raise ServiceError("session_not_open", _("Only a session in progress can be closed."))
    session.status = CongressSession.Status.CLOSED
    session.closed_at = timezone.now()
    session.save(update_fields=["status", "closed_at"])
    # Drafts nobody submitted lapse with the session.
    session.motions.filter(status=Motion.Status.DRAFT).delete()
    return session


# --- Motions -------------------------------------------------------------------------------------


def delegate_of(*, session: CongressSession, user) -> Delegate | None:
    """The user's seat in the session, through their roster entry; ``None`` if not a delegate."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return (
        Delegate.objects.filter(session=session, member__user=user, member__status=Member.Status.ACTIVE)
        .select_related("member")
        .first()
    )


def _delegate_require(session: CongressSession, user) -> Delegate:
    delegate = delegate_of(session=session, user=user)
    if delegate is None:
        raise ServiceError(
            "not_a_delegate", _("Only the session's delegates can put and co-sign motions."), status=403
        )
    return delegate


@transaction.atomic
def motion_draft(*, session: CongressSession, user, title: str, reason: str, proposal: str) -> Motion:
    """A delegate writes a motion; it collects co-signers before it can be submitted."""
    session = _locked(session)
    if session.status == CongressSession.Status.CLOSED:
        raise ServiceError("session_closed", _("The session is closed: it takes no more motions."))
    delegate = _delegate_require(session, user)
    title = _text(title, field="title", code="motion_title_missing", message=_("Give the motion a title."),
                  limit=200)  # fmt: skip
    reason = _text(reason, field="reason", code="motion_reason_missing",
                   message=_("Say what the problem is (案由)."), limit=5000)  # fmt: skip
    proposal = _text(proposal, field="proposal", code="motion_proposal_missing",
                     message=_("Say what you propose to do about it."), limit=5000)  # fmt: skip
    return Motion.objects.create(
        session=session, proposer=delegate, title=title, reason=reason, proposal=proposal
    )


@transaction.atomic
def motion_cosign(*, motion: Motion, user) -> MotionCosigner:
    """Another delegate of the session co-signs (附议) a draft motion."""
    motion = Motion.objects.select_for_update().select_related("session").get(pk=motion.pk)
    delegate = _delegate_require(motion.session, user)
    if motion.status != Motion.Status.DRAFT:
        raise ServiceError(
            "motion_not_draft", _("This motion has been submitted: it takes no more co-signers.")
        )
    if delegate.pk == motion.proposer_id:
        raise ServiceError("motion_cosign_own", _("You cannot co-sign your own motion."))
    if motion.cosigners.filter(delegate=delegate).exists():
        raise Conflict("motion_cosigned", _("You have already co-signed this motion."))
    return MotionCosigner.objects.create(motion=motion, delegate=delegate)


@transaction.atomic
def motion_submit(*, motion: Motion, user) -> Motion:
    """The proposer submits the motion; refused without the session's number of co-signers."""
    motion = (
        Motion.objects.select_for_update().select_related("session", "proposer__member").get(pk=motion.pk)
    )
    session = CongressSession.objects.select_for_update().get(pk=motion.session_id)  # numbers in order
    if motion.proposer.member.user_id != getattr(user, "pk", None):
        raise ServiceError("motion_not_yours", _("Only the proposer can submit the motion."), status=403)
    if motion.status != Motion.Status.DRAFT:
        raise ServiceError("motion_not_draft", _("This motion has already been submitted."))
    if session.status == CongressSession.Status.CLOSED:
        raise ServiceError("session_closed", _("The session is closed: it takes no more motions."))
    have = motion.cosigners.count()
    if have < session.cosigners_min:
        raise ServiceError(
            "motion_cosigners_missing",
            _("A motion needs at least %(needed)s co-signers among the delegates; this one has %(have)s."),
            params={"needed": session.cosigners_min, "have": have},
        )  # fmt: skip
    motion.number = (session.motions.aggregate(n=Max("number"))["n"] or 0) + 1
    motion.status = Motion.Status.SUBMITTED
    motion.submitted_at = timezone.now()
    motion.save(update_fields=["number", "status", "submitted_at"])
    event_emit(name="congress.motion_submitted", payload={"session_held_on": session.held_on.isoformat(),
                                                          "cosigners": have})  # fmt: skip
    return motion


REVIEW_DECISIONS = (Motion.Status.ACCEPTED, Motion.Status.SUGGESTION, Motion.Status.NOT_ACCEPTED)
# The review's choices, as (value, label): for forms, the API and its schema.
REVIEW_DECISION_CHOICES = [(decision.value, decision.label) for decision in REVIEW_DECISIONS]


@transaction.atomic
def motion_review(
    *,
    motion: Motion,
    decision: str,
    department: str = "",
    note: str = "",
    reply_days: int | None = None,
    by=None,
) -> Motion:
    """The motions committee's review: accepted (立案, to ``department``, the reply due in the
    session's number of days unless given), a suggestion, or not accepted (a reason required)."""
    motion = Motion.objects.select_for_update().select_related("session").get(pk=motion.pk)
    if motion.status != Motion.Status.SUBMITTED:
        raise ServiceError(
            "motion_not_submitted", _("Only a submitted motion waiting for review can be reviewed.")
        )
    if decision not in REVIEW_DECISIONS:
        raise ServiceError("motion_decision_invalid", _("Choose the review's decision."), field="decision")
    note = (note or "").strip()
    department = (department or "").strip()[:100]
    today = timezone.localdate()
    if decision == Motion.Status.ACCEPTED:
        if not department:
            raise ServiceError("motion_department_missing", _("Name the department responsible for the reply."),
                               field="department")  # fmt: skip
        days = reply_days if reply_days is not None else motion.session.reply_days
        if not (1 <= days <= 365):
            raise ServiceError("session_reply_days_invalid", _("Days to reply must be between 1 and 365."),
                               field="reply_days")  # fmt: skip
        motion.reply_due_on = today + datetime.timedelta(days=days)
    elif decision == Motion.Status.NOT_ACCEPTED and not note:
        raise ServiceError(
            "motion_reason_missing", _("Give the reason the motion is not accepted."), field="note"
        )
    motion.status, motion.department, motion.review_note = decision, department, note
    motion.reviewed_at = timezone.now()
    motion.save()
    event_emit(name="congress.motion_reviewed", payload={"decision": decision})
    _proposer_tell(motion, gettext("Your motion %(reference)s was reviewed: %(status)s")
                   % {"reference": motion.reference, "status": motion.get_status_display()})  # fmt: skip
    return motion


@transaction.atomic
def motion_reply(*, motion: Motion, reply: str, by=None) -> Motion:
    """Record the department's reply (or, after an unsatisfied rating, its second reply)."""
    motion = Motion.objects.select_for_update().select_related("session").get(pk=motion.pk)
    reply = _text(reply, field="reply", code="motion_reply_missing", message=_("Write the department's reply."),
                  limit=10000)  # fmt: skip
    now = timezone.now()
    today = timezone.localdate()
    if motion.status == Motion.Status.ACCEPTED:
        motion.reply, motion.replied_at = reply, now
        on_time = motion.reply_due_on is not None and today <= motion.reply_due_on
        event_emit(name="congress.motion_replied", payload={"on_time": on_time, "second": False,
                   "days_taken": (today - motion.reviewed_at.date()).days if motion.reviewed_at else None})  # fmt: skip
    elif motion.status == Motion.Status.ANSWERED and motion.satisfaction == Satisfaction.UNSATISFIED \
            and not motion.second_reply:  # fmt: skip
        motion.second_reply, motion.second_replied_at = reply, now
        event_emit(
            name="congress.motion_replied", payload={"on_time": True, "second": True, "days_taken": None}
        )
    else:
        raise ServiceError("motion_reply_not_due", _("This motion is not waiting for a reply."))
    motion.status = Motion.Status.ANSWERED
    motion.save()
    _proposer_tell(motion, gettext("The department replied to your motion %(reference)s: please rate the reply.")
                   % {"reference": motion.reference})  # fmt: skip
    return motion


@transaction.atomic
def motion_rate(*, motion: Motion, user, satisfaction: str) -> Motion:
    """The proposer rates the reply. Unsatisfied with the first reply asks for a second reply;
    anything else (or any rating of the second reply) closes the motion."""
    motion = Motion.objects.select_for_update().select_related("proposer__member").get(pk=motion.pk)
    if motion.proposer.member.user_id != getattr(user, "pk", None):
        raise ServiceError("motion_not_yours", _("Only the proposer rates the reply."), status=403)
    if satisfaction not in Satisfaction.values:
        raise ServiceError(
            "motion_satisfaction_invalid", _("Choose how satisfied you are."), field="satisfaction"
        )
    if motion.status != Motion.Status.ANSWERED or (motion.satisfaction and not motion.second_replied_at):
        raise ServiceError("motion_not_answered", _("There is no reply waiting for your rating."))
    second = bool(motion.second_replied_at)
    if second:
        motion.final_satisfaction = satisfaction
        motion.status = Motion.Status.CLOSED
    else:
        motion.satisfaction = satisfaction
        if satisfaction != Satisfaction.UNSATISFIED:
            motion.status = Motion.Status.CLOSED
    motion.save()
    event_emit(name="congress.motion_rated", payload={"satisfaction": satisfaction, "second": second})
    return motion


def _proposer_tell(motion: Motion, title: str) -> None:
    from tenants.notifications.services import notify

    user = Member.objects.filter(pk=motion.proposer.member_id).values_list("user", flat=True).first()
    if user:
        from tenants.users.models import User

        notify(recipients=User.objects.filter(pk=user, is_active=True), title=title, url=f"/congress/motions/{motion.pk}/",
               channels=("site",))  # fmt: skip


# --- Resolutions and disclosure -------------------------------------------------------------------


@transaction.atomic
def resolution_record(
    *,
    session: CongressSession,
    title: str,
    text: str = "",
    method: str,
    votes_for: int,
    votes_against: int,
    votes_abstain: int,
    by=None,
) -> Resolution:
    """Enter a vote's counts; it passes when more than half of *all* delegates voted for it."""
    session = _locked(session)
    if session.status != CongressSession.Status.OPEN:
        raise ServiceError("session_not_open", _("Resolutions are voted while the session is in progress."))
    title = _text(title, field="title", code="resolution_title_missing",
                  message=_("Give the resolution a title."), limit=200)  # fmt: skip
    if method not in Resolution.Method.values:
        raise ServiceError("resolution_method_invalid", _("Choose how the vote was taken."), field="method")
    counts = (votes_for, votes_against, votes_abstain)
    if any(not isinstance(n, int) or n < 0 for n in counts):
        raise ServiceError(
            "resolution_counts_invalid", _("Enter the counts as whole numbers."), field="votes_for"
        )
    if sum(counts) > session.present_count:
        raise ServiceError(
            "resolution_counts_too_many",
            _("%(votes)s votes were entered, but only %(present)s delegates are present."),
            params={"votes": sum(counts), "present": session.present_count}, field="votes_for",
        )  # fmt: skip
    passed = votes_for * 2 > session.delegates_total
    resolution = Resolution.objects.create(
        session=session, title=title, text=(text or "").strip(), method=method, votes_for=votes_for,
        votes_against=votes_against, votes_abstain=votes_abstain, delegates_total=session.delegates_total,
        passed=passed, voted_at=timezone.now(), created_by=by,
    )  # fmt: skip
    event_emit(name="congress.resolution_voted", payload={"passed": passed, "for": votes_for,
               "against": votes_against, "abstain": votes_abstain, "delegates": session.delegates_total})  # fmt: skip
    return resolution


@transaction.atomic
def disclosure_save(
    *,
    item: DisclosureItem | None = None,
    category: str,
    title: str,
    content: str,
    disclosed_on: datetime.date,
    published: bool = True,
    by=None,
) -> DisclosureItem:
    """Record (or change) what the employer disclosed to its workers (厂务公开)."""
    if category not in DisclosureItem.Category.values:
        raise ServiceError("disclosure_category_invalid", _("Choose a category."), field="category")
    title = _text(title, field="title", code="disclosure_title_missing", message=_("Give the item a title."),
                  limit=200)  # fmt: skip
    content = _text(content, field="content", code="disclosure_content_missing",
                    message=_("Write what was disclosed."), limit=20000)  # fmt: skip
    if not isinstance(disclosed_on, datetime.date):
        raise ServiceError(
            "disclosure_date_missing", _("Give the date of the disclosure."), field="disclosed_on"
        )
    created = item is None
    if item is None:
        item = DisclosureItem(created_by=by)
    else:
        item = DisclosureItem.objects.select_for_update().get(pk=item.pk)
    item.category, item.title, item.content = category, title, content
    item.disclosed_on, item.published = disclosed_on, bool(published)
    item.save()
    if created:
        event_emit(name="congress.disclosure_published",
                   payload={"category": category, "disclosed_on": disclosed_on.isoformat()})  # fmt: skip
    return item


# --- The periodic check ---------------------------------------------------------------------------


def _staff_tell(*, title: str, body: str, url: str) -> None:
    from tenants.committees.selectors import union_chairman_users
    from tenants.notifications.services import notify

    notify(recipients=union_chairman_users(), title=title, body=body, url=url)


@transaction.atomic
def motion_deadline_check(*, motion: Motion) -> str | None:
    """Remind the chairman a week before an accepted motion's reply is due (once), and flag and
    report it once the due date has passed without a reply (once)."""
    motion = Motion.objects.select_for_update().select_related("session").get(pk=motion.pk)
    if motion.status != Motion.Status.ACCEPTED or motion.reply_due_on is None:
        return None
    today = timezone.localdate()
    params = {"reference": motion.reference, "title": motion.title, "department": motion.department,
              "due": motion.reply_due_on}  # fmt: skip
    url = f"/admin/congress/motions/{motion.pk}/"
    if motion.is_overdue(today):
        if motion.overdue_reported_at is not None:
            return None
        motion.overdue_reported_at = timezone.now()
        motion.save(update_fields=["overdue_reported_at"])
        event_emit(name="congress.motion_reply_overdue",
                   payload={"due_on": motion.reply_due_on.isoformat(), "days_overdue": (today - motion.reply_due_on).days})  # fmt: skip
        _staff_tell(
            title=gettext("Motion reply overdue: %(reference)s %(title)s") % params,
            body=gettext("%(department)s was due to reply by %(due)s and has not. Chase the reply.") % params,
            url=url,
        )
        return "overdue"
    if motion.reminded_at is None and today >= motion.reply_due_on - datetime.timedelta(
        days=REMIND_DAYS_BEFORE
    ):
        motion.reminded_at = timezone.now()
        motion.save(update_fields=["reminded_at"])
        _staff_tell(
            title=gettext("Motion reply due soon: %(reference)s %(title)s") % params,
            body=gettext("%(department)s must reply by %(due)s.") % params,
            url=url,
        )
        return "reminded"
    return None


@transaction.atomic
def congress_due_check() -> str | None:
    """Report (once per gap) that no session was held in the last year: 职代会 meets at least yearly."""
    from .selectors import congress_overdue, session_last_held

    if not congress_overdue():
        return None
    last = session_last_held()
    last_on = last.held_on if last else None
    try:
        with transaction.atomic():
            CongressOverdueReport.objects.create(last_held_on=last_on, reported_at=timezone.now())
    except IntegrityError:
        return None  # already reported
    event_emit(name="congress.session_overdue",
               payload={"last_held_on": last_on.isoformat() if last_on else None})  # fmt: skip
    _staff_tell(
        title=gettext("The workers' congress is overdue"),
        body=gettext("No session of the workers' congress has been held in the last year. Plan one."),
        url="/admin/congress/sessions/",
    )
    return "overdue"
