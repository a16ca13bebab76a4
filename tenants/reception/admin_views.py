"""The reception day in a union's Wagtail admin: schedules (with cancelled dates), the bookings
of the coming days, and the visit log with "open a case from this visit".

Thin: reads from ``selectors``, every change through ``services``; ids are looked up in this
union's schema only, so another union's record is simply not found.
"""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin import messages
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup

from workershome.admin_views import RecordViewSet, form_error_add, policy_menu_item, policy_require
from workershome.errors import ServiceError

from .forms import CancelDateForm, CaseFromVisitForm, ScheduleForm, VisitEditForm, VisitForm
from .models import ReceptionBooking, ReceptionCancellation, ReceptionSchedule, ReceptionVisit
from .permissions import booking_policy, manages_bookings, schedule_policy, visit_policy
from .selectors import bookings_coming, member_by_mobile, schedule_occurrences, visits_list
from .services import (
    reception_booking_cancel,
    reception_date_cancel,
    reception_date_restore,
    reception_schedule_save,
    reception_visit_case_open,
    reception_visit_record,
    reception_visit_update,
)

# --- Schedules ----------------------------------------------------------------------------------


class ScheduleIndexView(generic.IndexView):
    model = ReceptionSchedule
    permission_policy = schedule_policy
    permission_required = "view"
    any_permission_required = None
    page_title = gettext_lazy("Reception schedules")
    header_icon = "date"
    default_ordering = "pk"
    detail_url_name = ""

    @cached_property
    def list_display(self) -> list:
        return [
            TitleColumn("title", label=_("Title"), url_name=self.detail_url_name),
            Column("describe", label=_("When"), accessor=lambda s: s.describe()),
            Column("place", label=_("Place")),
            Column("host", label=_("Host"), accessor=lambda s: s.host.get_full_name() if s.host else "—"),
            BooleanColumn("published", label=_("Published")),
            BooleanColumn("booking_open", label=_("Booking open")),
        ]

    def get_base_queryset(self):
        return ReceptionSchedule.objects.select_related("host")


class ScheduleFormView(View):
    """Create (no pk) or change a schedule."""

    template_name = "reception/admin/schedule_form.html"
    index_url_name = ""
    detail_url_name = ""

    def _schedule(self, pk: int | None) -> ReceptionSchedule:
        return get_object_or_404(ReceptionSchedule, pk=pk) if pk else ReceptionSchedule()

    def _render(self, request, form, schedule, status=200) -> HttpResponse:
        title = _("Change the reception schedule") if schedule.pk else _("New reception schedule")
        return TemplateResponse(request, self.template_name, {
            "form": form, "schedule": schedule, "page_title": title, "header_icon": "date",
            "cancel_url": reverse(self.detail_url_name, args=[schedule.pk]) if schedule.pk else reverse(self.index_url_name),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        policy_require(schedule_policy, request, "change" if pk else "add")
        schedule = self._schedule(pk)
        initial = {} if pk else {"host": request.user.pk, "starts_on": timezone.localdate()}
        return self._render(request, ScheduleForm(instance=schedule, initial=initial), schedule)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        policy_require(schedule_policy, request, "change" if pk else "add")
        schedule = self._schedule(pk)
        form = ScheduleForm(request.POST, instance=schedule)
        if not form.is_valid():
            return self._render(request, form, schedule, status=400)
        try:
            schedule = reception_schedule_save(schedule=form.save(commit=False), by=request.user)
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, form, schedule, status=400)
        messages.success(request, _("Reception schedule saved."))
        return redirect(self.detail_url_name, schedule.pk)


class ScheduleDetailView(View):
    """A schedule's coming dates with their bookings; cancel a date or take a cancellation back."""

    template_name = "reception/admin/schedule_detail.html"
    index_url_name = ""
    detail_url_name = ""
    edit_url_name = ""

    def _render(self, request, schedule, form=None, status=200) -> HttpResponse:
        today = timezone.localdate()
        booked: dict[datetime.date, list[ReceptionBooking]] = {}
        for booking in ReceptionBooking.objects.filter(
            schedule=schedule, date__gte=today, status__in=["booked", "attended"]
        ).select_related("member"):
            booked.setdefault(booking.date, []).append(booking)
        occurrences = schedule_occurrences(
            schedule=schedule,
            first=today,
            last=today + datetime.timedelta(weeks=max(8, schedule.booking_weeks_ahead)),
        )[:12]
        return TemplateResponse(request, self.template_name, {
            "schedule": schedule, "page_title": schedule.title, "header_icon": "date",
            "occurrences": [(o, booked.get(o.date, [])) for o in occurrences],
            "cancellations": schedule.cancellations.filter(date__gte=today),
            "form": form or CancelDateForm(),
            "can_change": schedule_policy.user_has_permission(request.user, "change"),
            "index_url": reverse(self.index_url_name),
            "edit_url": reverse(self.edit_url_name, args=[schedule.pk]),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(schedule_policy, request, "view")
        return self._render(request, get_object_or_404(ReceptionSchedule, pk=pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(schedule_policy, request, "change")
        schedule = get_object_or_404(ReceptionSchedule, pk=pk)
        if request.POST.get("action") == "restore":
            cancellation = get_object_or_404(
                ReceptionCancellation, schedule=schedule, pk=request.POST.get("cancellation")
            )
            try:
                reception_date_restore(cancellation=cancellation, by=request.user)
            except ServiceError as error:
                messages.error(request, str(error.message))
            else:
                messages.success(request, _("The date takes place again."))
            return redirect(self.detail_url_name, schedule.pk)
        form = CancelDateForm(request.POST)
        if not form.is_valid():
            return self._render(request, schedule, form, status=400)
        try:
            reception_date_cancel(schedule=schedule, by=request.user, **form.cleaned_data)
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, schedule, form, status=400)
        messages.success(request, _("The date is cancelled; those who booked are told."))
        return redirect(self.detail_url_name, schedule.pk)


class ScheduleViewSet(RecordViewSet):
    name = "reception_schedules"
    url_prefix = "reception/schedules"
    icon = "date"
    menu_label = gettext_lazy("Reception schedules")
    menu_item_class = policy_menu_item(schedule_policy, "view")

    index_view_class = ScheduleIndexView
    create_view_class = ScheduleFormView
    detail_view_class = ScheduleDetailView
    edit_view_class = ScheduleFormView


# --- Bookings of the coming days ----------------------------------------------------------------


class BookingListView(View):
    """The coming two weeks' bookings by date: who, when, about what; record the visit, or
    cancel (the member is told)."""

    template_name = "reception/admin/bookings.html"
    index_url_name = ""
    visit_add_url_name = ""
    visit_detail_url_name = ""

    def get(self, request: HttpRequest) -> HttpResponse:
        policy_require(booking_policy, request, "view")
        days: dict[datetime.date, list[ReceptionBooking]] = {}
        for booking in bookings_coming(days=14):
            days.setdefault(booking.date, []).append(booking)
        return TemplateResponse(request, self.template_name, {
            "page_title": _("Reception bookings"), "header_icon": "calendar-check",
            "days": sorted(days.items()), "can_change": manages_bookings(request.user),
            "visit_add_url": reverse(self.visit_add_url_name),
            "visit_detail_url_name": self.visit_detail_url_name,
        })  # fmt: skip

    def post(self, request: HttpRequest) -> HttpResponse:
        policy_require(booking_policy, request, "change")
        booking = get_object_or_404(ReceptionBooking, pk=request.POST.get("booking") or 0)
        try:
            reception_booking_cancel(booking=booking, by=request.user)
        except ServiceError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The booking is cancelled and the member is told."))
        return redirect(self.index_url_name)


class BookingViewSet(ViewSet):
    name = "reception_bookings"
    url_prefix = "reception/bookings"
    icon = "calendar-check"
    menu_label = gettext_lazy("Bookings of the coming days")
    menu_item_class = policy_menu_item(booking_policy, "view")

    def get_urlpatterns(self):
        return [
            path("", self.construct_view(
                BookingListView, index_url_name=self.get_url_name("index"),
                visit_add_url_name="reception_visits:add", visit_detail_url_name="reception_visits:detail",
            ), name="index"),
        ]  # fmt: skip


# --- The visit log ------------------------------------------------------------------------------


class VisitIndexView(generic.IndexView):
    model = ReceptionVisit
    permission_policy = visit_policy
    permission_required = "view"
    any_permission_required = None
    page_title = gettext_lazy("Reception visits")
    header_icon = "user"
    default_ordering = "-visited_at"
    search_fields = ["visitor_name", "topic", "notes", "department"]
    search_backend_name = None
    paginate_by = 50
    detail_url_name = ""

    @cached_property
    def list_display(self) -> list:
        return [
            TitleColumn("topic", label=_("Topic"), url_name=self.detail_url_name),
            Column("visitor_name", label=_("Who came")),
            DateColumn("visited_at", label=_("Time of the visit"), sort_key="visited_at"),
            Column("case", label=_("Case"), accessor=lambda v: v.case.reference if v.case else "—"),
        ]

    def get_base_queryset(self):
        return visits_list()


class VisitCreateView(View):
    """Log a visit; ``?booking=<id>`` starts from a booking (its member, schedule and topic)."""

    template_name = "reception/admin/visit_form.html"
    index_url_name = ""
    detail_url_name = ""

    def _booking(self, request) -> ReceptionBooking | None:
        pk = request.GET.get("booking") or request.POST.get("booking")
        if not pk:
            return None
        return get_object_or_404(ReceptionBooking.objects.select_related("member", "schedule"), pk=pk)

    def _render(self, request, form, booking, status=200) -> HttpResponse:
        return TemplateResponse(request, self.template_name, {
            "form": form, "booking": booking, "page_title": _("Log a reception visit"), "header_icon": "user",
            "cancel_url": reverse(self.index_url_name),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest) -> HttpResponse:
        policy_require(visit_policy, request, "add")
        booking = self._booking(request)
        initial: dict[str, object] = {"visited_at": timezone.localtime().replace(second=0, microsecond=0)}
        if booking is not None:
            initial["topic"] = booking.topic
            initial["schedule"] = booking.schedule_id
            initial["member_mobile"] = booking.member.username if booking.member else ""
        else:
            initial["schedule"] = (
                ReceptionSchedule.objects.filter(published=True).values_list("pk", flat=True).first()
            )
        return self._render(request, VisitForm(initial=initial), booking)

    def post(self, request: HttpRequest) -> HttpResponse:
        policy_require(visit_policy, request, "add")
        booking = self._booking(request)
        form = VisitForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, booking, status=400)
        data = dict(form.cleaned_data)
        mobile = data.pop("member_mobile")
        member = member_by_mobile(mobile) if mobile else None
        if mobile and member is None:
            form.add_error("member_mobile", _("No member of this union has this mobile number."))
            return self._render(request, form, booking, status=400)
        try:
            visit = reception_visit_record(by=request.user, member=member, booking=booking, **data)
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, form, booking, status=400)
        messages.success(request, _("Visit logged."))
        return redirect(self.detail_url_name, visit.pk)


class VisitDetailView(View):
    """A visit: what was said and the follow-up (editable), and its case, or the one-step form
    that opens it."""

    template_name = "reception/admin/visit_detail.html"
    index_url_name = ""
    detail_url_name = ""

    def _render(self, request, visit, edit_form=None, case_form=None, status=200) -> HttpResponse:
        return TemplateResponse(request, self.template_name, {
            "visit": visit, "page_title": visit.topic, "header_icon": "user",
            "edit_form": edit_form or VisitEditForm(initial={
                "topic": visit.topic, "notes": visit.notes, "follow_up": visit.follow_up}),
            "case_form": case_form or CaseFromVisitForm(initial={"title": visit.topic}),
            "can_change": visit_policy.user_has_permission(request.user, "change"),
            "index_url": reverse(self.index_url_name),
        }, status=status)  # fmt: skip

    def _visit(self, pk: int) -> ReceptionVisit:
        return get_object_or_404(visits_list().select_related("booking"), pk=pk)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(visit_policy, request, "view")
        return self._render(request, self._visit(pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(visit_policy, request, "change")
        visit = self._visit(pk)
        if request.POST.get("action") == "case":
            form = CaseFromVisitForm(request.POST)
            if not form.is_valid():
                return self._render(request, visit, case_form=form, status=400)
            try:
                case = reception_visit_case_open(visit=visit, by=request.user, **form.cleaned_data)
            except ServiceError as error:
                form_error_add(form, error)
                return self._render(request, self._visit(pk), case_form=form, status=400)
            messages.success(
                request, _("Case %(reference)s opened from this visit.") % {"reference": case.reference}
            )
            return redirect(self.detail_url_name, visit.pk)
        edit_form = VisitEditForm(request.POST)
        if not edit_form.is_valid():
            return self._render(request, visit, edit_form=edit_form, status=400)
        try:
            reception_visit_update(visit=visit, by=request.user, **edit_form.cleaned_data)
        except ServiceError as error:
            form_error_add(edit_form, error)
            return self._render(request, visit, edit_form=edit_form, status=400)
        messages.success(request, _("Visit saved."))
        return redirect(self.detail_url_name, visit.pk)


class VisitViewSet(RecordViewSet):
    name = "reception_visits"
    url_prefix = "reception/visits"
    icon = "user"
    menu_label = gettext_lazy("Reception visits")
    menu_item_class = policy_menu_item(visit_policy, "view")

    index_view_class = VisitIndexView
    create_view_class = VisitCreateView
    detail_view_class = VisitDetailView


class ReceptionViewSetGroup(ViewSetGroup):
    """The "Chairman's reception day" menu of a union's admin."""

    items = (BookingViewSet, VisitViewSet, ScheduleViewSet)
    menu_label = gettext_lazy("Chairman's reception day")
    menu_icon = "date"
    menu_order = 230
