"""Editing a draft procedure (亮程序): the union's own version before it is published.

A draft is made by ``procedure_adapt`` and becomes the kind's procedure with
``procedure_publish`` (both in ``procedures.py``). In between, the chairman changes its title,
summary, time limit, steps and transitions here. A definition that could not run is refused
whole with a clear message (``procedure_definition_check``) and nothing is saved, so a draft is
always a procedure that could be published.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from workershome.errors import Conflict, ServiceError

from .models import Procedure, ProcedureStep, ProcedureTransition
from .procedures import ACTING_ROLES, Step, procedure_definition_check

_CODE = re.compile(r"^[-a-zA-Z0-9_]{1,30}$")
MAX_STEPS = 30
MAX_DAYS = 365


def _line(value: object, *, limit: int, code: str, required, field: str | None = None) -> str:
    """One line of text, white space collapsed: refused when empty (``required`` says what is
    missing) or longer than ``limit``."""
    text = " ".join(str(value or "").split())
    if not text:
        raise ServiceError(code, required, field=field)
    if len(text) > limit:
        raise ServiceError(
            f"{code}_too_long", _("“%(text)s…” is too long: at most %(limit)d characters."),
            params={"text": text[:15], "limit": limit}, field=field,
        )  # fmt: skip
    return text


def _days(value: object, *, field: str = "") -> int | None:
    if value in (None, ""):
        return None
    try:
        days = int(str(value))
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_DAYS:
        raise ServiceError(
            "procedure_days", _("A time limit is a whole number of days from 1 to %(max)d."),
            params={"max": MAX_DAYS}, field=field or None,
        )  # fmt: skip
    return days


def _draft(procedure: Procedure) -> Procedure:
    locked = Procedure.objects.select_for_update().get(pk=procedure.pk)
    if locked.status != Procedure.Status.DRAFT:
        raise Conflict(
            "procedure_not_draft",
            _("Only a draft can be changed: published and retired versions stay as they were."),
        )
    return locked


@transaction.atomic
def procedure_draft_update(
    *, procedure: Procedure, title: str, summary: str, time_limit_days: int | str,
    steps: list[Step], ways: list[tuple[str, str, str]], by=None,
) -> Procedure:  # fmt: skip
    """Replace the draft's title, summary, time limit, steps and transitions at once.

    Refuses (``ServiceError``, nothing saved) a draft that is no longer a draft, missing or
    too long text, a time limit outside 1–365 days, a step code that is not a short slug, an
    unknown role or kind of step, the same transition twice, and anything
    ``procedure_definition_check`` refuses (one start, an end, every step reachable and able
    to end, decisions with two branches).
    """
    draft = _draft(procedure)
    title = _line(title, limit=100, code="procedure_title", required=_("Give the procedure a title."),
                  field="title")  # fmt: skip
    summary = str(summary or "").strip()
    if len(summary) > 2000:
        raise ServiceError("procedure_summary_too_long", _("The summary is too long (at most 2000 characters)."),
                           field="summary")  # fmt: skip
    limit = _days(time_limit_days, field="time_limit_days")
    if limit is None:
        raise ServiceError(
            "procedure_time_limit", _("Give the time limit of the whole procedure in days."),
            field="time_limit_days",
        )  # fmt: skip
    if not steps:
        raise ServiceError("procedure_no_steps", _("A procedure needs steps."))
    if len(steps) > MAX_STEPS:
        raise ServiceError(
            "procedure_too_many_steps", _("A procedure has at most %(max)d steps."), params={"max": MAX_STEPS}
        )
    clean_steps: list[Step] = []
    for step in steps:
        code = str(step.code or "").strip()
        if not _CODE.match(code):
            raise ServiceError(
                "procedure_step_code",
                _("Step code “%(code)s” must be 1–30 letters, digits, hyphens or underscores."),
                params={"code": code[:40]},
            )
        label = _line(
            step.label, limit=50, code="procedure_step_label", required=_("Every step needs a name.")
        )
        if step.kind not in ProcedureStep.Kind.values:
            raise ServiceError("procedure_step_kind", _("Unknown kind of step."))
        role = str(step.role or "").strip()
        if role and role not in ACTING_ROLES:
            raise ServiceError(
                "procedure_role", _("Step “%(step)s” needs a role that acts at it."), params={"step": label}
            )
        description = str(step.description or "").strip()
        if len(description) > 300:
            raise ServiceError(
                "procedure_step_description_too_long",
                _("The description of step “%(step)s” is too long (at most 300 characters)."),
                params={"step": label},
            )
        clean_steps.append(Step(code, label, role, step.kind, _days(step.days), description))
    clean_ways: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    labels = {step.code: step.label for step in clean_steps}
    for source, target, label in ways:
        source, target = str(source or "").strip(), str(target or "").strip()
        label = " ".join(str(label or "").split())
        if len(label) > 50:
            raise ServiceError(
                "procedure_branch_too_long", _("A branch label has at most 50 characters: “%(label)s…”."),
                params={"label": label[:20]},
            )  # fmt: skip
        if (source, target) in seen:
            raise ServiceError(
                "procedure_duplicate_transition",
                _("The transition from “%(source)s” to “%(target)s” is given twice."),
                params={"source": labels.get(source, source), "target": labels.get(target, target)},
            )
        if source == target:
            raise ServiceError(
                "procedure_self_transition",
                _("Step “%(step)s” cannot lead to itself."),
                params={"step": labels.get(source, source)},
            )
        seen.add((source, target))
        clean_ways.append((source, target, label))
    procedure_definition_check(steps=clean_steps, ways=clean_ways)

    draft.title, draft.summary, draft.time_limit_days = title, summary, limit
    draft.save(update_fields=["title", "summary", "time_limit_days"])
    ProcedureStep.objects.filter(procedure=draft).delete()
    ProcedureTransition.objects.filter(procedure=draft).delete()
    ProcedureStep.objects.bulk_create(
        ProcedureStep(
            procedure=draft,
            sort_order=index,
            code=s.code,
            label=s.label,
            role=s.role,
            kind=s.kind,
            days=s.days,
            description=s.description,
        )
        for index, s in enumerate(clean_steps)
    )
    ProcedureTransition.objects.bulk_create(
        ProcedureTransition(procedure=draft, sort_order=index, source=a, target=b, label=label)
        for index, (a, b, label) in enumerate(clean_ways)
    )
    return draft


@transaction.atomic
def procedure_draft_discard(*, procedure: Procedure, by=None) -> None:
    """Throw a draft away (the published version stays as it is). No case ever runs under a
    draft, so nothing else refers to it."""
    _draft(procedure).delete()
