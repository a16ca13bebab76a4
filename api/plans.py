"""The work-plan API (年度工作计划): plans by year with their figures, items with the overdue
flag, progress notes, adoption and the year-end summary.

Staff holding the plan permissions (chairman, officers write; other staff roles read). Thin:
reads from ``tenants.plans.selectors``, writes through its services.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.membership.selectors import member_by_mobile
from tenants.plans.forms import staff_users
from tenants.plans.models import PlanItem, PlanItemNote, WorkPlan
from tenants.plans.permissions import item_policy, plan_policy
from tenants.plans.selectors import plan_figures, plans_all
from tenants.plans.services import (
    item_cancel,
    item_progress_record,
    item_save,
    plan_adopt,
    plan_create,
    plan_save,
    plan_summary_write,
)
from workershome.errors import ServiceError

from .members import PolicyPermission


class PlanPermission(PolicyPermission):
    policy = plan_policy


class ItemPermission(PolicyPermission):
    policy = item_policy


class PlanFiguresSerializer(serializers.Serializer):
    items = serializers.IntegerField()
    done = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    not_started = serializers.IntegerField()
    overdue = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    progress = serializers.IntegerField(help_text="Average progress (%) of the items not cancelled.")


class WorkPlanSerializer(serializers.ModelSerializer):
    figures = serializers.SerializerMethodField()

    class Meta:
        model = WorkPlan
        fields = ["id", "year", "title", "introduction", "adopted_on", "published", "summary", "summary_written_at",
                  "summary_items", "summary_done", "summary_overdue", "summary_cancelled", "summary_progress",
                  "figures"]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(PlanFiguresSerializer)
    def get_figures(self, plan: WorkPlan) -> Any:
        return PlanFiguresSerializer(plan_figures(plan)).data


class PlanWriteSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=200)
    introduction = serializers.CharField(required=False, allow_blank=True, default="")
    published = serializers.BooleanField(required=False, default=False)


class SummarySerializer(serializers.Serializer):
    summary = serializers.CharField()


class PlanItemNoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanItemNote
        fields = ["id", "written_on", "progress", "note"]
        read_only_fields = fields


class PlanItemSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(read_only=True)
    overdue = serializers.SerializerMethodField()
    notes = PlanItemNoteSerializer(many=True, read_only=True)

    class Meta:
        model = PlanItem
        fields = ["id", "plan", "task", "category", "owner_member", "owner_user", "owner_name", "starts_on", "due_on",
                  "progress", "status", "completed_on", "overdue", "notes"]  # fmt: skip
        read_only_fields = fields

    def get_overdue(self, item: PlanItem) -> bool:
        return item.is_overdue(timezone.localdate())


class PlanItemWriteSerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    task = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=PlanItem.Category.choices)
    owner_mobile = serializers.CharField(max_length=20, required=False, allow_blank=True, default="",
                                         help_text="A roster member's mobile number.")  # fmt: skip
    owner_user = serializers.IntegerField(required=False, allow_null=True, default=None,
                                          help_text="A staff user's id (instead of a roster member).")  # fmt: skip
    starts_on = serializers.DateField()
    due_on = serializers.DateField()


class ProgressSerializer(serializers.Serializer):
    progress = serializers.IntegerField(min_value=0, max_value=100)
    note = serializers.CharField()


class CancelSerializer(serializers.Serializer):
    note = serializers.CharField(help_text="Why the item is cancelled.")


@extend_schema_view(
    list=extend_schema(summary="Annual work plans / 年度工作计划"),
    retrieve=extend_schema(summary="One work plan / 工作计划"),
)
class WorkPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The union's plans, newest year first, each with its figures and year-end summary."""

    permission_classes = [PlanPermission]
    serializer_class = WorkPlanSerializer
    queryset = WorkPlan.objects.none()

    def get_queryset(self):
        return plans_all()

    @extend_schema(
        request=PlanWriteSerializer, responses={201: WorkPlanSerializer}, summary="Make a plan / 制定计划"
    )
    def create(self, request: Request) -> Response:
        data = PlanWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = plan_create(by=request.user, **data.validated_data)
        return Response(WorkPlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=PlanWriteSerializer, responses=WorkPlanSerializer, summary="Change a plan / 修改计划"
    )
    def update(self, request: Request, pk: str) -> Response:
        plan = get_object_or_404(self.get_queryset(), pk=pk)
        data = PlanWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        for name, value in data.validated_data.items():
            setattr(plan, name, value)
        plan = plan_save(plan=plan, by=request.user)
        return Response(WorkPlanSerializer(plan).data)

    @extend_schema(request=None, responses=WorkPlanSerializer, summary="Adopt the plan / 印发计划")
    @action(detail=True, methods=["post"])
    def adopt(self, request: Request, pk: str) -> Response:
        plan = plan_adopt(plan=get_object_or_404(self.get_queryset(), pk=pk), by=request.user)
        return Response(WorkPlanSerializer(plan).data)

    @extend_schema(
        request=SummarySerializer, responses=WorkPlanSerializer, summary="Year-end summary / 年度工作总结"
    )
    @action(detail=True, methods=["post"])
    def summary(self, request: Request, pk: str) -> Response:
        plan = get_object_or_404(self.get_queryset(), pk=pk)
        data = SummarySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = plan_summary_write(plan=plan, summary=data.validated_data["summary"], by=request.user)
        return Response(WorkPlanSerializer(plan).data)


def _owners(values: dict) -> dict:
    mobile = (values.pop("owner_mobile", "") or "").strip()
    user_id = values.pop("owner_user", None)
    owner_member = member_by_mobile(mobile) if mobile else None
    if mobile and owner_member is None:
        from django.utils.translation import gettext_lazy as _

        raise ServiceError("item_owner_unknown", _("No member on the roster has this mobile number."),
                           field="owner_mobile")  # fmt: skip
    owner_user = get_object_or_404(staff_users(), pk=user_id) if user_id else None
    return {"owner_member": owner_member, "owner_user": owner_user}


@extend_schema_view(
    list=extend_schema(summary="Plan items / 计划事项"),
    retrieve=extend_schema(summary="One plan item / 计划事项"),
)
class PlanItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Items of the plans (``?plan=`` for one plan's; ``?overdue=1`` for those past due)."""

    permission_classes = [ItemPermission]
    serializer_class = PlanItemSerializer
    queryset = PlanItem.objects.none()

    def get_queryset(self):
        items = PlanItem.objects.select_related("owner_member", "owner_user").prefetch_related("notes")
        plan = self.request.query_params.get("plan", "")
        if plan.isdigit():
            items = items.filter(plan_id=int(plan))
        if self.request.query_params.get("overdue") == "1":
            items = items.filter(status__in=("not_started", "in_progress"), due_on__lt=timezone.localdate())
        return items

    @extend_schema(request=PlanItemWriteSerializer, responses={201: PlanItemSerializer},
                   summary="Add an item / 添加事项")  # fmt: skip
    def create(self, request: Request) -> Response:
        data = PlanItemWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        plan = get_object_or_404(WorkPlan, pk=values.pop("plan"))
        item = item_save(item=PlanItem(plan=plan, **_owners(values), **values), by=request.user)
        return Response(PlanItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=PlanItemWriteSerializer, responses=PlanItemSerializer, summary="Change an item / 修改事项"
    )
    def update(self, request: Request, pk: str) -> Response:
        item = get_object_or_404(self.get_queryset(), pk=pk)
        data = PlanItemWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("plan")  # an item stays in its plan
        for name, value in {**_owners(values), **values}.items():
            setattr(item, name, value)
        item = item_save(item=item, by=request.user)
        return Response(PlanItemSerializer(item).data)

    @extend_schema(
        request=ProgressSerializer, responses=PlanItemSerializer, summary="Record progress / 记录进展"
    )
    @action(detail=True, methods=["post"])
    def progress(self, request: Request, pk: str) -> Response:
        item = get_object_or_404(self.get_queryset(), pk=pk)
        data = ProgressSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = item_progress_record(item=item, by=request.user, **data.validated_data)
        return Response(PlanItemSerializer(item).data)

    @extend_schema(
        request=CancelSerializer, responses=PlanItemSerializer, summary="Cancel an item / 取消事项"
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        item = get_object_or_404(self.get_queryset(), pk=pk)
        data = CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = item_cancel(item=item, reason=data.validated_data["note"], by=request.user)
        return Response(PlanItemSerializer(item).data)
