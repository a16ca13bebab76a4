"""Writes of dispute mediation: consultations, cases (apply, accept, extend, sessions, close),
the mediation agreement as PDF, and the periodic scan of the statutory limit.

Each function checks its input and the caller's right before changing anything and runs in one
transaction with its case-timeline entry, federation event (counted facts only) and notices.
Dispute details are collected only under the worker's active consent (scope ``mediation``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.cases.kinds import CaseKind
from tenants.cases.models import Case, CaseEvent
from tenants.cases.roles import chairmen
from tenants.cases.services import case_note, case_open, case_transition
from tenants.events.services import event_emit
from tenants.notifications.services import notify
from tenants.privacy.models import Consent, ConsentScope
from tenants.privacy.services import consent_record, consent_require
from workershome.errors import Conflict, ServiceError

from .access import answers_consultations, handles_mediation
from .kinds import MEDIATION_LIMIT_DAYS
from .models import (
    MAX_AMOUNT,
    ClaimKind,
    Consultation,
    LimitExtension,
    MediationCase,
    MediationSession,
    agreement_path,
)
from .selectors import DUE_WITHIN_DAYS, today

# The parties may extend the mediation, but not beyond this many days after acceptance.
MAX_TOTAL_DAYS = 45
CONSENT_PURPOSE = (
    "为解答劳动法律咨询、调解劳动争议，收集争议事实、诉求金额、调解笔录和调解协议；"
    "仅调解员和工会主席可查阅，调解不成时经本人同意转介劳动仲裁、法律援助或街道工会服务站。"
)


# --- checks ---------------------------------------------------------------------------------------


def _mediator_required(user) -> None:
    if not handles_mediation(user):
        raise ServiceError(
            "mediation_staff_only", _("Only mediators and the chairman handle mediation cases."), status=403
        )


def _answerer_required(user) -> None:
    if not answers_consultations(user):
        raise ServiceError(
            "consultation_staff_only",
            _("Only mediators, union officers and the chairman answer legal consultations."),
            status=403,
        )


def _text(value, *, code: str, message, field: str, required: bool = True, limit: int = 5000) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ServiceError(code, message, field=field)
    if len(text) > limit:
        raise ServiceError(
            f"{code}_long", _("Keep it under %(limit)s characters."), params={"limit": limit}, field=field
        )
    return text


def amount_clean(value, *, field: str) -> Decimal:
    """An amount in yuan: never negative, never absurd (more than ten million yuan)."""
    try:
        amount = Decimal(str(value).replace(",", "").strip()).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError) as error:
        raise ServiceError(
            "amount_invalid", _("Give the amount in yuan, e.g. 5000 or 5000.50."), field=field
        ) from error
    if not amount.is_finite():
        raise ServiceError("amount_invalid", _("Give the amount in yuan, e.g. 5000 or 5000.50."), field=field)
    if amount < 0:
        raise ServiceError("amount_negative", _("An amount cannot be negative."), field=field)
    if amount > MAX_AMOUNT:
        raise ServiceError(
            "amount_too_large",
            _("%(amount)s yuan is more than %(limit)s yuan: check the amount for a typing error."),
            params={"amount": f"{amount:,.2f}", "limit": f"{MAX_AMOUNT:,}"},
            field=field,
        )
    return amount


def _date(value, *, field: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value)
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError as error:
        raise ServiceError("date_invalid", _("Give a date such as 2026-03-15."), field=field) from error


def _claim_kind(value: str, *, field: str = "claim_kind") -> str:
    if value not in ClaimKind.values:
        raise ServiceError("claim_kind", _("Choose what the dispute is about."), field=field)
    return value


def _consent(*, worker, consent_given: bool, method: str, by) -> Consent:
    """The worker's active consent for mediation; recorded now when ``consent_given`` (the worker
    agreed, the purpose stated to them), else required to exist already."""
    if worker is None or getattr(worker, "pk", None) is None:
        raise ServiceError("mediation_worker", _("Choose the worker."), field="worker")
    if consent_given:
        existing = Consent.objects.filter(
            worker=worker, scope=ConsentScope.MEDIATION, withdrawn_at__isnull=True
        ).first()
        if existing is not None:
            return existing
        return consent_record(
            worker=worker, scope=ConsentScope.MEDIATION, purpose=CONSENT_PURPOSE, method=method, by=by
        )
    return consent_require(worker=worker, scope=ConsentScope.MEDIATION)


def _locked(mediation: MediationCase) -> MediationCase:
    return MediationCase.objects.select_for_update().select_related("case").get(pk=mediation.pk)


def _mediators():
    from tenants.users.models import User

    return User.objects.filter(is_active=True, groups__name="mediator").distinct()


# --- consultations --------------------------------------------------------------------------------


@transaction.atomic
def consultation_ask(*, worker, claim_kind: str, question: str, consent_given: bool) -> Consultation:
    """A signed-in member asks a legal question online (after agreeing to the stated purpose);
    mediators are told and ``mediation.consultation_logged`` is emitted."""
    from tenants.users.roles import is_member

    if not is_member(worker):
        raise ServiceError(
            "consultation_members_only", _("Sign in as a member of this union to ask."), status=403
        )
    claim_kind = _claim_kind(claim_kind)
    question = _text(question, code="consultation_question", message=_("Write your question."),
                     field="question", limit=3000)  # fmt: skip
    if not consent_given:
        raise ServiceError(
            "consent_required",
            _("Agree to the purpose stated before sending your question."),
            field="consent",
        )
    consent = _consent(worker=worker, consent_given=True, method=Consent.Method.ONLINE, by=worker)
    consultation = Consultation.objects.create(
        worker=worker, consent=consent, claim_kind=claim_kind, channel=Consultation.Channel.ONLINE,
        question=question, asked_at=timezone.now(),
    )  # fmt: skip
    event_emit(name="mediation.consultation_logged", payload={"claim_kind": claim_kind, "channel": "online"})
    notify(
        recipients=_mediators() or chairmen(),
        title=str(_("New legal consultation: %(reference)s") % {"reference": consultation.reference}),
        url=f"/admin/mediation/consultations/{consultation.pk}/",
        channels=("site",),
    )
    return consultation


@transaction.atomic
def consultation_log(
    *,
    worker,
    claim_kind: str,
    channel: str,
    question: str,
    answer: str = "",
    law_cited: str = "",
    consent_given: bool = False,
    by,
) -> Consultation:
    """A mediator or officer logs a consultation from a visit or a call (answered at once, or later)."""
    _answerer_required(by)
    if channel not in (Consultation.Channel.VISIT, Consultation.Channel.PHONE):
        raise ServiceError("consultation_channel", _("Say how the worker asked."), field="channel")
    claim_kind = _claim_kind(claim_kind)
    question = _text(question, code="consultation_question", message=_("Write the worker's question."),
                     field="question", limit=3000)  # fmt: skip
    answer = _text(answer, code="consultation_answer", message="", field="answer", required=False)
    law_cited = _text(
        law_cited, code="consultation_law", message="", field="law_cited", required=False, limit=300
    )
    consent = _consent(worker=worker, consent_given=consent_given, method=Consent.Method.IN_PERSON, by=by)
    now = timezone.now()
    consultation = Consultation.objects.create(
        worker=worker, consent=consent, claim_kind=claim_kind, channel=channel, question=question,
        asked_at=now, logged_by=by, answer=answer, law_cited=law_cited,
        status=Consultation.Status.ANSWERED if answer else Consultation.Status.WAITING,
        answered_at=now if answer else None, answered_by=by if answer else None,
    )  # fmt: skip
    event_emit(name="mediation.consultation_logged", payload={"claim_kind": claim_kind, "channel": channel})
    return consultation


@transaction.atomic
def consultation_answer(*, consultation: Consultation, answer: str, law_cited: str = "", by) -> Consultation:
    """Answer (or correct the answer to) a consultation; the worker is told and sees it on /my/."""
    _answerer_required(by)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    answer = _text(answer, code="consultation_answer", message=_("Write the answer."), field="answer")
    law_cited = _text(
        law_cited, code="consultation_law", message="", field="law_cited", required=False, limit=300
    )
    consultation.answer, consultation.law_cited = answer, law_cited
    consultation.status = Consultation.Status.ANSWERED
    consultation.answered_at, consultation.answered_by = timezone.now(), by
    consultation.save(update_fields=["answer", "law_cited", "status", "answered_at", "answered_by"])
    notify(
        recipients=[consultation.worker],
        title=str(_("Your legal question has been answered")),
        url="/my/mediation/",
        channels=("site", "sms"),
    )
    return consultation


# --- cases ----------------------------------------------------------------------------------------


@transaction.atomic
def mediation_apply(
    *,
    worker,
    respondent_kind: str,
    respondent_name: str,
    claim_kind: str,
    claim: str,
    amount_claimed=0,
    consultation: Consultation | None = None,
    consent_given: bool = False,
    channel: str = Case.Channel.WALK_IN,
    by,
) -> MediationCase:
    """Register a worker's application for mediation (申请), after their recorded consent.

    Opens a restricted ``mediation`` case (the timeline never holds the dispute's details) with
    ``by`` as its assignee and mediator in charge.
    """
    _mediator_required(by)
    consent = _consent(worker=worker, consent_given=consent_given, method=Consent.Method.IN_PERSON, by=by)
    if respondent_kind not in MediationCase.RespondentKind.values:
        raise ServiceError("respondent_kind", _("Say who the dispute is with."), field="respondent_kind")
    respondent_name = _text(respondent_name, code="respondent_name", message=_("Give the respondent's name."),
                            field="respondent_name", limit=200)  # fmt: skip
    claim_kind = _claim_kind(claim_kind)
    claim = _text(claim, code="mediation_claim", message=_("Describe the dispute and what the worker asks for."),
                  field="claim")  # fmt: skip
    amount = amount_clean(0 if amount_claimed in (None, "") else amount_claimed, field="amount_claimed")
    if consultation is not None and consultation.worker_id != worker.pk:
        raise ServiceError(
            "consultation_other_worker",
            _("That consultation was asked by another worker."),
            field="consultation",
        )
    case, _code = case_open(
        kind=CaseKind.MEDIATION, title="劳动争议调解申请",
        description="争议事实、请求金额、调解笔录和调解协议只记录在调解案件中，不写入案件流转记录。",
        channel=channel, requester=worker, confidentiality=Case.Confidentiality.RESTRICTED, by=by,
    )  # fmt: skip
    Case.objects.filter(pk=case.pk).update(assignee=by)
    mediation = MediationCase.objects.create(
        case=case, worker=worker, consent=consent, consultation=consultation, respondent_kind=respondent_kind,
        respondent_name=respondent_name, claim_kind=claim_kind, claim=claim, amount_claimed=amount,
        mediator=by, applied_at=case.opened_at,
    )  # fmt: skip
    return mediation


@transaction.atomic
def mediation_accept(*, mediation: MediationCase, by) -> MediationCase:
    """Accept the application (受理): the 15-day statutory limit starts today."""
    _mediator_required(by)
    mediation = _locked(mediation)
    if mediation.status != MediationCase.Status.APPLIED:
        raise Conflict("mediation_state", _("Only an application waiting for acceptance can be accepted."))
    case_transition(case=mediation.case, to_step="mediating", by=by, note="受理调解申请，十五日内结束调解。")
    now = timezone.now()
    mediation.status = MediationCase.Status.ACCEPTED
    mediation.accepted_at = now
    mediation.ends_on = timezone.localdate(now) + datetime.timedelta(days=MEDIATION_LIMIT_DAYS)
    mediation.mediator = mediation.mediator or by
    mediation.save(update_fields=["status", "accepted_at", "ends_on", "mediator"])
    event_emit(name="mediation.case_accepted", payload={"claim_kind": mediation.claim_kind})
    notify(
        recipients=[mediation.worker],
        title=str(_("Your application for mediation %(reference)s has been accepted") % {
            "reference": mediation.reference}),
        url="/my/mediation/",
        channels=("site", "sms"),
    )  # fmt: skip
    return mediation


@transaction.atomic
def mediation_extend(*, mediation: MediationCase, new_end, reason: str, by) -> LimitExtension:
    """Record that the parties agreed to extend the mediation to ``new_end`` (and why).

    Bounded: later than the current end day, not in the past, and at most 45 days after acceptance.
    """
    _mediator_required(by)
    mediation = _locked(mediation)
    if mediation.status != MediationCase.Status.ACCEPTED:
        raise Conflict("mediation_state", _("Only a case being mediated can be extended."))
    new_end = _date(new_end, field="new_end")
    reason = _text(reason, code="extension_reason", message=_("Say why the parties agreed to extend it."),
                   field="reason", limit=1000)  # fmt: skip
    assert mediation.ends_on is not None and mediation.accepted_at is not None
    if new_end <= mediation.ends_on or new_end < today():
        raise ServiceError(
            "extension_not_later",
            _("The new end day must be after %(end)s."),
            params={"end": f"{max(mediation.ends_on, today()):%Y-%m-%d}"},
            field="new_end",
        )
    latest = timezone.localdate(mediation.accepted_at) + datetime.timedelta(days=MAX_TOTAL_DAYS)
    if new_end > latest:
        raise ServiceError(
            "extension_too_long",
            _("A mediation can be extended to %(latest)s at the latest (%(days)s days after acceptance)."),
            params={"latest": f"{latest:%Y-%m-%d}", "days": MAX_TOTAL_DAYS},
            field="new_end",
        )
    extension = LimitExtension.objects.create(
        mediation=mediation, previous_end=mediation.ends_on, new_end=new_end, reason=reason, recorded_by=by
    )
    mediation.ends_on = new_end
    mediation.save(update_fields=["ends_on"])
    case_note(case=mediation.case, kind=CaseEvent.Kind.NOTE, text=f"经双方同意延长调解期限至{new_end:%Y-%m-%d}。",
              by=by)  # fmt: skip
    return extension


@transaction.atomic
def session_record(
    *, mediation: MediationCase, held_on, place: str, attendees: str, minutes: str, by
) -> MediationSession:
    """Record a mediation session (调解) with its minutes; refused before acceptance and after closure."""
    _mediator_required(by)
    mediation = _locked(mediation)
    if mediation.status == MediationCase.Status.APPLIED:
        raise Conflict("session_before_acceptance", _("Accept the application before holding a session."))
    if mediation.status == MediationCase.Status.CLOSED:
        raise Conflict(
            "session_after_closure", _("This mediation is closed: no more sessions can be recorded.")
        )
    day = _date(held_on, field="held_on")
    assert mediation.accepted_at is not None
    accepted = timezone.localdate(mediation.accepted_at)
    if day < accepted:
        raise ServiceError(
            "session_before_acceptance",
            _("%(day)s is before the application was accepted (%(accepted)s)."),
            params={"day": f"{day:%Y-%m-%d}", "accepted": f"{accepted:%Y-%m-%d}"},
            field="held_on",
        )
    if day > today():
        raise ServiceError("date_future", _("This date is in the future."), field="held_on")
    place = _text(
        place, code="session_place", message=_("Say where the session was held."), field="place", limit=200
    )
    attendees = _text(attendees, code="session_attendees", message=_("List who attended."), field="attendees",
                      limit=1000)  # fmt: skip
    minutes = _text(minutes, code="session_minutes", message=_("Write the minutes of the session."),
                    field="minutes", limit=20000)  # fmt: skip
    number = mediation.sessions.count() + 1
    session = MediationSession.objects.create(
        mediation=mediation, number=number, held_on=day, place=place, attendees=attendees, minutes=minutes,
        recorded_by=by,
    )  # fmt: skip
    case_note(case=mediation.case, kind=CaseEvent.Kind.MEETING, text=f"第{number}次调解", by=by)
    return session


def _close(*, mediation: MediationCase, outcome: str, outcome_text: str, by) -> MediationCase:
    """Close the case on the engine and emit ``mediation.case_closed`` (outcome, claim kind,
    within the limit or not, days taken since acceptance)."""
    now = timezone.now()
    day = timezone.localdate(now)
    case_transition(case=mediation.case, to_step="closed", by=by, outcome=outcome_text)
    mediation.status = MediationCase.Status.CLOSED
    mediation.outcome = outcome
    mediation.closed_at = now
    started = timezone.localdate(mediation.accepted_at or mediation.applied_at)
    mediation.within_limit = None if mediation.ends_on is None else day <= mediation.ends_on
    event_emit(
        name="mediation.case_closed",
        payload={
            "outcome": outcome, "claim_kind": mediation.claim_kind, "within_limit": mediation.within_limit,
            "days_taken": (day - started).days,
        },
    )  # fmt: skip
    return mediation


def agreement_print(*, mediation: MediationCase) -> None:
    """Lay out the agreement as PDF and keep it as the case's private file (unsaved row)."""
    from .agreement import agreement_pdf

    previous = mediation.agreement_pdf.name
    mediation.agreement_pdf.save(agreement_path(mediation), ContentFile(agreement_pdf(mediation)), save=False)
    if previous and previous != mediation.agreement_pdf.name:
        transaction.on_commit(lambda: mediation.agreement_pdf.storage.delete(previous))


@transaction.atomic
def mediation_settle(
    *, mediation: MediationCase, amount_agreed, terms: str, signed_on=None, by
) -> MediationCase:
    """The parties agree: the mediation agreement (调解协议书) is printed as PDF and kept as a
    private file; the case closes as settled."""
    _mediator_required(by)
    mediation = _locked(mediation)
    if mediation.status != MediationCase.Status.ACCEPTED:
        raise Conflict("mediation_state", _("Only a case being mediated can end in an agreement."))
    if not mediation.sessions.exists():
        raise Conflict(
            "agreement_without_session", _("Record the session at which the parties agreed first.")
        )
    amount = amount_clean(0 if amount_agreed in (None, "") else amount_agreed, field="amount_agreed")
    terms = _text(terms, code="agreement_terms", message=_("Write the terms the parties agreed."), field="terms",
                  limit=10000)  # fmt: skip
    signed = today() if signed_on in (None, "") else _date(signed_on, field="signed_on")
    assert mediation.accepted_at is not None
    if signed < timezone.localdate(mediation.accepted_at) or signed > today():
        raise ServiceError(
            "agreement_date", _("The agreement is signed between acceptance and today."), field="signed_on"
        )
    mediation.amount_agreed, mediation.agreement_terms, mediation.agreement_signed_on = amount, terms, signed
    agreement_print(mediation=mediation)
    _close(
        mediation=mediation,
        outcome=MediationCase.Outcome.SETTLED,
        outcome_text="调解成功，双方签订调解协议书。",
        by=by,
    )
    mediation.save()
    return mediation


@transaction.atomic
def mediation_fail(*, mediation: MediationCase, referral_target: str, note: str, by) -> MediationCase:
    """Mediation failed: the case closes and is referred to labour arbitration, legal aid or the
    street union service station (``mediation.referral`` carries the kind of body only; the
    station's own work order is the cross-level referral of the federation layer)."""
    _mediator_required(by)
    mediation = _locked(mediation)
    if mediation.status != MediationCase.Status.ACCEPTED:
        raise Conflict("mediation_state", _("Only a case being mediated can fail."))
    if referral_target not in MediationCase.ReferralTarget.values:
        raise ServiceError(
            "referral_target", _("Choose where the worker is referred."), field="referral_target"
        )
    note = _text(note, code="referral_note", message=_("Say why the mediation failed and what the worker was told."),
                 field="note", limit=3000)  # fmt: skip
    mediation.referral_target, mediation.closing_note = referral_target, note
    label = MediationCase.ReferralTarget(referral_target).label
    _close(
        mediation=mediation,
        outcome=MediationCase.Outcome.FAILED,
        outcome_text=f"调解不成，转介{label}。",
        by=by,
    )
    mediation.save()
    event_emit(
        name="mediation.referral",
        payload={"target_kind": referral_target, "claim_kind": mediation.claim_kind},
    )
    return mediation


@transaction.atomic
def mediation_withdraw(*, mediation: MediationCase, note: str = "", by) -> MediationCase:
    """The applicant withdraws the application (before or during mediation)."""
    _mediator_required(by)
    mediation = _locked(mediation)
    if mediation.status == MediationCase.Status.CLOSED:
        raise Conflict("mediation_state", _("This mediation is already closed."))
    mediation.closing_note = _text(
        note, code="withdraw_note", message="", field="note", required=False, limit=3000
    )
    _close(
        mediation=mediation,
        outcome=MediationCase.Outcome.WITHDRAWN,
        outcome_text="申请人撤回调解申请。",
        by=by,
    )
    mediation.save()
    return mediation


# --- the periodic scan ----------------------------------------------------------------------------


@transaction.atomic
def mediation_limits_scan(*, day: datetime.date | None = None) -> dict[str, int]:
    """Remind the mediator in charge of a mediation ending within three days, and flag those
    past their end day to the mediator and the chairman; once per end day each (idempotent: an
    extension sets a new end day, which is reminded again)."""
    day = day or today()
    accepted = MediationCase.objects.select_for_update().filter(status=MediationCase.Status.ACCEPTED)
    reminded = flagged = 0
    for mediation in accepted.filter(
        ends_on__gte=day, ends_on__lte=day + datetime.timedelta(days=DUE_WITHIN_DAYS)
    ):
        if mediation.reminded_for == mediation.ends_on:
            continue
        notify(
            recipients=[mediation.mediator] if mediation.mediator else _mediators(),
            title=str(_("Mediation %(reference)s must end by %(day)s") % {
                "reference": mediation.reference, "day": f"{mediation.ends_on:%Y-%m-%d}"}),
            url=f"/admin/mediation/cases/{mediation.pk}/",
            channels=("site", "sms"),
        )  # fmt: skip
        MediationCase.objects.filter(pk=mediation.pk).update(reminded_for=mediation.ends_on)
        reminded += 1
    for mediation in accepted.filter(ends_on__lt=day).select_related("case"):
        if mediation.overdue_flagged_for == mediation.ends_on:
            continue
        people = {*chairmen(), *([mediation.mediator] if mediation.mediator else _mediators())}
        notify(
            recipients=people,
            title=str(_("Mediation %(reference)s is past its limit (%(day)s)") % {
                "reference": mediation.reference, "day": f"{mediation.ends_on:%Y-%m-%d}"}),
            url=f"/admin/mediation/cases/{mediation.pk}/",
            channels=("site", "sms"),
        )  # fmt: skip
        event_emit(name="mediation.overdue", payload={"claim_kind": mediation.claim_kind})
        MediationCase.objects.filter(pk=mediation.pk).update(overdue_flagged_for=mediation.ends_on)
        flagged += 1
    return {"reminded": reminded, "overdue": flagged}
