"""Room booking on the union's site (phone first): the bookable rooms, a room's week (opening
hours and what takes the room) with the booking form, and the member's own bookings under
/my/bookings/. Thin: selectors and services."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from cms.models import RoomKind, RoomPage
from tenants.groups.models import InterestGroup
from tenants.groups.selectors import groups_led_by
from workershome.errors import ServiceError

from .forms import BookingForm
from .models import RoomBooking, RoomBookingRule
from .selectors import bookings_of, room_rule, room_week, rules_listed, week_from_param, week_start_of
from .services import room_booking_cancel, room_booking_create


def _login_url(next_url: str) -> str:
    return f"{reverse('accounts:login')}?{urlencode({'next': next_url})}"


def _week(request: HttpRequest) -> datetime.date:
    return week_from_param(request.GET.get("week", "")) or week_start_of(timezone.localdate())


@method_decorator(never_cache, name="dispatch")
class RoomListView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return TemplateResponse(request, "rooms/index.html", {"rules": list(rules_listed())})


@method_decorator(never_cache, name="dispatch")
class RoomBookView(View):
    """GET: the room's week (``?week=`` any day of it) and the booking form; POST: book."""

    def _room(self, pk: int) -> tuple[RoomPage, RoomBookingRule]:
        room = get_object_or_404(RoomPage.objects.live(), pk=pk)
        rule = room_rule(room)
        if rule is None or not rule.bookable:
            raise Http404
        return room, rule

    def _render(self, request, room, rule, form, week, status=200) -> HttpResponse:
        labels = dict(RoomKind.choices)
        return TemplateResponse(request, "rooms/room.html", {
            "room": room, "rule": rule, "form": form, "week": week,
            "days": room_week(room=room, rule=rule, week_start=week),
            "previous_week": week - datetime.timedelta(days=7), "next_week": week + datetime.timedelta(days=7),
            "this_week": week_start_of(timezone.localdate()),
            "uses": [labels.get(kind, kind) for kind in room.all_kinds],
            "login_url": _login_url(request.get_full_path()),
        }, status=status)  # fmt: skip

    def _groups(self, request) -> list[InterestGroup]:
        return list(groups_led_by(request.user)) if request.user.is_authenticated else []

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        room, rule = self._room(pk)
        week = _week(request)
        initial = {"date": max(week, timezone.localdate()), "people": 1}
        return self._render(
            request, room, rule, BookingForm(room=room, groups=self._groups(request), initial=initial), week
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        room, rule = self._room(pk)
        if not request.user.is_authenticated:
            return redirect(_login_url(request.path))
        groups = self._groups(request)
        form = BookingForm(request.POST, room=room, groups=groups)
        week = _week(request)
        if not form.is_valid():
            return self._render(request, room, rule, form, week, status=400)
        data = form.cleaned_data
        week = week_start_of(data["date"])
        group = next((g for g in groups if g.pk == data.get("group")), None)
        try:
            booking = room_booking_create(
                room=room, member=request.user, starts_at=data["starts_at"], ends_at=data["ends_at"],
                use=data["use"], purpose=data["purpose"], people=data["people"], group=group,
            )  # fmt: skip
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
            return self._render(
                request, room, rule, form, week, status=error.status if error.status < 500 else 400
            )
        local = timezone.localtime(booking.starts_at)
        if booking.status == RoomBooking.Status.PENDING:
            text = _("Booked %(room)s on %(date)s %(start)s–%(end)s; an officer will confirm it.")
        else:
            text = _("Booked %(room)s on %(date)s %(start)s–%(end)s. It is confirmed.")
        messages.success(request, text % {
            "room": room.title, "date": f"{local:%Y-%m-%d}", "start": f"{local:%H:%M}",
            "end": f"{timezone.localtime(booking.ends_at):%H:%M}",
        })  # fmt: skip
        return redirect("room_booking_my:index")


@method_decorator(never_cache, name="dispatch")
class MyBookingsView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(_login_url(request.path))
        now = timezone.now()
        mine = list(bookings_of(request.user)[:50])
        return TemplateResponse(request, "rooms/my_bookings.html", {
            "coming": sorted((b for b in mine if b.is_live and b.ends_at > now), key=lambda b: b.starts_at),
            "past": [b for b in mine if not (b.is_live and b.ends_at > now)][:20],
            "now": now,
        })  # fmt: skip


class MyBookingCancelView(View):
    """POST: a member cancels their own booking (another's is simply not found)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(_login_url(reverse("room_booking_my:index")))
        booking = get_object_or_404(RoomBooking, pk=pk, member=request.user)
        try:
            room_booking_cancel(booking=booking, by=request.user)
        except ServiceError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Your booking is cancelled."))
        return redirect("room_booking_my:index")
