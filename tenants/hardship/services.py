"""Writes of hardship assistance: files, household members, evidence, assistance, follow-up
visits, the reviewed exit, the union's settings, and the periodic follow-up scan.

Each function checks its input and the caller's right before changing anything and runs in one
transaction with its case-timeline entry, federation event (counted facts only) and notices.
Sensitive data is collected only under the worker's active consent (``consent_require``).
"""

from __future__ import annotations

import datetime
import mimetypes
import os
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.cases.kinds import CaseKind
from tenants.cases.models import Case, CaseEvent
from tenants.cases.roles import chairmen, roles_of
from tenants.cases.services import attachment_check, case_note, case_open, case_transition
from tenants.events.services import event_emit
from tenants.notifications.services import notify
from tenants.privacy.models import ConsentScope
from tenants.privacy.services import consent_require
from tenants.privacy.validators import resident_id_check
from workershome.errors import Conflict, ServiceError

from .access import handles_hardship, is_chairman, may_read
from .models import (
    AssistanceRecord,
    FollowUpReminder,
    FollowUpVisit,
    HardshipEvidence,
    HardshipFile,
    HardshipKind,
    HardshipSettings,
    HouseholdMember,
    Tier,
)
from .selectors import followup_due_after, hardship_settings, today

MAX_MONTHLY_INCOME = Decimal("1000000")
# Reminders go out this many days before a visit is due.
REMIND_DAYS_AHEAD = 3


# --- checks ---------------------------------------------------------------------------------------


def _handler_required(user) -> None:
    if not handles_hardship(user):
        raise ServiceError(
            "hardship_staff_only",
            _("Only the chairman and union officers handle hardship files."),
            status=403,
        )


def _reader_required(user, file: HardshipFile) -> None:
    if not may_read(user, file):
        raise ServiceError(
            "hardship_not_on_file",
            _("Only the chairman and the officers named on this file may read or change it."),
            status=403,
        )


def _chairman_required(user) -> None:
    if not is_chairman(user):
        raise ServiceError("hardship_chairman_only", _("Only the chairman can do this."), status=403)


def _amount(value, *, field: str, limit: Decimal, code: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError) as error:
        raise ServiceError(
            f"{code}_invalid", _("Give the amount in yuan, e.g. 5000 or 5000.50."), field=field
        ) from error
    if not amount.is_finite():
        raise ServiceError(
            f"{code}_invalid", _("Give the amount in yuan, e.g. 5000 or 5000.50."), field=field
        )
    if amount < 0:
        raise ServiceError(f"{code}_negative", _("An amount cannot be negative."), field=field)
    if amount > limit:
        raise ServiceError(
            f"{code}_too_large",
            _("%(amount)s yuan is more than %(limit)s yuan: check the amount for a typing error."),
            params={"amount": f"{amount:,.2f}", "limit": f"{limit:,.0f}"},
            field=field,
        )
    return amount


def _text(value, *, code: str, message, field: str, required: bool = True, limit: int = 5000) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ServiceError(code, message, field=field)
    if len(text) > limit:
        raise ServiceError(
            f"{code}_long", _("Keep it under %(limit)s characters."), params={"limit": limit}, field=field
        )
    return text


def _date(value, *, field: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value)
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError as error:
        raise ServiceError("date_invalid", _("Give a date such as 2026-03-15."), field=field) from error


def _not_before_file(day: datetime.date, file: HardshipFile, *, code: str, field: str) -> None:
    opened = timezone.localdate(file.opened_at)
    if day < opened:
        raise ServiceError(
            code,
            _("%(day)s is before the file was opened (%(opened)s)."),
            params={"day": f"{day:%Y-%m-%d}", "opened": f"{opened:%Y-%m-%d}"},
            field=field,
        )
    if day > today():
        raise ServiceError("date_future", _("This date is in the future."), field=field)


def _members_clean(members: Iterable[dict]) -> list[dict]:
    cleaned = []
    for index, member in enumerate(members):
        name = _text(member.get("name"), code="member_name", message=_("Give each household member's name."),
                     field=f"members.{index}.name", limit=50)  # fmt: skip
        relation = member.get("relation") or ""
        if relation not in HouseholdMember.Relation.values:
            raise ServiceError("member_relation", _("Choose how the member is related to the worker."),
                               field=f"members.{index}.relation")  # fmt: skip
        id_number = member.get("id_number") or ""
        if id_number:
            id_number = resident_id_check(id_number, field=f"members.{index}.id_number")
        health = _text(member.get("health"), code="member_health", message="", field=f"members.{index}.health",
                       required=False)  # fmt: skip
        cleaned.append({"name": name, "relation": relation, "id_number": id_number, "health": health})
    return cleaned


def _officers_clean(officers: Iterable) -> list:
    people = [person for person in officers if person is not None]
    for person in people:
        if not roles_of(person) & {"officer", "chairman"}:
            raise ServiceError(
                "hardship_officer_role",
                _("Only union officers can be named on a hardship file."),
                field="officers",
            )
    return people


# --- files ----------------------------------------------------------------------------------------


@transaction.atomic
def hardship_file_open(
    *,
    worker,
    kind: str,
    tier: str,
    id_number: str,
    monthly_income,
    household_size: int,
    causes: str,
    health: str = "",
    members: Iterable[dict] = (),
    officers: Iterable = (),
    channel: str = Case.Channel.WALK_IN,
    by,
) -> HardshipFile:
    """Open a household's file (一户一档), after the worker's recorded consent.

    Opens a restricted ``hardship`` case (the procedure's first step is taken at once: the file is
    registered), names ``by`` and ``officers`` on the file, schedules the first follow-up visit
    by tier, tells the chairman, and emits ``hardship.file_opened``. A household that left a file
    less than the union's fall-back period ago is flagged as falling back and the chairman warned.
    """
    _handler_required(by)
    if worker is None or getattr(worker, "pk", None) is None:
        raise ServiceError("hardship_worker", _("Choose the worker the file is for."), field="worker")
    consent = consent_require(worker=worker, scope=ConsentScope.HARDSHIP)
    if kind not in HardshipKind.values:
        raise ServiceError("hardship_kind", _("Choose the kind of hardship."), field="kind")
    if tier not in Tier.values:
        raise ServiceError("hardship_tier", _("Choose the tier of hardship."), field="tier")
    id_number = resident_id_check(id_number)
    income = _amount(monthly_income, field="monthly_income", limit=MAX_MONTHLY_INCOME, code="income")
    try:
        size = int(household_size)
    except (TypeError, ValueError):
        size = 0
    if not 1 <= size <= 20:
        raise ServiceError("household_size", _("A household has 1 to 20 people."), field="household_size")
    causes = _text(
        causes, code="hardship_causes", message=_("Describe the causes of the hardship."), field="causes"
    )
    health = _text(health, code="hardship_health", message="", field="health", required=False)
    members = _members_clean(members)
    officers = _officers_clean(officers)
    # Two officers opening a file for the same worker at once: the second waits for the first
    # here (the worker's row is the lock; there is no file row to lock yet) and is then refused.
    type(worker).objects.select_for_update().filter(pk=worker.pk).first()
    if (
        HardshipFile.objects.select_for_update()
        .filter(worker=worker)
        .exclude(status=HardshipFile.Status.EXITED)
        .exists()
    ):
        raise Conflict(
            "hardship_file_exists", _("This worker's household already has an open file."), field="worker"
        )

    config = hardship_settings()
    now = timezone.now()
    day = timezone.localdate(now)
    previous = (
        HardshipFile.objects.filter(
            worker=worker, status=HardshipFile.Status.EXITED,
            exited_at__gte=now - relativedelta(months=config.fallback_months),
        ).order_by("-exited_at").first()
    )  # fmt: skip
    case, _code = case_open(
        kind=CaseKind.HARDSHIP,
        title="困难职工帮扶档案",
        description="一户一档。困难情况、家庭成员、收入等敏感信息只记录在帮扶档案中，不写入案件。",
        channel=channel,
        requester=worker,
        confidentiality=Case.Confidentiality.RESTRICTED,
        by=by,
    )
    Case.objects.filter(pk=case.pk).update(assignee=by)
    case.assignee = by
    case = case_transition(case=case, to_step="assist", by=by, note="已征得职工本人同意，建立帮扶档案。")
    file = HardshipFile.objects.create(
        case=case, worker=worker, consent=consent, kind=kind, tier=tier, id_number=id_number,
        monthly_income=income, household_size=size, causes=causes, health=health, opened_at=now, opened_by=by,
        next_followup_on=followup_due_after(tier=tier, since=day, config=config), fallback_of=previous,
    )  # fmt: skip
    file.officers.set({by, *officers})
    HouseholdMember.objects.bulk_create(HouseholdMember(file=file, **member) for member in members)
    event_emit(
        name="hardship.file_opened", payload={"kind": kind, "tier": tier, "fallback": previous is not None}
    )
    notify(
        recipients=chairmen(),
        title=str(_("New hardship file: %(reference)s") % {"reference": file.reference}),
        url=f"/admin/hardship/files/{file.pk}/",
        channels=("site",),
    )
    if previous is not None:
        _fallback_warn(file=file, reason="reopened")
    return file


def _fallback_warn(*, file: HardshipFile, reason: str) -> None:
    """返困预警: tell the chairman that a household that left assistance has fallen back."""
    event_emit(name="hardship.fallback", payload={"kind": file.kind, "tier": file.tier, "reason": reason})
    notify(
        recipients=chairmen(),
        title=str(_("Fall-back warning: %(reference)s") % {"reference": file.reference}),
        body=str(
            _("A household that left hardship assistance has fallen back into hardship.")
            if reason == "reopened"
            else _("A follow-up visit found the household's income per head below the line.")
        ),
        url=f"/admin/hardship/files/{file.pk}/",
        channels=("site", "sms"),
    )


@transaction.atomic
def hardship_member_add(
    *, file: HardshipFile, name: str, relation: str, id_number: str = "", health: str = "", by
) -> HouseholdMember:
    _reader_required(by, file)
    consent_require(worker=file.worker, scope=ConsentScope.HARDSHIP)
    (member,) = _members_clean(
        [{"name": name, "relation": relation, "id_number": id_number, "health": health}]
    )
    return HouseholdMember.objects.create(file=file, **member)


@transaction.atomic
def hardship_officers_set(*, file: HardshipFile, officers: Iterable, by) -> HardshipFile:
    """The chairman names the officers who may read and act on the file."""
    _chairman_required(by)
    people = _officers_clean(officers)
    if not people:
        raise ServiceError(
            "hardship_officers_none", _("Name at least one officer on the file."), field="officers"
        )
    file.officers.set(people)
    return file


@transaction.atomic
def hardship_evidence_attach(*, file: HardshipFile, upload, description: str = "", by) -> HardshipEvidence:
    """File a document proving the hardship (type and size checked like case attachments)."""
    _reader_required(by, file)
    consent_require(worker=file.worker, scope=ConsentScope.HARDSHIP)
    attachment_check(upload)
    name = os.path.basename(upload.name)[:200]
    evidence = HardshipEvidence(
        file=file, name=name, size=upload.size, uploaded_by=by, description=(description or "").strip()[:200],
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
    )  # fmt: skip
    evidence.document.save(name, upload, save=False)
    evidence.save()
    return evidence


# --- assistance -----------------------------------------------------------------------------------


@transaction.atomic
def assistance_record(
    *, file: HardshipFile, form: str, amount, source: str, description: str, given_on, by
) -> AssistanceRecord:
    """Record help given to the household and emit ``hardship.assistance`` (kind, form, source, amount)."""
    _reader_required(by, file)
    file = HardshipFile.objects.select_for_update().get(pk=file.pk)
    if file.status == HardshipFile.Status.EXITED:
        raise Conflict(
            "hardship_file_exited", _("This household has left the file; open a new file to help it again.")
        )
    if form not in AssistanceRecord.Form.values:
        raise ServiceError("assistance_form", _("Choose the form of help."), field="form")
    if source not in AssistanceRecord.Source.values:
        raise ServiceError("assistance_source", _("Choose where the help comes from."), field="source")
    amount = _amount(
        0 if amount in (None, "") else amount, field="amount", limit=Decimal(settings.HARDSHIP_MAX_AMOUNT)
    )
    if form == AssistanceRecord.Form.MONEY and amount == 0:
        raise ServiceError("amount_zero", _("Give the amount of money granted."), field="amount")
    description = _text(description, code="assistance_description",
                        message=_("Say what was given, or to whom the household was referred."),
                        field="description", limit=300)  # fmt: skip
    day = _date(given_on, field="given_on")
    _not_before_file(day, file, code="assistance_before_file", field="given_on")
    record = AssistanceRecord.objects.create(
        file=file,
        form=form,
        amount=amount,
        source=source,
        description=description,
        given_on=day,
        recorded_by=by,
    )
    case_note(case=file.case, kind=CaseEvent.Kind.NOTE, text=f"记录帮扶：{record.get_form_display()}", by=by)
    event_emit(
        name="hardship.assistance",
        payload={
            "kind": file.kind,
            "tier": file.tier,
            "form": form,
            "source": source,
            "amount": f"{amount:.2f}",
        },
    )
    return record


# --- follow-up visits -----------------------------------------------------------------------------


@transaction.atomic
def followup_record(
    *,
    file: HardshipFile,
    visited_on,
    method: str,
    situation: str,
    findings: str,
    household_income=None,
    by,
) -> FollowUpVisit:
    """Record a follow-up visit; the next one is scheduled from it by the file's tier.

    A visit dated before the file was opened (or in the future) is refused. After the household
    left the file, a visit that finds the income per head below the union's line warns the
    chairman (返困预警).
    """
    _reader_required(by, file)
    file = HardshipFile.objects.select_for_update().get(pk=file.pk)
    day = _date(visited_on, field="visited_on")
    _not_before_file(day, file, code="followup_before_file", field="visited_on")
    if file.status == HardshipFile.Status.EXITED and (file.watch_until is None or file.watch_until < today()):
        raise Conflict("hardship_not_followed", _("This household is no longer followed up."))
    if method not in FollowUpVisit.Method.values:
        raise ServiceError("followup_method", _("Say how the visit was made."), field="method")
    if situation not in FollowUpVisit.Situation.values:
        raise ServiceError(
            "followup_situation", _("Say how the household's situation has changed."), field="situation"
        )
    findings = _text(
        findings, code="followup_findings", message=_("Write down what the visit found."), field="findings"
    )
    income = None
    if household_income not in (None, ""):
        income = _amount(household_income, field="household_income", limit=MAX_MONTHLY_INCOME, code="income")
    config = hardship_settings()
    was_due = file.next_followup_on
    visit = FollowUpVisit.objects.create(
        file=file, visited_on=day, method=method, situation=situation, findings=findings,
        household_income=income, was_due_on=was_due, visited_by=by,
    )  # fmt: skip
    if file.last_followup_on is None or day >= file.last_followup_on:
        file.last_followup_on = day
        following = followup_due_after(tier=file.tier, since=day, config=config)
        watched = file.status != HardshipFile.Status.EXITED or (
            file.watch_until and following <= file.watch_until
        )
        file.next_followup_on = following if watched else None
        file.save(update_fields=["last_followup_on", "next_followup_on"])
    if file.case.status == Case.Status.OPEN:
        case_note(
            case=file.case, kind=CaseEvent.Kind.MEETING, text=f"回访：{visit.get_method_display()}", by=by
        )
    event_emit(
        name="followup.done",
        payload={"tier": file.tier, "on_time": was_due is None or day <= was_due,
                 "days_late": max((day - was_due).days, 0) if was_due else 0},
    )  # fmt: skip
    if (
        file.status == HardshipFile.Status.EXITED
        and income is not None
        and income / file.household_size < Decimal(config.income_line)
    ):
        _fallback_warn(file=file, reason="income")
    return visit


# --- exit -----------------------------------------------------------------------------------------


@transaction.atomic
def hardship_exit_propose(*, file: HardshipFile, reason: str, by) -> HardshipFile:
    """An officer on the file proposes that the household leave it; the chairman is asked to review."""
    _reader_required(by, file)
    file = HardshipFile.objects.select_for_update().get(pk=file.pk)
    if file.status != HardshipFile.Status.OPEN:
        raise Conflict(
            "hardship_exit_state", _("An exit can be proposed only while the household is assisted.")
        )
    reason = _text(
        reason, code="exit_reason", message=_("Say why the household can leave the file."), field="reason"
    )
    case_transition(case=file.case, to_step="exit_review", by=by, note="提出退出建议，请主席审核。")
    file.status = HardshipFile.Status.EXIT_PROPOSED
    file.exit_reason = reason
    file.exit_proposed_at = timezone.now()
    file.exit_proposed_by = by
    file.save(update_fields=["status", "exit_reason", "exit_proposed_at", "exit_proposed_by"])
    notify(
        recipients=chairmen(),
        title=str(_("Exit proposed for hardship file %(reference)s") % {"reference": file.reference}),
        url=f"/admin/hardship/files/{file.pk}/",
        channels=("site",),
    )
    return file


@transaction.atomic
def hardship_exit_decide(*, file: HardshipFile, approve: bool, note: str = "", by) -> HardshipFile:
    """The chairman approves the exit (the file closes; the household is still visited for the
    fall-back period) or sends the file back to assistance."""
    _chairman_required(by)
    file = HardshipFile.objects.select_for_update().get(pk=file.pk)
    if file.status != HardshipFile.Status.EXIT_PROPOSED:
        raise Conflict("hardship_exit_state", _("No exit has been proposed for this file."))
    note = (note or "").strip()
    now = timezone.now()
    if approve:
        case_transition(case=file.case, to_step="closed", by=by, outcome="脱困退出。" + note)
        config = hardship_settings()
        file.status = HardshipFile.Status.EXITED
        file.exited_at = now
        file.exit_approved_by = by
        file.watch_until = timezone.localdate(now) + relativedelta(months=config.fallback_months)
        file.save(update_fields=["status", "exited_at", "exit_approved_by", "watch_until"])
        months_open = (now.year - file.opened_at.year) * 12 + now.month - file.opened_at.month
        event_emit(
            name="hardship.file_closed",
            payload={"kind": file.kind, "tier": file.tier, "months_open": months_open},
        )
    else:
        case_transition(case=file.case, to_step="assist", by=by, note=note or "继续帮扶。")
        file.status = HardshipFile.Status.OPEN
        file.save(update_fields=["status"])
    return file


# --- settings -------------------------------------------------------------------------------------


@transaction.atomic
def hardship_settings_save(
    *, deep_months: int, relative_months: int, sudden_months: int, fallback_months: int, income_line, by
) -> HardshipSettings:
    """The chairman sets the union's follow-up intervals; they apply from each file's next visit."""
    _chairman_required(by)
    values: dict[str, int | Decimal] = {}
    for name, value, high in (
        ("deep_months", deep_months, 12), ("relative_months", relative_months, 12),
        ("sudden_months", sudden_months, 12), ("fallback_months", fallback_months, 60),
    ):  # fmt: skip
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = 0
        if not 1 <= number <= high:
            raise ServiceError(
                "hardship_months",
                _("Give a number of months from 1 to %(high)s."),
                params={"high": high},
                field=name,
            )
        values[name] = number
    values["income_line"] = _amount(
        income_line, field="income_line", limit=Decimal("100000"), code="income_line"
    )
    row, _created = HardshipSettings.objects.update_or_create(pk=1, defaults=values)
    return row


# --- the periodic scan ----------------------------------------------------------------------------


# Files still followed up (``selectors.followed_up`` in SQL): assisted, or left but still watched.
_FOLLOWED_SQL = (
    "(f.status IN ('open', 'exit_proposed') OR (f.status = 'exited' AND f.watch_until >= %(day)s))"
)


@transaction.atomic
def followups_scan(*, day: datetime.date | None = None) -> dict[str, int]:
    """Remind officers of visits due soon and report late ones, once each (idempotent).

    Set-based, a handful of statements whatever the number of files: the files due (indexed on
    ``next_followup_on``) get a reminder row in one ``INSERT … SELECT … ON CONFLICT DO NOTHING``
    (unique on file and due date); one ``UPDATE … RETURNING`` marks the rows not yet reminded,
    another those late and not yet reported; each officer gets one notice saying how many
    households to visit, and the federation ``followup.due``/``followup.overdue`` counts per
    tier. Running it again the same day changes nothing.
    """
    from tenants.users.models import User

    day = day or today()
    params = {"day": day, "horizon": day + datetime.timedelta(days=REMIND_DAYS_AHEAD), "now": timezone.now()}
    files, reminders = HardshipFile._meta.db_table, FollowUpReminder._meta.db_table
    current = f"r.file_id = f.id AND r.due_on = f.next_followup_on AND {_FOLLOWED_SQL}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {reminders} (file_id, due_on) SELECT f.id, f.next_followup_on FROM {files} f "
            f"WHERE f.next_followup_on <= %(horizon)s AND {_FOLLOWED_SQL} ON CONFLICT (file_id, due_on) DO NOTHING",
            params,
        )
        cursor.execute(
            f"UPDATE {reminders} r SET reminded_at = %(now)s FROM {files} f "
            f"WHERE {current} AND r.reminded_at IS NULL AND r.due_on <= %(horizon)s RETURNING f.id, f.tier",
            params,
        )
        reminded = cursor.fetchall()
        cursor.execute(
            f"UPDATE {reminders} r SET overdue_reported_at = %(now)s FROM {files} f "
            f"WHERE {current} AND r.overdue_reported_at IS NULL AND r.due_on < %(day)s RETURNING f.tier",
            params,
        )
        late = [tier for (tier,) in cursor.fetchall()]
    if reminded:
        officers = User.objects.filter(
            is_active=True, hardship_files_handled__in=[file_id for file_id, _tier in reminded]
        ).annotate(households=Count("hardship_files_handled"))
        for officer in officers:
            notify(
                recipients=[officer],
                title=str(_("Follow-up visits due: %(count)s households") % {"count": officer.households}),
                url="/admin/hardship/due/",
                channels=("site", "sms"),
            )
        for tier, count in sorted(Counter(tier for _file, tier in reminded).items()):
            event_emit(name="followup.due", payload={"tier": tier, "count": count})
    for tier, count in sorted(Counter(late).items()):
        event_emit(name="followup.overdue", payload={"tier": tier, "count": count})
    return {"reminded": len(reminded), "overdue": len(late)}
