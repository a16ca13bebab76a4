"""The dispute mediation API (劳动争议调解): legal consultations and mediation cases.

Cases are read by mediators and the chairman only: lists show masked names and no dispute
details; one case is read at a time, and every read, export (the agreement PDF) and refused
read is written to the privacy audit log (a refusal answers 404). Consultations are read and
answered by mediators, officers and the chairman. Thin: reads from the mediation selectors and
access rules, every write through its services.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.mediation.access import answers_consultations, handles_mediation, may_read
from tenants.mediation.admin_views import agreement_response
from tenants.mediation.models import ClaimKind, Consultation, LimitExtension, MediationCase, MediationSession
from tenants.mediation.selectors import cases_for, consultations_for, limit_state
from tenants.mediation.services import (
    consultation_answer,
    consultation_log,
    mediation_accept,
    mediation_apply,
    mediation_extend,
    mediation_fail,
    mediation_settle,
    mediation_withdraw,
    session_record,
)
from tenants.privacy.masking import mask_name
from tenants.privacy.services import sensitive_read_log
from tenants.users.models import User


def _id(value) -> int | None:
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and 0 < len(text) <= 18 and int(text) > 0 else None


class HandlesMediation(BasePermission):
    """Mediators and the chairman, on their own union's host."""

    def has_permission(self, request, view) -> bool:
        if getattr(view, "action", None) in ("retrieve", "agreement"):
            return True  # one case: anyone not entitled is refused by ``case_for_read``, and audited
        return bool(request.user and request.user.is_authenticated and handles_mediation(request.user))


class AnswersConsultations(BasePermission):
    """Mediators, officers and the chairman."""

    def has_permission(self, request, view) -> bool:
        if getattr(view, "action", None) == "retrieve":
            return True
        return bool(request.user and request.user.is_authenticated and answers_consultations(request.user))


def case_for_read(request: Request, pk, *, action: str, purpose: str) -> MediationCase:
    number = _id(pk)
    mediation = (
        MediationCase.objects.filter(pk=number).select_related("case", "worker", "mediator").first()
        if number
        else None
    )
    if mediation is None:
        raise Http404
    if not may_read(request.user, mediation):
        sensitive_read_log(user=request.user, obj=mediation, action="refused", via="api", purpose=purpose)
        raise Http404
    sensitive_read_log(user=request.user, obj=mediation, action=action, via="api", purpose=purpose)
    return mediation


def consultation_for_read(request: Request, pk, *, purpose: str) -> Consultation:
    number = _id(pk)
    consultation = Consultation.objects.filter(pk=number).select_related("worker").first() if number else None
    if consultation is None:
        raise Http404
    if not answers_consultations(request.user):
        sensitive_read_log(user=request.user, obj=consultation, action="refused", via="api", purpose=purpose)
        raise Http404
    sensitive_read_log(user=request.user, obj=consultation, action="read", via="api", purpose=purpose)
    return consultation


def _member(pk: int) -> User:
    worker = User.objects.filter(pk=pk, is_active=True).first() if 0 < pk < 2**63 else None
    if worker is None:
        raise serializers.ValidationError({"worker": [_("No such member in this union.")]})
    return worker


# --- Serializers ----------------------------------------------------------------------------------


class MediationCaseListSerializer(serializers.ModelSerializer):
    """A row of a list: masked applicant, no dispute details or amounts."""

    reference = serializers.CharField(read_only=True)
    applicant = serializers.SerializerMethodField()
    limit_state = serializers.SerializerMethodField(help_text="ok, due, overdue, closed or not_accepted.")

    class Meta:
        model = MediationCase
        fields = ["id", "reference", "applicant", "respondent_kind", "claim_kind", "status", "outcome",
                  "applied_at", "accepted_at", "ends_on", "limit_state", "closed_at"]  # fmt: skip
        read_only_fields = fields

    def get_applicant(self, mediation: MediationCase) -> str:
        return mask_name(mediation.worker.name or mediation.worker.get_full_name())

    def get_limit_state(self, mediation: MediationCase) -> str:
        return limit_state(mediation).code


class MediationSessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = MediationSession
        fields = ["id", "number", "held_on", "place", "attendees", "minutes"]
        read_only_fields = fields


class MediationExtensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = LimitExtension
        fields = ["id", "previous_end", "new_end", "reason", "recorded_at"]
        read_only_fields = fields


class MediationCaseSerializer(MediationCaseListSerializer):
    """One case in full, for mediators and the chairman (the read is logged)."""

    applicant = serializers.CharField(source="worker.name", read_only=True)  # type: ignore[assignment]
    sessions = MediationSessionSerializer(many=True, read_only=True)
    extensions = MediationExtensionSerializer(many=True, read_only=True)
    has_agreement = serializers.SerializerMethodField()

    class Meta(MediationCaseListSerializer.Meta):
        fields = [*MediationCaseListSerializer.Meta.fields, "respondent_name", "claim", "amount_claimed",
                  "amount_agreed", "agreement_terms", "agreement_signed_on", "referral_target", "closing_note",
                  "within_limit", "sessions", "extensions", "has_agreement"]  # fmt: skip
        read_only_fields = fields

    def get_has_agreement(self, mediation: MediationCase) -> bool:
        return bool(mediation.agreement_pdf)


class ApplySerializer(serializers.Serializer):
    worker = serializers.IntegerField(help_text="The applicant's user id in this union.")
    respondent_kind = serializers.ChoiceField(choices=MediationCase.RespondentKind.choices)
    respondent_name = serializers.CharField(max_length=200)
    claim_kind = serializers.ChoiceField(choices=ClaimKind.choices)
    claim = serializers.CharField()
    amount_claimed = serializers.CharField(required=False, default="0", help_text="Yuan, e.g. 18600.00.")
    consultation = serializers.IntegerField(required=False, allow_null=True, default=None)
    consent_given = serializers.BooleanField(
        default=False,
        help_text="The worker consented now, the purpose stated; else a recorded consent is needed.",
    )


class SessionInputSerializer(serializers.Serializer):
    held_on = serializers.DateField()
    place = serializers.CharField(max_length=200)
    attendees = serializers.CharField()
    minutes = serializers.CharField()


class ExtendSerializer(serializers.Serializer):
    new_end = serializers.DateField()
    reason = serializers.CharField()


class SettleSerializer(serializers.Serializer):
    amount_agreed = serializers.CharField(help_text="Yuan, e.g. 15000.")
    terms = serializers.CharField()
    signed_on = serializers.DateField(required=False, allow_null=True, default=None)


class FailSerializer(serializers.Serializer):
    referral_target = serializers.ChoiceField(choices=MediationCase.ReferralTarget.choices)
    note = serializers.CharField()


class WithdrawSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ConsultationSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    worker_name = serializers.CharField(source="worker.name", read_only=True)

    class Meta:
        model = Consultation
        fields = ["id", "reference", "worker", "worker_name", "claim_kind", "channel", "question", "status",
                  "answer", "law_cited", "asked_at", "answered_at"]  # fmt: skip
        read_only_fields = fields


class ConsultationListSerializer(ConsultationSerializer):
    worker_name = serializers.SerializerMethodField()  # type: ignore[assignment]

    class Meta(ConsultationSerializer.Meta):
        fields = [
            "id",
            "reference",
            "worker_name",
            "claim_kind",
            "channel",
            "status",
            "asked_at",
            "answered_at",
        ]
        read_only_fields = fields

    def get_worker_name(self, consultation: Consultation) -> str:
        return mask_name(consultation.worker.name or consultation.worker.get_full_name())


class ConsultationLogSerializer(serializers.Serializer):
    worker = serializers.IntegerField(help_text="The worker's user id in this union.")
    channel = serializers.ChoiceField(choices=Consultation.Channel.choices, help_text="visit or phone.")
    claim_kind = serializers.ChoiceField(choices=ClaimKind.choices)
    question = serializers.CharField()
    answer = serializers.CharField(required=False, allow_blank=True, default="")
    law_cited = serializers.CharField(required=False, allow_blank=True, default="")
    consent_given = serializers.BooleanField(default=False)


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField()
    law_cited = serializers.CharField(required=False, allow_blank=True, default="")


# --- Views ----------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(description="Mediation cases (mediators and the chairman), masked, with the limit's state."),
    retrieve=extend_schema(description="One case in full. The read is written to the sensitive-data audit log."),
    create=extend_schema(request=ApplySerializer, responses={201: MediationCaseSerializer},
                         description="Register a worker's application for mediation (after their consent)."),
)  # fmt: skip
class MediationCaseViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    permission_classes = [IsAuthenticated, HandlesMediation]
    serializer_class = MediationCaseListSerializer

    def get_queryset(self):
        state = self.request.query_params.get("state", "")
        return cases_for(self.request.user, state=state if state in ("open", "overdue") else "")

    def _full(self, mediation: MediationCase, code: int = status.HTTP_200_OK) -> Response:
        mediation = MediationCase.objects.select_related("worker").get(pk=mediation.pk)
        return Response(MediationCaseSerializer(mediation).data, status=code)

    def retrieve(self, request: Request, pk=None) -> Response:
        return self._full(case_for_read(request, pk, action="read", purpose="查看调解案件"))

    def create(self, request: Request) -> Response:
        data = ApplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["worker"] = _member(values["worker"])
        number = values.pop("consultation")
        values["consultation"] = (
            Consultation.objects.filter(pk=number).first() if number and 0 < number < 2**63 else None
        )
        if number and values["consultation"] is None:
            raise serializers.ValidationError({"consultation": [_("No such consultation.")]})
        mediation = mediation_apply(**values, by=request.user)
        sensitive_read_log(user=request.user, obj=mediation, action="read", via="api", purpose="登记调解申请")
        return self._full(mediation, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: MediationCaseSerializer},
                   description="Accept the application: the 15-day statutory limit starts.")  # fmt: skip
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk=None) -> Response:
        mediation = case_for_read(request, pk, action="read", purpose="受理调解申请")
        return self._full(mediation_accept(mediation=mediation, by=request.user))

    @extend_schema(request=SessionInputSerializer, responses={201: MediationSessionSerializer},
                   description="Record a session; refused before acceptance and after closure.")  # fmt: skip
    @action(detail=True, methods=["post"])
    def sessions(self, request: Request, pk=None) -> Response:
        mediation = case_for_read(request, pk, action="read", purpose="记录调解")
        data = SessionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = session_record(mediation=mediation, **data.validated_data, by=request.user)
        return Response(MediationSessionSerializer(session).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ExtendSerializer, responses={201: MediationExtensionSerializer},
                   description="Record the parties' agreement to extend the mediation (bounded).")  # fmt: skip
    @action(detail=True, methods=["post"])
    def extend(self, request: Request, pk=None) -> Response:
        mediation = case_for_read(request, pk, action="read", purpose="延长调解期限")
        data = ExtendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        extension = mediation_extend(mediation=mediation, **data.validated_data, by=request.user)
        return Response(MediationExtensionSerializer(extension).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SettleSerializer, responses={200: MediationCaseSerializer},
                   description="The parties agreed: the agreement is printed as PDF; the case closes.")  # fmt: skip
    @action(detail=True, methods=["post"])
    def settle(self, request: Request, pk=None) -> Response:
        mediation = case_for_read(request, pk, action="read", purpose="记录调解协议")
        data = SettleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._full(mediation_settle(mediation=mediation, **data.validated_data, by=request.user))

    @extend_schema(request=FailSerializer, responses={200: MediationCaseSerializer},
                   description="Mediation failed: closed and referred to arbitration, legal aid or the station.")  # fmt: skip
    @action(detail=True, methods=["post"])
    def fail(self, request: Request, pk=None) -> Response:
        mediation = case_for_read(request, pk, action="read", purpose="调解不成转介")
        data = FailSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._full(mediation_fail(mediation=mediation, **data.validated_data, by=request.user))

    @extend_schema(request=WithdrawSerializer, responses={200: MediationCaseSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk=None) -> Response:
        mediation = case_for_read(request, pk, action="read", purpose="撤回调解申请")
        data = WithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._full(
            mediation_withdraw(mediation=mediation, note=data.validated_data["note"], by=request.user)
        )

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY},
                   description="The mediation agreement (PDF). The export is written to the audit log.")  # fmt: skip
    @action(detail=True, methods=["get"])
    def agreement(self, request: Request, pk=None) -> HttpResponse | FileResponse:
        return agreement_response(case_for_read(request, pk, action="export", purpose="下载调解协议书"))


@extend_schema_view(
    list=extend_schema(description="Legal consultations (mediators, officers, the chairman), masked."),
    retrieve=extend_schema(description="One consultation in full. The read is written to the audit log."),
    create=extend_schema(request=ConsultationLogSerializer, responses={201: ConsultationSerializer},
                         description="Log a consultation from a visit or a phone call."),
)  # fmt: skip
class ConsultationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    permission_classes = [IsAuthenticated, AnswersConsultations]
    serializer_class = ConsultationListSerializer

    def get_queryset(self):
        return consultations_for(
            self.request.user, waiting_only=self.request.query_params.get("waiting") == "1"
        )

    def retrieve(self, request: Request, pk=None) -> Response:
        return Response(
            ConsultationSerializer(consultation_for_read(request, pk, purpose="查看法律咨询")).data
        )

    def create(self, request: Request) -> Response:
        data = ConsultationLogSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["worker"] = _member(values["worker"])
        consultation = consultation_log(**values, by=request.user)
        return Response(ConsultationSerializer(consultation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AnswerSerializer, responses={200: ConsultationSerializer})
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk=None) -> Response:
        consultation = consultation_for_read(request, pk, purpose="答复法律咨询")
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            ConsultationSerializer(
                consultation_answer(consultation=consultation, **data.validated_data, by=request.user)
            ).data
        )


__all__ = ["ConsultationViewSet", "MediationCaseViewSet"]
