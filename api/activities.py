"""The activities API: what is on (as the site shows it), signing up, cancelling, checking in
and rating for the signed-in person; creating, changing, publishing and cancelling activities,
the sign-up and waiting lists and attendance for the union's staff.

Thin: reads from ``tenants.activities.selectors``, every write through its services. Ids are
looked up in this union's schema only, so another union's activity is simply not found.
"""

from __future__ import annotations

from typing import ClassVar

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404  # 404 (not 500) for a malformed id too
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.activities.models import Activity, ActivityKind, ActivitySignup
from tenants.activities.permissions import manages_activities
from tenants.activities.selectors import (
    activities_past,
    activities_upcoming,
    activities_visible_to,
    signup_of,
    signups_for_staff,
    signups_of,
    waiting_position,
    with_counts,
)
from tenants.activities.services import (
    activity_attendance_mark,
    activity_cancel,
    activity_check_in,
    activity_place,
    activity_publish,
    activity_rate,
    activity_save,
    activity_signup,
    activity_signup_cancel,
)
from workershome.errors import ServiceError


class IsActivityStaff(BasePermission):
    """Staff who manage activities (chairman, officers) on their own union's host."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and manages_activities(request.user))


# --- Serializers --------------------------------------------------------------------------------


class ActivityMySignupSerializer(serializers.ModelSerializer):
    position = serializers.SerializerMethodField(help_text="Place on the waiting list (1 = next), else null.")

    class Meta:
        model = ActivitySignup
        fields = ["id", "status", "position", "walk_in", "attended_at", "rating", "comment", "created_at"]
        read_only_fields = fields

    def get_position(self, signup: ActivitySignup) -> int | None:
        return waiting_position(signup)


class ActivityItemSerializer(serializers.ModelSerializer):
    place = serializers.SerializerMethodField(help_text="The room's name, or the outside place.")
    room = serializers.IntegerField(source="room_id", read_only=True, allow_null=True)
    confirmed = serializers.IntegerField(source="confirmed_count", read_only=True)
    waiting = serializers.IntegerField(source="waiting_count", read_only=True)
    attended = serializers.IntegerField(source="attended_count", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = [
            "id", "title", "kind", "description", "starts_at", "ends_at", "room", "place", "capacity", "audience",
            "signup_required", "signup_deadline", "status", "contact", "cancel_reason", "summary", "confirmed",
            "waiting", "attended", "url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_place(self, activity: Activity) -> str:
        return activity_place(activity)

    def get_url(self, activity: Activity) -> str:
        return reverse("activities:detail", args=[activity.pk])


class ActivityDetailSerializer(ActivityItemSerializer):
    my_signup = serializers.SerializerMethodField()
    check_in_url = serializers.SerializerMethodField(
        help_text="For staff only: the URL the check-in QR code carries."
    )

    class Meta(ActivityItemSerializer.Meta):
        fields = [*ActivityItemSerializer.Meta.fields, "my_signup", "check_in_url"]
        read_only_fields = fields

    @extend_schema_field(ActivityMySignupSerializer(allow_null=True))
    def get_my_signup(self, activity: Activity) -> dict | None:
        signup = signup_of(activity, self.context["request"].user)
        return ActivityMySignupSerializer(signup).data if signup else None

    def get_check_in_url(self, activity: Activity) -> str | None:
        request = self.context["request"]
        if not manages_activities(request.user):
            return None
        return request.build_absolute_uri(
            reverse("activities:check_in", args=[activity.pk, activity.check_in_token])
        )


class ActivityWriteSerializer(serializers.ModelSerializer):
    """What staff set; the status changes only through publish and cancel."""

    class Meta:
        model = Activity
        fields = [
            "title", "kind", "description", "starts_at", "ends_at", "room", "place", "capacity", "audience",
            "signup_required", "signup_deadline", "contact",
        ]  # fmt: skip
        extra_kwargs: ClassVar[dict] = {"capacity": {"validators": []}}  # the service says it clearly


class ActivityCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class ActivityRateSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ActivityCheckInSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=64, help_text="The token carried by the activity's QR code.")


class ActivityStaffSignupSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.get_full_name", read_only=True)
    mobile = serializers.CharField(source="user.username", read_only=True)
    position = serializers.SerializerMethodField()

    class Meta:
        model = ActivitySignup
        fields = [
            "id", "name", "mobile", "status", "position", "walk_in", "attended_at", "rating", "comment", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_position(self, signup: ActivitySignup) -> int | None:
        return waiting_position(signup)


class ActivityAttendanceSerializer(serializers.Serializer):
    signup = serializers.IntegerField()
    attended = serializers.BooleanField(default=True)


class ActivityBriefSerializer(serializers.ModelSerializer):
    place = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = ["id", "title", "kind", "starts_at", "ends_at", "place", "status"]
        read_only_fields = fields

    def get_place(self, activity: Activity) -> str:
        return activity_place(activity)


class ActivityMineSerializer(serializers.ModelSerializer):
    activity = ActivityBriefSerializer(read_only=True)
    position = serializers.SerializerMethodField()

    class Meta:
        model = ActivitySignup
        fields = ["id", "status", "position", "attended_at", "rating", "activity"]
        read_only_fields = fields

    def get_position(self, signup: ActivitySignup) -> int | None:
        return waiting_position(signup)


# --- Views --------------------------------------------------------------------------------------

_STAFF_ACTIONS = {"create", "update", "partial_update", "publish", "cancel", "signups", "attendance"}


@extend_schema_view(
    list=extend_schema(
        summary="Activities / 文体活动",
        parameters=[
            OpenApiParameter("kind", str, enum=ActivityKind.values, description="Only this kind."),
            OpenApiParameter("when", str, enum=["upcoming", "past"], description="Coming (default) or held."),
        ],
    ),
    retrieve=extend_schema(summary="One activity, with my sign-up / 活动详情"),
    create=extend_schema(
        request=ActivityWriteSerializer,
        responses={201: ActivityDetailSerializer},
        summary="New activity (draft) / 新建活动",
    ),
    update=extend_schema(
        request=ActivityWriteSerializer, responses=ActivityDetailSerializer, summary="Change / 修改活动"
    ),
    partial_update=extend_schema(
        request=ActivityWriteSerializer, responses=ActivityDetailSerializer, summary="Change / 修改活动"
    ),
)
class ActivityViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """Activities as the union's site shows them (drafts to staff only); the signed-in person's
    own sign-up on each; staff manage them."""

    serializer_class = ActivityItemSerializer
    queryset = Activity.objects.none()
    lookup_value_regex = r"\d+"

    def get_permissions(self):
        if self.action in _STAFF_ACTIONS:
            return [IsActivityStaff()]
        if self.action in ("list", "retrieve"):
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_serializer_class(self):
        return ActivityDetailSerializer if self.action == "retrieve" else ActivityItemSerializer

    def get_queryset(self):
        user = self.request.user if self.request.user.is_authenticated else None
        if self.action == "list":
            kind = self.request.query_params.get("kind", "")
            if kind and kind not in ActivityKind.values:
                raise ServiceError("activity_kind", _("Choose the kind of activity."), field="kind")
            when = self.request.query_params.get("when", "upcoming")
            if when == "past":
                return activities_past(user=user, kind=kind)
            return activities_upcoming(user=user, kind=kind)
        return with_counts(activities_visible_to(user))

    def _activity(self, pk: str) -> Activity:
        user = self.request.user if self.request.user.is_authenticated else None
        return get_object_or_404(activities_visible_to(user), pk=pk)

    def _detail(self, activity: Activity, code: int = status.HTTP_200_OK) -> Response:
        activity = with_counts(activities_visible_to(self.request.user)).get(pk=activity.pk)
        return Response(
            ActivityDetailSerializer(activity, context={"request": self.request}).data, status=code
        )

    def create(self, request: Request) -> Response:
        data = ActivityWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        activity = activity_save(activity=Activity(**data.validated_data), by=request.user)
        return self._detail(activity, status.HTTP_201_CREATED)

    def update(self, request: Request, pk: str, partial: bool = False) -> Response:
        activity = self._activity(pk)
        data = ActivityWriteSerializer(activity, data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        for field, value in data.validated_data.items():
            setattr(activity, field, value)
        return self._detail(activity_save(activity=activity, by=request.user))

    def partial_update(self, request: Request, pk: str) -> Response:
        return self.update(request, pk, partial=True)

    @extend_schema(request=None, responses=ActivityDetailSerializer, summary="Publish / 发布活动")
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        return self._detail(activity_publish(activity=self._activity(pk), by=request.user))

    @extend_schema(
        request=ActivityCancelSerializer,
        responses=ActivityDetailSerializer,
        summary="Cancel the activity / 取消活动",
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        data = ActivityCancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        activity = activity_cancel(
            activity=self._activity(pk), reason=data.validated_data["reason"], by=request.user
        )
        return self._detail(activity)

    @extend_schema(request=None, responses={201: ActivityMySignupSerializer}, summary="Sign me up / 报名")
    @action(detail=True, methods=["post"])
    def signup(self, request: Request, pk: str) -> Response:
        signup = activity_signup(activity=self._activity(pk), user=request.user)
        return Response(ActivityMySignupSerializer(signup).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ActivityMySignupSerializer, summary="Cancel my sign-up / 取消报名")
    @action(detail=True, methods=["post"], url_path="signup/cancel")
    def signup_cancel(self, request: Request, pk: str) -> Response:
        activity = self._activity(pk)
        signup = get_object_or_404(
            ActivitySignup, activity=activity, user=request.user, status__in=("confirmed", "waiting")
        )
        return Response(
            ActivityMySignupSerializer(activity_signup_cancel(signup=signup, by=request.user)).data
        )

    @extend_schema(
        request=ActivityRateSerializer,
        responses=ActivityMySignupSerializer,
        summary="Rate the activity / 活动评价",
    )
    @action(detail=True, methods=["post"])
    def rate(self, request: Request, pk: str) -> Response:
        data = ActivityRateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        signup = activity_rate(activity=self._activity(pk), user=request.user, **data.validated_data)
        return Response(ActivityMySignupSerializer(signup).data)

    @extend_schema(
        request=ActivityCheckInSerializer,
        responses=ActivityMySignupSerializer,
        summary="Check me in / 扫码签到",
    )
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request: Request, pk: str) -> Response:
        data = ActivityCheckInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        signup, _new = activity_check_in(
            activity=self._activity(pk), token=data.validated_data["token"], user=request.user
        )
        return Response(ActivityMySignupSerializer(signup).data)

    @extend_schema(
        responses=ActivityStaffSignupSerializer(many=True), summary="Sign-ups and waiting list / 报名名单"
    )
    @action(detail=True, methods=["get"])
    def signups(self, request: Request, pk: str) -> Response:
        activity = self._activity(pk)
        return Response(ActivityStaffSignupSerializer(signups_for_staff(activity), many=True).data)

    @extend_schema(
        request=ActivityAttendanceSerializer,
        responses=ActivityStaffSignupSerializer,
        summary="Mark attendance / 登记到场",
    )
    @action(detail=True, methods=["post"])
    def attendance(self, request: Request, pk: str) -> Response:
        activity = self._activity(pk)
        data = ActivityAttendanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        signup = get_object_or_404(ActivitySignup, activity=activity, pk=data.validated_data["signup"])
        signup = activity_attendance_mark(
            signup=signup, attended=data.validated_data["attended"], by=request.user
        )
        return Response(ActivityStaffSignupSerializer(signup).data)

    @extend_schema(responses=ActivityMineSerializer(many=True), summary="My activities / 我的活动")
    @action(detail=False, methods=["get"])
    def mine(self, request: Request) -> Response:
        signups = signups_of(request.user).exclude(status="cancelled")
        return Response(ActivityMineSerializer(signups, many=True).data)
