"""Procedures as data (亮程序): adopting the federation's defaults, adapting, validating, publishing."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from functools import lru_cache

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workershome.errors import Conflict, ServiceError
from workershome.page_cache import page_cache_refresh
from workershome.tenancy import current_schema

from .kinds import KINDS, KindSpec
from .models import Procedure, ProcedureStep, ProcedureTransition

# Roles that may act at a step: the union's staff roles, plus the chairman.
ACTING_ROLES = ("chairman", "officer", "mediator", "counsellor", "librarian")


@dataclass(frozen=True)
class Step:
    code: str
    label: str
    role: str
    kind: str
    days: int | None
    description: str


@dataclass(frozen=True)
class Way:
    target: str
    label: str


@dataclass(frozen=True)
class Machine:
    """A published procedure, loaded once: its steps in order and the ways out of each."""

    procedure_id: int
    steps: tuple[Step, ...]
    ways: dict[str, tuple[Way, ...]]

    def step(self, code: str) -> Step:
        for step in self.steps:
            if step.code == code:
                return step
        raise KeyError(code)

    @property
    def start(self) -> Step:
        return next(step for step in self.steps if step.kind == ProcedureStep.Kind.START)

    def ways_from(self, code: str) -> tuple[Way, ...]:
        return self.ways.get(code, ())


@lru_cache(maxsize=512)
def _machine(schema: str, procedure_id: int) -> Machine:
    steps = tuple(
        Step(s.code, s.label, s.role, s.kind, s.days, s.description)
        for s in ProcedureStep.objects.filter(procedure_id=procedure_id).order_by("sort_order", "pk")
    )
    ways: dict[str, list[Way]] = {}
    for t in ProcedureTransition.objects.filter(procedure_id=procedure_id).order_by("sort_order", "pk"):
        ways.setdefault(t.source, []).append(Way(t.target, t.label))
    return Machine(procedure_id, steps, {code: tuple(found) for code, found in ways.items()})


def machine_for(procedure: Procedure) -> Machine:
    """The state machine of ``procedure``. Cached for published and retired versions, which
    never change; a draft is read fresh."""
    if procedure.status == Procedure.Status.DRAFT:
        return _machine.__wrapped__(current_schema(), procedure.pk)
    return _machine(current_schema(), procedure.pk)


def machine_of_case(case) -> Machine:
    """The state machine a case runs under, without loading its procedure row: a case is only
    ever opened under a published version, and published and retired versions never change."""
    return _machine(current_schema(), case.procedure_id)


def procedure_definition_check(*, steps: list[Step], ways: list[tuple[str, str, str]]) -> None:
    """Refuse a definition that cannot run: one start, at least one end, every transition between
    known steps, nothing out of an end, every step reachable from the start and able to end."""
    codes = [step.code for step in steps]
    if len(set(codes)) != len(codes):
        raise ServiceError("procedure_duplicate_step", _("Two steps have the same code."))
    starts = [step for step in steps if step.kind == ProcedureStep.Kind.START]
    ends = {step.code for step in steps if step.kind == ProcedureStep.Kind.END}
    if len(starts) != 1:
        raise ServiceError("procedure_start", _("A procedure has exactly one start step."))
    if not ends:
        raise ServiceError("procedure_end", _("A procedure needs at least one end step."))
    known = set(codes)
    out: dict[str, list[str]] = {}
    back: dict[str, list[str]] = {}
    for source, target, _label in ways:
        if source not in known or target not in known:
            raise ServiceError(
                "procedure_unknown_step",
                _("A transition names a step that does not exist: %(step)s."),
                params={"step": source if source not in known else target},
            )
        if source in ends:
            raise ServiceError("procedure_end_exit", _("An end step cannot lead anywhere."))
        out.setdefault(source, []).append(target)
        back.setdefault(target, []).append(source)
    for step in steps:
        if step.kind not in ProcedureStep.Kind.values:
            raise ServiceError("procedure_step_kind", _("Unknown kind of step."))
        if step.kind != ProcedureStep.Kind.END and step.role not in ACTING_ROLES:
            raise ServiceError(
                "procedure_role",
                _("Step “%(step)s” needs a role that acts at it."),
                params={"step": step.label},
            )
        if step.kind == ProcedureStep.Kind.DECISION and len(out.get(step.code, [])) < 2:
            raise ServiceError(
                "procedure_decision",
                _("Decision “%(step)s” needs at least two branches."),
                params={"step": step.label},
            )
    reachable = _walk(starts[0].code, out)
    can_end = set().union(*(_walk(end, back) for end in ends))
    for step in steps:
        if step.code not in reachable:
            raise ServiceError(
                "procedure_unreachable",
                _("Step “%(step)s” cannot be reached from the start."),
                params={"step": step.label},
            )
        if step.code not in can_end:
            raise ServiceError(
                "procedure_dead_end", _("Step “%(step)s” never leads to an end."), params={"step": step.label}
            )


def _walk(start: str, edges: dict[str, list[str]]) -> set[str]:
    seen, queue = {start}, deque([start])
    while queue:
        for nxt in edges.get(queue.popleft(), []):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def _spec_steps(spec: KindSpec) -> list[Step]:
    return [Step(s.code, s.label, s.role, s.kind, s.days, s.description) for s in spec.steps]


def procedure_published(kind: str) -> Procedure | None:
    return Procedure.objects.filter(kind=kind, status=Procedure.Status.PUBLISHED).first()


@transaction.atomic
def procedure_adopt_default(*, kind: str, by=None) -> Procedure:
    """Adopt the federation's default procedure for ``kind`` as this union's published one.

    Idempotent: a kind that already has a published procedure keeps it.
    """
    Procedure.objects.select_for_update().filter(kind=kind).exists()  # serialise adopters per kind
    current = procedure_published(kind)
    if current is not None:
        return current
    spec = KINDS[kind]
    version = (
        Procedure.objects.filter(kind=kind).order_by("-version").values_list("version", flat=True).first()
        or 0
    ) + 1
    procedure = _create(
        kind=kind,
        version=version,
        title=spec.default_title,
        summary=spec.default_summary,
        time_limit_days=spec.time_limit_days,
        based_on=f"{kind}@{spec.default_version}",
        steps=_spec_steps(spec),
        ways=list(spec.transitions),
    )
    procedure.status = Procedure.Status.PUBLISHED
    procedure.published_at = timezone.now()
    procedure.published_by = by
    procedure.save(update_fields=["status", "published_at", "published_by"])
    page_cache_refresh()  # the site's procedures page shows it
    return procedure


def procedures_adopt_defaults(*, by=None, kinds: list[str] | None = None) -> list[Procedure]:
    """Journey 2: “adopt the federation's default procedures” for every kind at once."""
    return [procedure_adopt_default(kind=kind, by=by) for kind in (kinds or list(KINDS))]


def procedure_current(kind: str) -> Procedure:
    """The procedure a new case of ``kind`` runs under.

    A worker is never turned away because the union has not adopted a procedure yet: the
    federation's default is adopted on first use.
    """
    return procedure_published(kind) or procedure_adopt_default(kind=kind)


def _create(
    *, kind: str, version: int, title: str, summary: str, time_limit_days: int, based_on: str,
    steps: list[Step], ways: list[tuple[str, str, str]],
) -> Procedure:  # fmt: skip
    procedure_definition_check(steps=steps, ways=ways)
    procedure = Procedure.objects.create(
        kind=kind, version=version, title=title, summary=summary,
        time_limit_days=time_limit_days, based_on=based_on,
    )  # fmt: skip
    ProcedureStep.objects.bulk_create(
        ProcedureStep(
            procedure=procedure,
            sort_order=index,
            code=s.code,
            label=s.label,
            role=s.role,
            kind=s.kind,
            days=s.days,
            description=s.description,
        )
        for index, s in enumerate(steps)
    )
    ProcedureTransition.objects.bulk_create(
        ProcedureTransition(procedure=procedure, sort_order=index, source=a, target=b, label=label)
        for index, (a, b, label) in enumerate(ways)
    )
    return procedure


@transaction.atomic
def procedure_adapt(*, procedure: Procedure, by=None) -> Procedure:
    """Start a new draft version from ``procedure`` (or return the kind's existing draft)."""
    draft = Procedure.objects.filter(kind=procedure.kind, status=Procedure.Status.DRAFT).first()
    if draft is not None:
        return draft
    machine = machine_for(procedure)
    version = (
        Procedure.objects.filter(kind=procedure.kind)
        .order_by("-version")
        .values_list("version", flat=True)[0]
        + 1
    )
    return _create(
        kind=procedure.kind,
        version=version,
        title=procedure.title,
        summary=procedure.summary,
        time_limit_days=procedure.time_limit_days,
        based_on=procedure.based_on,
        steps=list(machine.steps),
        ways=[(source, way.target, way.label) for source, found in machine.ways.items() for way in found],
    )


@transaction.atomic
def procedure_publish(*, procedure: Procedure, by=None) -> Procedure:
    """Publish a draft: it becomes the kind's procedure for new cases; the previous version is
    retired (open cases finish under the version they started with)."""
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    if procedure.status != Procedure.Status.DRAFT:
        raise Conflict("procedure_not_draft", _("Only a draft can be published."))
    machine = machine_for(procedure)
    procedure_definition_check(
        steps=list(machine.steps),
        ways=[(source, way.target, way.label) for source, found in machine.ways.items() for way in found],
    )
    Procedure.objects.filter(kind=procedure.kind, status=Procedure.Status.PUBLISHED).update(
        status=Procedure.Status.RETIRED
    )
    procedure.status = Procedure.Status.PUBLISHED
    procedure.published_at = timezone.now()
    procedure.published_by = by
    procedure.save(update_fields=["status", "published_at", "published_by"])
    page_cache_refresh()
    return procedure
