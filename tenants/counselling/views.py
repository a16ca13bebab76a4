"""Counselling on the union's site (phone first): the counsellors with their free times, the
stress-relief room, the coming lectures (signed up for through the activities app), booking a
talk after consenting to the purpose stated, and the worker's own appointments (/my/counselling/).

The site never shows who booked what to anyone but that worker. Thin: selectors and services.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from tenants.users.roles import is_member
from workershome.errors import ServiceError

from .forms import BookingForm
from .models import Appointment, CounsellingSlot
from .selectors import (
    appointments_of_worker,
    counsellors_with_free_slots,
    lectures_upcoming,
    stress_relief_rooms,
)
from .services import CONSENT_PURPOSE, appointment_book, appointment_cancel


def _login_url() -> str:
    return f"{reverse('accounts:login')}?{urlencode({'next': reverse('counselling:index')})}"


@method_decorator(never_cache, name="dispatch")
class CounsellingIndexView(View):
    """GET: counsellors, free times, the stress-relief room, lectures (anyone); POST: book (members)."""

    template_name = "counselling/index.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, BookingForm())

    def _render(self, request: HttpRequest, form: BookingForm, status: int = 200) -> HttpResponse:
        user = request.user if request.user.is_authenticated else None
        now = timezone.now()
        coming = (
            [a for a in appointments_of_worker(user)[:20] if a.status == "booked" and a.slot.starts_at > now]
            if user
            else []
        )
        return TemplateResponse(request, self.template_name, {
            "counsellors": counsellors_with_free_slots(now=now), "rooms": stress_relief_rooms(),
            "lectures": lectures_upcoming(user=user, now=now)[:6], "form": form, "purpose": CONSENT_PURPOSE,
            "coming": coming, "login_url": _login_url(), "member": is_member(user),
        }, status=status)  # fmt: skip

    def post(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(_login_url())
        form = BookingForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        slot = CounsellingSlot.objects.filter(pk=form.cleaned_data["slot"]).first()
        if slot is None:
            form.add_error("slot", _("This time is no longer offered; choose another."))
            return self._render(request, form, status=400)
        try:
            appointment = appointment_book(
                slot=slot, worker=request.user, consent_given=form.cleaned_data["consent"]
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
            return self._render(request, form, status=error.status if error.status < 500 else 400)
        local = timezone.localtime(appointment.slot.starts_at)
        messages.success(
            request,
            _("Booked: %(when)s with %(counsellor)s at %(place)s. You will be reminded the day before.")
            % {"when": f"{local:%Y-%m-%d %H:%M}", "counsellor": slot.counsellor.name, "place": slot.place},
        )
        return redirect("counselling_my:index")


@method_decorator([login_required, never_cache], name="dispatch")
class MyAppointmentsView(View):
    """我的心理预约: the worker's appointments, with a way to cancel the coming ones."""

    def get(self, request: HttpRequest) -> HttpResponse:
        now = timezone.now()
        mine = list(appointments_of_worker(request.user)[:50])
        coming = [a for a in mine if a.status == Appointment.Status.BOOKED and a.slot.starts_at > now]
        past = [a for a in mine if a not in coming]
        return TemplateResponse(request, "counselling/my.html", {"coming": coming, "past": past[:20]})


@method_decorator(login_required, name="dispatch")
class MyAppointmentCancelView(View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        appointment = appointments_of_worker(request.user).filter(pk=pk).first() if pk < 2**63 else None
        if appointment is None:
            raise Http404
        try:
            appointment_cancel(appointment=appointment, by=request.user)
        except ServiceError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Your appointment is cancelled."))
        return redirect("counselling_my:index")
