"""民主选举 in a union's Wagtail admin: the election plans, one plan's page (edit, candidates,
submit to the district, close the online ballot or enter the paper count, report the result).

Thin: every change goes through ``services``; ids are looked up in this union's schema only,
and someone without the election permissions gets a 404.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin import messages
from wagtail.admin.viewsets.base import ViewSet

from approvals.selectors import approval_request_latest
from tenants.membership.selectors import member_by_mobile
from workershome.admin_views import form_error_add, policy_menu_item, policy_require
from workershome.errors import ServiceError

from .forms import CandidateForm, PaperCountForm, PlanForm, plan_initial
from .models import Candidate, ElectionPlan
from .permissions import election_policy
from .selectors import candidates_by_seat, is_counted, plans_list
from .services import (
    ballot_close,
    ballot_tables_vacuum,
    candidate_add,
    candidate_remove,
    paper_count_enter,
    plan_create,
    plan_submit,
    plan_update,
    result_submit,
)


class PlanIndexView(View):
    template_name = "elections/admin/index.html"

    def _render(self, request, form=None, status=200) -> HttpResponse:
        return TemplateResponse(request, self.template_name, {
            "page_title": _("Elections"), "header_icon": "list-ul", "plans": plans_list(),
            "form": form or PlanForm(), "can_add": election_policy.user_has_permission(request.user, "add"),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest) -> HttpResponse:
        policy_require(election_policy, request, "view")
        return self._render(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        policy_require(election_policy, request, "add")
        form = PlanForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            plan = plan_create(by=request.user, **form.service_kwargs())
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, form, status=400)
        messages.success(request, _("Election plan drafted: now add the candidates."))
        return redirect("election_admin:detail", plan.pk)


class PlanDetailView(View):
    """One plan: its state, and the action its state allows."""

    template_name = "elections/admin/detail.html"

    def _render(self, request, plan, *, forms=None, status=200) -> HttpResponse:
        forms = forms or {}
        seats = candidates_by_seat(plan)
        roles = [(seat.role, seat_label(seat)) for seat, _c in seats]
        candidates = [c for _s, cs in seats for c in cs]
        kind = "election_result" if plan.status.startswith("result") else "election_plan"
        return TemplateResponse(request, self.template_name, {
            "page_title": str(plan), "header_icon": "list-ul", "plan": plan, "seats": seats,
            "approval": approval_request_latest(kind=kind, object_uuid=plan.uuid),
            "plan_form": forms.get("save") or PlanForm(initial=plan_initial(plan)),
            "candidate_form": forms.get("candidate") or CandidateForm(roles=roles),
            "count_form": forms.get("count") or PaperCountForm(candidates=candidates),
            "voted": plan.voters.filter(has_voted=True).count(),
            "counted": is_counted(plan), "now": timezone.now(), "today": timezone.localdate(),
            "can_change": election_policy.user_has_permission(request.user, "change"),
        }, status=status)  # fmt: skip

    def _plan(self, pk: int) -> ElectionPlan:
        return get_object_or_404(ElectionPlan.objects.select_related("committee", "new_term"), pk=pk)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(election_policy, request, "view")
        return self._render(request, self._plan(pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(election_policy, request, "change")
        plan = self._plan(pk)
        action = request.POST.get("action") or ""
        form: Any = None
        try:
            if action == "save":
                form = PlanForm(request.POST)
                if not form.is_valid():
                    return self._render(request, plan, forms={action: form}, status=400)
                kwargs = form.service_kwargs()
                kwargs.pop("committee")
                plan_update(plan=plan, by=request.user, **kwargs)
                messages.success(request, _("Election plan saved."))
            elif action == "candidate":
                roles = [(seat.role, seat_label(seat)) for seat in plan.seats.all()]
                form = CandidateForm(request.POST, roles=roles)
                if not form.is_valid():
                    return self._render(request, plan, forms={action: form}, status=400)
                member = member_by_mobile(form.cleaned_data["member_mobile"])
                if member is None:
                    raise ServiceError("candidate_member_unknown",
                                       gettext_lazy("No member on the roster has this mobile number."),
                                       field="member_mobile")  # fmt: skip
                candidate_add(plan=plan, member=member, role=form.cleaned_data["role"],
                              introduction=form.cleaned_data["introduction"], by=request.user)  # fmt: skip
                messages.success(request, _("Candidate added."))
            elif action == "remove_candidate":
                candidate = get_object_or_404(Candidate, pk=request.POST.get("candidate") or 0, plan=plan)
                candidate_remove(candidate=candidate, by=request.user)
                messages.success(request, _("Candidate removed."))
            elif action == "submit":
                plan_submit(plan=plan, by=request.user)
                messages.success(request, _("Submitted to the district federation for approval."))
            elif action == "close":
                ballot_close(plan=plan)
                ballot_tables_vacuum()
                messages.success(request, _("The ballot is closed and counted."))
            elif action == "count":
                form = PaperCountForm(request.POST, candidates=list(plan.candidates.select_related("member")))
                if not form.is_valid():
                    return self._render(request, plan, forms={action: form}, status=400)
                paper_count_enter(
                    plan=plan, ballots_issued=form.cleaned_data["ballots_issued"],
                    ballots_cast=form.cleaned_data["ballots_cast"],
                    ballots_invalid=form.cleaned_data["ballots_invalid"], votes=form.votes(), by=request.user,
                )  # fmt: skip
                messages.success(request, _("The count is recorded."))
            elif action == "result":
                result_submit(plan=plan, by=request.user)
                messages.success(
                    request, _("The result is reported to the district federation for approval.")
                )
        except ServiceError as error:
            if form is not None:
                form_error_add(form, error)
                return self._render(request, self._plan(pk), forms={action: form}, status=400)
            messages.error(request, str(error.message))
            return self._render(request, self._plan(pk), status=error.status)
        return redirect("election_admin:detail", plan.pk)


def seat_label(seat) -> str:
    from tenants.committees.models import Position

    return str(Position.Role(seat.role).label) if seat.role in Position.Role.values else seat.role


class ElectionViewSet(ViewSet):
    """The "民主选举" menu of a union's admin."""

    name = "election_admin"
    url_prefix = "elections"
    icon = "list-ul"
    menu_label = gettext_lazy("Elections")
    menu_order = 246
    add_to_admin_menu = True
    menu_item_class = policy_menu_item(election_policy, "view")

    def get_urlpatterns(self):
        return [
            path("", PlanIndexView.as_view(), name="index"),
            path("<int:pk>/", PlanDetailView.as_view(), name="detail"),
        ]
