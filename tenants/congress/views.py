"""The workers' congress on the union's site (phone first). Members see the disclosure items
(厂务公开) and the resolutions; a delegate also writes motions, co-signs other delegates' drafts,
submits their own once co-signed, reads the replies and rates them. Thin: selectors and services.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tenants.users.roles import is_member
from workershome.errors import ServiceError

from .models import Delegate, Motion, Satisfaction
from .selectors import (
    delegates_of_user,
    disclosures_published,
    motions_of,
    motions_to_cosign,
    resolutions_public,
    session_current,
)
from .services import delegate_of, motion_cosign, motion_draft, motion_rate, motion_submit


class MotionForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    reason = forms.CharField(label=gettext_lazy("The problem (案由)"), max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip
    proposal = forms.CharField(label=gettext_lazy("What you propose"), max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(label=gettext_lazy("How satisfied are you with the reply?"),
                                     choices=Satisfaction.choices, widget=forms.RadioSelect)  # fmt: skip


def _members_only(request: HttpRequest) -> None:
    if not is_member(request.user):
        raise Http404


@login_required
@require_GET
def congress_index(request: HttpRequest) -> HttpResponse:
    """职代会: the current session; for a delegate their motions and drafts to co-sign; for every
    member the resolutions and the disclosure items."""
    _members_only(request)
    session = session_current()
    delegate = delegate_of(session=session, user=request.user) if session else None
    return render(request, "congress/index.html", {
        "session": session, "delegate": delegate,
        "mine": motions_of(delegate=delegate) if delegate else [],
        "to_cosign": motions_to_cosign(session=session, delegate=delegate) if delegate and session else [],
        "resolutions": resolutions_public()[:20], "disclosures": disclosures_published()[:20],
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def motion_new(request: HttpRequest) -> HttpResponse:
    _members_only(request)
    session = session_current()
    delegate = delegate_of(session=session, user=request.user) if session else None
    if session is None or delegate is None:
        return render(request, "congress/motion_new.html", {"session": session, "delegate": None}, status=403)
    form = MotionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            motion = motion_draft(session=session, user=request.user, **form.cleaned_data)
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Your motion is saved as a draft. Ask %(n)s fellow delegates to co-sign it, "
                                        "then submit it.") % {"n": session.cosigners_min})  # fmt: skip
            return redirect("congress:motion", motion.pk)
    return render(request, "congress/motion_new.html", {"session": session, "delegate": delegate, "form": form},
                  status=400 if form.errors else 200)  # fmt: skip


def _visible_motion(request: HttpRequest, pk: int) -> tuple[Motion, Delegate | None]:
    """A motion of a session the user sits in as a delegate; else 404."""
    sessions = delegates_of_user(request.user).values_list("session_id", flat=True)
    motion = get_object_or_404(
        Motion.objects.select_related("session", "proposer__member").filter(session_id__in=sessions), pk=pk
    )
    return motion, delegate_of(session=motion.session, user=request.user)


@login_required
@require_GET
def motion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _members_only(request)
    motion, delegate = _visible_motion(request, pk)
    cosigners = list(motion.cosigners.select_related("delegate__member"))
    is_proposer = delegate is not None and motion.proposer_id == delegate.pk
    awaiting_rating = is_proposer and motion.status == Motion.Status.ANSWERED and (
        not motion.satisfaction or bool(motion.second_replied_at and not motion.final_satisfaction))  # fmt: skip
    return render(request, "congress/motion.html", {
        "motion": motion, "cosigners": cosigners, "is_proposer": is_proposer,
        "has_cosigned": any(c.delegate_id == getattr(delegate, "pk", None) for c in cosigners),
        "needed": max(motion.session.cosigners_min - len(cosigners), 0),
        "rate_form": RateForm() if awaiting_rating else None,
    })  # fmt: skip


def _act(request: HttpRequest, pk: int, work, success: str) -> HttpResponse:
    _members_only(request)
    motion, _delegate = _visible_motion(request, pk)
    try:
        work(motion)
    except ServiceError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, success)
    return redirect("congress:motion", motion.pk)


@login_required
@require_POST
def motion_cosign_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, lambda m: motion_cosign(motion=m, user=request.user), _("You co-signed the motion.")
    )


@login_required
@require_POST
def motion_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda m: motion_submit(motion=m, user=request.user),
                _("Your motion is submitted to the motions committee."))  # fmt: skip


@login_required
@require_POST
def motion_rate_view(request: HttpRequest, pk: int) -> HttpResponse:
    form = RateForm(request.POST)
    if not form.is_valid():
        _members_only(request)
        _visible_motion(request, pk)
        messages.error(request, _("Choose how satisfied you are."))
        return redirect("congress:motion", pk)
    return _act(request, pk, lambda m: motion_rate(motion=m, user=request.user, **form.cleaned_data),
                _("Thank you for rating the reply."))  # fmt: skip
