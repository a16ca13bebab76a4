"""The roster API (会员管理): members (list, add, change, status), the Excel import with its
row-by-row report, the export and the template, and transfers to and from other unions.

Staff only (the roles holding the roster permissions: chairman and officers), on their own
union's host. Thin: reads from ``tenants.membership.selectors``, every write through its services.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404  # 404 (not 500) for a malformed id too
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.membership.admin_views import xlsx_response
from tenants.membership.models import Member, MemberTransfer
from tenants.membership.permissions import member_policy, transfer_policy
from tenants.membership.roster import roster_export_xlsx, roster_template_xlsx
from tenants.membership.selectors import members_list, transfers_incoming, transfers_outgoing
from tenants.membership.services import (
    member_create,
    member_status_set,
    member_transfer_accept,
    member_transfer_cancel,
    member_transfer_decline,
    member_transfer_request,
    member_update,
    roster_import,
    transfer_targets,
)


class PolicyPermission(BasePermission):
    """The model's Wagtail permission policy: view to read, add to create, change otherwise."""

    policy = member_policy

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        verb = "view" if request.method in ("GET", "HEAD", "OPTIONS") else "change"
        if getattr(view, "action", None) in ("create", "roster_import"):
            verb = "add"
        return self.policy.user_has_permission(request.user, verb)


class RosterPermission(PolicyPermission):
    policy = member_policy


class TransferPermission(PolicyPermission):
    policy = transfer_policy


# --- Serializers --------------------------------------------------------------------------------


class MemberSerializer(serializers.ModelSerializer):
    has_account = serializers.SerializerMethodField()

    class Meta:
        model = Member
        fields = [
            "id", "name", "mobile", "gender", "department", "joined_on", "card_number", "badge_number",
            "status", "status_changed_on", "note", "has_account", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_has_account(self, member: Member) -> bool:
        return member.account_id is not None


class MemberWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    mobile = serializers.CharField(max_length=20)
    gender = serializers.ChoiceField(choices=["", *Member.Gender.values], required=False, default="")
    department = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    joined_on = serializers.DateField(required=False, allow_null=True, default=None)
    card_number = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    badge_number = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[Member.Status.ACTIVE, Member.Status.LEFT])


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="An .xlsx workbook with the template's columns, at most 10 MB.")


class RowProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row number in the sheet (row 1 holds the column names).")
    column = serializers.CharField()
    message = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    rejected_rows = serializers.IntegerField()
    problems = RowProblemSerializer(many=True)


class TransferSerializer(serializers.ModelSerializer):
    union = serializers.CharField(source="peer_union.name", read_only=True)

    class Meta:
        model = MemberTransfer
        fields = [
            "id", "reference", "direction", "union", "member", "name", "mobile", "reason", "status",
            "decline_reason", "requested_at", "decided_at",
        ]  # fmt: skip
        read_only_fields = fields


class TransferCreateSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    to_union = serializers.SlugField(help_text="The receiving union's slug (from the registry).")
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class UnionChoiceSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


# --- Views --------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="The roster / 会员名册"),
    retrieve=extend_schema(summary="One member / 会员"),
)
class MemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """This union's roster. Filter with ``?status=active|transferred_out|left`` and ``?q=`` (name,
    mobile, department or card number)."""

    permission_classes = [RosterPermission]
    serializer_class = MemberSerializer
    queryset = Member.objects.none()

    def get_queryset(self):
        members = members_list().order_by("department", "name", "pk")
        status_filter = self.request.query_params.get("status")
        if status_filter in Member.Status.values:
            members = members.filter(status=status_filter)
        query = (self.request.query_params.get("q") or "").strip()
        if query:
            from django.db.models import Q

            members = members.filter(
                Q(name__icontains=query) | Q(mobile__contains=query) | Q(department__icontains=query)
                | Q(card_number__icontains=query)
            )  # fmt: skip
        return members

    @extend_schema(
        request=MemberWriteSerializer, responses={201: MemberSerializer}, summary="Add a member / 添加会员"
    )
    def create(self, request: Request) -> Response:
        data = MemberWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = member_create(by=request.user, **data.validated_data)
        return Response(MemberSerializer(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=MemberWriteSerializer, responses=MemberSerializer, summary="Change a member / 修改会员"
    )
    def update(self, request: Request, pk: str) -> Response:
        member = get_object_or_404(self.get_queryset(), pk=pk)
        data = MemberWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            MemberSerializer(member_update(member=member, by=request.user, **data.validated_data)).data
        )

    @extend_schema(
        request=StatusSerializer, responses=MemberSerializer, summary="Member left or active / 会员状态"
    )
    @action(detail=True, methods=["post"])
    def status(self, request: Request, pk: str) -> Response:
        member = get_object_or_404(self.get_queryset(), pk=pk)
        data = StatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = member_status_set(member=member, status=data.validated_data["status"], by=request.user)
        return Response(MemberSerializer(member).data)

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer}, responses=ImportReportSerializer,
        summary="Import the roster from Excel / 导入会员名册",
        description="Every good row is saved; each refused row is reported with its reason. Wrong columns "
        "refuse the whole file (400, code roster_columns).",
    )  # fmt: skip
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def roster_import(self, request: Request) -> Response:
        data = ImportUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = roster_import(upload=data.validated_data["file"], by=request.user)
        return Response(ImportReportSerializer(report).data)

    @extend_schema(
        responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY},
        summary="Export the roster to Excel / 导出会员名册",
    )  # fmt: skip
    @action(detail=False, methods=["get"])
    def export(self, request: Request):
        members = self.get_queryset().iterator(chunk_size=2000)
        return xlsx_response(roster_export_xlsx(members), f"会员名册-{timezone.localdate():%Y%m%d}.xlsx")

    @extend_schema(
        responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY},
        summary="The import template / 名册导入模板",
    )  # fmt: skip
    @action(detail=False, methods=["get"])
    def template(self, request: Request):
        return xlsx_response(roster_template_xlsx(), "会员名册导入模板.xlsx")


@extend_schema_view(
    list=extend_schema(summary="Member transfers in and out / 会员转接"),
    retrieve=extend_schema(summary="One transfer / 转接申请"),
)
class MemberTransferViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Transfers this union sent (``direction=outgoing``) and those addressed to it (``incoming``).
    Only the receiving union accepts or declines; only the sender withdraws."""

    permission_classes = [TransferPermission]
    serializer_class = TransferSerializer
    queryset = MemberTransfer.objects.none()

    def get_queryset(self):
        direction = self.request.query_params.get("direction")
        if direction == MemberTransfer.Direction.INCOMING:
            return transfers_incoming()
        if direction == MemberTransfer.Direction.OUTGOING:
            return transfers_outgoing()
        return MemberTransfer.objects.select_related("peer_union").order_by("-requested_at", "-pk")

    @extend_schema(request=TransferCreateSerializer, responses={201: TransferSerializer},
                   summary="Request a transfer to another union / 申请转出")  # fmt: skip
    def create(self, request: Request) -> Response:
        data = TransferCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = get_object_or_404(members_list(), pk=data.validated_data["member"])
        target = transfer_targets().filter(slug=data.validated_data["to_union"]).first()
        transfer = member_transfer_request(
            member=member, to_union=target, reason=data.validated_data["reason"], by=request.user
        )
        return Response(TransferSerializer(transfer).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None, responses=TransferSerializer, summary="Accept an incoming transfer / 接收转入"
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        transfer = get_object_or_404(MemberTransfer, pk=pk)
        return Response(TransferSerializer(member_transfer_accept(transfer=transfer, by=request.user)).data)

    @extend_schema(
        request=DeclineSerializer,
        responses=TransferSerializer,
        summary="Decline an incoming transfer / 拒绝转入",
    )
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        transfer = get_object_or_404(MemberTransfer, pk=pk)
        data = DeclineSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        transfer = member_transfer_decline(
            transfer=transfer, by=request.user, reason=data.validated_data["reason"]
        )
        return Response(TransferSerializer(transfer).data)

    @extend_schema(
        request=None, responses=TransferSerializer, summary="Withdraw an outgoing transfer / 撤回转出"
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        transfer = get_object_or_404(MemberTransfer, pk=pk)
        return Response(TransferSerializer(member_transfer_cancel(transfer=transfer, by=request.user)).data)

    @extend_schema(responses=UnionChoiceSerializer(many=True), summary="Unions to transfer to / 可转入的工会",
                   description="Every active union but this one.")  # fmt: skip
    @action(detail=False, methods=["get"])
    def targets(self, request: Request) -> Response:
        return Response(UnionChoiceSerializer(transfer_targets(), many=True).data)
