"""The working-mechanisms API (工作机制): joint meetings with management and their follow-up
items, partner organisations, the activists team with service hours, staff duties,
information reports sent up to the federation, and staff appraisal (the chairman's only).

Each resource reads and writes with the model permissions of the union's role groups. Thin:
writes go through ``tenants.mechanisms.services``.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.mechanisms import services
from tenants.mechanisms.models import (
    Activist,
    ActivistService,
    InfoReport,
    JointMeeting,
    MeetingFollowUp,
    PartnerOrganisation,
    StaffAppraisal,
    StaffDuty,
)
from tenants.mechanisms.permissions import (
    activist_policy,
    appraisal_policy,
    duty_policy,
    meeting_policy,
    partner_policy,
    report_policy,
)
from tenants.mechanisms.selectors import (
    activist_hours_by_year,
    activists_with_hours,
    meetings_with_follow_ups,
)
from tenants.membership.selectors import member_by_mobile
from tenants.plans.forms import staff_users
from workershome.errors import ServiceError

from .members import PolicyPermission


def _permission(for_policy) -> type[PolicyPermission]:
    return type(f"{for_policy.model.__name__}Permission", (PolicyPermission,), {"policy": for_policy})


class _RecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """List, read, add and change one kind of record; writes build the instance from the
    write serializer and hand it to the record's ``<entity>_save`` service."""

    write_serializer_class: type[serializers.Serializer]

    def _save(self, instance: Any) -> Any:
        raise NotImplementedError

    def _apply(self, instance: Any, data: dict) -> Any:
        for name, value in data.items():
            setattr(instance, name, value)
        return instance

    def create(self, request: Request) -> Response:
        data = self.write_serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        instance = self._save(self._apply(self.get_queryset().model(), dict(data.validated_data)))
        return Response(self.get_serializer(instance).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, pk: str) -> Response:
        instance = get_object_or_404(self.get_queryset(), pk=pk)
        data = self.write_serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        instance = self._save(self._apply(instance, dict(data.validated_data)))
        return Response(self.get_serializer(instance).data)


def _record_schema(name: str, read, write):
    return extend_schema_view(
        list=extend_schema(summary=f"{name}"),
        retrieve=extend_schema(summary=f"One of: {name}"),
        create=extend_schema(request=write, responses={201: read}, summary=f"Add: {name}"),
        update=extend_schema(request=write, responses=read, summary=f"Change: {name}"),
    )


# --- Joint meetings ---------------------------------------------------------------------------------


class MeetingFollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeetingFollowUp
        fields = ["id", "meeting", "task", "owner", "due_on", "done_on"]
        read_only_fields = ["id", "meeting"]


class JointMeetingSerializer(serializers.ModelSerializer):
    follow_ups = MeetingFollowUpSerializer(many=True, read_only=True)

    class Meta:
        model = JointMeeting
        fields = ["id", "held_on", "title", "attendees", "topics", "decisions", "follow_ups"]
        read_only_fields = fields


class JointMeetingWriteSerializer(serializers.Serializer):
    held_on = serializers.DateField()
    title = serializers.CharField(max_length=200)
    attendees = serializers.CharField()
    topics = serializers.CharField()
    decisions = serializers.CharField(required=False, allow_blank=True, default="")


@_record_schema(
    "Joint meetings with management / 党政联席会议", JointMeetingSerializer, JointMeetingWriteSerializer
)
class JointMeetingViewSet(_RecordViewSet):
    permission_classes = [_permission(meeting_policy)]
    serializer_class = JointMeetingSerializer
    write_serializer_class = JointMeetingWriteSerializer
    queryset = JointMeeting.objects.none()

    def get_queryset(self):
        return meetings_with_follow_ups()

    def _save(self, instance: JointMeeting) -> JointMeeting:
        return services.joint_meeting_save(meeting=instance, by=self.request.user)

    @extend_schema(request=MeetingFollowUpSerializer, responses={201: MeetingFollowUpSerializer},
                   summary="Add a follow-up item / 添加落实事项")  # fmt: skip
    @action(detail=True, methods=["post"], url_path="follow-ups")
    def follow_ups(self, request: Request, pk: str) -> Response:
        meeting = get_object_or_404(self.get_queryset(), pk=pk)
        data = MeetingFollowUpSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        follow_up = services.follow_up_save(
            follow_up=MeetingFollowUp(meeting=meeting, **data.validated_data), by=request.user
        )
        return Response(MeetingFollowUpSerializer(follow_up).data, status=status.HTTP_201_CREATED)


# --- Partner organisations ------------------------------------------------------------------------------


class PartnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = PartnerOrganisation
        fields = ["id", "name", "services", "offer", "contact_person", "contact_phone", "agreement_starts_on",
                  "agreement_ends_on"]  # fmt: skip
        read_only_fields = fields


class PartnerWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    services = serializers.ListField(
        child=serializers.ChoiceField(choices=PartnerOrganisation.Service.choices)
    )
    offer = serializers.CharField(required=False, allow_blank=True, default="")
    contact_person = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    agreement_starts_on = serializers.DateField(required=False, allow_null=True, default=None)
    agreement_ends_on = serializers.DateField(required=False, allow_null=True, default=None)


@_record_schema("Partner social organisations / 社会组织", PartnerSerializer, PartnerWriteSerializer)
class PartnerViewSet(_RecordViewSet):
    permission_classes = [_permission(partner_policy)]
    serializer_class = PartnerSerializer
    write_serializer_class = PartnerWriteSerializer
    queryset = PartnerOrganisation.objects.none()

    def get_queryset(self):
        return PartnerOrganisation.objects.order_by("name")

    def _save(self, instance: PartnerOrganisation) -> PartnerOrganisation:
        return services.partner_save(partner=instance, by=self.request.user)


# --- Activists -------------------------------------------------------------------------------------------


class ActivistSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="member.name", read_only=True)
    year_hours = serializers.DecimalField(max_digits=8, decimal_places=1, read_only=True,
                                          help_text="Hours served in ?year= (this year by default).")  # fmt: skip
    year_services = serializers.IntegerField(read_only=True)

    class Meta:
        model = Activist
        fields = ["id", "member", "name", "skills", "joined_on", "active", "year_hours", "year_services"]
        read_only_fields = fields


class ActivistWriteSerializer(serializers.Serializer):
    member_mobile = serializers.CharField(max_length=20, help_text="A member on the roster.")
    skills = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    joined_on = serializers.DateField()
    active = serializers.BooleanField(required=False, default=True)


class ActivistServiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActivistService
        fields = ["id", "activist", "served_on", "description", "hours"]
        read_only_fields = ["id", "activist"]


class HoursByYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    hours = serializers.DecimalField(max_digits=8, decimal_places=1)
    services = serializers.IntegerField()


@_record_schema("Activists / 工会积极分子", ActivistSerializer, ActivistWriteSerializer)
class ActivistViewSet(_RecordViewSet):
    permission_classes = [_permission(activist_policy)]
    serializer_class = ActivistSerializer
    write_serializer_class = ActivistWriteSerializer
    queryset = Activist.objects.none()

    def get_queryset(self):
        year = self.request.query_params.get("year", "")
        return activists_with_hours(year=int(year) if year.isdigit() else timezone.localdate().year)

    @extend_schema(parameters=[OpenApiParameter("year", int, description="Totals of this year.")])
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)

    def _apply(self, instance: Activist, data: dict) -> Activist:
        member = member_by_mobile(data.pop("member_mobile"))
        if member is None:
            from django.utils.translation import gettext_lazy as _

            raise ServiceError("activist_member_unknown", _("No member on the roster has this mobile number."),
                               field="member_mobile")  # fmt: skip
        instance.member = member
        return super()._apply(instance, data)

    def _save(self, instance: Activist) -> Activist:
        activist = services.activist_save(activist=instance, by=self.request.user)
        return self.get_queryset().get(pk=activist.pk)

    @extend_schema(request=ActivistServiceSerializer, responses={201: ActivistServiceSerializer},
                   summary="Record a service / 记录服务")  # fmt: skip
    @action(detail=True, methods=["post"])
    def services(self, request: Request, pk: str) -> Response:
        activist = get_object_or_404(self.get_queryset(), pk=pk)
        data = ActivistServiceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        service = services.activist_service_record(activist=activist, by=request.user, **data.validated_data)
        return Response(ActivistServiceSerializer(service).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None, responses=HoursByYearSerializer(many=True), summary="Hours by year / 服务时长"
    )
    @action(detail=True, methods=["get"])
    def hours(self, request: Request, pk: str) -> Response:
        activist = get_object_or_404(self.get_queryset(), pk=pk)
        rows = [
            {"year": y, "hours": h, "services": n} for y, h, n in activist_hours_by_year(activist=activist)
        ]
        return Response(HoursByYearSerializer(rows, many=True).data)


# --- Staff duties and appraisal ------------------------------------------------------------------------------


class StaffDutySerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = StaffDuty
        fields = ["id", "user", "name", "post", "duties", "order"]
        read_only_fields = fields

    def get_name(self, duty: StaffDuty) -> str:
        return duty.user.get_full_name() or duty.user.get_username()


class StaffDutyWriteSerializer(serializers.Serializer):
    user = serializers.IntegerField(help_text="The staff user's id.")
    post = serializers.CharField(max_length=100)
    duties = serializers.CharField()
    order = serializers.IntegerField(min_value=0, max_value=999, required=False, default=0)


def _staff_user(data: dict) -> dict:
    data["user"] = get_object_or_404(staff_users(), pk=data["user"])
    return data


@_record_schema("Staff duties / 岗位职责", StaffDutySerializer, StaffDutyWriteSerializer)
class StaffDutyViewSet(_RecordViewSet):
    permission_classes = [_permission(duty_policy)]
    serializer_class = StaffDutySerializer
    write_serializer_class = StaffDutyWriteSerializer
    queryset = StaffDuty.objects.none()

    def get_queryset(self):
        return StaffDuty.objects.select_related("user").order_by("order", "pk")

    def _apply(self, instance: StaffDuty, data: dict) -> StaffDuty:
        return super()._apply(instance, _staff_user(data))

    def _save(self, instance: StaffDuty) -> StaffDuty:
        return services.staff_duty_save(duty=instance, by=self.request.user)


class StaffAppraisalSerializer(serializers.ModelSerializer):
    class Meta:
        model = StaffAppraisal
        fields = ["id", "period", "user", "rating", "notes"]
        read_only_fields = fields


class StaffAppraisalWriteSerializer(serializers.Serializer):
    period = serializers.CharField(max_length=50)
    user = serializers.IntegerField(help_text="The staff user's id.")
    rating = serializers.ChoiceField(choices=StaffAppraisal.Rating.choices)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


@_record_schema(
    "Staff appraisal (chairman only) / 考核", StaffAppraisalSerializer, StaffAppraisalWriteSerializer
)
class StaffAppraisalViewSet(_RecordViewSet):
    permission_classes = [_permission(appraisal_policy)]
    serializer_class = StaffAppraisalSerializer
    write_serializer_class = StaffAppraisalWriteSerializer
    queryset = StaffAppraisal.objects.none()

    def get_queryset(self):
        return StaffAppraisal.objects.order_by("-period", "user")

    def _apply(self, instance: StaffAppraisal, data: dict) -> StaffAppraisal:
        return super()._apply(instance, _staff_user(data))

    def _save(self, instance: StaffAppraisal) -> StaffAppraisal:
        return services.staff_appraisal_save(appraisal=instance, by=self.request.user)


# --- Information reports ------------------------------------------------------------------------------------


class InfoReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = InfoReport
        fields = ["id", "title", "category", "content", "written_on", "status", "sent_at", "delivered_at"]
        read_only_fields = fields


class InfoReportWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=InfoReport.Category.choices)
    content = serializers.CharField(help_text="Union work information only, never workers' personal data.")
    written_on = serializers.DateField()


@_record_schema("Information reports / 信息报送", InfoReportSerializer, InfoReportWriteSerializer)
class InfoReportViewSet(_RecordViewSet):
    permission_classes = [_permission(report_policy)]
    serializer_class = InfoReportSerializer
    write_serializer_class = InfoReportWriteSerializer
    queryset = InfoReport.objects.none()

    def get_queryset(self):
        return InfoReport.objects.order_by("-written_on", "-pk")

    def _save(self, instance: InfoReport) -> InfoReport:
        return services.info_report_save(report=instance, by=self.request.user)

    @extend_schema(request=None, responses=InfoReportSerializer, summary="Send to the federation / 报送")
    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk: str) -> Response:
        report = services.info_report_send(
            report=get_object_or_404(self.get_queryset(), pk=pk), by=request.user
        )
        return Response(InfoReportSerializer(report).data)
