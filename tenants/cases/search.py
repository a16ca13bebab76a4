"""Procedures and cases in search.

- ``procedure`` (public, 亮程序): each published procedure, with its steps in words, found on the
  union's site and the portal; a draft or retired version is not a document.
- ``case`` (staff): the union's cases for its staff search in the admin. Only what identifies a
  case and where it stands goes in: reference, kind, category, procedure, current step and
  status. Never the subject, the details, the requester, the outcome, notes or files: a case's
  words may carry what ``tenants.privacy`` protects (health, hardship, a dispute's claims).

Who may find a case follows who may see it (``roles.cases_visible_to``), as far as one
permission per document can say it:
- cases of the kinds officers handle (appeals, proposals, warnings, hardship files) carry
  ``cases.view_procedure``, which the chairman and officers hold and mediators and counsellors
  do not;
- mediation cases carry ``mediation.view_mediationcase`` (the chairman and mediators);
- counselling cases and restricted cases (their assignee and the chairman only) are never
  documents: no permission expresses "the assignee", and counselling stays out of every index.
The staff search page checks each found case against ``cases_visible_to`` again before showing it.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from search.document_text import join_text, label
from search.registry import SearchDocument, SearchSource, source_register

from .kinds import KINDS, MODULE_PAGES, CaseKind
from .models import Case, Procedure, ProcedureStep, ProcedureTransition

#: The permission a staff member needs to find a case of a kind, by the roles handling the kind.
_PERMISSION_BY_STAFF_ROLES: dict[tuple[str, ...], str] = {
    ("officer",): "cases.view_procedure",
    ("mediator",): "mediation.view_mediationcase",
}


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


def case_permission(case: Case) -> str:
    """The permission that lets a staff member find ``case``, or "" when no permission may."""
    spec = KINDS.get(case.kind)
    if spec is None or case.kind == CaseKind.COUNSELLING:
        return ""
    if case.confidentiality != Case.Confidentiality.NORMAL:
        return ""
    return _PERMISSION_BY_STAFF_ROLES.get(tuple(spec.staff_roles), "")


def case_url(case: Case) -> str:
    module_page = MODULE_PAGES.get(case.kind)
    url = module_page(case) if module_page is not None else ""
    return url or f"/admin/cases/{case.pk}/"


def case_document(case: Case) -> SearchDocument | None:
    permission = case_permission(case)
    if not permission:
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
        permission=permission,
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
    document=case_document, queryset=lambda: Case.objects.select_related("procedure"),
))  # fmt: skip
