"""民主评议 in a union's Wagtail admin: rounds (plan one), a round's subjects (a leader's position
or an area of work, before it opens), publishing the results after it closes, the results with
small groups suppressed, and — for the chairman only — the comments, sorted, without authors.

Thin: every change goes through ``services``; ids are looked up in this union's schema only.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin import messages
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.widgets import AdminDateTimeInput

from tenants.committees.models import Position
from workershome.admin_views import form_error_add, policy_menu_item, policy_require
from workershome.errors import ServiceError

from .models import AppraisalRound, AppraisalSubject
from .permissions import reads_comments, round_policy
from .selectors import round_comments, round_results, rounds_list
from .services import round_create, round_phase, round_publish, subject_add, subjects_add_leaders


class RoundForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    description = forms.CharField(label=gettext_lazy("Description"), widget=forms.Textarea(attrs={"rows": 3}),
                                  required=False)  # fmt: skip
    opens_at = forms.DateTimeField(label=gettext_lazy("Opens"), widget=AdminDateTimeInput)
    closes_at = forms.DateTimeField(label=gettext_lazy("Closes"), widget=AdminDateTimeInput)
    min_sample = forms.IntegerField(label=gettext_lazy("Fewest ratings to publish"), min_value=3, max_value=100,
                                    initial=5)  # fmt: skip


class SubjectForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=AppraisalSubject.Kind.choices)
    name = forms.CharField(label=gettext_lazy("Subject"), max_length=200, required=False,
                           help_text=gettext_lazy("For a leader, leave empty to use the position and name."))  # fmt: skip
    position = forms.ModelChoiceField(label=gettext_lazy("Position (for a leader)"), required=False,
                                      queryset=Position.objects.none())  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = Position.objects.select_related(
            "member", "term__committee"
        ).order_by("-term__starts_on", "order")


class RoundIndexView(View):
    template_name = "appraisal/admin/rounds.html"

    def _render(self, request, form=None, status=200) -> HttpResponse:
        rounds = [(r, round_phase(r)) for r in rounds_list()]
        return TemplateResponse(request, self.template_name, {
            "page_title": _("Appraisal rounds"), "header_icon": "tasks", "rounds": rounds,
            "form": form or RoundForm(), "can_add": round_policy.user_has_permission(request.user, "add"),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest) -> HttpResponse:
        policy_require(round_policy, request, "view")
        return self._render(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        policy_require(round_policy, request, "add")
        form = RoundForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            appraisal_round = round_create(by=request.user, **form.cleaned_data)
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, form, status=400)
        messages.success(request, _("Round planned. Add what members will rate."))
        return redirect("appraisal_rounds:detail", appraisal_round.pk)


class RoundDetailView(View):
    template_name = "appraisal/admin/round.html"

    def _render(self, request, appraisal_round, *, form=None, errors=(), status=200) -> HttpResponse:
        phase = round_phase(appraisal_round)
        comments = reads_comments(request.user) and phase == "published"
        texts = round_comments(appraisal_round) if comments else {}
        results = (
            [(result, texts.get(result.subject.pk, [])) for result in round_results(appraisal_round)]
            if phase == "published" else []
        )  # fmt: skip
        return TemplateResponse(request, self.template_name, {
            "page_title": appraisal_round.title, "header_icon": "tasks", "round": appraisal_round, "phase": phase,
            "subjects": appraisal_round.subjects.all(), "participants": appraisal_round.participations.count(),
            "results": results, "comments": comments, "errors": errors,
            "form": form or SubjectForm(), "can_change": round_policy.user_has_permission(request.user, "change"),
            "index_url": reverse("appraisal_rounds:index"),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(round_policy, request, "view")
        return self._render(request, get_object_or_404(AppraisalRound, pk=pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(round_policy, request, "change")
        appraisal_round = get_object_or_404(AppraisalRound, pk=pk)
        action = request.POST.get("action") or ""
        try:
            if action == "publish":
                round_publish(appraisal_round=appraisal_round, by=request.user)
                messages.success(request, _("Results published."))
            elif action == "leaders":
                added = subjects_add_leaders(appraisal_round=appraisal_round, by=request.user)
                messages.success(request, _("%(n)s leaders added.") % {"n": added})
            elif action == "subject":
                form = SubjectForm(request.POST)
                if not form.is_valid():
                    return self._render(request, appraisal_round, form=form, status=400)
                try:
                    subject_add(appraisal_round=appraisal_round, by=request.user, **form.cleaned_data)
                except ServiceError as error:
                    form_error_add(form, error)
                    return self._render(request, appraisal_round, form=form, status=400)
                messages.success(request, _("Subject added."))
        except ServiceError as error:
            return self._render(request, appraisal_round, errors=[str(error.message)], status=400)
        return redirect("appraisal_rounds:detail", appraisal_round.pk)


class RoundViewSet(ViewSet):
    name = "appraisal_rounds"
    url_prefix = "appraisal/rounds"
    icon = "tasks"
    menu_label = gettext_lazy("Appraisal rounds")
    menu_item_class = policy_menu_item(round_policy, "view")

    def get_urlpatterns(self):
        return [
            path("", RoundIndexView.as_view(), name="index"),
            path("<int:pk>/", RoundDetailView.as_view(), name="detail"),
        ]


class AppraisalViewSetGroup(ViewSetGroup):
    """The "民主评议" menu of a union's admin."""

    items = (RoundViewSet,)
    menu_label = gettext_lazy("Democratic appraisal")
    menu_icon = "tasks"
    menu_order = 247
