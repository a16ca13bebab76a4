"""The proposal campaign in a union's Wagtail admin.

- Campaigns (staff with the campaign permissions): the list with each campaign's phase, the
  create and edit forms (dates, criteria and weights, award levels, the panel), and publishing
  the results.
- Proposals: the list by campaign with each proposal's step and average score, and one
  proposal's page with the forms its step allows: screening (officers), scoring (panelists),
  the decision (the chairman, shown the weighted average) and the award (officers).

Panelists who are not proposal staff see only the proposals of their panels from the
evaluation step on, without the proposers' names (blind review), and only their own scores.
Thin: every change is a service; ids are looked up in this union's schema only.
"""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django import forms
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BaseColumn, Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from tenants.cases.models import Case
from tenants.cases.procedures import machine_for
from tenants.cases.roles import may_act
from tenants.membership.permissions import UnionSchemaPermissionPolicy, on_union_site
from tenants.users.models import User
from workershome.errors import ServiceError

from . import selectors
from .forms import AwardForm, DecisionForm, ScreeningForm, score_form_class
from .models import Proposal, ProposalCampaign
from .services import (
    campaign_results_publish,
    campaign_save,
    proposal_award,
    proposal_decide,
    proposal_score,
    proposal_score_change,
    proposal_screen,
    proposal_screening_start,
)


class ProposalPermissionPolicy(UnionSchemaPermissionPolicy):
    """Django's model permissions on a union's site; a panelist may also *view* proposals
    (the list and pages of their panels' proposals)."""

    def user_has_permission(self, user, action: str) -> bool:
        if super().user_has_permission(user, action):
            return True
        return bool(
            action == "view"
            and on_union_site()
            and user.is_authenticated
            and user.is_active
            and ProposalCampaign.objects.filter(panel=user).exists()
        )


campaign_policy = UnionSchemaPermissionPolicy(ProposalCampaign)
proposal_policy = ProposalPermissionPolicy(Proposal)


def _error_to_form(form: forms.Form, error: ServiceError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


# --- Campaigns -------------------------------------------------------------------------------


class CampaignAdminForm(WagtailAdminModelForm):
    """The panel is chosen among the union's staff only."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "panel" in self.fields:
            field = cast(forms.ModelMultipleChoiceField, self.fields["panel"])
            field.queryset = (
                User.objects.filter(is_active=True, groups__name__in=selectors.PANEL_ROLES)
                .distinct()
                .order_by("name", "username")
            )


class _CampaignSaveMixin:
    """Create and edit go through ``campaign_save``; a refusal is shown on its field."""

    form: Any
    request: HttpRequest
    produced_error_message: str | None

    def form_valid(self, form):
        self.form = form
        try:
            instance = form.save(commit=False)
            self.object = campaign_save(campaign=instance, by=cast(User, self.request.user))
        except ServiceError as error:
            _error_to_form(form, error)
            self.produced_error_message = str(error.message)
            return self.form_invalid(form)  # type: ignore[attr-defined]
        return self.save_action()  # type: ignore[attr-defined]


class CampaignCreateView(_CampaignSaveMixin, generic.CreateView):
    pass


class CampaignEditView(_CampaignSaveMixin, generic.EditView):
    pass


class CampaignResultsColumn(BaseColumn):
    """The results: a link to the published page, or the button that publishes them."""

    cell_template_name = "proposals/admin/results_cell.html"

    def __init__(self, name: str, *, publish_url_name: str, **kwargs: Any) -> None:
        super().__init__(name, **kwargs)
        self.publish_url_name = publish_url_name

    def get_cell_context_data(self, instance: ProposalCampaign, parent_context) -> dict:
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context["request"]
        if instance.results_published_at is None and campaign_policy.user_has_permission(
            request.user, "change"
        ):
            context["publish_url"] = reverse(self.publish_url_name, args=(instance.pk,))
            context["csrf_token"] = get_token(request)
        elif instance.results_published_at is not None:
            context["results_url"] = reverse("proposals:results", args=(instance.year,))
        return context


class CampaignIndexView(generic.IndexView):
    publish_url_name = ""
    proposals_url_name = ""

    def get_base_queryset(self):
        return ProposalCampaign.objects.annotate(proposal_count=Count("proposals"))

    @cached_property
    def list_display(self) -> list:
        day = selectors.today()
        return [
            Column("year", label=_("Year"), sort_key="year"),
            TitleColumn("title", label=_("Title"), url_name=self.edit_url_name),
            StatusTagColumn(
                "phase",
                label=_("Phase"),
                accessor=lambda c: ProposalCampaign.Phase(c.phase_on(day)).label,
                primary=lambda c: c.phase_on(day) == ProposalCampaign.Phase.OPEN,
            ),
            Column(
                "submissions",
                label=_("Proposals accepted"),
                accessor=lambda c: f"{c.submission_opens:%Y-%m-%d} — {c.submission_closes:%Y-%m-%d}",
            ),
            DateColumn("evaluation_ends", label=_("Evaluation ends"), sort_key="evaluation_ends"),
            Column(
                "proposal_count",
                label=_("Proposals"),
                sort_key="proposal_count",
                accessor=lambda c: c.proposal_count,
            ),
            CampaignResultsColumn("results", label=_("Results"), publish_url_name=self.publish_url_name),
        ]


class CampaignPublishView(View):
    """POST: publish a campaign's results (the service says when it is too early)."""

    index_url_name = ""
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not campaign_policy.user_has_permission(request.user, "change"):
            raise Http404
        campaign = get_object_or_404(ProposalCampaign, pk=pk)
        try:
            campaign_results_publish(campaign=campaign, by=cast(User, request.user))
        except ServiceError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(
                request, _("The results of %(title)s are published.") % {"title": campaign.title}
            )
        return redirect(self.index_url_name)


class CampaignMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return campaign_policy.user_has_permission(request.user, "view")


class CampaignViewSet(ModelViewSet):
    model = ProposalCampaign
    icon = "date"
    menu_label = gettext_lazy("Campaigns")
    menu_order = 10
    url_prefix = "proposal-campaigns"
    name = "proposal_campaigns"
    copy_view_enabled = False
    add_to_reference_index = False
    index_view_class = CampaignIndexView
    add_view_class = CampaignCreateView
    edit_view_class = CampaignEditView
    menu_item_class = CampaignMenuItem
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("year"), FieldPanel("title")]),
            FieldPanel("description"),
            MultiFieldPanel(
                [
                    FieldRowPanel(
                        [
                            FieldPanel("submission_opens"),
                            FieldPanel("submission_closes"),
                            FieldPanel("evaluation_ends"),
                        ]
                    )
                ],
                heading=gettext_lazy("Dates"),
            ),
            FieldPanel("score_max"),
            InlinePanel(
                "criteria",
                heading=gettext_lazy("Scoring criteria (weights add up to 100%)"),
                label=gettext_lazy("Criterion"),
                min_num=1,
            ),
            InlinePanel(
                "award_levels", heading=gettext_lazy("Award levels"), label=gettext_lazy("Award level")
            ),
            FieldPanel("panel", widget=forms.CheckboxSelectMultiple),
        ],
        base_form_class=CampaignAdminForm,
    )

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(publish_url_name=self.get_url_name("publish"), **kwargs)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "<int:pk>/publish/",
                self.construct_view(CampaignPublishView, index_url_name=self.get_url_name("index")),
                name="publish",
            ),
        ]


# --- Proposals -------------------------------------------------------------------------------


class ProposalFilterSet(WagtailFilterSet):
    campaign = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Campaign"), queryset=ProposalCampaign.objects.all()
    )
    decision = django_filters.ChoiceFilter(label=gettext_lazy("Decision"), choices=Proposal.Decision.choices)

    class Meta:
        model = Proposal
        fields = ["campaign", "decision"]


def _average(proposal: Proposal) -> str:
    if proposal.average_score is None:  # type: ignore[attr-defined]
        return "—"
    return f"{proposal.average_score:.2f} / {proposal.campaign.score_max}"  # type: ignore[attr-defined]


class ProposalIndexView(generic.IndexView):
    model = Proposal
    permission_policy = proposal_policy
    permission_required = "view"
    any_permission_required = None
    page_title = gettext_lazy("Proposals")
    header_icon = "pick"
    filterset_class = ProposalFilterSet
    search_fields = ["title", "department", "problem", "suggestion"]
    search_backend_name = None
    default_ordering = "-submitted_at"
    paginate_by = 50
    detail_url_name = ""

    def get_base_queryset(self):
        return selectors.proposals_for_admin(self.request.user)

    @cached_property
    def list_display(self) -> list:
        staff = selectors.is_proposal_staff(self.request.user)
        columns: list = [
            TitleColumn("title", label=_("Title"), url_name=self.detail_url_name, sort_key="title"),
            Column("reference", label=_("Reference")),
            Column(
                "campaign", label=_("Campaign"), accessor=lambda p: p.campaign.year, sort_key="campaign__year"
            ),
        ]
        if staff:
            columns.append(
                Column(
                    "proposer",
                    label=_("Proposer"),
                    accessor=lambda p: p.proposer.get_full_name() if p.proposer else "—",
                )
            )
        return [
            *columns,
            Column("department", label=_("Department"), sort_key="department"),
            Column("step", label=_("Current step"), accessor=selectors.step_label),
            Column("average_score", label=_("Average score"), accessor=_average, sort_key="average_score"),
            Column(
                "score_count", label=_("Scores"), accessor=lambda p: p.score_count, sort_key="score_count"
            ),
            StatusTagColumn(
                "decision",
                label=_("Decision"),
                accessor=lambda p: p.award_level.name if p.award_level else p.get_decision_display(),
                primary=lambda p: p.decision == Proposal.Decision.ADOPTED,
                sort_key="decision",
            ),
            DateColumn("submitted_at", label=_("Submitted"), sort_key="submitted_at"),
        ]


class ProposalDetailView(View):
    """One proposal, its scores and the form(s) its current step offers to this person."""

    index_url_name = ""
    detail_url_name = ""
    template_name = "proposals/admin/proposal_detail.html"

    def _proposal(self, request: HttpRequest, pk: int) -> Proposal:
        if not proposal_policy.user_has_permission(request.user, "view"):
            raise Http404
        return get_object_or_404(selectors.proposals_for_admin(request.user), pk=pk)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, self._proposal(request, pk), {})

    def _render(
        self, request: HttpRequest, proposal: Proposal, forms_: dict, status: int = 200
    ) -> HttpResponse:
        user = cast(User, request.user)
        case = proposal.case
        campaign = proposal.campaign
        staff = selectors.is_proposal_staff(user)
        panelist = selectors.is_panelist(user, campaign)
        at = case.step if case.status == Case.Status.OPEN else ""
        criteria = list(campaign.criteria.order_by("sort_order", "pk"))
        summary = selectors.score_summary(proposal)
        own = selectors.score_of(proposal, user)
        context: dict[str, Any] = {
            "proposal": proposal,
            "case": case,
            "campaign": campaign,
            "page_title": proposal.reference,
            "header_icon": "pick",
            "steps": machine_for(case.procedure).steps,
            "step_label": selectors.step_label(proposal),
            "staff": staff,
            "summary": summary,
            # Panelists who are not proposal staff see only their own score (independent scoring).
            "score_rows": [
                (score, [score.values.get(str(c.pk), "—") for c in criteria])
                for score in summary.scores
                if staff or score.panelist_id == user.pk
            ],
            "criteria": criteria,
            "events": case.events.select_related("by") if staff else [],
            "co_proposers": proposal.co_proposers.all() if staff else [],
            "index_url": reverse(self.index_url_name),
        }
        if staff and at == "received":
            context["screening_start"] = True
        if staff and at == "screening":
            context["screen_form"] = forms_.get("screen") or ScreeningForm()
        if panelist and at == "evaluation":
            ScoreForm = score_form_class(campaign, criteria)
            initial = {}
            if own is not None:
                initial = {f"c{key}": value for key, value in own.values.items()} | {"comment": own.comment}
            context["score_form"] = forms_.get("score") or ScoreForm(initial=initial)
            context["own_score"] = own
        if at == "evaluation" and may_act(user, case=case, role="chairman"):
            context["decision_form"] = forms_.get("decide") or DecisionForm()
        if staff and at == "implementation" and proposal.decision == Proposal.Decision.ADOPTED:
            context["award_form"] = forms_.get("award") or AwardForm(campaign=campaign)
        return TemplateResponse(request, self.template_name, context, status=status)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        proposal = self._proposal(request, pk)
        user = cast(User, request.user)
        action = request.POST.get("action", "")
        form: forms.Form
        try:
            if action == "screening_start":
                proposal_screening_start(proposal=proposal, by=user)
                done = _("The proposal is in screening.")
            elif action == "screen":
                form = ScreeningForm(request.POST)
                if not form.is_valid():
                    return self._render(request, proposal, {"screen": form}, 400)
                proposal_screen(proposal=proposal, by=user, **form.cleaned_data)
                done = _("Screening recorded.")
            elif action == "score":
                criteria = list(proposal.campaign.criteria.order_by("sort_order", "pk"))
                form = score_form_class(proposal.campaign, criteria)(request.POST)
                if not form.is_valid():
                    return self._render(request, proposal, {"score": form}, 400)
                values = {str(c.pk): form.cleaned_data.get(f"c{c.pk}") for c in criteria}
                values = {key: value for key, value in values.items() if value is not None}
                own = selectors.score_of(proposal, user)
                comment = form.cleaned_data["comment"]
                if own is None:
                    proposal_score(proposal=proposal, panelist=user, values=values, comment=comment)
                else:
                    proposal_score_change(score=own, panelist=user, values=values, comment=comment)
                done = _("Your score is saved.")
            elif action == "decide":
                form = DecisionForm(request.POST)
                if not form.is_valid():
                    return self._render(request, proposal, {"decide": form}, 400)
                data = form.cleaned_data
                proposal_decide(
                    proposal=proposal, adopt=data["adopt"], by=user, note=data["note"],
                    estimated_annual_benefit=data["estimated_annual_benefit"] or None,
                )  # fmt: skip
                done = _("The decision is recorded.")
            elif action == "award":
                form = AwardForm(request.POST, campaign=proposal.campaign)
                if not form.is_valid():
                    return self._render(request, proposal, {"award": form}, 400)
                data = form.cleaned_data
                proposal_award(
                    proposal=proposal, level=data["level"], by=user, note=data["note"],
                    annual_benefit=data["annual_benefit"] or None,
                )  # fmt: skip
                done = _("The award is recorded and the proposal is closed.")
            else:
                raise Http404
        except ServiceError as error:
            key = {"screen": "screen", "score": "score", "decide": "decide", "award": "award"}.get(action)
            if key and error.field:
                field = "values" if error.field == "values" else error.field
                if field in form.fields:
                    form.add_error(field, str(error.message))
                else:
                    form.add_error(None, str(error.message))
                return self._render(request, self._proposal(request, pk), {key: form}, 400)
            messages.error(request, str(error.message))
            return redirect(self.detail_url_name, proposal.pk)
        messages.success(request, done)
        return redirect(self.detail_url_name, proposal.pk)


class ProposalMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return proposal_policy.user_has_permission(request.user, "view")


class ProposalViewSet(ViewSet):
    name = "proposal_admin"
    url_prefix = "proposals"
    icon = "pick"
    menu_label = gettext_lazy("Proposals")
    menu_order = 20
    menu_item_class = ProposalMenuItem

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            index_url_name=self.get_url_name("index"), detail_url_name=self.get_url_name("detail"), **kwargs
        )

    def get_urlpatterns(self):
        common = {"index_results_url_name": self.get_url_name("index_results"), "header_icon": self.icon}
        return [
            path("", self.construct_view(ProposalIndexView, **common), name="index"),
            path(
                "results/",
                self.construct_view(ProposalIndexView, results_only=True, **common),
                name="index_results",
            ),
            path("<int:pk>/", self.construct_view(ProposalDetailView), name="detail"),
        ]


class ProposalsGroup(ViewSetGroup):
    """合理化建议 in the admin menu: campaigns and proposals."""

    menu_label = gettext_lazy("Rationalisation proposals")
    menu_icon = "pick"
    menu_order = 230
    items = (CampaignViewSet, ProposalViewSet)
