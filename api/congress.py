"""The workers' congress API (职代会).

Staff (chairman and officers, the congress model permissions): sessions with delegates,
attendance, convening (refused below quorum), closing, agenda and minutes; motions under review,
replies; resolutions with their counts; disclosure items. Delegates (any member seated in a
session, no model permission): their motions — draft, co-sign, submit, rate the reply. Members:
published disclosure items and resolutions. Thin: selectors to read, services to write.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.congress.models import (
    AgendaItem,
    CongressSession,
    Delegate,
    DisclosureItem,
    Motion,
    Resolution,
    Satisfaction,
)
from tenants.congress.permissions import disclosure_policy, motion_policy, session_policy
from tenants.congress.selectors import (
    delegates_of_user,
    disclosures_published,
    motions_for_staff,
    resolutions_public,
    sessions_list,
    today,
)
from tenants.congress.services import (
    REVIEW_DECISION_CHOICES,
    agenda_item_add,
    attendance_record,
    delegate_add,
    disclosure_save,
    motion_cosign,
    motion_draft,
    motion_rate,
    motion_reply,
    motion_review,
    motion_submit,
    resolution_record,
    session_close,
    session_create,
    session_minutes_save,
    session_open,
)
from tenants.membership.permissions import on_union_site
from tenants.membership.selectors import member_by_mobile
from tenants.users.roles import is_member
from workershome.errors import ServiceError

from .members import PolicyPermission


class SessionPermission(PolicyPermission):
    policy = session_policy


class MotionPermission(PolicyPermission):
    policy = motion_policy


class DisclosurePermission(PolicyPermission):
    policy = disclosure_policy


class IsUnionMember(BasePermission):
    """A member of this union (any role but visitor), on the union's own host."""

    def has_permission(self, request, view) -> bool:
        return on_union_site() and is_member(request.user)


# --- Serializers ---------------------------------------------------------------------------------


class CongressDelegateSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = Delegate
        fields = ["id", "session", "name", "constituency", "present"]
        read_only_fields = fields


class CongressAgendaItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgendaItem
        fields = ["id", "order", "title"]
        read_only_fields = fields


class CongressResolutionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Resolution
        fields = ["id", "session", "title", "text", "method", "votes_for", "votes_against", "votes_abstain",
                  "delegates_total", "passed", "voted_at"]  # fmt: skip
        read_only_fields = fields


class CongressSessionSerializer(serializers.ModelSerializer):
    quorum = serializers.IntegerField(read_only=True)
    delegates = CongressDelegateSerializer(many=True, read_only=True)
    agenda = CongressAgendaItemSerializer(many=True, read_only=True)
    resolutions = CongressResolutionSerializer(many=True, read_only=True)

    class Meta:
        model = CongressSession
        fields = ["id", "congress_number", "session_number", "title", "held_on", "place", "status",
                  "cosigners_min", "reply_days", "minutes", "delegates_total", "present_count", "quorum",
                  "opened_at", "closed_at", "delegates", "agenda", "resolutions"]  # fmt: skip
        read_only_fields = fields


class CongressSessionCreateSerializer(serializers.Serializer):
    congress_number = serializers.IntegerField(min_value=1, max_value=99)
    session_number = serializers.IntegerField(min_value=1, max_value=99)
    title = serializers.CharField(max_length=200)
    held_on = serializers.DateField()
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    cosigners_min = serializers.IntegerField(min_value=0, max_value=50, required=False, default=2)
    reply_days = serializers.IntegerField(min_value=1, max_value=365, required=False, default=30)


class CongressDelegateCreateSerializer(serializers.Serializer):
    member_mobile = serializers.CharField(max_length=20, help_text="A member on the roster.")
    constituency = serializers.CharField(max_length=100)


class CongressAttendanceSerializer(serializers.Serializer):
    present = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids of the delegates present."
    )


class CongressTextSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, max_length=20000)


class CongressResolutionCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    text = serializers.CharField(required=False, allow_blank=True, default="")
    method = serializers.ChoiceField(choices=Resolution.Method.choices)
    votes_for = serializers.IntegerField(min_value=0)
    votes_against = serializers.IntegerField(min_value=0)
    votes_abstain = serializers.IntegerField(min_value=0)


class CongressMotionSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    proposer_name = serializers.CharField(source="proposer.member.name", read_only=True)
    constituency = serializers.CharField(source="proposer.constituency", read_only=True)
    cosigners = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Motion
        fields = ["id", "session", "reference", "title", "reason", "proposal", "status", "proposer_name",
                  "constituency", "cosigners", "submitted_at", "review_note", "department", "reply_due_on",
                  "overdue", "reply", "replied_at", "satisfaction", "second_reply", "second_replied_at",
                  "final_satisfaction"]  # fmt: skip
        read_only_fields = fields

    def get_cosigners(self, motion: Motion) -> list[str]:
        return [c.delegate.member.name for c in motion.cosigners.select_related("delegate__member")]

    def get_overdue(self, motion: Motion) -> bool:
        return motion.is_overdue(today())


class CongressMotionReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=REVIEW_DECISION_CHOICES)
    department = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    reply_days = serializers.IntegerField(
        min_value=1, max_value=365, required=False, allow_null=True, default=None
    )


class CongressMotionDraftSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    title = serializers.CharField(max_length=200)
    reason = serializers.CharField(max_length=5000)
    proposal = serializers.CharField(max_length=5000)


class CongressMotionRateSerializer(serializers.Serializer):
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)


class CongressDisclosureSerializer(serializers.ModelSerializer):
    class Meta:
        model = DisclosureItem
        fields = ["id", "category", "title", "content", "disclosed_on", "published"]
        read_only_fields = ["id"]


# --- Staff ---------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Congress sessions / 职代会会议"),
    retrieve=extend_schema(summary="One session with delegates, agenda, resolutions / 会议详情"),
)
class CongressSessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Sessions of the workers' congress, newest first."""

    permission_classes = [SessionPermission]
    serializer_class = CongressSessionSerializer
    queryset = CongressSession.objects.none()

    def get_queryset(self):
        return sessions_list().prefetch_related("delegates__member", "agenda", "resolutions")

    def _session(self, pk: str) -> CongressSession:
        return get_object_or_404(CongressSession.objects.all(), pk=pk)

    def _done(self, session: CongressSession, code: int = status.HTTP_200_OK) -> Response:
        return Response(CongressSessionSerializer(self.get_queryset().get(pk=session.pk)).data, status=code)

    @extend_schema(
        request=CongressSessionCreateSerializer,
        responses={201: CongressSessionSerializer},
        summary="Plan a session / 新建会议",
    )
    def create(self, request: Request) -> Response:
        data = CongressSessionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._done(session_create(by=request.user, **data.validated_data), status.HTTP_201_CREATED)

    @extend_schema(request=CongressDelegateCreateSerializer, responses={201: CongressDelegateSerializer},
                   summary="Seat a delegate / 增加代表")  # fmt: skip
    @action(detail=True, methods=["post"])
    def delegates(self, request: Request, pk: str) -> Response:
        session = self._session(pk)
        data = CongressDelegateCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = member_by_mobile(data.validated_data["member_mobile"])
        if member is None:
            raise ServiceError("delegate_member_unknown", _("No member on the roster has this mobile number."),
                               field="member_mobile")  # fmt: skip
        delegate = delegate_add(session=session, member=member, constituency=data.validated_data["constituency"],
                                by=request.user)  # fmt: skip
        return Response(CongressDelegateSerializer(delegate).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=CongressAttendanceSerializer,
        responses=CongressSessionSerializer,
        summary="Record attendance / 签到",
    )
    @action(detail=True, methods=["post"])
    def attendance(self, request: Request, pk: str) -> Response:
        session = self._session(pk)
        data = CongressAttendanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attendance_record(session=session, present_ids=data.validated_data["present"], by=request.user)
        return self._done(session)

    @extend_schema(
        request=None, responses=CongressSessionSerializer, summary="Convene (two thirds present) / 开会"
    )
    @action(detail=True, methods=["post"])
    def open(self, request: Request, pk: str) -> Response:
        return self._done(session_open(session=self._session(pk), by=request.user))

    @extend_schema(request=None, responses=CongressSessionSerializer, summary="Close the session / 闭会")
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        return self._done(session_close(session=self._session(pk), by=request.user))

    @extend_schema(
        request=CongressTextSerializer,
        responses=CongressSessionSerializer,
        summary="Add an agenda item / 增加议程",
    )
    @action(detail=True, methods=["post"])
    def agenda(self, request: Request, pk: str) -> Response:
        session = self._session(pk)
        data = CongressTextSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        agenda_item_add(session=session, title=data.validated_data["text"], by=request.user)
        return self._done(session)

    @extend_schema(
        request=CongressTextSerializer,
        responses=CongressSessionSerializer,
        summary="Save the minutes / 会议纪要",
    )
    @action(detail=True, methods=["post"])
    def minutes(self, request: Request, pk: str) -> Response:
        session = self._session(pk)
        data = CongressTextSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._done(
            session_minutes_save(session=session, minutes=data.validated_data["text"], by=request.user)
        )

    @extend_schema(request=CongressResolutionCreateSerializer, responses={201: CongressResolutionSerializer},
                   summary="Enter a resolution's vote / 表决决议")  # fmt: skip
    @action(detail=True, methods=["post"])
    def resolutions(self, request: Request, pk: str) -> Response:
        session = self._session(pk)
        data = CongressResolutionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        resolution = resolution_record(session=session, by=request.user, **data.validated_data)
        return Response(CongressResolutionSerializer(resolution).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Motions under review and their replies / 提案办理"),
    retrieve=extend_schema(summary="One motion / 提案"),
)
class CongressMotionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Submitted motions, for the motions committee; ``?status=`` (``overdue`` for late replies)."""

    permission_classes = [MotionPermission]
    serializer_class = CongressMotionSerializer
    queryset = Motion.objects.none()

    def get_queryset(self):
        wanted = self.request.query_params.get("status", "")
        return motions_for_staff(status=wanted if wanted in (*Motion.Status.values, "overdue") else "")

    @extend_schema(
        request=CongressMotionReviewSerializer,
        responses=CongressMotionSerializer,
        summary="Review / 审查立案",
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        motion = get_object_or_404(self.get_queryset(), pk=pk)
        data = CongressMotionReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            CongressMotionSerializer(
                motion_review(motion=motion, by=request.user, **data.validated_data)
            ).data
        )

    @extend_schema(
        request=CongressTextSerializer,
        responses=CongressMotionSerializer,
        summary="The department's reply / 办理答复",
    )
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: str) -> Response:
        motion = get_object_or_404(self.get_queryset(), pk=pk)
        data = CongressTextSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(CongressMotionSerializer(motion_reply(motion=motion, reply=data.validated_data["text"],
                                                      by=request.user)).data)  # fmt: skip


@extend_schema_view(
    list=extend_schema(summary="Disclosure items (staff) / 厂务公开管理"),
    retrieve=extend_schema(summary="One disclosure item / 厂务公开"),
)
class DisclosureManageViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    permission_classes = [DisclosurePermission]
    serializer_class = CongressDisclosureSerializer
    queryset = DisclosureItem.objects.none()
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_queryset(self):
        return DisclosureItem.objects.all()

    @extend_schema(summary="Record a disclosure item / 新增厂务公开")
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = CongressDisclosureSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = disclosure_save(by=request.user, **data.validated_data)
        return Response(CongressDisclosureSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Change a disclosure item / 修改厂务公开")
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        item = self.get_object()
        data = CongressDisclosureSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            CongressDisclosureSerializer(
                disclosure_save(item=item, by=request.user, **data.validated_data)
            ).data
        )


# --- Delegates and members ------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="My motions and drafts to co-sign / 我的提案"),
    retrieve=extend_schema(summary="One motion / 提案"),
)
class DelegateMotionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A delegate's view: motions of the sessions they sit in (their own, drafts of others to
    co-sign, and submitted ones). Draft, co-sign, submit and rate through the actions."""

    permission_classes = [IsUnionMember]
    serializer_class = CongressMotionSerializer
    queryset = Motion.objects.none()

    def get_queryset(self):
        sessions = delegates_of_user(self.request.user).values_list("session_id", flat=True)
        return (
            Motion.objects.filter(session_id__in=sessions)
            .select_related("proposer__member", "session")
            .order_by("-pk")
        )

    @extend_schema(
        request=CongressMotionDraftSerializer,
        responses={201: CongressMotionSerializer},
        summary="Write a motion / 起草提案",
    )
    def create(self, request: Request) -> Response:
        data = CongressMotionDraftSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        session = get_object_or_404(CongressSession.objects.all(), pk=values.pop("session"))
        motion = motion_draft(session=session, user=request.user, **values)
        return Response(CongressMotionSerializer(motion).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=CongressMotionSerializer, summary="Co-sign / 附议")
    @action(detail=True, methods=["post"])
    def cosign(self, request: Request, pk: str) -> Response:
        motion = get_object_or_404(self.get_queryset(), pk=pk)
        motion_cosign(motion=motion, user=request.user)
        return Response(CongressMotionSerializer(Motion.objects.get(pk=motion.pk)).data)

    @extend_schema(
        request=None, responses=CongressMotionSerializer, summary="Submit (enough co-signers) / 提交提案"
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        motion = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(CongressMotionSerializer(motion_submit(motion=motion, user=request.user)).data)

    @extend_schema(
        request=CongressMotionRateSerializer,
        responses=CongressMotionSerializer,
        summary="Rate the reply / 满意度评价",
    )
    @action(detail=True, methods=["post"])
    def rate(self, request: Request, pk: str) -> Response:
        motion = get_object_or_404(self.get_queryset(), pk=pk)
        data = CongressMotionRateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            CongressMotionSerializer(
                motion_rate(motion=motion, user=request.user, **data.validated_data)
            ).data
        )


@extend_schema_view(
    list=extend_schema(summary="Disclosure items for members / 厂务公开"),
    retrieve=extend_schema(summary="One disclosure item / 厂务公开"),
)
class DisclosureViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsUnionMember]
    serializer_class = CongressDisclosureSerializer
    queryset = DisclosureItem.objects.none()

    def get_queryset(self):
        return disclosures_published()


@extend_schema_view(
    list=extend_schema(summary="Resolutions for members / 职代会决议"),
    retrieve=extend_schema(summary="One resolution / 决议"),
)
class ResolutionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsUnionMember]
    serializer_class = CongressResolutionSerializer
    queryset = Resolution.objects.none()

    def get_queryset(self):
        return resolutions_public()
