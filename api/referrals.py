"""Referrals on a union's own API (/api/v1/ on the union's host).

``referrals/sent``: the referrals of the cases the user handles — send one (to the street's
station, the district's or the city's service centre, or a sister union), re-send a declined
one, record the worker's rating once closed. ``referrals/received``: for the chairman and
officers, what sister unions referred to this union — only the rows the sender shared — and
the receiver's actions. Thin: rules are ``tenants.referrals_out.services`` and
``stations.services``; anything outside one's scope is not found (404).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from stations.models import Difficulty, ReceiverKind
from stations.selectors import referrals_received_in_union
from tenants.cases.models import Case
from tenants.cases.roles import cases_visible_to
from tenants.privacy.services import sensitive_read_log
from tenants.referrals_out import services
from tenants.referrals_out.models import OutgoingReferral, SharedItem
from workershome.errors import ServiceError

from .stations import ReferralAdvanceMixin, StationReferralSerializer


class OutgoingReferralSerializer(serializers.ModelSerializer):
    """The sender's record: the receiver and the status it last reported."""

    case = serializers.IntegerField(source="case_id", read_only=True)
    reference = serializers.CharField(read_only=True)
    case_kind = serializers.CharField(source="case.kind", read_only=True)
    shared = serializers.ListField(child=serializers.ChoiceField(choices=SharedItem.choices), read_only=True)
    previous = serializers.IntegerField(source="previous_id", read_only=True, allow_null=True)

    class Meta:
        model = OutgoingReferral
        fields = [
            "id", "case", "reference", "case_kind", "receiver_kind", "receiver_name", "shared", "difficulty",
            "sent_at", "status", "status_note", "status_changed_at", "escalated_at", "rating", "previous",
        ]  # fmt: skip
        read_only_fields = fields


class ReferralSendSerializer(serializers.Serializer):
    receiver_kind = serializers.ChoiceField(choices=ReceiverKind.choices)
    station = serializers.IntegerField(
        required=False, allow_null=True, help_text="Only the union's own street station"
    )
    sister_union = serializers.CharField(required=False, allow_blank=True, max_length=63,
                                         help_text="The sister union's schema name")  # fmt: skip
    shared = serializers.ListField(child=serializers.ChoiceField(choices=SharedItem.choices), required=False)
    difficulty = serializers.ChoiceField(choices=Difficulty.choices)
    consent_given = serializers.BooleanField()
    consent_renewed = serializers.BooleanField(
        required=False, default=False,
        help_text="The worker withdrew their consent to referrals earlier and has agreed again, in writing, since "
        "(required then: otherwise the referral is refused with consent_withdrawn).",
    )  # fmt: skip
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ReferralCreateSerializer(ReferralSendSerializer):
    case = serializers.IntegerField()


class ReferralRateSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)


def _send_values(data: dict, user) -> dict:
    return {
        "receiver_kind": data["receiver_kind"], "station_id": data.get("station"),
        "sister_union": data.get("sister_union", ""), "shared": data.get("shared", []),
        "difficulty": data["difficulty"], "consent_given": data["consent_given"],
        "consent_renewed": data.get("consent_renewed", False), "note": data.get("note", ""), "by": user,
    }  # fmt: skip


class OutgoingReferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The union's referrals of the cases the user handles, and sending one."""

    permission_classes = [IsAuthenticated]
    serializer_class = OutgoingReferralSerializer

    def get_queryset(self):
        if not services.refers_cases(self.request.user):
            return OutgoingReferral.objects.none()
        return (
            OutgoingReferral.objects.select_related("case")
            .filter(case__in=cases_visible_to(self.request.user))
            .order_by("-sent_at", "-pk")
        )

    @extend_schema(
        request=ReferralCreateSerializer,
        responses={201: OutgoingReferralSerializer, 400: OpenApiResponse(description="invalid"), 404: None,
                   409: OpenApiResponse(description="already referred, or not referable")},
        summary="Refer a case / 转介案件",
    )  # fmt: skip
    def create(self, request: Request) -> Response:
        data = ReferralCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = Case.objects.filter(pk=data.validated_data["case"]).first()
        if case is None:
            raise ServiceError("referral_case", _("Choose the case to refer."), field="case", status=404)
        referral = services.referral_send(case=case, **_send_values(data.validated_data, request.user))
        return Response(OutgoingReferralSerializer(referral).data, status=201)

    @extend_schema(
        request=ReferralSendSerializer,
        responses={201: OutgoingReferralSerializer, 400: OpenApiResponse(description="invalid"), 404: None,
                   409: OpenApiResponse(description="not declined, or already sent again")},
        summary="Send a declined referral again / 重新转介",
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    def resend(self, request: Request, pk: str) -> Response:
        referral = self.get_object()
        data = ReferralSendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        new = services.referral_resend(referral=referral, **_send_values(data.validated_data, request.user))
        return Response(OutgoingReferralSerializer(new).data, status=201)

    @extend_schema(
        request=ReferralRateSerializer,
        responses={200: OutgoingReferralSerializer, 400: OpenApiResponse(description="invalid"), 404: None,
                   409: OpenApiResponse(description="not closed yet, or already rated")},
        summary="Record the worker's rating / 职工评价",
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    def rate(self, request: Request, pk: str) -> Response:
        referral = self.get_object()
        data = ReferralRateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rated = services.referral_rate(
            referral=referral, rating=data.validated_data["rating"], by=request.user
        )
        return Response(OutgoingReferralSerializer(rated).data)


class ReceivedReferralViewSet(
    ReferralAdvanceMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """收到的转介: what sister unions referred to this union (chairman and officers)."""

    permission_classes = [IsAuthenticated]
    serializer_class = StationReferralSerializer

    def get_queryset(self):
        return referrals_received_in_union(self.request.user).order_by("-received_at", "-pk")

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        referral = self.get_object()
        sensitive_read_log(user=request.user, obj=referral, action="read", via="api", purpose="收到的转介")
        return Response(self.get_serializer(referral).data)
