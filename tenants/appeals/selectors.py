"""Reads for the worker's side of a case: their own cases, and what a requester may see of one.

A requester sees the case's status, where it stands in its procedure, the public timeline
entries (steps taken, the union's replies, their rating) and the outcome; never internal notes,
calls or meetings, and never which officer did what.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tenants.cases.kinds import KINDS
from tenants.cases.models import Case, CaseAttachment, CaseEvent
from tenants.cases.procedures import Machine, machine_for


@dataclass(frozen=True)
class TimelineEntry:
    kind: str
    at: datetime.datetime
    title: str
    text: str
    # False where the time was rounded to the hour to protect an anonymous sender: shown as a date.
    precise: bool = True


@dataclass(frozen=True)
class StepState:
    code: str
    label: str
    state: str  # done | current | ahead | skipped


@dataclass(frozen=True)
class RequesterView:
    """What the requester of ``case`` may see of it."""

    case: Case
    reference: str
    kind_label: str
    category_label: str
    status_label: str
    step_label: str
    steps: tuple[StepState, ...]
    timeline: tuple[TimelineEntry, ...]
    replies: tuple[TimelineEntry, ...]
    can_rate: bool

    @property
    def closed(self) -> bool:
        return self.case.status == Case.Status.CLOSED


STATUS_LABELS: dict[str, Promise] = {Case.Status.OPEN: _("Being handled"), Case.Status.CLOSED: _("Closed")}


def _label(machine: Machine, code: str) -> str:
    try:
        return machine.step(code).label
    except KeyError:
        return code


def _entry(event: CaseEvent, machine: Machine, *, anonymous: bool) -> TimelineEntry:
    text = event.text
    if event.kind == CaseEvent.Kind.OPENED:
        title = str(_("Received and registered"))
    elif event.kind == CaseEvent.Kind.DECISION:
        title = str(_("Moved to “%(step)s”") % {"step": _label(machine, event.to_step)})
    elif event.kind == CaseEvent.Kind.REPLY:
        title = str(_("The union replied"))
    elif event.kind == CaseEvent.Kind.RATING:
        title = str(_("You rated the outcome"))
        text = "★" * int(text) + "☆" * (5 - int(text)) if text.isdigit() and 1 <= int(text) <= 5 else text
    else:
        title = str(event.get_kind_display())
    precise = not (anonymous and event.kind == CaseEvent.Kind.RATING)
    return TimelineEntry(kind=event.kind, at=event.at, title=title, text=text, precise=precise)


def _steps(case: Case, machine: Machine, visited: set[str]) -> tuple[StepState, ...]:
    states = []
    for step in machine.steps:
        if step.code == case.step and case.status == Case.Status.OPEN:
            state = "current"
        elif step.code in visited:
            state = "done"
        elif case.status == Case.Status.CLOSED:
            state = "skipped"
        else:
            state = "ahead"
        states.append(StepState(code=step.code, label=step.label, state=state))
    return tuple(states)


def requester_view(*, case: Case) -> RequesterView:
    machine = machine_for(case.procedure)
    # In the order things happened: an anonymous sender's own entries carry times rounded to the
    # hour, so sorting by time would put their rating before the reply it rates.
    events = list(case.events.filter(public=True).order_by("pk"))
    visited = {machine.start.code, case.step} | {event.to_step for event in events if event.to_step}
    anonymous = case.requester_type == Case.RequesterType.ANONYMOUS
    timeline = tuple(_entry(event, machine, anonymous=anonymous) for event in events)
    spec = KINDS.get(case.kind)
    categories = dict(spec.categories) if spec else {}
    return RequesterView(
        case=case,
        reference=case.reference,
        kind_label=str(case.get_kind_display()),
        category_label=str(categories.get(case.category, "")),
        status_label=str(STATUS_LABELS.get(case.status, case.status)),
        step_label=_label(machine, case.step),
        steps=_steps(case, machine, visited),
        timeline=timeline,
        replies=tuple(entry for entry in timeline if entry.kind == CaseEvent.Kind.REPLY),
        can_rate=case.status == Case.Status.CLOSED and case.rated_at is None,
    )


def cases_of_requester(*, user) -> QuerySet[Case]:
    """The cases ``user`` asked for, newest first (never anyone else's, whatever their role)."""
    if user is None or not user.is_authenticated:
        return Case.objects.none()
    return Case.objects.filter(requester=user).select_related("procedure").order_by("-opened_at", "-pk")


def attachments_for_requester(*, case: Case, user) -> QuerySet[CaseAttachment]:
    """The files the requester filed with their case. Staff's files have no "shown to the
    requester" flag yet, so they stay with the staff."""
    return case.attachments.filter(uploaded_by=user)
