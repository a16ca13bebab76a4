"""The reception day on the union's site (phone first): the next dates with their free slots,
booking one, and the member's own bookings with a way to cancel. Thin: selectors and services."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from workershome.errors import ServiceError

from .forms import BookingForm
from .models import ReceptionBooking, ReceptionSchedule
from .selectors import bookings_of, reception_upcoming
from .services import reception_booking_cancel, reception_booking_create


def _login_url(request: HttpRequest) -> str:
    return f"{reverse('accounts:login')}?{urlencode({'next': reverse('reception:index')})}"


@method_decorator(never_cache, name="dispatch")
class ReceptionIndexView(View):
    """GET: the schedule and free slots (anyone); POST: book a slot (signed-in members)."""

    template_name = "reception/index.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, BookingForm())

    def _render(self, request: HttpRequest, form: BookingForm, status: int = 200) -> HttpResponse:
        user = request.user if request.user.is_authenticated else None
        mine = list(bookings_of(user)[:20]) if user else []
        now = timezone.now()
        context = {
            "schedules": reception_upcoming(user=user, now=now),
            "form": form,
            "failed_schedule": form.data.get("schedule") if form.is_bound else None,
            "my_upcoming": [
                b for b in mine if b.status == ReceptionBooking.Status.BOOKED and b.slot_start > now
            ],
            "my_past": [
                b for b in mine if not (b.status == ReceptionBooking.Status.BOOKED and b.slot_start > now)
            ][:5],
            "login_url": _login_url(request),
        }
        return TemplateResponse(request, self.template_name, context, status=status)

    def post(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(_login_url(request))
        form = BookingForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        schedule = get_object_or_404(ReceptionSchedule, pk=form.cleaned_data["schedule"], published=True)
        try:
            booking = reception_booking_create(
                schedule=schedule,
                slot_start=form.cleaned_data["slot"],
                member=request.user,
                topic=form.cleaned_data["topic"],
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
            return self._render(request, form, status=error.status if error.status < 500 else 400)
        local = timezone.localtime(booking.slot_start)
        messages.success(
            request,
            _("Booked: %(date)s %(time)s at %(place)s. Please come on time.")
            % {"date": f"{local:%Y-%m-%d}", "time": f"{local:%H:%M}", "place": schedule.place},
        )
        return redirect("reception:index")


class BookingCancelView(View):
    """POST: a member cancels their own booking (another's is simply not found)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(_login_url(request))
        booking = get_object_or_404(ReceptionBooking, pk=pk, member=request.user)
        try:
            reception_booking_cancel(booking=booking, by=request.user)
        except ServiceError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Your booking is cancelled."))
        return redirect("reception:index")
