"""The interest groups API: the groups and their meetings (signed-in people of this union);
joining, leaving and the group's posts (members); join requests and meetings for the group's
leaders and officers.

Thin: reads from ``tenants.groups.selectors``, every write through its services.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import get_object_or_404  # 404 (not 500) for a malformed id too
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.groups.models import GroupJoinRequest, GroupMeeting, GroupPost, InterestGroup
from tenants.groups.permissions import manages_groups
from tenants.groups.selectors import (
    can_lead,
    group_leaders,
    group_posts,
    groups_led_by,
    groups_listed,
    join_requests_pending,
    meetings_coming,
    membership_of,
)
from tenants.groups.services import (
    group_join_decide,
    group_join_request,
    group_join_withdraw,
    group_leave,
    group_meeting_delete,
    group_meeting_save,
    group_post_create,
)

# --- Serializers --------------------------------------------------------------------------------


class InterestGroupSerializer(serializers.ModelSerializer):
    member_count = serializers.IntegerField(read_only=True)
    is_member = serializers.BooleanField(read_only=True, default=False)
    has_pending = serializers.BooleanField(read_only=True, default=False)

    class Meta:
        model = InterestGroup
        fields = [
            "id",
            "name",
            "kind",
            "description",
            "open_to_join",
            "member_count",
            "is_member",
            "has_pending",
        ]
        read_only_fields = fields


class GroupMeetingSerializer(serializers.ModelSerializer):
    description = serializers.CharField(source="describe", read_only=True)
    where = serializers.CharField(read_only=True)

    class Meta:
        model = GroupMeeting
        fields = [
            "id", "title", "description", "frequency", "interval", "weekday", "week_of_month", "starts_on",
            "ends_on", "start_time", "end_time", "room", "place", "where",
        ]  # fmt: skip
        read_only_fields = ["id", "description", "where"]


class MeetingOccurrenceSerializer(serializers.Serializer):
    meeting = serializers.IntegerField(source="meeting.pk")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class InterestGroupDetailSerializer(InterestGroupSerializer):
    leaders = serializers.SerializerMethodField()
    meetings = GroupMeetingSerializer(many=True, read_only=True)
    coming = serializers.SerializerMethodField()

    class Meta(InterestGroupSerializer.Meta):
        fields = [*InterestGroupSerializer.Meta.fields, "leaders", "meetings", "coming"]
        read_only_fields = fields

    def get_leaders(self, group: InterestGroup) -> list[str]:
        return [user.get_full_name() for user in group_leaders(group=group)]

    @extend_schema_field(MeetingOccurrenceSerializer(many=True))
    def get_coming(self, group: InterestGroup) -> list[dict]:
        return list(MeetingOccurrenceSerializer(meetings_coming(group=group, days=28), many=True).data)


class JoinAskSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=200, required=False, allow_blank=True)


class GroupJoinRequestSerializer(serializers.ModelSerializer):
    worker = serializers.CharField(source="user.get_full_name", read_only=True)

    class Meta:
        model = GroupJoinRequest
        fields = ["id", "group", "worker", "message", "status", "created_at", "decided_at", "reason"]
        read_only_fields = fields


class GroupJoinDecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class GroupPostSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.get_full_name", default=None, read_only=True)
    image_url = serializers.SerializerMethodField()

    class Meta:
        model = GroupPost
        fields = ["id", "group", "author", "body", "image_url", "created_at"]
        read_only_fields = fields

    def get_image_url(self, post: GroupPost) -> str | None:
        return f"/groups/{post.group_id}/posts/{post.pk}/image/" if post.image else None


class GroupPostCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=2000)
    image = serializers.FileField(
        required=False, allow_null=True, help_text="JPG, PNG, GIF or WebP, up to 5 MB."
    )


# --- Views --------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Interest groups / 兴趣小组"),
    retrieve=extend_schema(summary="One interest group / 兴趣小组详情"),
)
class InterestGroupViewSet(viewsets.ReadOnlyModelViewSet):
    """The union's active interest groups, with member counts and, for the caller, whether they
    belong or have asked to join. Members read and write the group's posts."""

    permission_classes = [IsAuthenticated]
    queryset = InterestGroup.objects.none()
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_queryset(self):
        return groups_listed(user=self.request.user)

    def get_serializer_class(self):
        return InterestGroupDetailSerializer if self.action == "retrieve" else InterestGroupSerializer

    @extend_schema(
        request=JoinAskSerializer,
        responses={201: GroupJoinRequestSerializer},
        summary="Ask to join / 申请加入",
    )
    @action(detail=True, methods=["post"])
    def join(self, request: Request, pk: str) -> Response:
        group = self.get_object()
        data = JoinAskSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        join = group_join_request(
            group=group, user=request.user, message=data.validated_data.get("message", "")
        )
        return Response(GroupJoinRequestSerializer(join).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None}, summary="Leave the group / 退出小组")
    @action(detail=True, methods=["post"])
    def leave(self, request: Request, pk: str) -> Response:
        group_leave(group=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        methods=["GET"],
        responses=GroupPostSerializer(many=True),
        summary="The group's posts (members) / 小组动态",
    )
    @extend_schema(
        methods=["POST"], request=GroupPostCreateSerializer, responses={201: GroupPostSerializer},
        summary="Post to the group (members) / 发布动态",
    )  # fmt: skip
    @action(detail=True, methods=["get", "post"])
    def posts(self, request: Request, pk: str) -> Response:
        group = self.get_object()
        if membership_of(group=group, user=request.user) is None:
            raise NotFound  # the posts do not exist for someone outside the group
        if request.method == "GET":
            return Response(GroupPostSerializer(group_posts(group=group)[:50], many=True).data)
        data = GroupPostCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        post = group_post_create(
            group=group,
            author=request.user,
            body=data.validated_data["body"],
            image=data.validated_data.get("image"),
        )
        return Response(GroupPostSerializer(post).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["POST"], request=GroupMeetingSerializer, responses={201: GroupMeetingSerializer},
        summary="Add a regular meeting (leaders) / 添加例会",
    )  # fmt: skip
    @extend_schema(
        methods=["GET"], responses=GroupMeetingSerializer(many=True), summary="Regular meetings / 小组例会"
    )
    @action(detail=True, methods=["get", "post"])
    def meetings(self, request: Request, pk: str) -> Response:
        group = self.get_object()
        if request.method == "GET":
            return Response(GroupMeetingSerializer(group.meetings.select_related("room"), many=True).data)
        data = GroupMeetingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        meeting = group_meeting_save(
            meeting=GroupMeeting(group=group, **data.validated_data), by=request.user
        )
        return Response(GroupMeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None, responses={204: None}, summary="Remove a regular meeting (leaders) / 删除例会"
    )
    @action(detail=True, methods=["delete"], url_path=r"meetings/(?P<meeting_pk>\d+)")
    def meeting_delete(self, request: Request, pk: str, meeting_pk: str) -> Response:
        group = self.get_object()
        meeting = get_object_or_404(GroupMeeting, group=group, pk=meeting_pk)
        group_meeting_delete(meeting=meeting, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="Join requests I can answer, and my own / 入组申请"),
    retrieve=extend_schema(summary="One join request / 入组申请"),
)
class GroupJoinRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's own requests, and the waiting requests of the groups they lead (all groups
    for officers). Another person's request is not found."""

    permission_classes = [IsAuthenticated]
    serializer_class = GroupJoinRequestSerializer
    queryset = GroupJoinRequest.objects.none()

    def get_queryset(self):
        user = self.request.user
        own = GroupJoinRequest.objects.filter(user=user)
        if manages_groups(user):
            answerable = join_requests_pending()
        else:
            answerable = join_requests_pending().filter(group__in=groups_led_by(user))
        return (own | answerable).select_related("group", "user").order_by("-created_at", "-pk").distinct()

    def _answerable(self, pk: str) -> GroupJoinRequest:
        join = get_object_or_404(self.get_queryset(), pk=pk)
        if not can_lead(group=join.group, user=self.request.user):
            raise NotFound
        return join

    @extend_schema(request=None, responses=GroupJoinRequestSerializer, summary="Approve (leaders) / 同意加入")
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        join = group_join_decide(request=self._answerable(pk), by=request.user, approve=True)
        return Response(GroupJoinRequestSerializer(join).data)

    @extend_schema(
        request=GroupJoinDecisionSerializer,
        responses=GroupJoinRequestSerializer,
        summary="Decline (leaders) / 拒绝加入",
    )
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        data = GroupJoinDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        join = group_join_decide(
            request=self._answerable(pk),
            by=request.user,
            approve=False,
            reason=data.validated_data.get("reason", ""),
        )
        return Response(GroupJoinRequestSerializer(join).data)

    @extend_schema(
        request=None, responses=GroupJoinRequestSerializer, summary="Withdraw my request / 撤回申请"
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        join = get_object_or_404(GroupJoinRequest, pk=pk, user=request.user)
        return Response(GroupJoinRequestSerializer(group_join_withdraw(request=join, by=request.user)).data)
