"""上级审批: approval requests in the federation portal's Wagtail admin.

District administrators see the requests of the unions in their districts, city administrators
all of them; either approves or returns a pending one with a comment. Thin: deciding is
``approval_request_decide``. Another district's request is simply not found (404).
"""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from workershome.admin_views import form_error_add
from workershome.errors import ServiceError

from .models import ApprovalRequest
from .registry import approval_kind
from .selectors import approval_requests_visible_to, may_decide_approvals
from .services import approval_request_decide


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("approve", gettext_lazy("Approve")), ("return", gettext_lazy("Return"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required when returning: what the union must change."),
    )  # fmt: skip


def _require(request: HttpRequest) -> None:
    if not may_decide_approvals(request.user):
        raise Http404


def kind_label(code: str) -> str:
    kind = approval_kind(code)
    return str(kind.label) if kind else code


class ApprovalIndexView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        _require(request)
        status = request.GET.get("status", "pending")
        requests = approval_requests_visible_to(request.user)
        if status in ApprovalRequest.Status.values:
            requests = requests.filter(status=status)
        rows = [(item, kind_label(item.kind)) for item in requests[:200]]
        return TemplateResponse(request, "approvals/admin/index.html", {
            "page_title": _("Approvals"), "header_icon": "tasks", "rows": rows, "status": status,
            "statuses": ApprovalRequest.Status.choices,
        })  # fmt: skip


class ApprovalDetailView(View):
    def _render(self, request, approval, form, status=200) -> HttpResponse:
        return TemplateResponse(request, "approvals/admin/detail.html", {
            "page_title": approval.title, "header_icon": "tasks", "approval": approval,
            "kind_label": kind_label(approval.kind), "form": form,
        }, status=status)  # fmt: skip

    def _approval(self, request, pk: int) -> ApprovalRequest:
        return get_object_or_404(approval_requests_visible_to(request.user), pk=pk)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        _require(request)
        return self._render(request, self._approval(request, pk), DecisionForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        _require(request)
        approval = self._approval(request, pk)
        form = DecisionForm(request.POST)
        if not form.is_valid():
            return self._render(request, approval, form, status=400)
        approve = form.cleaned_data["decision"] == "approve"
        try:
            approval_request_decide(
                approval=approval, approve=approve, comment=form.cleaned_data["comment"], by=request.user
            )
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, approval, form, status=error.status if error.status != 404 else 400)
        messages.success(
            request,
            _("Approved; the union has been told.") if approve else _("Returned; the union has been told."),
        )
        return redirect("approvals:detail", approval.pk)


class ApprovalMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return may_decide_approvals(request.user)


class ApprovalViewSet(ViewSet):
    """The "上级审批" area of the federation portal's admin."""

    name = "approvals"
    url_prefix = "approvals"
    icon = "tasks"
    menu_label = gettext_lazy("Approvals")
    menu_order = 245
    add_to_admin_menu = True
    menu_item_class = ApprovalMenuItem

    def get_urlpatterns(self):
        return [
            path("", ApprovalIndexView.as_view(), name="index"),
            path("<int:pk>/", ApprovalDetailView.as_view(), name="detail"),
        ]
