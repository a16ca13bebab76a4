"""The room booking API: the bookable rooms and a room's week (signed-in people of this union),
a member's own bookings (book, cancel), and approving or declining for officers.

Thin: reads from ``tenants.rooms.selectors``, every write through its services.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404  # 404 (not 500) for a malformed id too
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from cms.models import RoomKind
from tenants.groups.models import InterestGroup
from tenants.rooms.models import RoomBooking, RoomBookingRule
from tenants.rooms.permissions import manages_bookings
from tenants.rooms.selectors import (
    bookings_listed,
    bookings_of,
    room_week,
    rules_listed,
    week_from_param,
    week_start_of,
)
from tenants.rooms.services import room_booking_cancel, room_booking_create, room_booking_decide
from workershome.errors import ServiceError


class ManagesRoomBookings(BasePermission):
    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and manages_bookings(request.user))


# --- Serializers --------------------------------------------------------------------------------


class RoomOpeningHoursSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(help_text="0 = Monday … 6 = Sunday")
    opens = serializers.TimeField()
    closes = serializers.TimeField()


class BookableRoomSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="room.pk", read_only=True, help_text="The room page's id.")
    title = serializers.CharField(source="room.title", read_only=True)
    uses = serializers.ListField(
        source="room.all_kinds", child=serializers.ChoiceField(choices=RoomKind.choices), read_only=True
    )
    capacity = serializers.IntegerField(source="room.capacity", read_only=True, allow_null=True)
    location = serializers.CharField(source="room.location", read_only=True)
    hours = RoomOpeningHoursSerializer(many=True, read_only=True)

    class Meta:
        model = RoomBookingRule
        fields = [
            "id",
            "title",
            "uses",
            "capacity",
            "location",
            "hours",
            "requires_approval",
            "max_hours",
            "days_ahead",
            "notes",
        ]
        read_only_fields = fields


class RoomBusySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["booking", "activity", "group_meeting"])
    title = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    pending = serializers.BooleanField()


class OpeningPeriodSerializer(serializers.Serializer):
    opens = serializers.DateTimeField()
    closes = serializers.DateTimeField()


class RoomDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    bookable = serializers.BooleanField()
    periods = serializers.SerializerMethodField()
    busy = RoomBusySerializer(many=True)

    @extend_schema_field(OpeningPeriodSerializer(many=True))
    def get_periods(self, day) -> list[dict]:
        return [{"opens": opens, "closes": closes} for opens, closes in day.periods]


class RoomBookingSerializer(serializers.ModelSerializer):
    room_title = serializers.CharField(source="room.title", read_only=True)
    group_name = serializers.CharField(source="group.name", default=None, read_only=True)

    class Meta:
        model = RoomBooking
        fields = [
            "id", "room", "room_title", "group", "group_name", "use", "purpose", "people", "starts_at", "ends_at",
            "status", "decline_reason", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class RoomBookingStaffSerializer(RoomBookingSerializer):
    booked_by = serializers.CharField(source="member.get_full_name", default=None, read_only=True)

    class Meta(RoomBookingSerializer.Meta):
        fields = [*RoomBookingSerializer.Meta.fields, "booked_by"]
        read_only_fields = fields


class RoomBookingCreateSerializer(serializers.Serializer):
    room = serializers.IntegerField(help_text="The room page's id, as listed by /rooms/.")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    use = serializers.ChoiceField(choices=RoomKind.choices, help_text="One of the room's uses.")
    purpose = serializers.CharField(max_length=200)
    people = serializers.IntegerField(min_value=1, max_value=10000)
    group = serializers.IntegerField(required=False, allow_null=True, help_text="A group the caller leads.")


class RoomBookingDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


# --- Views --------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Bookable rooms / 可预约场地"),
    retrieve=extend_schema(summary="One bookable room / 场地"),
)
class RoomViewSet(viewsets.ReadOnlyModelViewSet):
    """The rooms members can book, with their uses (一室多用), capacity and opening hours. The
    id is the room page's."""

    permission_classes = [IsAuthenticated]
    serializer_class = BookableRoomSerializer
    queryset = RoomBookingRule.objects.none()
    lookup_field = "room_id"
    lookup_url_kwarg = "pk"

    def get_queryset(self):
        return rules_listed()

    @extend_schema(
        summary="A room's week: opening hours and what takes the room / 场地一周占用",
        parameters=[
            OpenApiParameter("week", datetime.date, description="Any day of the week (default: this week).")
        ],
        responses=RoomDaySerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def week(self, request: Request, pk: str) -> Response:
        rule = self.get_object()
        raw = request.query_params.get("week", "")
        week = week_from_param(raw) if raw else week_start_of(timezone.localdate())
        if week is None:
            raise ServiceError("week_invalid", _("Give the week as a date, e.g. 2026-12-07."), field="week")
        days = room_week(room=rule.room, rule=rule, week_start=week)
        return Response(RoomDaySerializer(days, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="My room bookings / 我的场地预约"),
    retrieve=extend_schema(summary="One of my bookings / 我的预约"),
)
class RoomBookingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A member's own bookings: list, book a room, cancel. Another person's booking is not found."""

    permission_classes = [IsAuthenticated]
    serializer_class = RoomBookingSerializer
    queryset = RoomBooking.objects.none()

    def get_queryset(self):
        return bookings_of(self.request.user)

    @extend_schema(
        request=RoomBookingCreateSerializer,
        responses={201: RoomBookingSerializer},
        summary="Book a room / 预约场地",
    )
    def create(self, request: Request) -> Response:
        data = RoomBookingCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        rule = get_object_or_404(rules_listed(), room_id=values["room"])
        group = None
        if values.get("group"):
            group = get_object_or_404(InterestGroup, pk=values["group"], active=True)
        booking = room_booking_create(
            room=rule.room, member=request.user, starts_at=values["starts_at"], ends_at=values["ends_at"],
            use=values["use"], purpose=values["purpose"], people=values["people"], group=group,
        )  # fmt: skip
        return Response(RoomBookingSerializer(booking).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=RoomBookingSerializer, summary="Cancel my booking / 取消预约")
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        booking = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(RoomBookingSerializer(room_booking_cancel(booking=booking, by=request.user)).data)


@extend_schema_view(
    list=extend_schema(
        summary="Room bookings (officers) / 场地预约管理",
        parameters=[OpenApiParameter("status", str, enum=RoomBooking.Status.values)],
    ),
    retrieve=extend_schema(summary="One room booking (officers) / 场地预约"),
)
class RoomBookingManageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Every booking of the union's rooms, for officers: approve or decline those waiting."""

    permission_classes = [ManagesRoomBookings]
    serializer_class = RoomBookingStaffSerializer
    queryset = RoomBooking.objects.none()

    def get_queryset(self):
        wanted = self.request.query_params.get("status") or None
        if wanted and wanted not in RoomBooking.Status.values:
            raise ServiceError("status_invalid", _("Unknown booking status."), field="status")
        return bookings_listed(status=wanted)

    @extend_schema(request=None, responses=RoomBookingStaffSerializer, summary="Approve / 批准预约")
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        booking = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(
            RoomBookingStaffSerializer(
                room_booking_decide(booking=booking, by=request.user, approve=True)
            ).data
        )

    @extend_schema(
        request=RoomBookingDeclineSerializer,
        responses=RoomBookingStaffSerializer,
        summary="Decline / 拒绝预约",
    )
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        booking = get_object_or_404(self.get_queryset(), pk=pk)
        data = RoomBookingDeclineSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booking = room_booking_decide(
            booking=booking, by=request.user, approve=False, reason=data.validated_data["reason"]
        )
        return Response(RoomBookingStaffSerializer(booking).data)
