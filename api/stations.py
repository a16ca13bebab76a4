"""Service stations and referrals on the federation portal's API (/api/v1/ on the portal): the
stations a federation user oversees, and the referrals at every level in their scope, with
the receiver's actions. Thin: scoping is ``stations.selectors``, changes ``stations.services``; a
referral outside one's scope is not found (404)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from stations.models import ServiceStation, StationReferral
from stations.selectors import (
    referral_history,
    referrals_handled_by,
    referrals_visible_to,
    station_staff,
    stations_visible_to,
)
from stations.services import TRANSITIONS, referral_advance, referral_reads_log


class ServiceStationSerializer(serializers.ModelSerializer):
    street = serializers.CharField(source="street.name", read_only=True)
    street_code = serializers.CharField(source="street.code", read_only=True)
    district = serializers.CharField(source="street.district.name", read_only=True)
    services = serializers.ListField(source="service_list", child=serializers.CharField(), read_only=True)
    staff = serializers.SerializerMethodField()

    class Meta:
        model = ServiceStation
        fields = [
            "id",
            "name",
            "street",
            "street_code",
            "district",
            "address",
            "phone",
            "services",
            "grid_id",
            "staff",
        ]
        read_only_fields = fields

    def get_staff(self, station: ServiceStation) -> list[str]:
        return station_staff(station)


class SharedRowSerializer(serializers.Serializer):
    # a declared field named like Field.label: DRF's metaclass takes it as a field
    label = serializers.CharField()  # type: ignore[assignment]
    value = serializers.CharField()


class EarlierReferralSerializer(serializers.ModelSerializer):
    """A declined referral the current one re-sends: who had it and why they declined."""

    receiver = serializers.CharField(source="receiver_name", read_only=True)

    class Meta:
        model = StationReferral
        fields = ["id", "receiver_kind", "receiver", "sent_at", "status", "status_note", "changed_at"]
        read_only_fields = fields


class StationReferralSerializer(serializers.ModelSerializer):
    """A referral as its receiver (or an overseer) sees it: only the rows the sender shared."""

    union = serializers.CharField(source="union.name", read_only=True)
    station = serializers.CharField(source="station.name", read_only=True, allow_null=True, default=None)
    receiver = serializers.CharField(source="receiver_name", read_only=True)
    shared = SharedRowSerializer(many=True, read_only=True)
    history = serializers.SerializerMethodField()

    class Meta:
        model = StationReferral
        fields = [
            "id", "reference", "union", "receiver_kind", "receiver", "station", "case_kind", "difficulty", "shared",
            "sent_at", "due_on", "status", "status_note", "changed_at", "changed_by_name", "escalated_at", "rating",
            "history",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(EarlierReferralSerializer(many=True))
    def get_history(self, referral: StationReferral) -> list[dict]:
        return list(EarlierReferralSerializer(referral_history(referral), many=True).data)


class ReferralAdvanceSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=sorted(TRANSITIONS))
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ServiceStationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The service stations the signed-in federation user oversees or staffs."""

    permission_classes = [IsAuthenticated]
    serializer_class = ServiceStationSerializer

    def get_queryset(self):
        return stations_visible_to(self.request.user)


class ReferralAdvanceMixin:
    """The receiver moves a referral along: accept, decline, start, close (the station's,
    district's and city's staff on the portal, a sister union's staff on its own host)."""

    get_object: Any

    @extend_schema(
        request=ReferralAdvanceSerializer,
        responses={200: StationReferralSerializer, 400: OpenApiResponse(description="invalid"), 404: None,
                   409: OpenApiResponse(description="wrong state")},
        summary="Accept, decline, start or close a referral / 受理、退回、办理、办结",
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    def advance(self, request: Request, pk: str) -> Response:
        referral = self.get_object()
        data = ReferralAdvanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        updated = referral_advance(
            referral=referral, action=data.validated_data["action"], note=data.validated_data.get("note", ""),
            by=request.user,
        )  # fmt: skip
        return Response(StationReferralSerializer(updated).data)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "mine", bool, description="Only those sent to me (my station, district or the city)"
            ),
            OpenApiParameter("receiver_kind", str, enum=["station", "district", "city", "union"]),
        ]
    )
)
class StationReferralViewSet(
    ReferralAdvanceMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Referrals at every level in the user's scope: station staff their station's, district
    administrators their district's stations', their district centre's and escalated ones, city
    administrators all but sister unions' own; the receiver moves them along."""

    permission_classes = [IsAuthenticated]
    serializer_class = StationReferralSerializer

    def get_queryset(self):
        user = self.request.user
        referrals = referrals_visible_to(user)
        if self.request.query_params.get("mine") in ("1", "true"):
            referrals = referrals & referrals_handled_by(user)
        kind = self.request.query_params.get("receiver_kind")
        if kind:
            referrals = referrals.filter(receiver_kind=kind)
        return referrals.select_related("union").order_by("-received_at", "-pk")

    def list(self, request: Request, *args, **kwargs) -> Response:
        response = super().list(request, *args, **kwargs)
        data = response.data
        ids = [row["id"] for row in (data["results"] if isinstance(data, dict) else data)]
        referral_reads_log(referrals=self.get_queryset().filter(pk__in=ids), user=request.user, via="api")
        return response

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        referral = self.get_object()
        referral_reads_log(referrals=[referral], user=request.user, via="api")
        return Response(self.get_serializer(referral).data)
