"""The procedures area of a union's Wagtail admin (亮程序): adopt, adapt, edit, publish.

The chairman adopts the federation's default procedures in one step, adapts one into a draft,
edits the draft (title, summary, time limit, steps and transitions), previews its flowchart and
publishes it; the version it replaces is retired, and cases already open finish under theirs.
Officers read the procedures and their history. Published and retired versions are read-only.

Thin: every change is a service (``procedures.py``, ``procedure_drafts.py``); ids are looked up
in the current union's schema only, so another union's procedure is simply not found. Also
registers the ``procedure_flowchart_svg`` hook that puts the charts on the wall posters.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.forms import formset_factory
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet
from wagtail.permissions import register_permission_policy

from tenants.membership.permissions import UnionSchemaPermissionPolicy
from workershome.errors import ServiceError

from .flowchart import procedure_chart, procedures_poster_svg, published_procedures, role_label
from .kinds import KINDS, kinds_for_duty
from .models import Procedure, ProcedureStep
from .procedure_drafts import procedure_draft_discard, procedure_draft_update
from .procedures import (
    ACTING_ROLES,
    Step,
    machine_for,
    procedure_adapt,
    procedure_publish,
    procedures_adopt_defaults,
)

procedure_policy = UnionSchemaPermissionPolicy(Procedure)
register_permission_policy(Procedure, procedure_policy)


def may_view(request: HttpRequest) -> bool:
    return procedure_policy.user_has_permission(request.user, "view")


def may_change(request: HttpRequest) -> bool:
    return procedure_policy.user_has_permission(request.user, "change")


# --- the wall posters ----------------------------------------------------------------------------


@hooks.register("procedure_flowchart_svg")
def service_procedures_svg(service) -> str | None:
    """The flowcharts of the published procedures of the kinds serving ``service``'s duty, in one
    SVG for its poster; ``None`` when none is published (the poster then says so)."""
    procedures = published_procedures(spec.kind for spec in kinds_for_duty(service.duty))
    return procedures_poster_svg(procedures) if procedures else None


# --- forms ---------------------------------------------------------------------------------------


class ProcedureForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=100)
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    time_limit_days = forms.IntegerField(
        label=gettext_lazy("Time limit of the whole procedure (days)"), min_value=1, max_value=365,
        help_text=gettext_lazy("Calendar days from the request to the reply."),
    )  # fmt: skip


def _role_choices() -> list[tuple[str, str]]:
    return [("", "—"), *((role, role_label(role)) for role in ACTING_ROLES)]


class _RowForm(forms.Form):
    """A row of a table of inputs: each input carries its column's label for screen readers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label))


class StepForm(_RowForm):
    code = forms.SlugField(label=gettext_lazy("Code"), max_length=30)
    label = forms.CharField(label=gettext_lazy("Step"), max_length=50)
    role = forms.ChoiceField(label=gettext_lazy("Acting role"), choices=_role_choices, required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=[("", "—"), *ProcedureStep.Kind.choices])
    days = forms.IntegerField(label=gettext_lazy("Days"), min_value=1, max_value=365, required=False)
    description = forms.CharField(label=gettext_lazy("Description"), max_length=300, required=False)


class TransitionForm(_RowForm):
    source = forms.SlugField(
        label=gettext_lazy("From step (code)"),
        max_length=30,
        widget=forms.TextInput(attrs={"list": "step-codes"}),
    )
    target = forms.SlugField(
        label=gettext_lazy("To step (code)"),
        max_length=30,
        widget=forms.TextInput(attrs={"list": "step-codes"}),
    )
    label = forms.CharField(label=gettext_lazy("Branch"), max_length=50, required=False)


class _RowFormSet(forms.BaseFormSet):
    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        for name in ("ORDER", "DELETE"):
            if name in form.fields:
                form.fields[name].widget.attrs.setdefault("aria-label", str(form.fields[name].label))
        if "ORDER" in form.fields:  # the order first, as the table's columns show it
            form.order_fields(["ORDER"])


StepFormSet = formset_factory(
    StepForm, formset=_RowFormSet, extra=2, can_delete=True, can_order=True, max_num=30, validate_max=True
)
TransitionFormSet = formset_factory(
    TransitionForm, formset=_RowFormSet, extra=3, can_delete=True, max_num=60, validate_max=True
)


def _rows(formset) -> list[dict[str, Any]]:
    """The filled, not deleted rows of a valid formset, in the order given."""
    forms_ = formset.ordered_forms if formset.can_order else formset.forms
    return [
        form.cleaned_data
        for form in forms_
        if form.cleaned_data and not (formset.can_delete and form.cleaned_data.get("DELETE"))
    ]


# --- views ---------------------------------------------------------------------------------------


class _Base(View):
    """What every view of the area shares: its URL names, the permission checks, rendering."""

    index_url_name = ""
    detail_url_name = ""
    edit_url_name = ""
    adopt_url_name = ""
    adapt_url_name = ""
    publish_url_name = ""
    discard_url_name = ""
    needs_change = False

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        # Not found rather than forbidden for those who may not even read procedures.
        if not may_view(request):
            raise Http404
        if self.needs_change and not may_change(request):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def urls(self) -> dict[str, str]:
        return {
            "index_url": reverse(self.index_url_name),
            "adopt_url": reverse(self.adopt_url_name),
        }

    def render(self, request, template: str, context: dict, status: int = 200) -> HttpResponse:
        context = {"header_icon": "list-ol", "can_change": may_change(request), **self.urls(), **context}
        return TemplateResponse(request, f"cases/admin/{template}", context, status=status)


class ProcedureIndexView(_Base):
    """Every kind of case with its published version (or "not adopted") and any draft."""

    def get(self, request: HttpRequest) -> HttpResponse:
        by_kind: dict[str, dict[str, Procedure]] = {}
        for procedure in Procedure.objects.exclude(status=Procedure.Status.RETIRED).only(
            "kind", "version", "title", "status", "published_at"
        ):
            by_kind.setdefault(procedure.kind, {})[procedure.status] = procedure
        rows = [
            {
                "spec": spec,
                "published": by_kind.get(kind, {}).get(Procedure.Status.PUBLISHED),
                "draft": by_kind.get(kind, {}).get(Procedure.Status.DRAFT),
            }
            for kind, spec in KINDS.items()
        ]
        return self.render(request, "procedure_index.html", {
            "page_title": _("Procedures"), "rows": rows, "detail_url_name": self.detail_url_name,
            "all_adopted": all(row["published"] for row in rows),
        })  # fmt: skip


class ProcedureAdoptView(_Base):
    """POST: adopt the federation's default procedure for every kind that has none published."""

    needs_change = True
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        before = set(
            Procedure.objects.filter(status=Procedure.Status.PUBLISHED).values_list("kind", flat=True)
        )
        try:
            adopted = procedures_adopt_defaults(by=request.user)
        except ServiceError as error:
            messages.error(request, str(error.message))
        else:
            new = [p for p in adopted if p.kind not in before]
            if new:
                messages.success(
                    request,
                    _("Adopted the federation's default procedures: %(titles)s.")
                    % {"titles": _(", ").join(p.title for p in new)},
                )
            else:
                messages.info(request, _("Every kind of case already has a published procedure."))
        return redirect(self.index_url_name)


class ProcedureDetailView(_Base):
    """One version: its flowchart (for a draft, the preview), its steps and the kind's history."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        procedure = get_object_or_404(Procedure.objects.select_related("published_by"), pk=pk)
        versions = (
            Procedure.objects.filter(kind=procedure.kind).select_related("published_by").order_by("-version")
        )
        draft = next((v for v in versions if v.status == Procedure.Status.DRAFT), None)
        return self.render(request, "procedure_detail.html", {
            "page_title": f"{procedure.title} v{procedure.version}",
            "procedure": procedure,
            "chart": procedure_chart(procedure),
            "spec": KINDS.get(procedure.kind),
            "versions": versions,
            "draft": draft,
            "detail_url_name": self.detail_url_name,
            "edit_url": reverse(self.edit_url_name, args=[procedure.pk]),
            "adapt_url": reverse(self.adapt_url_name, args=[procedure.pk]),
            "publish_url": reverse(self.publish_url_name, args=[procedure.pk]),
            "discard_url": reverse(self.discard_url_name, args=[procedure.pk]),
        })  # fmt: skip


class ProcedureAdaptView(_Base):
    """POST: start the union's own draft from this version (or go to the draft already started)."""

    needs_change = True
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        procedure = get_object_or_404(Procedure, pk=pk)
        existing = Procedure.objects.filter(kind=procedure.kind, status=Procedure.Status.DRAFT).first()
        try:
            draft = procedure_adapt(procedure=procedure, by=request.user)
        except ServiceError as error:
            messages.error(request, str(error.message))
            return redirect(self.detail_url_name, procedure.pk)
        if existing is not None:
            messages.info(request, _("A draft of this procedure already exists: continue with it."))
        else:
            messages.success(
                request,
                _("Draft version %(version)d created: change it, then publish it.")
                % {"version": draft.version},
            )
        return redirect(self.edit_url_name, draft.pk)


class ProcedureEditView(_Base):
    """Edit a draft: its title, summary and time limit, and its steps and transitions."""

    needs_change = True

    def _draft(self, request: HttpRequest, pk: int) -> Procedure | None:
        procedure = get_object_or_404(Procedure, pk=pk)
        if procedure.status != Procedure.Status.DRAFT:
            messages.error(
                request, _("Only a draft can be changed: published and retired versions stay as they were.")
            )
            return None
        return procedure

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        procedure = self._draft(request, pk)
        if procedure is None:
            return redirect(self.detail_url_name, pk)
        machine = machine_for(procedure)
        form = ProcedureForm(initial={
            "title": procedure.title, "summary": procedure.summary, "time_limit_days": procedure.time_limit_days,
        })  # fmt: skip
        steps = StepFormSet(prefix="steps", initial=[
            {"code": s.code, "label": s.label, "role": s.role, "kind": s.kind, "days": s.days,
             "description": s.description, "ORDER": index}
            for index, s in enumerate(machine.steps, start=1)
        ])  # fmt: skip
        ways = TransitionFormSet(prefix="ways", initial=[
            {"source": source, "target": way.target, "label": way.label}
            for source, found in machine.ways.items() for way in found
        ])  # fmt: skip
        return self._render(request, procedure, form, steps, ways)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        procedure = self._draft(request, pk)
        if procedure is None:
            return redirect(self.detail_url_name, pk)
        form = ProcedureForm(request.POST)
        steps = StepFormSet(request.POST, prefix="steps")
        ways = TransitionFormSet(request.POST, prefix="ways")
        if not (form.is_valid() and steps.is_valid() and ways.is_valid()):
            return self._render(request, procedure, form, steps, ways, status=400)
        try:
            procedure_draft_update(
                procedure=procedure,
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                time_limit_days=form.cleaned_data["time_limit_days"],
                steps=[
                    Step(row["code"], row["label"], row["role"], row["kind"], row["days"], row["description"])
                    for row in _rows(steps)
                ],
                ways=[(row["source"], row["target"], row["label"]) for row in _rows(ways)],
                by=request.user,
            )
        except ServiceError as error:
            if error.field and error.field in form.fields:
                form.add_error(error.field, str(error.message))
                error_text = ""
            else:
                error_text = str(error.message)
            return self._render(request, procedure, form, steps, ways, status=400, error=error_text)
        messages.success(request, _("Draft saved. Check the flowchart below, then publish it."))
        return redirect(self.detail_url_name, procedure.pk)

    def _render(
        self, request, procedure, form, steps, ways, *, status: int = 200, error: str = ""
    ) -> HttpResponse:
        codes = [f["code"].value() for f in steps.forms if f["code"].value()]
        return self.render(request, "procedure_edit.html", {
            "page_title": _("Edit draft: %(title)s v%(version)d") % {"title": procedure.title,
                                                                       "version": procedure.version},
            "procedure": procedure, "form": form, "steps": steps, "ways": ways, "error": error,
            "codes": codes, "detail_url": reverse(self.detail_url_name, args=[procedure.pk]),
        }, status=status)  # fmt: skip


class ProcedurePublishView(_Base):
    """POST: publish a draft; the published version it replaces is retired."""

    needs_change = True
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        procedure = get_object_or_404(Procedure, pk=pk)
        previous = (
            Procedure.objects.filter(kind=procedure.kind, status=Procedure.Status.PUBLISHED)
            .exclude(pk=procedure.pk)
            .first()
        )
        try:
            published = procedure_publish(procedure=procedure, by=request.user)
        except ServiceError as error:
            messages.error(request, str(error.message))
            return redirect(self.detail_url_name, procedure.pk)
        text = _("Version %(version)d is published: new cases follow it from now on.") % {
            "version": published.version
        }
        if previous is not None:
            text += " " + _("Version %(version)d is retired; its open cases finish under it.") % {
                "version": previous.version
            }
        messages.success(request, text)
        return redirect(self.detail_url_name, published.pk)


class ProcedureDiscardView(_Base):
    """POST: throw a draft away."""

    needs_change = True
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        procedure = get_object_or_404(Procedure, pk=pk)
        try:
            procedure_draft_discard(procedure=procedure, by=request.user)
        except ServiceError as error:
            messages.error(request, str(error.message))
            return redirect(self.detail_url_name, procedure.pk)
        messages.success(request, _("Draft discarded."))
        return redirect(self.index_url_name)


class ProcedureMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return may_view(request)


class ProcedureViewSet(ViewSet):
    """The "Procedures" area of a union's admin."""

    name = "procedures"
    url_prefix = "procedures"
    icon = "list-ol"
    menu_label = gettext_lazy("Procedures")
    menu_order = 220
    add_to_admin_menu = True
    menu_item_class = ProcedureMenuItem

    def get_common_view_kwargs(self, **kwargs):
        names = ("index", "detail", "edit", "adopt", "adapt", "publish", "discard")
        return super().get_common_view_kwargs(
            **{f"{name}_url_name": self.get_url_name(name) for name in names}, **kwargs
        )

    def get_urlpatterns(self):
        return [
            path("", self.construct_view(ProcedureIndexView), name="index"),
            path("adopt/", self.construct_view(ProcedureAdoptView), name="adopt"),
            path("<int:pk>/", self.construct_view(ProcedureDetailView), name="detail"),
            path("<int:pk>/adapt/", self.construct_view(ProcedureAdaptView), name="adapt"),
            path("<int:pk>/edit/", self.construct_view(ProcedureEditView), name="edit"),
            path("<int:pk>/publish/", self.construct_view(ProcedurePublishView), name="publish"),
            path("<int:pk>/discard/", self.construct_view(ProcedureDiscardView), name="discard"),
        ]


@hooks.register("register_admin_viewset")
def register_procedure_viewset() -> ProcedureViewSet:
    return ProcedureViewSet()


def procedures_admin_url() -> str:
    """Where the chairman adopts and publishes procedures (the home checklist links here)."""
    return reverse("procedures:index")
