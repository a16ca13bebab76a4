"""组织建设 in a union's Wagtail admin: the committees with their serving terms and positions,
one committee's terms (add a term, assign and change positions), and the overdue flags.

Thin: every change goes through ``services``; ids are looked up in this union's schema only.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin import messages
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup

from tenants.membership.selectors import member_by_mobile
from workershome.admin_views import form_error_add, policy_menu_item, policy_require
from workershome.errors import ServiceError

from .forms import CommitteeForm, PositionEditForm, PositionForm, TermForm
from .models import Committee, Position, Term
from .permissions import committee_policy
from .selectors import committees_overview, positions_sorted
from .services import (
    committee_create,
    committee_update,
    position_assign,
    position_remove,
    position_update,
    term_create,
)


class CommitteeIndexView(View):
    template_name = "committees/admin/index.html"

    def _render(self, request, form=None, status=200) -> HttpResponse:
        return TemplateResponse(request, self.template_name, {
            "page_title": _("Committees and terms"), "header_icon": "group",
            "views": committees_overview(), "today": timezone.localdate(),
            "form": form or CommitteeForm(),
            "can_change": committee_policy.user_has_permission(request.user, "add"),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest) -> HttpResponse:
        policy_require(committee_policy, request, "view")
        return self._render(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        policy_require(committee_policy, request, "add")
        form = CommitteeForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            committee = committee_create(by=request.user, **form.cleaned_data)
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, form, status=400)
        messages.success(request, _("Committee added."))
        return redirect("committees:detail", committee.pk)


class CommitteeDetailView(View):
    """One committee: its terms (newest first) with positions; add a term or a position."""

    template_name = "committees/admin/detail.html"

    def _render(self, request, committee, *, forms=None, status=200) -> HttpResponse:
        forms = forms or {}
        terms = list(committee.terms.order_by("-starts_on"))
        positions = {term.pk: positions_sorted(term.positions.select_related("member")) for term in terms}
        today = timezone.localdate()
        return TemplateResponse(request, self.template_name, {
            "page_title": committee.name, "header_icon": "group", "committee": committee,
            "terms": [(term, positions[term.pk]) for term in terms], "today": today,
            "committee_form": forms.get("committee") or CommitteeForm(initial={
                "kind": committee.kind, "name": committee.name, "description": committee.description,
                "order": committee.order}),
            "term_form": forms.get("term") or TermForm(initial={
                "number": (terms[0].number + 1) if terms else 1, "years": 5}),
            "position_form": forms.get("position") or PositionForm(),
            "position_term": int(request.POST.get("term") or 0) or (terms[0].pk if terms else None),
            "can_change": committee_policy.user_has_permission(request.user, "change"),
            "index_url": reverse("committees:index"),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(committee_policy, request, "view")
        return self._render(request, get_object_or_404(Committee, pk=pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(committee_policy, request, "change")
        committee = get_object_or_404(Committee, pk=pk)
        action = request.POST.get("action")
        if action == "remove_position":
            position = get_object_or_404(
                Position, pk=request.POST.get("position") or 0, term__committee=committee
            )
            position_remove(position=position, by=request.user)
            messages.success(request, _("Position removed."))
            return redirect("committees:detail", committee.pk)
        form_class = {"committee": CommitteeForm, "term": TermForm, "position": PositionForm}.get(
            action or ""
        )
        if form_class is None:
            return redirect("committees:detail", committee.pk)
        form = form_class(request.POST)
        if action == "committee":
            form.fields["kind"].required = False
        if not form.is_valid():
            return self._render(request, committee, forms={action: form}, status=400)
        data = dict(form.cleaned_data)
        try:
            if action == "committee":
                data.pop("kind", None)
                committee_update(committee=committee, by=request.user, **data)
                messages.success(request, _("Committee saved."))
            elif action == "term":
                term_create(committee=committee, by=request.user, **data)
                messages.success(request, _("Term added."))
            else:
                term = get_object_or_404(Term, pk=request.POST.get("term") or 0, committee=committee)
                member = member_by_mobile(data.pop("member_mobile"))
                if member is None:
                    raise ServiceError(
                        "position_member_unknown", gettext_lazy("No member on the roster has this mobile number."),
                        field="member_mobile",
                    )  # fmt: skip
                position_assign(term=term, member=member, by=request.user, **data)
                messages.success(request, _("Position assigned."))
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, committee, forms={action: form}, status=400)
        return redirect("committees:detail", committee.pk)


class PositionEditView(View):
    template_name = "committees/admin/position_form.html"

    def _render(self, request, position, form, status=200) -> HttpResponse:
        return TemplateResponse(request, self.template_name, {
            "page_title": f"{position.member.name} · {position.term}", "header_icon": "user",
            "form": form, "position": position,
            "cancel_url": reverse("committees:detail", args=[position.term.committee_id]),
        }, status=status)  # fmt: skip

    def _position(self, pk: int) -> Position:
        return get_object_or_404(Position.objects.select_related("member", "term__committee"), pk=pk)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(committee_policy, request, "change")
        position = self._position(pk)
        initial = {
            f: getattr(position, f) for f in ("role", "duties", "public_mobile", "public_email", "order")
        }
        return self._render(request, position, PositionEditForm(initial=initial))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(committee_policy, request, "change")
        position = self._position(pk)
        form = PositionEditForm(request.POST)
        if not form.is_valid():
            return self._render(request, position, form, status=400)
        try:
            position_update(position=position, by=request.user, **form.cleaned_data)
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, position, form, status=400)
        messages.success(request, _("Position saved."))
        return redirect("committees:detail", position.term.committee_id)


class CommitteeViewSet(ViewSet):
    name = "committees"
    url_prefix = "organisation/committees"
    icon = "group"
    menu_label = gettext_lazy("Committees and terms")
    menu_item_class = policy_menu_item(committee_policy, "view")

    def get_urlpatterns(self):
        return [
            path("", CommitteeIndexView.as_view(), name="index"),
            path("<int:pk>/", CommitteeDetailView.as_view(), name="detail"),
            path("positions/<int:pk>/", PositionEditView.as_view(), name="position"),
        ]


class OrganisationViewSetGroup(ViewSetGroup):
    """The "组织建设" menu of a union's admin."""

    items = (CommitteeViewSet,)
    menu_label = gettext_lazy("Organisation")
    menu_icon = "group"
    menu_order = 245
