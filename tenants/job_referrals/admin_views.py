"""技能培训推荐、职业介绍 in a union's Wagtail admin: the referrals (filtered by kind and outcome),
recording one for a roster member, a referral's page with its follow-ups and the outcome.

Thin: reads through ``selectors``, every change through ``services``. Ids are looked up in this
union's schema only, so another union's referral is simply not found.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from tenants.membership.models import Member
from workershome.errors import ServiceError

from . import services
from .forms import FollowUpForm, ReferralForm
from .models import Referral
from .permissions import handles_referrals
from .selectors import follow_ups_due, referral_counts, referrals_listed

ICON = "user"


def _staff_or_404(request: HttpRequest) -> None:
    if not handles_referrals(request.user):
        raise Http404


def index(request: HttpRequest) -> HttpResponse:
    _staff_or_404(request)
    kind, outcome = request.GET.get("kind", ""), request.GET.get("outcome", "")
    counts = referral_counts()
    return TemplateResponse(request, "job_referrals/admin/index.html", {
        "page_title": _("Skills and job referral"), "header_icon": ICON,
        "referrals": referrals_listed(kind=kind, outcome=outcome)[:200], "due": follow_ups_due()[:50],
        "kinds": Referral.Kind.choices, "outcomes": Referral.Outcome.choices, "kind": kind, "outcome": outcome,
        "counts": [(label, [counts.get((code, o), 0) for o, _label in Referral.Outcome.choices])
                   for code, label in Referral.Kind.choices],
    })  # fmt: skip


def referral_create(request: HttpRequest) -> HttpResponse:
    _staff_or_404(request)
    title = _("Record a referral")
    form = ReferralForm(request.POST or None)

    def page(status: int = 200) -> HttpResponse:
        return TemplateResponse(request, "job_referrals/admin/form.html", {
            "form": form, "page_title": title, "header_icon": ICON, "cancel_url": reverse("job_referrals_admin:index"),
        }, status=status)  # fmt: skip

    if request.method != "POST":
        return page()
    if not form.is_valid():
        return page(400)
    data = dict(form.cleaned_data)
    member = Member.objects.filter(mobile=data.pop("mobile").strip()).first()
    if member is None:
        form.add_error("mobile", _("No member on the roster has this mobile number."))
        return page(400)
    try:
        referral = services.referral_create(member=member, **data, by=request.user)
    except ServiceError as error:
        form.add_error(error.field if error.field in form.fields else None, str(error.message))
        return page(400)
    messages.success(request, _("Referral recorded."))
    return redirect("job_referrals_admin:detail", referral.pk)


def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_or_404(request)
    referral = referrals_listed().filter(pk=pk).first() if pk < 2**63 else None
    if referral is None:
        raise Http404
    form = FollowUpForm(request.POST or None, prefix="follow")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.referral_follow_up(referral=referral, **form.cleaned_data, by=request.user)
            except ServiceError as error:
                form.add_error(error.field if error.field in form.fields else None, str(error.message))
            else:
                messages.success(request, _("Follow-up recorded."))
                return redirect("job_referrals_admin:detail", referral.pk)
        status = 400
    return TemplateResponse(request, "job_referrals/admin/detail.html", {
        "referral": referral, "follow_ups": referral.follow_ups.select_related("by"), "form": form,
        "page_title": _("Referral"), "header_icon": ICON,
    }, status=status)  # fmt: skip


class ReferralMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return handles_referrals(request.user)


class JobReferralViewSet(ViewSet):
    name = "job_referrals_admin"
    url_prefix = "job-referrals"
    icon = ICON
    menu_label = gettext_lazy("Skills and job referral")
    menu_order = 240
    add_to_admin_menu = True
    menu_item_class = ReferralMenuItem

    def get_urlpatterns(self):
        return [
            path("", index, name="index"),
            path("new/", referral_create, name="add"),
            path("<int:pk>/", referral_detail, name="detail"),
        ]
