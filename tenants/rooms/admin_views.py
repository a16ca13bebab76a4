"""Room booking (场地预约) in a union's Wagtail admin, for officers: each room's booking setup
(opening hours, approval, limits) with the room's week; and the bookings, those waiting for
approval first (approve, decline with a reason, cancel).

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
from wagtail.admin.ui.tables import BooleanColumn, Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup

from workershome.admin_views import RecordViewSet, form_error_add, policy_menu_item, policy_require
from workershome.errors import ServiceError

from .forms import DeclineForm, HoursFormSet, RuleForm
from .models import RoomBooking, RoomBookingRule
from .permissions import booking_policy, manages_bookings, rule_policy
from .selectors import bookings_listed, bookings_pending, room_rule, room_week, week_from_param, week_start_of
from .services import room_booking_cancel, room_booking_decide, room_rule_save


class RuleIndexView(generic.IndexView):
    model = RoomBookingRule
    permission_policy = rule_policy
    permission_required = "view"
    any_permission_required = None
    page_title = gettext_lazy("Bookable rooms")
    header_icon = "home"
    default_ordering = "room__path"
    detail_url_name = ""

    @cached_property
    def list_display(self) -> list:
        return [
            TitleColumn(
                "room", label=_("Room"), url_name=self.detail_url_name, accessor=lambda r: r.room.title
            ),
            Column(
                "hours",
                label=_("Opening hours"),
                accessor=lambda r: "；".join(str(h) for h in r.hours.all()) or "—",
            ),
            BooleanColumn("bookable", label=_("Bookable")),
            BooleanColumn("requires_approval", label=_("Requires approval")),
            Column("max_hours", label=_("Longest booking (hours)")),
        ]

    def get_base_queryset(self):
        return RoomBookingRule.objects.select_related("room").prefetch_related("hours")


class RuleFormView(View):
    """Create (no pk) or change a room's booking setup and its weekly opening hours."""

    template_name = "rooms/admin/rule_form.html"
    index_url_name = ""
    detail_url_name = ""

    def _render(self, request, form, hours, rule, status=200) -> HttpResponse:
        return TemplateResponse(request, self.template_name, {
            "form": form, "hours": hours, "page_title": _("Room booking setup"), "header_icon": "home",
            "cancel_url": reverse(self.detail_url_name, args=[rule.pk]) if rule.pk else reverse(self.index_url_name),
        }, status=status)  # fmt: skip

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        policy_require(rule_policy, request, "change" if pk else "add")
        rule = get_object_or_404(RoomBookingRule, pk=pk) if pk else RoomBookingRule()
        initial = (
            [{"weekday": h.weekday, "opens": h.opens, "closes": h.closes} for h in rule.hours.all()]
            if pk
            else [
                {"weekday": day, "opens": datetime.time(9), "closes": datetime.time(21)} for day in range(5)
            ]
        )
        return self._render(
            request, RuleForm(instance=rule), HoursFormSet(initial=initial, prefix="hours"), rule
        )

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        policy_require(rule_policy, request, "change" if pk else "add")
        rule = get_object_or_404(RoomBookingRule, pk=pk) if pk else RoomBookingRule()
        form = RuleForm(request.POST, instance=rule)
        hours = HoursFormSet(request.POST, prefix="hours")
        if not (form.is_valid() and hours.is_valid()):
            return self._render(request, form, hours, rule, status=400)
        periods = [
            (row["weekday"], row["opens"], row["closes"])
            for row in hours.cleaned_data
            if row and row.get("weekday") is not None
        ]
        try:
            rule = room_rule_save(rule=form.save(commit=False), hours=periods, by=request.user)
        except ServiceError as error:
            form_error_add(form, error)
            return self._render(request, form, hours, rule, status=400)
        messages.success(request, _("Room booking setup saved."))
        return redirect(self.detail_url_name, rule.pk)


class RuleDetailView(View):
    """The room's week: opening hours and everything that takes the room, bookings with who
    booked them; ``?week=`` any day of another week."""

    template_name = "rooms/admin/room_week.html"
    index_url_name = ""
    detail_url_name = ""
    edit_url_name = ""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy_require(rule_policy, request, "view")
        rule = get_object_or_404(RoomBookingRule.objects.select_related("room"), pk=pk)
        rule = room_rule(rule.room) or rule
        week = week_from_param(request.GET.get("week", "")) or week_start_of(timezone.localdate())
        return TemplateResponse(request, self.template_name, {
            "rule": rule, "room": rule.room, "page_title": rule.room.title, "header_icon": "home",
            "days": room_week(room=rule.room, rule=rule, week_start=week), "week": week,
            "previous_week": week - datetime.timedelta(days=7), "next_week": week + datetime.timedelta(days=7),
            "index_url": reverse(self.index_url_name), "edit_url": reverse(self.edit_url_name, args=[rule.pk]),
            "can_change": rule_policy.user_has_permission(request.user, "change"),
        })  # fmt: skip


class RuleViewSet(RecordViewSet):
    name = "room_rules"
    url_prefix = "rooms/setup"
    icon = "home"
    menu_label = gettext_lazy("Bookable rooms")
    menu_item_class = policy_menu_item(rule_policy, "view")

    index_view_class = RuleIndexView
    create_view_class = RuleFormView
    detail_view_class = RuleDetailView
    edit_view_class = RuleFormView


class BookingListView(View):
    """Bookings waiting for approval, then the coming ones; approve, decline (with a reason)
    or cancel. The member is told each time."""

    template_name = "rooms/admin/bookings.html"
    index_url_name = ""

    def get(self, request: HttpRequest) -> HttpResponse:
        policy_require(booking_policy, request, "view")
        now = timezone.now()
        return TemplateResponse(request, self.template_name, {
            "page_title": _("Room bookings"), "header_icon": "calendar-check",
            "pending": bookings_pending(),
            "coming": bookings_listed(status=RoomBooking.Status.APPROVED).filter(ends_at__gt=now)[:100],
            "can_change": manages_bookings(request.user), "decline_form": DeclineForm(),
        })  # fmt: skip

    def post(self, request: HttpRequest) -> HttpResponse:
        policy_require(booking_policy, request, "change")
        booking = get_object_or_404(RoomBooking, pk=request.POST.get("booking") or 0)
        action = request.POST.get("action")
        try:
            if action == "approve":
                room_booking_decide(booking=booking, by=request.user, approve=True)
                messages.success(request, _("The booking is confirmed and the member is told."))
            elif action == "decline":
                room_booking_decide(
                    booking=booking, by=request.user, approve=False, reason=request.POST.get("reason", "")
                )
                messages.success(request, _("The booking is declined and the member is told."))
            elif action == "cancel":
                room_booking_cancel(booking=booking, by=request.user)
                messages.success(request, _("The booking is cancelled and the member is told."))
        except ServiceError as error:
            messages.error(request, str(error.message))
        return redirect(self.index_url_name)


class BookingViewSet(ViewSet):
    name = "room_bookings"
    url_prefix = "rooms/bookings"
    icon = "calendar-check"
    menu_label = gettext_lazy("Room bookings")
    menu_item_class = policy_menu_item(booking_policy, "view")

    def get_urlpatterns(self):
        return [
            path(
                "",
                self.construct_view(BookingListView, index_url_name=self.get_url_name("index")),
                name="index",
            ),
        ]


class RoomBookingViewSetGroup(ViewSetGroup):
    """The "场地预约" menu of a union's admin."""

    items = (BookingViewSet, RuleViewSet)
    menu_label = gettext_lazy("Room booking")
    menu_icon = "home"
    menu_order = 260
