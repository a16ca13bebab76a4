"""资源共享 in the Wagtail admin, on a union's site and on the portal.

On a union's site its chairman and officers publish the union's resources, browse everyone's,
book them, follow their requests and decide the requests to their own resources. On the portal a
station's staff do the same for their station — someone who staffs several streets' stations
chooses which one they act for (``?station=``, remembered in the session; the lists show that
station's, and a record of another of their stations opens as that station's) — district
administrators see the usage of their district, city administrators all. Thin: reads are
``selectors``, writes ``services``; anything outside one's unit or area is not found (404).
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup

from workershome.admin_views import form_error_add
from workershome.errors import ServiceError
from workershome.tenancy import on_portal

from .forms import BookingForm, CatalogueFilterForm, DecideForm, ResourceForm
from .models import BookingStatus, SharedResource
from .selectors import (
    Party,
    bookings_visible_to,
    may_see_usage,
    parties_for,
    party_for,
    requests_made_by,
    requests_received_by,
    resource_visible,
    resources_catalogue,
    resources_of,
    resources_visible_to,
    usage_by_requester,
    usage_by_resource,
)
from .services import (
    booking_cancel,
    booking_complete,
    booking_decide,
    booking_request,
    resource_create,
    resource_publish,
    resource_unpublish,
    resource_update,
)

ICON = "site"
# The station a portal user staffing several stations last chose to act for.
STATION_SESSION_KEY = "docking_station"


def chosen_party(request: HttpRequest) -> Party | None:
    """The unit the signed-in person acts for on this page: on a union's site the union; on the
    portal the station named by ``station`` (in the form posted, else the query), which the user
    must staff (else 404) and which is remembered for the next pages, else the one remembered,
    else their first station."""
    if hasattr(request, "_docking_party"):
        return request._docking_party
    parties = parties_for(request.user)
    party = parties[0] if parties else None
    if on_portal() and parties:
        wanted = (request.POST.get("station") if request.method == "POST" else None) or request.GET.get(
            "station"
        )
        if wanted:
            party = party_for(request.user, station_id=wanted)
            if party is None:
                raise Http404  # a station this person does not staff
            request.session[STATION_SESSION_KEY] = party.station.pk  # type: ignore[union-attr]
        else:
            party = party_for(request.user, station_id=request.session.get(STATION_SESSION_KEY)) or party
    request._docking_party = party  # type: ignore[attr-defined]
    return party


def _party(request: HttpRequest) -> Party:
    party = chosen_party(request)
    if party is None:
        raise Http404
    return party


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    parties = parties_for(request.user)
    chooser = (
        {"parties": parties, "acting_for": chosen_party(request)} if on_portal() and len(parties) > 1 else {}
    )
    return TemplateResponse(
        request, f"docking/admin/{template}", {"header_icon": ICON, **chooser, **context}, status=status
    )


def _refused(error: ServiceError) -> None:
    if error.status == 404:
        raise Http404 from error


# --- Our resources ----------------------------------------------------------------------------


def _room_initial(room_id: str) -> dict[str, Any]:
    """Pre-fill a resource from one of the union's own rooms (its website's room pages)."""
    if on_portal() or not room_id.isdigit():
        return {}
    from cms.models import RoomPage

    room = RoomPage.objects.live().filter(pk=int(room_id)).first()
    if room is None:
        return {}
    return {"kind": "room", "title": room.title, "address": room.location, "capacity": room.capacity or 1,
            "description": room.equipment_notes}  # fmt: skip


class OurResourcesView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        party = _party(request)
        rooms: list[Any] = []
        if party.union is not None:
            from cms.models import RoomPage

            rooms = list(RoomPage.objects.live().order_by("path")[:50])
        return _render(request, "resources.html", {
            "page_title": _("Our resources"), "party": party, "resources": party.resources().order_by("-updated_at"),
            "rooms": rooms,
        })  # fmt: skip


class ResourceEditView(View):
    def _resource(self, request, party: Party, pk: int | None) -> SharedResource | None:
        # One's own resource, of whichever of one's stations publishes it.
        return None if pk is None else get_object_or_404(resources_of(parties_for(request.user)), pk=pk)

    def _show(self, request, form, resource, status=200) -> HttpResponse:
        title = resource.title if resource else _("Share a resource")
        return _render(request, "resource_form.html", {"page_title": title, "form": form, "resource": resource},
                       status=status)  # fmt: skip

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        party = _party(request)
        resource = self._resource(request, party, pk)
        if resource is not None:
            fields = ("kind", "title", "description", "address", "capacity", "exclusive", "contact", "terms",
                      "requires_approval")  # fmt: skip
            initial = {name: getattr(resource, name) for name in fields}
        else:
            initial = _room_initial(request.GET.get("room", ""))
        return self._show(request, ResourceForm(initial=initial, editing=resource is not None), resource)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        party = _party(request)
        resource = self._resource(request, party, pk)
        form = ResourceForm(request.POST, request.FILES, editing=resource is not None)
        if not form.is_valid():
            return self._show(request, form, resource, status=400)
        data = dict(form.cleaned_data)
        photo = data.pop("photo", None)
        try:
            if resource is None:
                saved = resource_create(party=party, by=request.user, photo=photo, **data)
            else:
                saved = resource_update(resource=resource, by=request.user, photo=photo, **data)
        except ServiceError as error:
            _refused(error)
            form_error_add(form, error)
            return self._show(request, form, resource, status=400)
        messages.success(request, _("Resource saved: %(title)s.") % {"title": saved.title})
        return redirect("docking_mine:index")


class ResourcePublishView(View):
    def post(self, request: HttpRequest, pk: int, publish: bool) -> HttpResponse:
        _party(request)
        resource = get_object_or_404(resources_of(parties_for(request.user)), pk=pk)
        (resource_publish if publish else resource_unpublish)(resource=resource, by=request.user)
        messages.success(
            request, _("Published in the catalogue.") if publish else _("Taken out of the catalogue.")
        )
        return redirect("docking_mine:index")


class PhotoView(View):
    def get(self, request: HttpRequest, pk: int) -> FileResponse:
        resource = resource_visible(request.user, pk)
        if resource is None or not resource.photo:
            raise Http404
        try:
            return FileResponse(resource.photo.open("rb"))
        except FileNotFoundError as error:
            raise Http404 from error


# --- The catalogue ------------------------------------------------------------------------------


class CatalogueView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        party = chosen_party(request)
        if party is None and not may_see_usage(request.user):
            raise Http404
        form = CatalogueFilterForm(request.GET or None)
        form.is_valid()
        data = getattr(form, "cleaned_data", {})  # the valid filters; unknown values are ignored
        resources = resources_catalogue(
            kind=data.get("kind") or "", district=data.get("district"), text=data.get("q") or ""
        )
        return _render(request, "catalogue.html", {
            "page_title": _("Resource catalogue"), "form": form, "resources": resources[:200], "party": party,
        })  # fmt: skip


class ResourceDetailView(View):
    def _show(self, request, resource, form, status=200) -> HttpResponse:
        party = chosen_party(request)
        return _render(request, "resource.html", {
            "page_title": resource.title, "resource": resource, "form": form, "party": party,
            "may_book": party is not None and not party.owns(resource) and resource.is_published,
            "bookings": bookings_visible_to(request.user).filter(resource=resource)[:100],
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        resource = resource_visible(request.user, pk)
        if resource is None or (chosen_party(request) is None and not may_see_usage(request.user)):
            raise Http404
        return self._show(request, resource, BookingForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        party = _party(request)
        resource = resource_visible(request.user, pk)
        if resource is None:
            raise Http404
        form = BookingForm(request.POST)
        if not form.is_valid():
            return self._show(request, resource, form, status=400)
        try:
            booking_request(resource=resource, party=party, by=request.user, **form.cleaned_data)
        except ServiceError as error:
            _refused(error)
            form_error_add(form, error)
            return self._show(request, resource, form, status=400)
        messages.success(request, _("Booking requested; the publisher has been told."))
        return redirect("docking_requests:index")


# --- Our requests and the requests to our resources --------------------------------------------------


def _status_filter(request: HttpRequest, bookings):
    status = request.GET.get("status", "")
    return (bookings.filter(status=status) if status in BookingStatus.values else bookings), status


class OurRequestsView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        party = _party(request)
        bookings, status = _status_filter(request, party.requests_made())
        return _render(request, "requests.html", {
            "page_title": _("Our bookings"), "bookings": bookings[:200], "status": status,
            "statuses": BookingStatus.choices, "cancellable": (BookingStatus.REQUESTED, BookingStatus.APPROVED),
        })  # fmt: skip

    def post(self, request: HttpRequest) -> HttpResponse:
        _party(request)
        booking_id = request.POST.get("booking") or ""
        booking = get_object_or_404(
            requests_made_by(parties_for(request.user)), pk=booking_id if booking_id.isdigit() else 0
        )
        try:
            booking_cancel(booking=booking, by=request.user)
        except ServiceError as error:
            _refused(error)
            messages.error(request, str(error.message))
            return redirect("docking_requests:index")
        messages.success(request, _("Booking cancelled; the publisher has been told."))
        return redirect("docking_requests:index")


class IncomingView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        party = _party(request)
        bookings = party.requests_received()
        status = request.GET.get("status", BookingStatus.REQUESTED)
        if status in BookingStatus.values:
            bookings = bookings.filter(status=status)
        return _render(request, "incoming.html", {
            "page_title": _("Requests to approve"), "bookings": bookings.order_by("starts_at", "pk")[:200],
            "status": status, "statuses": BookingStatus.choices,
        })  # fmt: skip


class IncomingDetailView(View):
    def _show(self, request, booking, form, status=200) -> HttpResponse:
        return _render(request, "booking.html", {
            "page_title": booking.resource.title, "booking": booking, "form": form,
            # A request whose start has passed lapses (the sweep closes it): nothing to decide.
            "may_decide": booking.status == BookingStatus.REQUESTED and booking.starts_at > timezone.now(),
            "lapsed": booking.status == BookingStatus.EXPIRED
            or (booking.status == BookingStatus.REQUESTED and booking.starts_at <= timezone.now()),
            "may_complete": booking.status == BookingStatus.APPROVED,
        }, status=status)  # fmt: skip

    def _booking(self, request: HttpRequest, pk: int):
        _party(request)
        return get_object_or_404(requests_received_by(parties_for(request.user)), pk=pk)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._show(request, self._booking(request, pk), DecideForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        booking = self._booking(request, pk)
        form = DecideForm(request.POST)
        try:
            if request.POST.get("complete"):
                booking_complete(booking=booking, by=request.user)
                messages.success(request, _("Recorded as used."))
                return redirect("docking_incoming:booking", booking.pk)
            if not form.is_valid():
                return self._show(request, booking, form, status=400)
            booking_decide(booking=booking, approve=form.cleaned_data["decision"] == "approve",
                           reply=form.cleaned_data["reply"], by=request.user)  # fmt: skip
        except ServiceError as error:
            _refused(error)
            form_error_add(form, error)
            return self._show(request, booking, form, status=400)
        messages.success(request, _("Decision saved; the requester has been told."))
        return redirect("docking_incoming:index")


# --- Usage --------------------------------------------------------------------------------------


class UsageView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        if not may_see_usage(request.user):
            raise Http404
        bookings = bookings_visible_to(request.user)
        party = chosen_party(request)
        if party is not None and not on_portal():
            hosted = party.requests_received()
        else:
            hosted = bookings.filter(resource__in=resources_visible_to(request.user))
        return _render(request, "usage.html", {
            "page_title": _("Usage"), "by_resource": usage_by_resource(hosted), "by_requester": usage_by_requester(
                hosted), "recent": hosted.order_by("-starts_at")[:50],
        })  # fmt: skip


# --- Menu ---------------------------------------------------------------------------------------------


class PartyMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return party_for(request.user) is not None


class UsageMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return may_see_usage(request.user)


class _Section(ViewSet):
    icon = ICON
    menu_item_class = PartyMenuItem


class MineViewSet(_Section):
    name = "docking_mine"
    url_prefix = "docking/mine"
    menu_label = gettext_lazy("Our resources")
    menu_order = 1

    def get_urlpatterns(self):
        return [
            path("", OurResourcesView.as_view(), name="index"),
            path("new/", ResourceEditView.as_view(), name="add"),
            path("<int:pk>/", ResourceEditView.as_view(), name="edit"),
            path("<int:pk>/publish/", ResourcePublishView.as_view(), {"publish": True}, name="publish"),
            path("<int:pk>/unpublish/", ResourcePublishView.as_view(), {"publish": False}, name="unpublish"),
        ]


class CatalogueViewSet(_Section):
    name = "docking_catalogue"
    url_prefix = "docking/catalogue"
    menu_label = gettext_lazy("Resource catalogue")
    menu_item_class = UsageMenuItem
    menu_order = 2

    def get_urlpatterns(self):
        return [
            path("", CatalogueView.as_view(), name="index"),
            path("<int:pk>/", ResourceDetailView.as_view(), name="resource"),
            path("<int:pk>/photo/", PhotoView.as_view(), name="photo"),
        ]


class RequestsViewSet(_Section):
    name = "docking_requests"
    url_prefix = "docking/requests"
    menu_label = gettext_lazy("Our bookings")
    menu_order = 3

    def get_urlpatterns(self):
        return [path("", OurRequestsView.as_view(), name="index")]


class IncomingViewSet(_Section):
    name = "docking_incoming"
    url_prefix = "docking/incoming"
    menu_label = gettext_lazy("Requests to approve")
    menu_order = 4

    def get_urlpatterns(self):
        return [
            path("", IncomingView.as_view(), name="index"),
            path("<int:pk>/", IncomingDetailView.as_view(), name="booking"),
        ]


class UsageViewSet(_Section):
    name = "docking_usage"
    url_prefix = "docking/usage"
    menu_label = gettext_lazy("Usage")
    menu_item_class = UsageMenuItem
    menu_order = 5

    def get_urlpatterns(self):
        return [path("", UsageView.as_view(), name="index")]


class DockingViewSetGroup(ViewSetGroup):
    """The "资源共享" menu: a union's (or a station's) shared resources and bookings."""

    items = (MineViewSet, CatalogueViewSet, RequestsViewSet, IncomingViewSet, UsageViewSet)
    menu_label = gettext_lazy("Resource sharing")
    menu_icon = ICON
    menu_order = 275
