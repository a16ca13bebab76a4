"""The cases area of a union's Wagtail admin: the list staff work through, recording a case,
and one case's page with its timeline and the steps its procedure allows next.

Thin: who sees which case comes from ``roles.cases_visible_to``; every change is a service.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSet
from wagtail.permissions import register_permission_policy

from accounts.models import Account
from accounts.validators import normalize_mobile
from tenants.membership.permissions import UnionSchemaPermissionPolicy
from tenants.users.models import User
from workershome.admin_views import form_error_add, policy_menu_item
from workershome.errors import ServiceError

from .forms import AssignForm, AttachmentForm, CaseCreateForm, NoteForm, TransitionForm
from .kinds import KINDS
from .models import Case
from .procedures import machine_for
from .roles import cases_visible_to, is_staff_for, roles_of, staff_kinds, staff_users_for
from .selectors import case_module_page, case_ways_for
from .services import case_assign, case_attach, case_note, case_open, case_transition, case_view_logged

case_policy = UnionSchemaPermissionPolicy(Case)
register_permission_policy(Case, case_policy)


def step_label(case: Case) -> str:
    try:
        return machine_for(case.procedure).step(case.step).label
    except KeyError:
        return case.step


class CaseFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=Case.Status.choices)
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Kind of case"), choices=[])
    overdue = django_filters.BooleanFilter(label=gettext_lazy("Overdue"), method="filter_overdue")
    mine = django_filters.BooleanFilter(label=gettext_lazy("Assigned to me"), method="filter_mine")

    class Meta:
        model = Case
        fields = ["status", "kind", "priority", "channel"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["kind"].extra["choices"] = [(kind, spec.label) for kind, spec in KINDS.items()]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = {"status": Case.Status.OPEN, "due_at__lt": timezone.now()}
        return queryset.filter(**late) if value else queryset.exclude(**late)

    def filter_mine(self, queryset, name, value):
        if value is None:
            return queryset
        return (
            queryset.filter(assignee=self.request.user)
            if value
            else queryset.exclude(assignee=self.request.user)
        )


class CaseIndexView(generic.IndexView):
    model = Case
    permission_policy = case_policy
    permission_required = "view"
    any_permission_required = None
    page_title = gettext_lazy("Cases")
    header_icon = "tasks"
    filterset_class = CaseFilterSet
    search_fields = ["title", "description", "requester_name"]
    search_backend_name = None
    default_ordering = "-opened_at"
    paginate_by = 50
    detail_url_name = ""

    def get_base_queryset(self):
        return cases_visible_to(self.request.user).select_related("assignee", "procedure")

    def get_add_url(self):
        return reverse(self.add_url_name) if staff_kinds(roles_of(self.request.user)) else None

    @cached_property
    def list_display(self) -> list:
        return [
            TitleColumn("title", label=_("Subject"), url_name=self.detail_url_name, sort_key="title"),
            Column("reference", label=_("Reference")),
            Column("kind", label=_("Kind of case"), accessor="get_kind_display", sort_key="kind"),
            Column("step", label=_("Current step"), accessor=step_label),
            Column(
                "assignee",
                label=_("Assignee"),
                accessor=lambda case: case.assignee.get_full_name() if case.assignee else "—",
            ),
            DateColumn("due_at", label=_("Due"), sort_key="due_at"),
            StatusTagColumn(
                "status",
                label=_("Status"),
                accessor=lambda case: _("Overdue") if case.is_overdue else case.get_status_display(),
                primary=lambda case: case.status == Case.Status.OPEN and not case.is_overdue,
                sort_key="status",
            ),
        ]


def _staff_kinds_or_404(request: HttpRequest) -> list[str]:
    kinds = [kind for kind in staff_kinds(roles_of(request.user)) if KINDS[kind].direct]
    if not kinds or not case_policy.user_has_permission(request.user, "add"):
        raise Http404
    return kinds


class CaseCreateView(View):
    """Record a case brought in person, by letter, by phone or at a visit."""

    index_url_name = ""
    detail_url_name = ""
    template_name = "cases/admin/case_create.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = CaseCreateForm(kinds=_staff_kinds_or_404(request), initial={"requester_type": "member"})
        return self._render(request, form)

    def _render(self, request, form) -> HttpResponse:
        return TemplateResponse(request, self.template_name, {
            "form": form, "page_title": _("Record a case"), "header_icon": "tasks",
            "index_url": reverse(self.index_url_name),
        })  # fmt: skip

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CaseCreateForm(request.POST, request.FILES, kinds=_staff_kinds_or_404(request))
        if not form.is_valid():
            return self._render(request, form)
        data = form.cleaned_data
        requester = None
        if data["requester_type"] == Case.RequesterType.MEMBER:
            account = Account.objects.filter(mobile=normalize_mobile(data["member_mobile"] or "")).first()
            requester = (
                User.objects.filter(account_id=account.pk, is_active=True).first() if account else None
            )
            if requester is None:
                form.add_error("member_mobile", _("No member of this union has this mobile number."))
                return self._render(request, form)
        try:
            with transaction.atomic():
                case, _code = case_open(
                    kind=data["kind"], category=data["category"], title=data["title"],
                    description=data["description"], channel=data["channel"],
                    requester=requester, requester_type=data["requester_type"],
                    requester_name=data["requester_name"], requester_contact=data["requester_contact"],
                    priority=data["priority"], confidentiality=data["confidentiality"], by=request.user,
                )  # fmt: skip
                if data["attachment"]:
                    case_attach(case=case, upload=data["attachment"], by=request.user)
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, form)
        messages.success(request, _("Case %(reference)s recorded.") % {"reference": case.reference})
        return redirect(self.detail_url_name, case.pk)


class CaseDetailView(View):
    """One case: details, the procedure's next steps, the timeline, files; and the actions."""

    index_url_name = ""
    detail_url_name = ""
    attachment_url_name = ""
    template_name = "cases/admin/case_detail.html"

    def _case(self, request: HttpRequest, pk: int) -> Case:
        if not case_policy.user_has_permission(request.user, "view"):
            raise Http404
        return get_object_or_404(
            cases_visible_to(request.user).select_related("procedure", "assignee", "requester"), pk=pk
        )

    def get(self, request: HttpRequest, pk: int, forms: dict | None = None) -> HttpResponse:
        case = self._case(request, pk)
        case_view_logged(case=case, user=request.user, via="admin")
        return self._render(request, case, forms or {})

    def _render(self, request: HttpRequest, case: Case, forms: dict) -> HttpResponse:
        machine = machine_for(case.procedure)
        ways = case_ways_for(case=case, user=request.user)
        staff = is_staff_for(request.user, case.kind)
        context = {
            "case": case,
            "page_title": case.reference,
            "header_icon": "tasks",
            "step": machine.step(case.step),
            "steps": machine.steps,
            "ways": [
                {
                    "way": way,
                    "target": machine.step(way.target),
                    "form": forms.get(f"way:{way.target}") or TransitionForm(initial={"to_step": way.target}),
                }
                for way in ways
            ],
            "staff": staff,
            "module_page": case_module_page(case),
            "events": case.events.select_related("by"),
            "attachments": case.attachments.all(),
            "note_form": forms.get("note") or NoteForm(),
            "assign_form": forms.get("assign")
            or AssignForm(staff=staff_users_for(case.kind), initial={"assignee": case.assignee_id}),
            "attachment_form": forms.get("attach") or AttachmentForm(),
            "index_url": reverse(self.index_url_name),
            "attachment_url_name": self.attachment_url_name,
        }
        return TemplateResponse(request, self.template_name, context, status=400 if forms else 200)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        case = self._case(request, pk)
        action = request.POST.get("action")
        user = request.user
        form: forms.Form
        try:
            if action == "transition":
                if case_module_page(case):
                    raise Http404
                form = TransitionForm(request.POST)
                key = f"way:{request.POST.get('to_step', '')}"
                if not form.is_valid():
                    return self._render(request, case, {key: form})
                case_transition(case=case, by=user, **form.cleaned_data)
                done = _("Step taken.")
            elif action == "note":
                form = NoteForm(request.POST)
                key = "note"
                if not form.is_valid():
                    return self._render(request, case, {key: form})
                case_note(case=case, by=user, **form.cleaned_data)
                done = _("Added to the timeline.")
            elif action == "assign":
                form = AssignForm(request.POST, staff=staff_users_for(case.kind))
                key = "assign"
                if not form.is_valid():
                    return self._render(request, case, {key: form})
                case_assign(case=case, assignee=form.cleaned_data["assignee"], by=user)
                done = _("Assigned.")
            elif action == "attach":
                form = AttachmentForm(request.POST, request.FILES)
                key = "attach"
                if not form.is_valid():
                    return self._render(request, case, {key: form})
                case_attach(case=case, upload=form.cleaned_data["file"], by=user)
                done = _("File attached.")
            else:
                raise Http404
        except ServiceError as error:
            field = (
                error.field
                if error.field in form.fields and not form.fields[error.field].widget.is_hidden
                else None
            )
            if field:
                form.add_error(field, str(error.message))
                case.refresh_from_db()
                return self._render(request, case, {key: form})
            messages.error(request, str(error.message))
            return redirect(self.detail_url_name, case.pk)
        messages.success(request, done)
        return redirect(self.detail_url_name, case.pk)


class CaseAttachmentView(View):
    """Download a case's file: only for someone who may see the case, and logged when restricted."""

    def get(self, request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
        if not case_policy.user_has_permission(request.user, "view"):
            raise Http404
        case = get_object_or_404(cases_visible_to(request.user), pk=pk)
        attachment = get_object_or_404(case.attachments, pk=attachment_id)
        case_view_logged(case=case, user=request.user, via="admin")
        return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


class CaseViewSet(ViewSet):
    name = "cases"
    url_prefix = "cases"
    icon = "tasks"
    menu_label = gettext_lazy("Cases")
    menu_order = 210
    add_to_admin_menu = True
    menu_item_class = policy_menu_item(case_policy, "view")

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            index_url_name=self.get_url_name("index"), detail_url_name=self.get_url_name("detail"), **kwargs
        )

    def get_urlpatterns(self):
        index = self.construct_view(
            CaseIndexView, index_results_url_name=self.get_url_name("index_results"),
            add_url_name=self.get_url_name("add"), header_icon=self.icon,
        )  # fmt: skip
        results = self.construct_view(
            CaseIndexView, results_only=True, index_results_url_name=self.get_url_name("index_results"),
            add_url_name=self.get_url_name("add"), header_icon=self.icon,
        )  # fmt: skip
        return [
            path("", index, name="index"),
            path("results/", results, name="index_results"),
            path("new/", self.construct_view(CaseCreateView), name="add"),
            path(
                "<int:pk>/",
                self.construct_view(CaseDetailView, attachment_url_name=self.get_url_name("attachment")),
                name="detail",
            ),
            path("<int:pk>/files/<int:attachment_id>/", CaseAttachmentView.as_view(), name="attachment"),
        ]


@hooks.register("register_admin_viewset")
def register_case_viewset() -> CaseViewSet:
    return CaseViewSet()
