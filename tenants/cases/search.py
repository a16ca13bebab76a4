"""Procedures and cases in search.

- ``procedure`` (public, 亮程序): each published procedure, with its steps in words, found on the
  union's site and the portal; a draft or retired version is not a document.
- ``case`` (staff): the union's cases for its staff search in the admin. Only what identifies a
  case and where it stands goes in: reference, kind, category, procedure, current step and
  status. Never the subject, the details, the requester, the outcome, notes or files: a case's
  words may carry what ``tenants.privacy`` protects (health, hardship, a dispute's claims).

Who may find a case is who may see it in the admin, written into the document as roles and
users (the query builder filters by the searching user's, never the caller):
- cases of the kinds officers handle (appeals, proposals, warnings) while not restricted: the
  kind's staff roles and the chairman (``roles.cases_visible_to``);
- a restricted case: the chairman and its assignee;
- a kind whose module decides who reads its cases registers its own rule here
  (``case_access_register``): mediation cases (the chairman and every mediator, as the
  mediation module shows them), hardship cases (the chairman and the officers named on the
  file);
- counselling cases are never documents: counselling stays out of every index.
The staff search page checks each found case against the same rule on the database again
before showing it (``SearchSource.visible``), so a change the index has not caught up with yet
never shows a case to someone who may no longer see it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from search.document_text import join_text, label
from search.registry import SearchDocument, SearchSource, source_for_kind, source_register

from .kinds import KINDS, MODULE_PAGES, CaseKind
from .models import Case, Procedure, ProcedureStep, ProcedureTransition
from .roles import roles_of

#: Who may find a case: (role codes, user ids).
CaseAccess = tuple[tuple[str, ...], tuple[int, ...]]
#: Kinds whose module decides who reads its cases: kind -> the rule for one case.
_ACCESS_RULES: dict[str, Callable[[Case], CaseAccess]] = {}


def procedures_page_url() -> str:
    from cms.models import ProcedureIndexPage

    page = ProcedureIndexPage.objects.live().public().first()
    return (page.get_url() or page.url_path) if page is not None else ""


def procedure_document(procedure: Procedure) -> SearchDocument | None:
    if procedure.status != Procedure.Status.PUBLISHED:
        return None
    spec = KINDS.get(procedure.kind)
    steps = [join_text(step.label, step.description) for step in procedure.steps.all()]
    url = procedures_page_url()
    if url and spec is not None:
        url = f"{url}#duty-{spec.duty}"
    return SearchDocument(
        title=procedure.title,
        body=join_text(procedure.summary, *steps),
        url=url,
        date=timezone.localdate(procedure.published_at) if procedure.published_at else None,
        keywords=(label(spec.label),) if spec is not None else (),
    )


def case_access_register(
    kind: str,
    rule: Callable[[Case], CaseAccess],
    *,
    depends_on: dict[type[models.Model], Callable[[Any], Any]] | None = None,
) -> None:
    """A module that shows its own cases (mediation, hardship) says who may find them;
    ``depends_on``: its models whose changes change who may (the cases to index again)."""
    _ACCESS_RULES[kind] = rule
    source = source_for_kind("case")
    if source is not None and depends_on:
        source.depends_on.update(depends_on)


def case_access(case: Case) -> CaseAccess | None:
    """Who may find ``case`` in staff search, or ``None`` when it is never a document."""
    spec = KINDS.get(case.kind)
    if spec is None or case.kind == CaseKind.COUNSELLING:
        return None
    rule = _ACCESS_RULES.get(case.kind)
    if rule is not None:
        roles, users = rule(case)
    elif case.confidentiality == Case.Confidentiality.NORMAL:
        roles, users = ("chairman", *spec.staff_roles), ()
    else:
        roles, users = ("chairman",), ((case.assignee_id,) if case.assignee_id else ())
    return tuple(sorted(set(roles))), tuple(sorted(set(users)))


def cases_visible(user: Any, pks: list[Any]) -> set[Any]:
    """Of the cases ``pks``, those ``user`` may open now: the documents' rule on the database."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cases = Case.objects.filter(pk__in=pks)
    if getattr(user, "is_superuser", False):
        return set(cases.values_list("pk", flat=True))
    roles = roles_of(user)
    found = set()
    for case in cases:
        access = case_access(case)
        if access is not None and (set(access[0]) & roles or user.pk in access[1]):
            found.add(case.pk)
    return found


def case_url(case: Case) -> str:
    module_page = MODULE_PAGES.get(case.kind)
    url = module_page(case) if module_page is not None else ""
    return url or f"/admin/cases/{case.pk}/"


def case_document(case: Case) -> SearchDocument | None:
    access = case_access(case)
    if access is None:
        return None
    spec = KINDS[case.kind]
    step = case.procedure.steps.filter(code=case.step).values_list("label", flat=True).first() or ""
    return SearchDocument(
        title=f"{case.reference} {label(spec.label)}",
        body=join_text(case.procedure.title, step, label(case.get_status_display())),
        url=case_url(case),
        date=timezone.localdate(case.opened_at),
        keywords=tuple(
            filter(None, [case.reference, label(case.category_label), label(case.get_status_display())])
        ),
        roles=access[0],
        users=access[1],
    )


source_register(SearchSource(
    kind="procedure", label=_("Procedures"), model=Procedure, visibility="public",
    document=procedure_document, queryset=lambda: Procedure.objects.filter(status=Procedure.Status.PUBLISHED),
    depends_on={
        ProcedureStep: lambda step: [step.procedure],
        ProcedureTransition: lambda transition: [transition.procedure],
    },
))  # fmt: skip
source_register(SearchSource(
    kind="case", label=_("Cases"), model=Case, visibility="staff",
    document=case_document, queryset=lambda: Case.objects.select_related("procedure"), visible=cases_visible,
))  # fmt: skip
