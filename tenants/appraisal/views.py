"""Democratic appraisal on the union's site (phone first): the rounds open now, the rating form
(every subject, once, anonymously) and the published results with small groups suppressed.
Thin: selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tenants.users.roles import is_member
from workershome.errors import ServiceError

from .models import AppraisalRound, Rating
from .selectors import has_taken_part, round_results, rounds_open, rounds_published
from .services import COMMENT_LIMIT, appraisal_submit


def _members_only(request: HttpRequest) -> None:
    if not is_member(request.user):
        raise Http404


@login_required
@require_GET
def appraisal_index(request: HttpRequest) -> HttpResponse:
    _members_only(request)
    open_rounds = [
        (appraisal_round, has_taken_part(appraisal_round=appraisal_round, user=request.user))
        for appraisal_round in rounds_open()
    ]
    return render(
        request, "appraisal/index.html", {"open_rounds": open_rounds, "published": rounds_published()}
    )


@login_required
@require_http_methods(["GET", "POST"])
def appraisal_rate(request: HttpRequest, pk: int) -> HttpResponse:
    """The rating form: one choice per subject and an optional comment each."""
    _members_only(request)
    appraisal_round = get_object_or_404(rounds_open(), pk=pk)
    subjects = list(appraisal_round.subjects.order_by("order", "pk"))
    taken = has_taken_part(appraisal_round=appraisal_round, user=request.user)
    error = ""
    chosen: dict[int, tuple[str, str]] = {}
    if request.method == "POST" and not taken:
        chosen = {
            subject.pk: (request.POST.get(f"rating-{subject.pk}", ""),
                         request.POST.get(f"comment-{subject.pk}", "")[:COMMENT_LIMIT])
            for subject in subjects
        }  # fmt: skip
        try:
            appraisal_submit(appraisal_round=appraisal_round, user=request.user, ratings=chosen)
        except ServiceError as refused:
            error = str(refused.message)
        else:
            messages.success(request, _("Thank you. Your ratings are recorded anonymously."))
            return redirect("appraisal:index")
    rows = [(subject, chosen.get(subject.pk, ("", ""))) for subject in subjects]
    return render(request, "appraisal/rate.html", {
        "round": appraisal_round, "rows": rows, "ratings": Rating.choices, "taken": taken, "error": error,
        "comment_limit": COMMENT_LIMIT,
    }, status=400 if error else 200)  # fmt: skip


@login_required
@require_GET
def appraisal_results(request: HttpRequest, pk: int) -> HttpResponse:
    _members_only(request)
    appraisal_round = get_object_or_404(AppraisalRound.objects.filter(published_at__isnull=False), pk=pk)
    return render(
        request,
        "appraisal/results.html",
        {"round": appraisal_round, "results": round_results(appraisal_round)},
    )
