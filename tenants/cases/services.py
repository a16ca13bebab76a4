"""Writes on cases: open, move along the procedure, notes and replies, assignment, rating, files.

Every function checks its input and raises ``ServiceError``/``Conflict`` before changing
anything; each runs in one transaction with the timeline entry and the federation event.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import mimetypes
import os
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.media import document_content_check
from tenants.events.services import event_emit
from tenants.notifications.services import notify
from workershome.errors import Conflict, ServiceError

from .kinds import KINDS
from .models import Case, CaseAttachment, CaseEvent
from .procedures import machine_for, procedure_current
from .roles import chairmen, is_staff_for, may_act, roles_of, staff_users_for

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_EXTENSIONS = frozenset({"pdf", "jpg", "jpeg", "png", "docx", "xlsx", "txt"})
_IMAGE_SIGNATURES = {"jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",), "png": (b"\x89PNG\r\n\x1a\n",)}
TRACKING_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L


def _due(start: datetime.datetime, days: int | None) -> datetime.datetime | None:
    return start + datetime.timedelta(days=days) if days is not None else None


def tracking_digest(code: str) -> str:
    """The stored form of a one-time tracking code: an HMAC, so the table alone never yields it."""
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return hmac.new(
        settings.SECRET_KEY.encode(), f"case-tracking:{normalised}".encode(), hashlib.sha256
    ).hexdigest()


def _tracking_code() -> str:
    raw = "".join(secrets.choice(TRACKING_CODE_ALPHABET) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


@transaction.atomic
def case_open(
    *,
    kind: str,
    title: str,
    description: str,
    channel: str,
    requester=None,
    requester_type: str | None = None,
    requester_name: str = "",
    requester_contact: str = "",
    category: str = "",
    priority: int = Case.Priority.NORMAL,
    confidentiality: str = Case.Confidentiality.NORMAL,
    by=None,
) -> tuple[Case, str | None]:
    """Open a case under the kind's published procedure, at its start step.

    ``requester_type`` is ``member`` (``requester`` given), ``named`` (a name given) or
    ``anonymous``. An anonymous case keeps nothing about its sender: no user, no name, no
    contact, no creator, and its times are rounded to the hour; the sender gets a one-time
    tracking code (returned, never stored) to follow it.
    """
    if kind not in KINDS:
        raise ServiceError("case_kind", _("Unknown kind of case."), field="kind")
    title, description = (title or "").strip(), (description or "").strip()
    if not title:
        raise ServiceError("case_title", _("Give the case a subject."), field="title")
    if not description:
        raise ServiceError("case_description", _("Describe the matter."), field="description")
    if channel not in Case.Channel.values:
        raise ServiceError("case_channel", _("Unknown channel."), field="channel")
    if priority not in Case.Priority.values:
        raise ServiceError("case_priority", _("Unknown priority."), field="priority")
    if confidentiality not in Case.Confidentiality.values:
        raise ServiceError(
            "case_confidentiality", _("Unknown confidentiality level."), field="confidentiality"
        )
    spec = KINDS[kind]
    if category and category not in dict(spec.categories):
        raise ServiceError("case_category", _("Unknown category."), field="category")
    requester_type = requester_type or (
        Case.RequesterType.MEMBER if requester is not None else Case.RequesterType.NAMED
    )
    if requester_type == Case.RequesterType.MEMBER and requester is None:
        raise ServiceError("case_requester", _("Choose the member the case is for."), field="requester")
    if requester_type == Case.RequesterType.NAMED and not requester_name.strip():
        raise ServiceError("case_requester_name", _("Give the requester's name."), field="requester_name")
    now = timezone.now()
    tracking_code = None
    anonymous = requester_type == Case.RequesterType.ANONYMOUS
    if anonymous:
        requester, requester_name, requester_contact, by = None, "", "", None
        now = now.replace(minute=0, second=0, microsecond=0)
        tracking_code = _tracking_code()
    elif requester_type == Case.RequesterType.NAMED:
        requester = None

    procedure = procedure_current(kind)
    machine = machine_for(procedure)
    start = machine.start
    case = Case.objects.create(
        kind=kind,
        category=category,
        procedure=procedure,
        title=title[:200],
        description=description,
        requester_type=requester_type,
        requester=requester,
        requester_name=requester_name.strip(),
        requester_contact=requester_contact.strip(),
        channel=channel,
        step=start.code,
        priority=priority,
        confidentiality=confidentiality,
        opened_at=now,
        due_at=now + datetime.timedelta(days=procedure.time_limit_days),
        step_due_at=_due(now, start.days),
        tracking_digest=tracking_digest(tracking_code) if tracking_code else None,
        created_by=by,
    )
    CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.OPENED, at=now, by=by, to_step=start.code, public=True
    )
    event_emit(
        name="case.opened",
        payload={"kind": kind, "channel": channel, "requester_type": requester_type, "priority": priority},
        at=now,  # rounded to the hour for an anonymous case, like the case itself
    )
    if spec.direct:  # a module with its own page (proposals, warnings) sends its own notice
        notify(
            recipients=staff_users_for(kind),
            title=str(_("New case: %(reference)s") % {"reference": case.reference}),
            body=case.title if not anonymous else "",
            url=f"/admin/cases/{case.pk}/",
            channels=("site",),
            at=now,
        )
    return case, tracking_code


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _open_only(case: Case) -> None:
    if case.status == Case.Status.CLOSED:
        raise Conflict("case_closed", _("This case is closed; nothing more can be added to it."))


@transaction.atomic
def case_transition(*, case: Case, to_step: str, by, note: str = "", outcome: str = "") -> Case:
    """Move the case one step along its procedure.

    Refused: a step that is not a way out of the current one (no skipping), a person who does not
    hold the current step's role, and ending a case without an outcome.
    """
    case = _locked(case)
    _open_only(case)
    machine = machine_for(case.procedure)
    current = machine.step(case.step)
    ways = machine.ways_from(case.step)
    if to_step not in {way.target for way in ways}:
        allowed = "、".join(machine.step(way.target).label for way in ways) or "—"
        raise ServiceError(
            "step_not_allowed",
            _("From “%(step)s” the case can only go to: %(allowed)s."),
            params={"step": current.label, "allowed": allowed},
            field="to_step",
        )
    if not may_act(by, case=case, role=current.role):
        raise ServiceError(
            "step_role",
            _("Only the %(role)s acts at “%(step)s”."),
            params={"role": _role_label(current.role), "step": current.label},
            status=403,
        )
    target = machine.step(to_step)
    now = timezone.now()
    ending = target.kind == "end"
    if ending and not outcome.strip():
        raise ServiceError(
            "outcome_required", _("Record the outcome before closing the case."), field="outcome"
        )
    label = next(way.label for way in ways if way.target == to_step)
    CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.DECISION, at=now, by=by, from_step=current.code, to_step=target.code,
        text="\n".join(part for part in (label, note.strip()) if part), public=True,
    )  # fmt: skip
    case.step = target.code
    case.step_due_at = _due(now, target.days)
    fields = ["step", "step_due_at"]
    if ending:
        case.status = Case.Status.CLOSED
        case.closed_at = now
        case.outcome = outcome.strip()
        fields += ["status", "closed_at", "outcome"]
        event_emit(
            name="case.closed",
            payload={
                "kind": case.kind,
                "on_time": now <= case.due_at,
                "days_open": (now - case.opened_at).days,
            },
        )
        if case.requester_id:
            notify(
                recipients=[case.requester],
                title=str(_("Your case %(reference)s has been closed") % {"reference": case.reference}),
                url=f"/my/cases/{case.pk}/",
                channels=("site", "sms"),
            )
    case.save(update_fields=fields)
    return case


def _role_label(code: str) -> str:
    from tenants.users.roles import ROLE_LABELS

    return str(ROLE_LABELS.get(code, code))


NOTE_KINDS = (CaseEvent.Kind.NOTE, CaseEvent.Kind.CALL, CaseEvent.Kind.MEETING, CaseEvent.Kind.REPLY)


@transaction.atomic
def case_note(*, case: Case, kind: str, text: str, by) -> CaseEvent:
    """Add a note, call, meeting or reply to the timeline; a reply is shown to the requester."""
    case = _locked(case)
    _open_only(case)
    if kind not in NOTE_KINDS:
        raise ServiceError("event_kind", _("Unknown kind of timeline entry."), field="kind")
    if not is_staff_for(by, case.kind):
        raise ServiceError(
            "case_staff_only", _("Only the union's staff for this case can do this."), status=403
        )
    text = (text or "").strip()
    if not text:
        raise ServiceError("event_text", _("Write something first."), field="text")
    event = CaseEvent.objects.create(
        case=case, kind=kind, by=by, text=text, public=kind == CaseEvent.Kind.REPLY
    )
    if kind == CaseEvent.Kind.REPLY and case.requester_id:
        notify(
            recipients=[case.requester],
            title=str(_("The union replied on your case %(reference)s") % {"reference": case.reference}),
            url=f"/my/cases/{case.pk}/",
            channels=("site", "sms"),
        )
    return event


@transaction.atomic
def case_assign(*, case: Case, assignee, by) -> Case:
    case = _locked(case)
    _open_only(case)
    if not is_staff_for(by, case.kind):
        raise ServiceError(
            "case_staff_only", _("Only the union's staff for this case can do this."), status=403
        )
    if assignee is None or not is_staff_for(assignee, case.kind):
        raise ServiceError(
            "assignee_role", _("The assignee must be a member of staff who handles this kind of case."),
            field="assignee",
        )  # fmt: skip
    case.assignee = assignee
    case.save(update_fields=["assignee"])
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.ASSIGNMENT, by=by, text=assignee.get_full_name())
    if assignee != by:
        notify(
            recipients=[assignee],
            title=str(_("Case %(reference)s was assigned to you") % {"reference": case.reference}),
            body=case.title,
            url=f"/admin/cases/{case.pk}/",
        )
    return case


@transaction.atomic
def case_rate(*, case: Case, rating: int, comment: str = "", by=None, tracking_code: str = "") -> Case:
    """The requester rates the outcome of their closed case, once (1–5).

    ``by`` is the member who asked; an anonymous requester gives the case's tracking code.
    """
    case = _locked(case)
    own = (
        by is not None and case.requester_id is not None and case.requester_id == getattr(by, "pk", None)
    ) or (
        tracking_code
        and case.tracking_digest
        and hmac.compare_digest(case.tracking_digest, tracking_digest(tracking_code))
    )
    if not own:
        raise ServiceError(
            "rating_not_requester", _("Only the person who asked can rate the outcome."), status=403
        )
    if case.status != Case.Status.CLOSED:
        raise Conflict("rating_open_case", _("A case can be rated once it is closed."))
    if case.rated_at is not None:
        raise Conflict("rating_done", _("This case has already been rated."))
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ServiceError("rating_range", _("Give a rating from 1 to 5."), field="rating")
    now = timezone.now()
    if case.requester_type == Case.RequesterType.ANONYMOUS:
        now = now.replace(minute=0, second=0, microsecond=0)
    case.rating, case.rating_comment, case.rated_at = rating, (comment or "").strip()[:300], now
    case.save(update_fields=["rating", "rating_comment", "rated_at"])
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.RATING, at=now, text=str(rating), public=True)
    return case


def attachment_check(upload) -> None:
    """Refuse an attachment that is too large or not one of the accepted kinds of file."""
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ServiceError(
            "attachment_too_large", _("The file is larger than %(limit)s MB."),
            params={"limit": MAX_ATTACHMENT_BYTES // (1024 * 1024)}, field="file",
        )  # fmt: skip
    extension = os.path.splitext(upload.name or "")[1].lower().lstrip(".")
    if extension not in ATTACHMENT_EXTENSIONS:
        raise ServiceError(
            "attachment_type", _("Attach a PDF, JPG, PNG, Word, Excel or text file."), field="file"
        )
    if extension in _IMAGE_SIGNATURES:
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        if not head.startswith(_IMAGE_SIGNATURES[extension]):
            raise ServiceError(
                "attachment_content", _("This file's content does not match its extension."), field="file"
            )
        return
    try:
        document_content_check(upload)
    except ValidationError as error:
        raise ServiceError("attachment_content", error.messages[0], field="file") from error


@transaction.atomic
def case_attach(*, case: Case, upload, by) -> CaseAttachment:
    case = _locked(case)
    _open_only(case)
    if not (is_staff_for(by, case.kind) or (by is not None and case.requester_id == by.pk)):
        raise ServiceError(
            "case_staff_only", _("Only the union's staff for this case can do this."), status=403
        )
    attachment_check(upload)
    name = os.path.basename(upload.name)[:200]
    attachment = CaseAttachment(
        case=case, name=name, size=upload.size, uploaded_by=by,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
    )  # fmt: skip
    attachment.file.save(name, upload, save=False)
    attachment.save()
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.ATTACHMENT, by=by, text=name)
    return attachment


@transaction.atomic
def case_escalate(*, case: Case) -> bool:
    """Escalate an overdue open case to the chairman, once. Returns whether it escalated now."""
    case = _locked(case)
    if case.status != Case.Status.OPEN or case.escalated_at is not None or case.due_at >= timezone.now():
        return False
    case.escalated_at = timezone.now()
    case.save(update_fields=["escalated_at"])
    CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.ESCALATION, text="超过办理时限，已提请工会主席督办"
    )
    event_emit(
        name="case.overdue", payload={"kind": case.kind, "days_over": (timezone.now() - case.due_at).days}
    )
    notify(
        recipients=chairmen(),
        title=str(_("Overdue: case %(reference)s") % {"reference": case.reference}),
        body=case.title if case.requester_type != Case.RequesterType.ANONYMOUS else "",
        url=f"/admin/cases/{case.pk}/",
    )
    return True


def case_view_logged(*, case: Case, user, via: str) -> None:
    """Record a read of a restricted case (the audit trail of sensitive data)."""
    from .models import CaseAccess

    if case.confidentiality != Case.Confidentiality.NORMAL:
        CaseAccess.objects.create(case=case, user=user if getattr(user, "pk", None) else None, via=via)


__all__ = [
    "case_assign",
    "case_attach",
    "case_escalate",
    "case_note",
    "case_open",
    "case_rate",
    "case_transition",
    "case_view_logged",
    "roles_of",
    "tracking_digest",
]  # fmt: skip
