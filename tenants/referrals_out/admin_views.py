"""转介街道服务站 in a union's Wagtail admin: send a failed mediation case to the street's
service station (choosing what to share, with the worker's consent), see where it stands, and
record the worker's rating once the station has closed it. Thin: writes go through
``services``; only mediators and the chairman reach these pages (others: 404)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from tenants.mediation.access import handles_mediation
from tenants.mediation.models import MediationCase
from workershome.admin_views import form_error_add
from workershome.errors import ServiceError

from . import services
from .forms import RateForm, SendForm
from .models import OutgoingReferral


def _require(request: HttpRequest) -> None:
    if not handles_mediation(request.user):
        raise Http404


def referral_index(request: HttpRequest) -> HttpResponse:
    _require(request)
    referrals = OutgoingReferral.objects.select_related("mediation__case")[:200]
    return TemplateResponse(request, "referrals_out/admin/index.html", {
        "page_title": _("Referrals to the service station"), "header_icon": "tasks", "referrals": referrals,
    })  # fmt: skip


def referral_send(request: HttpRequest, mediation_pk: int) -> HttpResponse:
    _require(request)
    mediation = get_object_or_404(MediationCase.objects.select_related("case"), pk=mediation_pk)
    form = SendForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                referral = services.referral_send(
                    mediation=mediation, shared=data["shared"], difficulty=data["difficulty"],
                    consent_given=data["consent_given"], note=data["note"], by=request.user,
                )  # fmt: skip
            except ServiceError as error:
                form_error_add(form, error)
            else:
                messages.success(request, _("Sent to %(station)s.") % {"station": referral.station_name})
                return redirect("referrals_out:detail", referral.pk)
    return TemplateResponse(request, "referrals_out/admin/send.html", {
        "page_title": _("Refer to the street service station"), "header_icon": "tasks", "form": form,
        "m": mediation,
    }, status=status)  # fmt: skip


def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    referral = get_object_or_404(OutgoingReferral.objects.select_related("mediation__case"), pk=pk)
    form = RateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.referral_rate(referral=referral, rating=form.cleaned_data["rating"], by=request.user)
            except ServiceError as error:
                form_error_add(form, error)
            else:
                messages.success(request, _("Rating recorded."))
                return redirect("referrals_out:detail", referral.pk)
    return TemplateResponse(request, "referrals_out/admin/detail.html", {
        "page_title": str(referral.mediation.reference), "header_icon": "tasks", "r": referral, "form": form,
    }, status=status)  # fmt: skip


class ReferralsOutMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return handles_mediation(request.user)


class ReferralsOutViewSet(ViewSet):
    name = "referrals_out"
    url_prefix = "referrals-out"
    icon = "tasks"
    menu_label = gettext_lazy("Referrals to the service station")
    menu_order = 262
    add_to_admin_menu = True
    menu_item_class = ReferralsOutMenuItem

    def get_urlpatterns(self):
        return [
            path("", referral_index, name="index"),
            path("send/<int:mediation_pk>/", referral_send, name="send"),
            path("<int:pk>/", referral_detail, name="detail"),
        ]
