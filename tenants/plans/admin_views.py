"""工作计划 in a union's Wagtail admin: the plans by year with their figures, one plan's items
(overdue flagged, progress bars), adding items, adopting the plan, the year-end summary; one
item's page with its progress notes.

Thin: every change goes through ``services``; ids are looked up in this union's schema only,
and someone without the permission gets a 404.
"""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin import messages
from wagtail.admin.viewsets.base import ViewSet

from tenants.membership.selectors import member_by_mobile
from workershome.admin_views import form_error_add, policy_menu_item, policy_require
from workershome.errors import ServiceError

from .forms import CancelForm, ItemForm, PlanForm, ProgressForm, SummaryForm
from .models import PlanItem, WorkPlan
from .permissions import item_policy, plan_policy
from .selectors import plan_figures, plan_items, plans_all
from .services import (
    item_cancel,
    item_progress_record,
    item_save,
    plan_adopt,
    plan_create,
    plan_save,
    plan_summary_write,
)


def _owner(data: dict):
    """The roster member named by mobile number, or ``None``; a refusal when none matches."""
    mobile = (data.pop("owner_mobile", "") or "").strip()
    if not mobile:
        return None
    member = member_by_mobile(mobile)
    if member is None:
        raise ServiceError(
            "item_owner_unknown", gettext_lazy("No member on the roster has this mobile number."),
            field="owner_mobile",
        )  # fmt: skip
    return member


class PlanIndexView(View):
    template_name = "plans/admin/index.html"

    def _render(self, request, form=None, status=200) -> HttpResponse:
        today = timezone.localdate()
        plans = [(plan, plan_figures(plan, today=today)) for plan in plans_all()]
        return TemplateResponse(request, self.template_name, {
            "page_title": _("Annual work plans"), "header_icon": "list-ul", "plans": plans,
            "this_year": today.year, "has_this_year": any(plan.year == today.year for plan, _f in plans),
            "form": form or PlanForm(initial={"year": today.year, "title": _("%(year)s union work plan") % {
                "year": today.year}}),
            "can_add": plan_policy.user_has_permission(request.user, "add"),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest) -> HttpResponse:
        policy_require(plan_policy, request, "view")
        return self._render(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        policy_require(plan_policy, request, "add")
        form = PlanForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            plan = plan_create(by=request.user, **form.cleaned_data)
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, form, status=400)
        messages.success(request, _("Plan created. Now add its items."))
        return redirect("work_plans:detail", plan.pk)


class PlanDetailView(View):
    """One plan: figures, items (overdue flagged), add an item, adopt, the year-end summary."""

    template_name = "plans/admin/detail.html"

    def _render(self, request, plan: WorkPlan, *, forms=None, status=200) -> HttpResponse:
        forms = forms or {}
        today = timezone.localdate()
        items = list(plan_items(plan))
        return TemplateResponse(request, self.template_name, {
            "page_title": plan.title, "header_icon": "list-ul", "plan": plan, "today": today,
            "items": [(item, item.is_overdue(today)) for item in items],
            "figures": plan_figures(plan, today=today),
            "item_form": forms.get("item") or ItemForm(initial={"starts_on": today if today.year == plan.year else None}),
            "plan_form": forms.get("plan") or PlanForm(initial={
                "year": plan.year, "title": plan.title, "introduction": plan.introduction,
                "published": plan.published}),
            "summary_form": forms.get("summary") or SummaryForm(initial={"summary": plan.summary}),
            "summary_open": today >= datetime.date(plan.year, 12, 1),
            "can_change": plan_policy.user_has_permission(request.user, "change"),
            "index_url": reverse("work_plans:index"),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(plan_policy, request, "view")
        return self._render(request, get_object_or_404(WorkPlan, pk=pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(plan_policy, request, "change")
        plan = get_object_or_404(WorkPlan, pk=pk)
        action = request.POST.get("action") or ""
        if action == "adopt":
            try:
                plan_adopt(plan=plan, by=request.user)
            except ServiceError as error:
                messages.error(request, str(error.message))
            else:
                messages.success(request, _("Plan adopted."))
            return redirect("work_plans:detail", plan.pk)
        form_class = {"item": ItemForm, "plan": PlanForm, "summary": SummaryForm}.get(action)
        if form_class is None:
            return redirect("work_plans:detail", plan.pk)
        form = form_class(request.POST)
        if not form.is_valid():
            return self._render(request, plan, forms={action: form}, status=400)
        data = dict(form.cleaned_data)
        try:
            if action == "item":
                owner_member = _owner(data)
                item_save(item=PlanItem(plan=plan, owner_member=owner_member, **data), by=request.user)
                messages.success(request, _("Item added."))
            elif action == "plan":
                for name, value in data.items():
                    setattr(plan, name, value)
                plan_save(plan=plan, by=request.user)
                messages.success(request, _("Plan saved."))
            else:
                plan_summary_write(plan=plan, summary=data["summary"], by=request.user)
                messages.success(request, _("Year-end summary saved."))
        except ServiceError as error:
            form_error_add(form, error)
            plan.refresh_from_db()
            return self._render(request, plan, forms={action: form}, status=400)
        return redirect("work_plans:detail", plan.pk)


class ItemView(View):
    """One item: change it, record progress, cancel it; its notes of progress."""

    template_name = "plans/admin/item.html"

    def _item(self, pk: int) -> PlanItem:
        return get_object_or_404(PlanItem.objects.select_related("plan", "owner_member", "owner_user"), pk=pk)

    def _render(self, request, item: PlanItem, *, forms=None, status=200) -> HttpResponse:
        forms = forms or {}
        return TemplateResponse(request, self.template_name, {
            "page_title": item.task, "header_icon": "list-ul", "item": item,
            "overdue": item.is_overdue(timezone.localdate()), "notes": list(item.notes.all()),
            "item_form": forms.get("item") or ItemForm(initial={
                "task": item.task, "category": item.category,
                "owner_mobile": item.owner_member.mobile if item.owner_member else "",
                "owner_user": item.owner_user_id, "starts_on": item.starts_on, "due_on": item.due_on}),
            "progress_form": forms.get("progress") or ProgressForm(initial={"progress": item.progress}),
            "cancel_form": forms.get("cancel") or CancelForm(),
            "can_change": item_policy.user_has_permission(request.user, "change"),
            "plan_url": reverse("work_plans:detail", args=[item.plan_id]),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(item_policy, request, "view")
        return self._render(request, self._item(pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(item_policy, request, "change")
        item = self._item(pk)
        action = request.POST.get("action") or ""
        form_class = {"item": ItemForm, "progress": ProgressForm, "cancel": CancelForm}.get(action)
        if form_class is None:
            return redirect("work_plans:item", item.pk)
        form = form_class(request.POST)
        if not form.is_valid():
            return self._render(request, item, forms={action: form}, status=400)
        data = dict(form.cleaned_data)
        try:
            if action == "item":
                item.owner_member = _owner(data)
                for name, value in data.items():
                    setattr(item, name, value)
                item_save(item=item, by=request.user)
                messages.success(request, _("Item saved."))
            elif action == "progress":
                item_progress_record(item=item, progress=data["progress"], note=data["note"], by=request.user)
                messages.success(request, _("Progress recorded."))
            else:
                item_cancel(item=item, reason=data["note"], by=request.user)
                messages.success(request, _("Item cancelled."))
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, self._item(pk), forms={action: form}, status=400)
        return redirect("work_plans:item", item.pk)


class WorkPlanViewSet(ViewSet):
    """The "工作计划" menu of a union's admin."""

    name = "work_plans"
    url_prefix = "work-plans"
    icon = "list-ul"
    menu_label = gettext_lazy("Work plans")
    menu_order = 246
    add_to_admin_menu = True
    menu_item_class = policy_menu_item(plan_policy, "view")

    def get_urlpatterns(self):
        return [
            path("", PlanIndexView.as_view(), name="index"),
            path("<int:pk>/", PlanDetailView.as_view(), name="detail"),
            path("items/<int:pk>/", ItemView.as_view(), name="item"),
        ]
