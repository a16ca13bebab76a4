"""The hardship assistance API (困难职工帮扶): household files, consents, assistance, follow-up
visits, the exit review and the due list.

Only the chairman and the officers named on a file read it. Lists show masked values (name
王*明, ID number 110105********1234, no income); a file's full record is read one at a time and
every read, export and refused read is written to the privacy audit log. Thin: reads from the
hardship selectors, every write through its services.
"""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.cases.roles import roles_of
from tenants.hardship.access import files_visible_to, handles_hardship, may_read
from tenants.hardship.exports import file_csv_response
from tenants.hardship.models import (
    AssistanceRecord,
    FollowUpVisit,
    HardshipFile,
    HardshipKind,
    HouseholdMember,
    Tier,
)
from tenants.hardship.selectors import followups_due
from tenants.hardship.services import (
    assistance_record,
    followup_record,
    hardship_exit_decide,
    hardship_exit_propose,
    hardship_file_open,
    hardship_officers_set,
)
from tenants.privacy.masking import mask_amount, mask_id_number, mask_name
from tenants.privacy.models import Consent, ConsentScope
from tenants.privacy.services import consent_record, consent_withdraw, sensitive_read_log
from tenants.users.models import User

MONEY_ROLES = ("chairman", "officer")


class HandlesHardship(BasePermission):
    """The chairman and union officers, on their own union's host."""

    def has_permission(self, request, view) -> bool:
        if getattr(view, "action", None) in ("retrieve", "export"):
            return True  # one file: anyone not entitled is refused by ``file_for_read``, and audited
        return bool(request.user and request.user.is_authenticated and handles_hardship(request.user))


def _id(value) -> int | None:
    """A database id from a URL or query string, or None (never an out-of-range number)."""
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def file_for_read(request: Request, pk, *, action: str, purpose: str) -> HardshipFile:
    """The file, with the read logged; someone not entitled gets a 404 and a ``refused`` row."""
    number = _id(pk)
    file = HardshipFile.objects.filter(pk=number).select_related("case", "worker").first() if number else None
    if file is None:
        raise Http404
    if not may_read(request.user, file):
        sensitive_read_log(user=request.user, obj=file, action="refused", via="api", purpose=purpose)
        raise Http404
    sensitive_read_log(user=request.user, obj=file, action=action, via="api", purpose=purpose)
    return file


# --- Serializers ----------------------------------------------------------------------------------


class HardshipFileListSerializer(serializers.ModelSerializer):
    """A row of a list: masked, no income, causes or health."""

    reference = serializers.CharField(read_only=True)
    worker_name = serializers.SerializerMethodField()
    id_number = serializers.SerializerMethodField(help_text="Masked: region and last four digits.")

    class Meta:
        model = HardshipFile
        fields = ["id", "reference", "worker_name", "id_number", "kind", "tier", "status", "opened_at",
                  "next_followup_on", "last_followup_on"]  # fmt: skip
        read_only_fields = fields

    def get_worker_name(self, file: HardshipFile) -> str:
        return mask_name(file.worker.name or file.worker.get_full_name())

    def get_id_number(self, file: HardshipFile) -> str:
        return mask_id_number(file.id_number)


class HouseholdMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = HouseholdMember
        fields = ["id", "name", "relation", "id_number", "health"]
        read_only_fields = ["id"]


class AssistanceSerializer(serializers.ModelSerializer):
    amount = serializers.SerializerMethodField()

    class Meta:
        model = AssistanceRecord
        fields = ["id", "form", "amount", "source", "description", "given_on"]
        read_only_fields = fields

    def get_amount(self, record: AssistanceRecord) -> str:
        return mask_amount(record.amount, roles=roles_of(self.context["request"].user), allowed=MONEY_ROLES)


class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUpVisit
        fields = ["id", "visited_on", "method", "situation", "findings", "household_income", "was_due_on"]
        read_only_fields = fields


class HardshipFileSerializer(HardshipFileListSerializer):
    """One file in full, for the chairman and the officers named on it (the read is logged)."""

    worker_name = serializers.CharField(source="worker.name", read_only=True)  # type: ignore[assignment]
    id_number = serializers.CharField(read_only=True)  # type: ignore[assignment]
    monthly_income = serializers.DecimalField(max_digits=10, decimal_places=2, read_only=True)
    members = HouseholdMemberSerializer(many=True, read_only=True)
    assistance = AssistanceSerializer(many=True, read_only=True)
    visits = FollowUpSerializer(many=True, read_only=True)
    officers = serializers.SerializerMethodField()

    class Meta(HardshipFileListSerializer.Meta):
        fields = [*HardshipFileListSerializer.Meta.fields, "household_size", "monthly_income", "causes", "health",
                  "members", "assistance", "visits", "officers", "exit_reason", "exited_at", "watch_until"]  # fmt: skip
        read_only_fields = fields

    def get_officers(self, file: HardshipFile) -> list[str]:
        return [person.name or person.get_full_name() for person in file.officers.all()]


class MemberInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    relation = serializers.ChoiceField(choices=HouseholdMember.Relation.choices)
    id_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    health = serializers.CharField(required=False, allow_blank=True)


class HardshipFileOpenSerializer(serializers.Serializer):
    worker = serializers.IntegerField(help_text="The member's user id in this union.")
    kind = serializers.ChoiceField(choices=HardshipKind.choices)
    tier = serializers.ChoiceField(choices=Tier.choices)
    id_number = serializers.CharField(max_length=20)
    monthly_income = serializers.DecimalField(max_digits=12, decimal_places=2)
    household_size = serializers.IntegerField()
    causes = serializers.CharField()
    health = serializers.CharField(required=False, allow_blank=True, default="")
    members = MemberInputSerializer(many=True, required=False, default=list)


class AssistanceInputSerializer(serializers.Serializer):
    form = serializers.ChoiceField(choices=AssistanceRecord.Form.choices)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, default=Decimal("0"))
    source = serializers.ChoiceField(choices=AssistanceRecord.Source.choices)  # type: ignore[assignment]
    description = serializers.CharField(max_length=300)
    given_on = serializers.DateField()


class FollowUpInputSerializer(serializers.Serializer):
    visited_on = serializers.DateField()
    method = serializers.ChoiceField(choices=FollowUpVisit.Method.choices)
    situation = serializers.ChoiceField(choices=FollowUpVisit.Situation.choices)
    findings = serializers.CharField()
    household_income = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )


class ExitProposeSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ExitDecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class OfficersSerializer(serializers.Serializer):
    officers = serializers.ListField(
        child=serializers.IntegerField(), help_text="User ids of union officers."
    )


class ConsentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Consent
        fields = ["id", "worker", "scope", "purpose", "method", "given_at", "withdrawn_at"]
        read_only_fields = ["id", "withdrawn_at"]
        extra_kwargs = {"given_at": {"required": False}}


def _member(pk: int) -> User:
    worker = User.objects.filter(pk=pk, is_active=True).first() if 0 < pk < 2**63 else None
    if worker is None:
        raise serializers.ValidationError({"worker": [_("No such member in this union.")]})
    return worker


# --- Views ----------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(description="The files the caller may read (chairman: all; an officer: the files naming them), masked."),
    retrieve=extend_schema(description="One file in full. The read is written to the sensitive-data audit log."),
    create=extend_schema(request=HardshipFileOpenSerializer, responses={201: HardshipFileSerializer},
                         description="Open a household file; the worker's consent (scope hardship) must be recorded first."),
)  # fmt: skip
class HardshipFileViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    permission_classes = [IsAuthenticated, HandlesHardship]
    serializer_class = HardshipFileListSerializer

    def get_queryset(self):
        return (
            files_visible_to(self.request.user).select_related("case", "worker").order_by("-opened_at", "-pk")
        )

    def retrieve(self, request: Request, pk=None) -> Response:
        file = file_for_read(request, pk, action="read", purpose="查看帮扶档案")
        return Response(HardshipFileSerializer(file, context={"request": request}).data)

    def create(self, request: Request) -> Response:
        data = HardshipFileOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["worker"] = _member(values["worker"])
        file = hardship_file_open(**values, by=request.user)
        sensitive_read_log(user=request.user, obj=file, action="read", via="api", purpose="建立帮扶档案")
        return Response(
            HardshipFileSerializer(file, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR},
                   description="The file as CSV (one row per field). The export is written to the audit log.")  # fmt: skip
    @action(detail=True, methods=["get"])
    def export(self, request: Request, pk=None) -> HttpResponse:
        file = file_for_read(request, pk, action="export", purpose="导出帮扶档案")
        return file_csv_response(file)

    @extend_schema(request=AssistanceInputSerializer, responses={201: AssistanceSerializer})
    @action(detail=True, methods=["post"])
    def assistance(self, request: Request, pk=None) -> Response:
        file = file_for_read(request, pk, action="read", purpose="记录帮扶")
        data = AssistanceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = assistance_record(file=file, **data.validated_data, by=request.user)
        return Response(
            AssistanceSerializer(record, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=FollowUpInputSerializer, responses={201: FollowUpSerializer})
    @action(detail=True, methods=["post"])
    def followups(self, request: Request, pk=None) -> Response:
        file = file_for_read(request, pk, action="read", purpose="记录回访")
        data = FollowUpInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        visit = followup_record(file=file, **data.validated_data, by=request.user)
        return Response(FollowUpSerializer(visit).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ExitProposeSerializer, responses={200: HardshipFileListSerializer})
    @action(detail=True, methods=["post"], url_path="exit")
    def exit_propose(self, request: Request, pk=None) -> Response:
        file = file_for_read(request, pk, action="read", purpose="提出退出")
        data = ExitProposeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        file = hardship_exit_propose(file=file, reason=data.validated_data["reason"], by=request.user)
        return Response(HardshipFileListSerializer(file).data)

    @extend_schema(request=ExitDecideSerializer, responses={200: HardshipFileListSerializer},
                   description="The chairman approves the exit or sends the file back to assistance.")  # fmt: skip
    @action(detail=True, methods=["post"], url_path="exit-decision")
    def exit_decide(self, request: Request, pk=None) -> Response:
        file = file_for_read(request, pk, action="read", purpose="审核退出")
        data = ExitDecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        file = hardship_exit_decide(file=file, **data.validated_data, by=request.user)
        return Response(HardshipFileListSerializer(file).data)

    @extend_schema(request=OfficersSerializer, responses={200: HardshipFileListSerializer},
                   description="The chairman names the officers who may read and act on the file.")  # fmt: skip
    @action(detail=True, methods=["post"])
    def officers(self, request: Request, pk=None) -> Response:
        file = file_for_read(request, pk, action="read", purpose="指定经办干部")
        data = OfficersSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        people = list(
            User.objects.filter(pk__in=[p for p in data.validated_data["officers"] if 0 < p < 2**63])
        )
        file = hardship_officers_set(file=file, officers=people, by=request.user)
        return Response(HardshipFileListSerializer(file).data)

    @extend_schema(
        description="The due list: the caller's files whose next visit is due within a week, or late."
    )
    @action(detail=False, methods=["get"])
    def due(self, request: Request) -> Response:
        files = followups_due(user=request.user)
        page = self.paginate_queryset(files)
        return self.get_paginated_response(HardshipFileListSerializer(page, many=True).data)


@extend_schema_view(
    create=extend_schema(description="Record a worker's separate consent, with the purpose stated, before sensitive data is collected."),
    list=extend_schema(description="Consents recorded in this union (filter with ?worker=)."),
)  # fmt: skip
class HardshipConsentViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, HandlesHardship]
    serializer_class = ConsentSerializer

    def get_queryset(self):
        consents = Consent.objects.filter(scope=ConsentScope.HARDSHIP)
        worker = _id(self.request.query_params.get("worker"))
        return consents.filter(worker_id=worker) if worker else consents

    def create(self, request: Request) -> Response:
        data = ConsentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        consent = consent_record(
            worker=values["worker"], scope=values["scope"], purpose=values["purpose"], method=values["method"],
            given_at=values.get("given_at"), by=request.user,
        )  # fmt: skip
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: ConsentSerializer},
                   description="The worker withdraws the consent: no new sensitive data is collected under it.")  # fmt: skip
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk=None) -> Response:
        number = _id(pk)
        consent = self.get_queryset().filter(pk=number).first() if number else None
        if consent is None:
            raise Http404
        return Response(ConsentSerializer(consent_withdraw(consent=consent, by=request.user)).data)


__all__ = ["HardshipConsentViewSet", "HardshipFileViewSet"]
