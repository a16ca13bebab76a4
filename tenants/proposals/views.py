"""The campaign on the union's site, for workers (phone first): the current campaign and how
proposals are judged, the submission form, "my proposals" and each year's published results.

Thin: reads from ``selectors``, the submission through ``services.proposal_submit``.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tenants.cases.kinds import KINDS, CaseKind
from tenants.cases.models import CaseEvent
from tenants.cases.procedures import procedure_published
from tenants.users.models import User
from workershome.errors import ServiceError

from . import selectors
from .forms import ProposalForm
from .models import ProposalCampaign
from .services import proposal_submit


def _procedure_steps() -> list[tuple[str, str]]:
    """The steps of the published proposal procedure (亮程序), or the federation's default."""
    procedure = procedure_published(CaseKind.PROPOSAL)
    if procedure is not None:
        return [(step.label, step.description) for step in procedure.steps.order_by("sort_order", "pk")]
    return [(step.label, step.description) for step in KINDS[CaseKind.PROPOSAL].steps]


@require_GET
def campaign_index(request: HttpRequest) -> HttpResponse:
    campaign = selectors.campaign_current()
    context = {
        "campaign": campaign,
        "phase": campaign.phase_on(selectors.today()) if campaign else None,
        "steps": _procedure_steps(),
        "published": selectors.campaigns_with_results(),
        "is_member": selectors.is_member(request.user),
        "mine": selectors.proposals_of(request.user).count(),
    }
    return render(request, "proposals/index.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def proposal_new(request: HttpRequest) -> HttpResponse:
    campaign = selectors.campaign_current()
    user = cast(User, request.user)
    is_open = campaign is not None and campaign.phase_on(selectors.today()) == ProposalCampaign.Phase.OPEN
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and is_open and form.is_valid():
        assert campaign is not None
        data = form.cleaned_data
        try:
            proposal = proposal_submit(
                campaign=campaign,
                proposer=user,
                title=data["title"],
                department=data["department"],
                problem=data["problem"],
                suggestion=data["suggestion"],
                expected_benefit=data["expected_benefit"],
                co_proposer_mobiles=form.co_proposer_mobiles(),
                publish_name=data["publish_name"],
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(
                request,
                _("Thank you! Your proposal %(reference)s has been received.")
                % {"reference": proposal.reference},
            )
            return redirect("proposals:detail", pk=proposal.pk)
    return render(
        request,
        "proposals/submit.html",
        {
            "campaign": campaign,
            "is_open": is_open,
            "is_member": selectors.is_member(user),
            "form": form,
        },
    )


@login_required
@require_GET
def proposal_mine(request: HttpRequest) -> HttpResponse:
    proposals = list(selectors.proposals_of(request.user))
    rows = []
    for proposal in proposals:
        published = proposal.campaign.results_published
        rows.append(
            {
                "proposal": proposal,
                "step": selectors.step_label(proposal),
                "summary": selectors.score_summary(proposal) if published else None,
                "mine": proposal.proposer_id == request.user.pk,
            }
        )
    return render(request, "proposals/mine.html", {"rows": rows})


@login_required
@require_GET
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # A worker sees only the proposals they made or joined; another id is simply not found.
    proposal = get_object_or_404(selectors.proposals_of(request.user), pk=pk)
    published = proposal.campaign.results_published
    events = proposal.case.events.filter(public=True).exclude(kind=CaseEvent.Kind.OPENED)
    return render(
        request,
        "proposals/detail.html",
        {
            "proposal": proposal,
            "step": selectors.step_label(proposal),
            "summary": selectors.score_summary(proposal) if published else None,
            "events": events,
            "co_proposers": proposal.co_proposers.all(),
        },
    )


@require_GET
def campaign_results(request: HttpRequest, year: int) -> HttpResponse:
    campaign = selectors.campaigns_with_results().filter(year=year).first()
    if campaign is None:
        raise Http404(_("No published results for this year."))
    return render(
        request,
        "proposals/results.html",
        {"results": selectors.campaign_results(campaign), "published": selectors.campaigns_with_results()},
    )
