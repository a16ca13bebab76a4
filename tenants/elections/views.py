"""The worker's pages of the elections, phone first: the elections a member can vote in, the
secret ballot, the receipt shown once, and after the close the published ballots with the tally
and the receipt check.

The ballot page renders the receipt in the response to the vote itself (no redirect, nothing in
the session): the receipt code exists only in that response and on the voter's screen. The
receipt check is a POST, so the code is never in a URL or an access log line.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View

from workershome.errors import ServiceError

from .models import ElectionPlan
from .selectors import (
    ballots_published,
    candidates_by_seat,
    elections_for,
    is_counted,
    plan_by_uuid,
    receipt_lookup,
    tally_recount,
)
from .services import ballot_cast, voter_for


class ReceiptForm(forms.Form):
    receipt = forms.CharField(label=_("Your receipt code"), max_length=40,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}))  # fmt: skip


def _plan(uuid) -> ElectionPlan:
    plan = plan_by_uuid(uuid)
    if plan is None or plan.method != ElectionPlan.Method.ONLINE or plan.status in (
        ElectionPlan.Status.DRAFT, ElectionPlan.Status.SUBMITTED, ElectionPlan.Status.RETURNED,
    ):  # fmt: skip
        raise Http404
    return plan


def _state(plan: ElectionPlan) -> str:
    now = timezone.now()
    if is_counted(plan):
        return "counted"
    assert plan.opens_at is not None and plan.closes_at is not None
    if now < plan.opens_at:
        return "not_open"
    return "open" if now < plan.closes_at else "closed"


@login_required
def my_elections(request: HttpRequest) -> HttpResponse:
    return render(request, "elections/list.html", {"items": [
        (plan, voted, _state(plan)) for plan, voted in elections_for(request.user)
    ]})  # fmt: skip


@method_decorator(login_required, name="dispatch")
class BallotView(View):
    """The secret ballot: candidates by position, at most the seats of each chosen."""

    def _render(self, request, plan, *, error: str = "", chosen=(), status: int = 200) -> HttpResponse:
        voter = voter_for(plan, request.user)
        return render(request, "elections/ballot.html", {
            "plan": plan, "seats": candidates_by_seat(plan), "state": _state(plan),
            "on_roll": voter is not None, "voted": bool(voter and voter.has_voted),
            "error": error, "chosen": {int(c) for c in chosen if str(c).isdigit()},
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest, uuid) -> HttpResponse:
        return self._render(request, _plan(uuid))

    def post(self, request: HttpRequest, uuid) -> HttpResponse:
        plan = _plan(uuid)
        chosen = request.POST.getlist("choice")
        try:
            code = ballot_cast(plan=plan, user=request.user, choices=chosen)
        except ServiceError as error:
            return self._render(request, plan, error=str(error.message), chosen=chosen, status=error.status)
        response = render(request, "elections/receipt.html", {"plan": plan, "code": code})
        response["Cache-Control"] = "no-store"  # the receipt is shown once, never from a cache
        return response


class PublishedBallotsView(View):
    """After the close: the tally, every ballot (receipt hash and choices) and the receipt check.
    Public to anyone on the union's site: the ballots carry nothing about the voters."""

    def _render(self, request, plan, *, form=None, found=None, checked=False, status=200) -> HttpResponse:
        ballots = ballots_published(plan)
        candidates = {c.pk: c for _s, cs in candidates_by_seat(plan) for c in cs}
        recount = tally_recount(ballots)
        return render(request, "elections/ballots.html", {
            "plan": plan, "counted": is_counted(plan), "seats": candidates_by_seat(plan),
            "ballots": [(b, [candidates[c] for c in b.choices if c in candidates]) for b in ballots],
            "recount": recount,
            "recount_matches": all(recount.get(pk, 0) == (c.votes or 0) for pk, c in candidates.items()),
            "form": form or ReceiptForm(), "found": found,
            "found_choices": [candidates[c] for c in found.choices if c in candidates] if found else [],
            "checked": checked,
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest, uuid) -> HttpResponse:
        return self._render(request, _plan(uuid))

    def post(self, request: HttpRequest, uuid) -> HttpResponse:
        plan = _plan(uuid)
        form = ReceiptForm(request.POST)
        if not form.is_valid() or not is_counted(plan):
            return self._render(request, plan, form=form, status=400)
        found = receipt_lookup(plan, form.cleaned_data["receipt"])
        return self._render(request, plan, form=form, found=found, checked=True)
