"""The collective-incident warning API (群体性事件预警) of a union.

Only the union's chairman and officers, on the union's own host: report a warning (what, how
many, where, risk level) and list or read warnings with where each stands with the district
federation. Thin: the report is ``incident_warning_report``, reads are the incidents selectors.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.incidents.choices import (
    LOCATION_MAX_LENGTH,
    MAX_HEADCOUNT,
    SUMMARY_MAX_LENGTH,
    IncidentCategory,
    RiskLevel,
)
from tenants.incidents.models import IncidentWarning
from tenants.incidents.selectors import delivery_states, incident_warnings_visible_to, may_handle_warnings
from tenants.incidents.services import incident_warning_report


class HandlesWarnings(BasePermission):
    """The union's chairman and officers, on the union's own site."""

    message = "warning_staff_only"

    def has_permission(self, request, view) -> bool:
        return may_handle_warnings(request.user)


class FederationStateSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=["pending", "delivered", "escalated", "acknowledged"])
    label = serializers.CharField()  # type: ignore[assignment]  # a field, popped by DRF's metaclass
    delivered_at = serializers.DateTimeField(allow_null=True)
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    escalated_at = serializers.DateTimeField(allow_null=True)
    resend_count = serializers.IntegerField()
    district = serializers.CharField()


class IncidentWarningSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    case = serializers.IntegerField(source="case_id", read_only=True)
    reported_by = serializers.CharField(source="reported_by.get_full_name", default=None, read_only=True)
    federation = serializers.SerializerMethodField()

    class Meta:
        model = IncidentWarning
        fields = [
            "id", "uuid", "reference", "case", "category", "summary", "headcount", "location", "risk_level",
            "expected_at", "reported_at", "reported_by", "federation",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(FederationStateSerializer)
    def get_federation(self, warning: IncidentWarning) -> dict:
        states = self.context.get("states") or delivery_states([warning])
        return FederationStateSerializer(states[warning.pk]).data


class IncidentWarningCreateSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=IncidentCategory.choices)
    summary = serializers.CharField(max_length=SUMMARY_MAX_LENGTH)
    headcount = serializers.IntegerField(min_value=1, max_value=MAX_HEADCOUNT)
    location = serializers.CharField(max_length=LOCATION_MAX_LENGTH)
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices)
    expected_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


@extend_schema_view(
    list=extend_schema(summary="Collective-incident warnings / 群体性事件预警"),
    retrieve=extend_schema(summary="One warning / 预警详情"),
)
class IncidentWarningViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """This union's warnings with the district federation's delivery and acknowledgement."""

    permission_classes = [HandlesWarnings]
    serializer_class = IncidentWarningSerializer

    def get_queryset(self):
        return incident_warnings_visible_to(self.request.user).order_by("-reported_at", "-pk")

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = list(page if page is not None else self.get_queryset())
        data = IncidentWarningSerializer(
            rows, many=True, context={**self.get_serializer_context(), "states": delivery_states(rows)}
        ).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(
        request=IncidentWarningCreateSerializer,
        responses={201: IncidentWarningSerializer, 400: OpenApiResponse(description="invalid"), 403: None},
        summary="Report a warning / 上报群体性事件预警",
    )
    def create(self, request: Request) -> Response:
        data = IncidentWarningCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        warning = incident_warning_report(by=request.user, **data.validated_data)
        return Response(
            IncidentWarningSerializer(warning, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )
