"""The organisation API (组织建设): committees with their serving term and positions, terms (no
overlaps), positions held by roster members.

Reading is for staff holding the committee permissions (chairman, officers); the public identity
board is the site's people page. Thin: reads from ``tenants.committees.selectors``, writes
through its services.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404  # 404 (not 500) for a malformed id too
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.committees.models import Committee, Position, Term
from tenants.committees.permissions import committee_policy
from tenants.committees.selectors import positions_sorted, term_is_overdue
from tenants.committees.services import (
    committee_create,
    position_assign,
    position_remove,
    position_update,
    term_create,
)
from tenants.membership.selectors import member_by_mobile
from workershome.errors import ServiceError

from .members import PolicyPermission


class CommitteePermission(PolicyPermission):
    policy = committee_policy


class PositionSerializer(serializers.ModelSerializer):
    member = serializers.IntegerField(source="member_id", read_only=True)
    name = serializers.CharField(source="member.name", read_only=True)
    badge_number = serializers.CharField(source="member.badge_number", read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Position
        fields = ["id", "term", "member", "name", "role", "role_label", "duties", "badge_number",
                  "public_mobile", "public_email", "order"]  # fmt: skip
        read_only_fields = fields


class TermSerializer(serializers.ModelSerializer):
    overdue = serializers.SerializerMethodField()
    positions = serializers.SerializerMethodField()

    class Meta:
        model = Term
        fields = ["id", "committee", "number", "years", "starts_on", "ends_on", "elected_at_meeting", "overdue",
                  "positions"]  # fmt: skip
        read_only_fields = fields

    def get_overdue(self, term: Term) -> bool:
        return term_is_overdue(term)

    @extend_schema_field(PositionSerializer(many=True))
    def get_positions(self, term: Term) -> Any:
        return PositionSerializer(positions_sorted(term.positions.select_related("member")), many=True).data


class CommitteeSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    terms = TermSerializer(many=True, read_only=True)

    class Meta:
        model = Committee
        fields = ["id", "kind", "kind_label", "name", "description", "order", "terms"]
        read_only_fields = fields


class CommitteeCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Committee.Kind.values)
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class TermCreateSerializer(serializers.Serializer):
    number = serializers.IntegerField(min_value=1, max_value=99)
    years = serializers.ChoiceField(choices=Term.Years.values)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, default=None,
                                    help_text="Defaults to the day before the election's anniversary.")  # fmt: skip
    elected_at_meeting = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class PositionCreateSerializer(serializers.Serializer):
    term = serializers.IntegerField()
    member_mobile = serializers.CharField(max_length=20, help_text="A member on the roster.")
    role = serializers.ChoiceField(choices=Position.Role.choices)
    duties = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    public_mobile = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    public_email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")


class PositionUpdateSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Position.Role.choices)
    duties = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    public_mobile = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    public_email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(summary="Committees, terms and positions / 委员会与任期"),
    retrieve=extend_schema(summary="One committee / 委员会"),
)
class CommitteeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The union's committees, each with its terms (newest first), the overdue flag and positions."""

    permission_classes = [CommitteePermission]
    serializer_class = CommitteeSerializer
    queryset = Committee.objects.none()

    def get_queryset(self):
        return Committee.objects.prefetch_related("terms").order_by("order", "pk")

    @extend_schema(request=CommitteeCreateSerializer, responses={201: CommitteeSerializer},
                   summary="Add a committee / 添加委员会")  # fmt: skip
    def create(self, request: Request) -> Response:
        data = CommitteeCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        committee = committee_create(by=request.user, **data.validated_data)
        return Response(CommitteeSerializer(committee).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TermCreateSerializer, responses={201: TermSerializer},
                   summary="Add a term (no overlaps) / 新增任期")  # fmt: skip
    @action(detail=True, methods=["post"])
    def terms(self, request: Request, pk: str) -> Response:
        committee = get_object_or_404(self.get_queryset(), pk=pk)
        data = TermCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        term = term_create(committee=committee, by=request.user, **data.validated_data)
        return Response(TermSerializer(term).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Positions / 职务"),
    retrieve=extend_schema(summary="One position / 职务"),
)
class PositionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Positions held by roster members; ``?term=`` for one term's."""

    permission_classes = [CommitteePermission]
    serializer_class = PositionSerializer
    queryset = Position.objects.none()

    def get_queryset(self):
        positions = Position.objects.select_related("member").order_by("term", "order", "pk")
        term = self.request.query_params.get("term")
        if term and term.isdigit():
            positions = positions.filter(term_id=int(term))
        return positions

    @extend_schema(request=PositionCreateSerializer, responses={201: PositionSerializer},
                   summary="Assign a position / 任命职务")  # fmt: skip
    def create(self, request: Request) -> Response:
        data = PositionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        term = get_object_or_404(Term, pk=values.pop("term"))
        member = member_by_mobile(values.pop("member_mobile"))
        if member is None:
            from django.utils.translation import gettext_lazy as _

            raise ServiceError("position_member_unknown", _("No member on the roster has this mobile number."),
                               field="member_mobile")  # fmt: skip
        position = position_assign(term=term, member=member, by=request.user, **values)
        return Response(PositionSerializer(position).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=PositionUpdateSerializer, responses=PositionSerializer, summary="Change a position / 修改职务"
    )
    def update(self, request: Request, pk: str) -> Response:
        position = get_object_or_404(self.get_queryset(), pk=pk)
        data = PositionUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        position = position_update(position=position, by=request.user, **data.validated_data)
        return Response(PositionSerializer(position).data)

    @extend_schema(request=None, responses={204: None}, summary="Remove a position / 免去职务")
    def destroy(self, request: Request, pk: str) -> Response:
        position = get_object_or_404(self.get_queryset(), pk=pk)
        position_remove(position=position, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
