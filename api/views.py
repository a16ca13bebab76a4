"""API views: thin, they call services and selectors."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404  # 404 (not 500) for a malformed id too
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.registry.selectors import districts_administered_by, unions_visible_to
from tenants.registry.services import union_provision, union_set_status
from workershome.errors import ServiceError

from .permissions import IsFederationAdmin
from .serializers import MeSerializer, UnionCreateSerializer, UnionStatusSerializer, UnionSummarySerializer


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer, summary="The signed-in person / 当前用户")
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)


class UnionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The union registry, for federation administrators on the portal (scoped to their area)."""

    permission_classes = [IsFederationAdmin]
    serializer_class = UnionSummarySerializer
    lookup_field = "slug"

    def get_queryset(self):
        return unions_visible_to(self.request.user).order_by("name")

    @extend_schema(
        request=UnionCreateSerializer,
        responses={201: UnionSummarySerializer, 400: OpenApiResponse(description="invalid"), 409: None},
        summary="Provision a union / 新建基层工会",
    )
    def create(self, request: Request) -> Response:
        data = UnionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        allowed = districts_administered_by(request.user)
        if allowed is not None and values["district"].pk not in allowed:
            raise ServiceError(
                "district_forbidden", _("You can only create unions in your own district."), status=403
            )
        result = union_provision(**values)
        return Response(
            UnionSummarySerializer(result.union).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )

    @extend_schema(request=UnionStatusSerializer, responses=UnionSummarySerializer, summary="Suspend / 暂停")
    @action(detail=True, methods=["post"])
    def suspend(self, request: Request, slug: str) -> Response:
        return self._set_status(request, slug, "suspended")

    @extend_schema(
        request=UnionStatusSerializer, responses=UnionSummarySerializer, summary="Reinstate / 恢复"
    )
    @action(detail=True, methods=["post"])
    def reinstate(self, request: Request, slug: str) -> Response:
        return self._set_status(request, slug, "active")

    def _set_status(self, request: Request, slug: str, value: str) -> Response:
        union = get_object_or_404(self.get_queryset(), slug=slug)
        data = UnionStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        union = union_set_status(union=union, status=value, reason=data.validated_data["reason"])
        return Response(UnionSummarySerializer(union).data)
