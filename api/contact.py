"""The worker contact API: frontline visits and symposiums with their issues, "open a case" on
an issue (staff), and the signed inbound endpoint of the hotline and SMS platforms.

Thin: reads from ``tenants.contact.selectors``, every write through its services.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404  # 404 (not 500) for a malformed id too
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.cases.kinds import KINDS
from tenants.cases.models import Case
from tenants.contact.models import ContactActivity, RaisedIssue
from tenants.contact.permissions import records_contact
from tenants.contact.selectors import activities_list, issues_list, member_by_mobile
from tenants.contact.services import (
    contact_activity_record,
    contact_issue_add,
    contact_issue_case_open,
    inbound_message_receive,
)
from tenants.users.models import User
from workershome.errors import ServiceError


class IsContactStaff(BasePermission):
    """Staff who record worker contact (chairman, officers) on their own union's host."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and records_contact(request.user))


def _member(mobile: str, field: str):
    member = member_by_mobile(mobile) if mobile else None
    if mobile and member is None:
        raise ServiceError(
            "contact_member_unknown", _("No member of this union has this mobile number."), field=field
        )
    return member


# --- Serializers --------------------------------------------------------------------------------


class ContactCaseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    reference = serializers.CharField()
    status = serializers.CharField()


class IssueSerializer(serializers.ModelSerializer):
    activity = serializers.IntegerField(source="activity_id", read_only=True)
    raised_by = serializers.IntegerField(source="raised_by_id", read_only=True, allow_null=True)
    case = ContactCaseRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = RaisedIssue
        fields = ["id", "activity", "summary", "details", "raised_by", "raised_by_name", "case"]
        read_only_fields = fields


class IssueCreateSerializer(serializers.Serializer):
    summary = serializers.CharField(max_length=200)
    details = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    raised_by_mobile = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text="The member who raised it, by mobile number.",
    )
    raised_by_name = serializers.CharField(max_length=50, required=False, allow_blank=True)


class ActivitySerializer(serializers.ModelSerializer):
    host = serializers.CharField(source="host.get_full_name", default=None, read_only=True)
    attendees = serializers.SerializerMethodField()
    issues = serializers.SerializerMethodField()

    class Meta:
        model = ContactActivity
        fields = [
            "id", "kind", "title", "held_on", "place", "host", "attendees", "other_attendees", "minutes", "issues",
            "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_attendees(self, activity: ContactActivity) -> list[int]:
        return [a.member_id for a in activity.attendances.all() if a.member_id]

    @extend_schema_field(IssueSerializer(many=True))
    def get_issues(self, activity: ContactActivity) -> list:
        issues = activity.issues.select_related("case").order_by("sort_order", "pk")
        return list(IssueSerializer(issues, many=True).data)


class ActivityCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ContactActivity.Kind.values)
    title = serializers.CharField(max_length=200)
    held_on = serializers.DateField()
    place = serializers.CharField(max_length=100)
    attendees = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, max_length=2000,
        help_text="Ids of the members who took part.",
    )  # fmt: skip
    other_attendees = serializers.IntegerField(min_value=0, max_value=100000, required=False, default=0)
    minutes = serializers.CharField(max_length=50000, required=False, allow_blank=True, default="")
    issues = IssueCreateSerializer(many=True, required=False, default=list)


class CaseFromIssueSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    category = serializers.ChoiceField(choices=KINDS["appeal"].categories, required=False, allow_blank=True)
    priority = serializers.ChoiceField(
        choices=Case.Priority.choices, required=False, default=Case.Priority.NORMAL
    )


class InboundMessageSerializer(serializers.Serializer):
    """The body a platform sends (signed as raw bytes; see docs/inbound.md)."""

    message_id = serializers.CharField(
        max_length=64,
        required=False,
        help_text="The platform's own id; a retry with the same id makes no second case.",
    )
    caller = serializers.CharField(max_length=30, help_text="The caller's or sender's phone number.")
    caller_name = serializers.CharField(max_length=50, required=False)
    subject = serializers.CharField(max_length=200, required=False)
    text = serializers.CharField(max_length=5000, help_text="What the caller said, or the SMS text.")


class InboundResultSerializer(serializers.Serializer):
    reference = serializers.CharField(source="case.reference")
    duplicate = serializers.SerializerMethodField()

    def get_duplicate(self, result) -> bool:
        return not result.created


# --- Views --------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Frontline visits and symposiums / 走访和座谈",
        parameters=[OpenApiParameter("kind", str, enum=ContactActivity.Kind.values)],
    ),
    retrieve=extend_schema(summary="One activity / 走访座谈记录"),
)
class ContactActivityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Frontline visits and symposiums, with who took part, the minutes and the issues raised."""

    permission_classes = [IsContactStaff]
    serializer_class = ActivitySerializer
    queryset = ContactActivity.objects.none()

    def get_queryset(self):
        qs = activities_list().prefetch_related("attendances").order_by("-held_on", "-pk")
        kind = self.request.query_params.get("kind")
        return qs.filter(kind=kind) if kind in ContactActivity.Kind.values else qs

    @extend_schema(
        request=ActivityCreateSerializer, responses={201: ActivitySerializer},
        summary="Record an activity / 登记走访座谈",
    )  # fmt: skip
    def create(self, request: Request) -> Response:
        data = ActivityCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        ids = set(values.pop("attendees"))
        members = list(User.objects.filter(pk__in=ids, is_active=True))
        if len(members) != len(ids):
            raise ServiceError(
                "contact_attendee_unknown", _("Some of the members who took part are not in this union."),
                field="attendees",
            )  # fmt: skip
        issues = [
            {
                "summary": issue["summary"],
                "details": issue.get("details", ""),
                "raised_by": _member(issue.get("raised_by_mobile", ""), "issues"),
                "raised_by_name": issue.get("raised_by_name", ""),
            }
            for issue in values.pop("issues")
        ]
        activity = contact_activity_record(by=request.user, attendees=members, issues=issues, **values)
        return Response(ActivitySerializer(activity).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=IssueCreateSerializer, responses={201: IssueSerializer}, summary="Add an issue / 记录问题"
    )
    @action(detail=True, methods=["post"])
    def issues(self, request: Request, pk: str) -> Response:
        activity = get_object_or_404(self.get_queryset(), pk=pk)
        data = IssueCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        raised_by = _member(values.pop("raised_by_mobile", ""), "raised_by_mobile")
        issue = contact_issue_add(activity=activity, by=request.user, raised_by=raised_by, **values)
        return Response(IssueSerializer(issue).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="Issues raised / 职工反映的问题",
        parameters=[
            OpenApiParameter("has_case", bool, description="Only those that are (or are not) cases.")
        ],
    ),
    retrieve=extend_schema(summary="One issue / 问题"),
)
class RaisedIssueViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The issues raised at frontline visits and symposiums, and the case each became."""

    permission_classes = [IsContactStaff]
    serializer_class = IssueSerializer
    queryset = RaisedIssue.objects.none()

    def get_queryset(self):
        qs = issues_list()
        has_case = self.request.query_params.get("has_case")
        if has_case in ("true", "1"):
            qs = qs.filter(case__isnull=False)
        elif has_case in ("false", "0"):
            qs = qs.filter(case__isnull=True)
        return qs

    @extend_schema(
        request=CaseFromIssueSerializer, responses={201: ContactCaseRefSerializer},
        summary="Open a case from this issue / 由问题立案",
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    def case(self, request: Request, pk: str) -> Response:
        issue = get_object_or_404(self.get_queryset(), pk=pk)
        data = CaseFromIssueSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = contact_issue_case_open(
            issue=issue, by=request.user, title=data.validated_data.get("title", ""),
            category=data.validated_data.get("category", ""), priority=int(data.validated_data["priority"]),
        )  # fmt: skip
        return Response(ContactCaseRefSerializer(case).data, status=status.HTTP_201_CREATED)


_SIGNED = [
    OpenApiParameter("X-Key-Id", str, OpenApiParameter.HEADER, required=True, description="The channel's key id."),
    OpenApiParameter("X-Timestamp", str, OpenApiParameter.HEADER, required=True, description="Unix time, seconds."),
    OpenApiParameter("X-Nonce", str, OpenApiParameter.HEADER, required=True, description="8–64 of [A-Za-z0-9_-], never reused."),
    OpenApiParameter(
        "X-Signature", str, OpenApiParameter.HEADER, required=True,
        description='hex(HMAC-SHA256(secret, timestamp + "\\n" + nonce + "\\n" + raw body))',
    ),
]  # fmt: skip


class InboundMessageView(APIView):
    """A hotline or SMS platform hands in a message, signed with its channel's key; it becomes
    an appeal. No session or token: the HMAC signature is the authentication."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Hand in a hotline call or SMS / 热线、短信平台转入诉求",
        description="Signed with HMAC-SHA256; see docs/inbound.md. Refused with 401 (unsigned, unknown key, "
        "bad signature, stale timestamp, reused nonce) or 403 (channel switched off); nothing is created.",
        parameters=_SIGNED,
        request=InboundMessageSerializer,
        responses={
            201: InboundResultSerializer,
            200: OpenApiResponse(
                InboundResultSerializer, description="A retry of a message already received."
            ),
            400: OpenApiResponse(description="invalid body"),
            401: OpenApiResponse(description="refused signature"),
            403: OpenApiResponse(description="channel switched off"),
        },
    )
    def post(self, request: Request) -> Response:
        headers = request.headers
        result = inbound_message_receive(
            key_id=headers.get("X-Key-Id", ""), timestamp=headers.get("X-Timestamp", ""),
            nonce=headers.get("X-Nonce", ""), signature=headers.get("X-Signature", ""), body=request.body,
        )  # fmt: skip
        return Response(
            InboundResultSerializer(result).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )
