"""The reception day API: the schedules and their coming dates with free slots (signed-in
people), a member's own bookings, and the visit log with "open a case" (staff).

Thin: reads from ``tenants.reception.selectors``, every write through its services.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404  # 404 (not 500) for a malformed id too
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.cases.kinds import KINDS
from tenants.cases.models import Case
from tenants.reception.models import ReceptionBooking, ReceptionSchedule, ReceptionVisit
from tenants.reception.permissions import keeps_visit_log
from tenants.reception.selectors import bookings_of, member_by_mobile, reception_upcoming, visits_list
from tenants.reception.services import (
    reception_booking_cancel,
    reception_booking_create,
    reception_visit_case_open,
    reception_visit_record,
)
from workershome.errors import ServiceError


class IsReceptionStaff(BasePermission):
    """Staff who keep the visit log (chairman, officers) on their own union's host."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and keeps_visit_log(request.user))


# --- Serializers --------------------------------------------------------------------------------


class ReceptionScheduleSerializer(serializers.ModelSerializer):
    description = serializers.CharField(source="describe", read_only=True)
    host = serializers.CharField(source="host.get_full_name", default=None, read_only=True)

    class Meta:
        model = ReceptionSchedule
        fields = [
            "id", "title", "description", "place", "host", "frequency", "interval", "weekday", "week_of_month",
            "start_time", "end_time", "slot_minutes", "people_per_slot", "booking_open", "booking_weeks_ahead",
            "notes",
        ]  # fmt: skip
        read_only_fields = fields


class SlotSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    capacity = serializers.IntegerField()
    free = serializers.IntegerField()
    mine = serializers.BooleanField()
    bookable = serializers.BooleanField()


class OccurrenceSerializer(serializers.Serializer):
    schedule = serializers.IntegerField(source="schedule.pk")
    title = serializers.CharField(source="schedule.title")
    place = serializers.CharField(source="schedule.place")
    date = serializers.DateField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    cancelled = serializers.BooleanField()
    cancel_reason = serializers.CharField()
    bookable = serializers.BooleanField()
    slots = SlotSerializer(many=True)


class BookingSerializer(serializers.ModelSerializer):
    place = serializers.CharField(source="schedule.place", read_only=True)

    class Meta:
        model = ReceptionBooking
        fields = [
            "id",
            "schedule",
            "date",
            "slot_start",
            "slot_end",
            "place",
            "topic",
            "status",
            "created_at",
        ]
        read_only_fields = fields


class BookingCreateSerializer(serializers.Serializer):
    schedule = serializers.IntegerField()
    slot_start = serializers.DateTimeField(help_text="A slot's start, as listed by /reception/occurrences/.")
    topic = serializers.CharField(max_length=200)


class ReceptionCaseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    reference = serializers.CharField()
    status = serializers.CharField()


class VisitSerializer(serializers.ModelSerializer):
    member = serializers.IntegerField(source="member_id", read_only=True, allow_null=True)
    received_by = serializers.CharField(source="received_by.get_full_name", default=None, read_only=True)
    case = serializers.SerializerMethodField()

    class Meta:
        model = ReceptionVisit
        fields = [
            "id", "schedule", "booking", "visited_at", "member", "visitor_name", "visitor_contact", "department",
            "topic", "notes", "follow_up", "received_by", "case", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(ReceptionCaseRefSerializer(allow_null=True))
    def get_case(self, visit: ReceptionVisit) -> dict | None:
        return ReceptionCaseRefSerializer(visit.case).data if visit.case else None


class VisitCreateSerializer(serializers.Serializer):
    booking = serializers.IntegerField(required=False, allow_null=True)
    schedule = serializers.IntegerField(required=False, allow_null=True)
    member_mobile = serializers.CharField(max_length=20, required=False, allow_blank=True)
    visitor_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    visitor_contact = serializers.CharField(max_length=100, required=False, allow_blank=True)
    department = serializers.CharField(max_length=100, required=False, allow_blank=True)
    visited_at = serializers.DateTimeField(required=False)
    topic = serializers.CharField(max_length=200, required=False, allow_blank=True)
    notes = serializers.CharField(max_length=20000)
    follow_up = serializers.CharField(max_length=20000, required=False, allow_blank=True)


class CaseFromVisitSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    category = serializers.ChoiceField(choices=KINDS["appeal"].categories, required=False, allow_blank=True)
    priority = serializers.ChoiceField(
        choices=Case.Priority.choices, required=False, default=Case.Priority.NORMAL
    )


# --- Views --------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Reception schedules / 主席接待日安排"),
    retrieve=extend_schema(summary="One reception schedule / 接待日安排"),
)
class ReceptionScheduleViewSet(viewsets.ReadOnlyModelViewSet):
    """The published reception schedules (for any signed-in person of this union)."""

    permission_classes = [IsAuthenticated]
    serializer_class = ReceptionScheduleSerializer
    queryset = ReceptionSchedule.objects.none()

    def get_queryset(self):
        return ReceptionSchedule.objects.filter(published=True).select_related("host").order_by("pk")


class ReceptionOccurrenceViewSet(viewsets.ViewSet):
    """The coming reception dates, each with its slots and free places; ``mine`` marks the
    caller's own bookings. Computed from the schedules, never stored."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Coming reception dates and free slots / 接待日可预约时段",
        parameters=[OpenApiParameter("schedule", int, description="Only this schedule's dates.")],
        responses=OccurrenceSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        raw = request.query_params.get("schedule")
        schedule_id = int(raw) if raw and raw.isdigit() else None
        if raw and schedule_id is None:
            raise ServiceError("schedule_invalid", _("Give the schedule's number."), field="schedule")
        views = reception_upcoming(user=request.user, schedule_id=schedule_id, per_schedule=8)
        occurrences = sorted((o for view in views for o in view.occurrences), key=lambda o: o.starts_at)
        return Response(OccurrenceSerializer(occurrences, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="My reception bookings / 我的接待日预约"),
    retrieve=extend_schema(summary="One of my bookings / 我的预约"),
)
class ReceptionBookingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A member's own bookings: list, book a slot, cancel. Another person's booking is not found."""

    permission_classes = [IsAuthenticated]
    serializer_class = BookingSerializer
    queryset = ReceptionBooking.objects.none()

    def get_queryset(self):
        return bookings_of(self.request.user)

    @extend_schema(
        request=BookingCreateSerializer, responses={201: BookingSerializer}, summary="Book a slot / 预约时段"
    )
    def create(self, request: Request) -> Response:
        data = BookingCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        schedule = get_object_or_404(ReceptionSchedule, pk=data.validated_data["schedule"], published=True)
        booking = reception_booking_create(
            schedule=schedule, slot_start=data.validated_data["slot_start"], member=request.user,
            topic=data.validated_data["topic"],
        )  # fmt: skip
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=BookingSerializer, summary="Cancel my booking / 取消预约")
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        booking = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(BookingSerializer(reception_booking_cancel(booking=booking, by=request.user)).data)


@extend_schema_view(
    list=extend_schema(summary="Reception visit log / 接待登记"),
    retrieve=extend_schema(summary="One visit / 接待记录"),
)
class ReceptionVisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The visit log, for staff: who came, the topic, what was said, the follow-up; and the
    case a visit became."""

    permission_classes = [IsReceptionStaff]
    serializer_class = VisitSerializer
    queryset = ReceptionVisit.objects.none()

    def get_queryset(self):
        return visits_list().order_by("-visited_at", "-pk")

    @extend_schema(
        request=VisitCreateSerializer, responses={201: VisitSerializer}, summary="Log a visit / 登记来访"
    )
    def create(self, request: Request) -> Response:
        data = VisitCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        booking_id, schedule_id = values.pop("booking", None), values.pop("schedule", None)
        booking = get_object_or_404(ReceptionBooking, pk=booking_id) if booking_id else None
        schedule = get_object_or_404(ReceptionSchedule, pk=schedule_id) if schedule_id else None
        mobile = values.pop("member_mobile", "")
        member = member_by_mobile(mobile) if mobile else None
        if mobile and member is None:
            raise ServiceError(
                "visit_member_unknown",
                _("No member of this union has this mobile number."),
                field="member_mobile",
            )
        visit = reception_visit_record(
            by=request.user, booking=booking, schedule=schedule, member=member,
            topic=values.pop("topic", ""), **values,
        )  # fmt: skip
        return Response(VisitSerializer(visit).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=CaseFromVisitSerializer, responses={201: ReceptionCaseRefSerializer},
        summary="Open a case from this visit / 由来访立案",
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    def case(self, request: Request, pk: str) -> Response:
        visit = get_object_or_404(self.get_queryset(), pk=pk)
        data = CaseFromVisitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = reception_visit_case_open(
            visit=visit, by=request.user, title=data.validated_data.get("title", ""),
            category=data.validated_data.get("category", ""), priority=int(data.validated_data["priority"]),
        )  # fmt: skip
        return Response(ReceptionCaseRefSerializer(case).data, status=status.HTTP_201_CREATED)
