"""服务站 and 转介工单 in the federation portal's Wagtail admin.

Station staff see their station, the unions it serves and the referrals sent to it, and move a
referral along; district and city administrators see the stations (and referrals) in their
scope, register and edit stations, and find overdue referrals escalated to them. Thin: writes
go through ``services``. A referral or station outside one's scope is simply not found (404).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from workershome.admin_views import form_error_add
from workershome.errors import ServiceError

from .forms import AdvanceForm, StationForm
from .models import ReferralStatus, ServiceStation
from .selectors import (
    handles_referral,
    may_administer_stations,
    referral_history,
    referrals_handled_by,
    referrals_visible_to,
    station_staff,
    station_unions,
    stations_visible_to,
    streets_administered_by,
)
from .services import referral_advance, referral_reads_log, station_save


def _require(request: HttpRequest) -> None:
    if not stations_visible_to(request.user).exists() and not may_administer_stations(request.user):
        raise Http404


class StationIndexView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        _require(request)
        return TemplateResponse(request, "stations/admin/index.html", {
            "page_title": _("Service stations"), "header_icon": "home",
            "stations": stations_visible_to(request.user), "may_add": may_administer_stations(request.user),
        })  # fmt: skip


class StationDetailView(View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        station = get_object_or_404(stations_visible_to(request.user), pk=pk)
        return TemplateResponse(request, "stations/admin/station.html", {
            "page_title": station.name, "header_icon": "home", "station": station,
            "staff": station_staff(station), "unions": station_unions(station),
            "may_edit": streets_administered_by(request.user).filter(pk=station.street_id).exists(),
            "referrals": referrals_visible_to(request.user).filter(station=station)[:200],
        })  # fmt: skip


class StationEditView(View):
    def _station(self, request, pk: int | None) -> ServiceStation | None:
        if pk is None:
            return None
        return get_object_or_404(
            ServiceStation.objects.filter(street__in=streets_administered_by(request.user)), pk=pk
        )

    def _render(self, request, form, station, status=200) -> HttpResponse:
        title = station.name if station else _("Register a service station")
        return TemplateResponse(request, "stations/admin/form.html", {
            "page_title": title, "header_icon": "home", "form": form, "station": station,
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        if not may_administer_stations(request.user):
            raise Http404
        station = self._station(request, pk)
        initial = (
            {"street": station.street_id, "name": station.name, "address": station.address, "phone": station.phone,
             "services": station.services, "grid_id": station.grid_id} if station else {}
        )  # fmt: skip
        form = StationForm(initial=initial, streets=streets_administered_by(request.user))
        return self._render(request, form, station)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        if not may_administer_stations(request.user):
            raise Http404
        station = self._station(request, pk)
        form = StationForm(request.POST, streets=streets_administered_by(request.user))
        if not form.is_valid():
            return self._render(request, form, station, status=400)
        data = form.cleaned_data
        try:
            saved = station_save(
                street=data["street"], name=data["name"], address=data["address"], phone=data["phone"],
                services=data["services"], grid_id=data["grid_id"], by=request.user,
            )  # fmt: skip
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, form, station, status=400)
        messages.success(request, _("Service station saved."))
        return redirect("stations:station", saved.pk)


class ReferralIndexView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        _require(request)
        status = request.GET.get("status", "open")
        referrals = referrals_visible_to(request.user)
        if status == "open":
            referrals = referrals.filter(status__in=["sent", "accepted", "in_progress"])
        elif status == "escalated":
            referrals = referrals.filter(escalated_at__isnull=False)
        elif status == "mine":
            referrals = referrals_handled_by(request.user)
        elif status in ReferralStatus.values:
            referrals = referrals.filter(status=status)
        return TemplateResponse(request, "stations/admin/referrals.html", {
            "page_title": _("Referrals"), "header_icon": "tasks", "referrals": referrals[:200], "status": status,
            "statuses": [("open", _("Open")), ("escalated", _("Escalated")), ("mine", _("Sent to me")),
                         *ReferralStatus.choices],
        })  # fmt: skip


class ReferralDetailView(View):
    def _render(self, request, referral, form, status=200) -> HttpResponse:
        return TemplateResponse(request, "stations/admin/referral.html", {
            "page_title": referral.reference, "header_icon": "tasks", "referral": referral, "form": form,
            "may_handle": handles_referral(request.user, referral) and referral.is_open,
            "history": referral_history(referral),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        referral = get_object_or_404(referrals_visible_to(request.user).select_related("union"), pk=pk)
        referral_reads_log(referrals=[referral], user=request.user, via="portal")
        return self._render(request, referral, AdvanceForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        referral = get_object_or_404(referrals_visible_to(request.user), pk=pk)
        form = AdvanceForm(request.POST)
        if not form.is_valid():
            return self._render(request, referral, form, status=400)
        try:
            referral_advance(
                referral=referral, action=form.cleaned_data["action"], note=form.cleaned_data["note"],
                by=request.user,
            )  # fmt: skip
        except ServiceError as error:
            if error.status == 404:
                raise Http404 from error
            form_error_add(form, error)
            return self._render(request, referral, form, status=400)
        messages.success(request, _("Referral updated; the union has been told."))
        return redirect("stations:referral", referral.pk)


class StationMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return stations_visible_to(request.user).exists() or may_administer_stations(request.user)


class StationViewSet(ViewSet):
    """The "服务站" area of the federation portal's admin."""

    name = "stations"
    url_prefix = "stations"
    icon = "home"
    menu_label = gettext_lazy("Service stations")
    menu_order = 246
    add_to_admin_menu = True
    menu_item_class = StationMenuItem

    def get_urlpatterns(self):
        return [
            path("", StationIndexView.as_view(), name="index"),
            path("new/", StationEditView.as_view(), name="add"),
            path("<int:pk>/", StationDetailView.as_view(), name="station"),
            path("<int:pk>/edit/", StationEditView.as_view(), name="edit"),
            path("referrals/", ReferralIndexView.as_view(), name="referrals"),
            path("referrals/<int:pk>/", ReferralDetailView.as_view(), name="referral"),
        ]
