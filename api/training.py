"""The skills training API: published courses with their sessions and enrolment (members), a
member's enrolments and certificates, the roster, attendance and certificate issuing (staff),
and the public check of a certificate.

Thin: reads from ``tenants.training.selectors``, every write through its services.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.training.certificates import certificate_filename, certificate_pdf, certificate_verify_url
from tenants.training.models import Certificate, Course, CourseSession, Enrolment
from tenants.training.permissions import manages_enrolments, sees_certificates
from tenants.training.selectors import (
    LIVE,
    certificate_by_token,
    course_roster,
    courses_annotated,
    enrolment_progress,
    session_register,
    waiting_position,
)
from tenants.training.services import attendance_record, certificate_issue, enrolment_cancel, enrolment_create
from workershome.errors import ServiceError


class IsTrainingStaff(BasePermission):
    """Staff who take attendance (chairman, officers) on their own union's host."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and manages_enrolments(request.user))


# --- Serializers --------------------------------------------------------------------------------


class TrainingSessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CourseSession
        fields = ["id", "starts_at", "ends_at", "topic", "attendance_taken_at"]
        read_only_fields = fields


class TrainingCourseSerializer(serializers.ModelSerializer):
    where = serializers.CharField(read_only=True)
    enrolled = serializers.IntegerField(read_only=True)
    waiting = serializers.IntegerField(read_only=True)
    first_start = serializers.DateTimeField(read_only=True, allow_null=True)
    last_end = serializers.DateTimeField(read_only=True, allow_null=True)
    my_status = serializers.SerializerMethodField(
        help_text="The caller's enrolment: enrolled, waiting, or null."
    )

    class Meta:
        model = Course
        fields = [
            "id", "title", "category", "description", "teacher", "room", "where", "capacity", "waiting_list",
            "enrolment_deadline", "hours_per_session", "completion_percent", "source", "status", "enrolled",
            "waiting", "first_start", "last_end", "my_status",
        ]  # fmt: skip
        read_only_fields = fields

    def get_my_status(self, course: Course) -> str | None:
        return self.context.get("mine", {}).get(course.pk)


class TrainingCourseDetailSerializer(TrainingCourseSerializer):
    sessions = TrainingSessionSerializer(many=True, read_only=True)

    class Meta(TrainingCourseSerializer.Meta):
        fields = [*TrainingCourseSerializer.Meta.fields, "sessions"]
        read_only_fields = fields


class TrainingProgressSerializer(serializers.Serializer):
    attended = serializers.IntegerField()
    total = serializers.IntegerField()
    hours = serializers.DecimalField(max_digits=6, decimal_places=1)
    percent = serializers.IntegerField()
    completed = serializers.BooleanField()
    sessions_needed = serializers.IntegerField()


class TrainingEnrolmentSerializer(serializers.ModelSerializer):
    course_title = serializers.CharField(source="course.title", read_only=True)
    waiting_position = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    certificate = serializers.SerializerMethodField()

    class Meta:
        model = Enrolment
        fields = [
            "id", "course", "course_title", "status", "created_at", "waiting_position", "progress", "certificate",
        ]  # fmt: skip
        read_only_fields = fields

    def get_waiting_position(self, enrolment: Enrolment) -> int | None:
        return waiting_position(enrolment)

    @extend_schema_field(TrainingProgressSerializer)
    def get_progress(self, enrolment: Enrolment) -> dict:
        return dict(TrainingProgressSerializer(enrolment_progress(enrolment)).data)

    def get_certificate(self, enrolment: Enrolment) -> int | None:
        return Certificate.objects.filter(enrolment=enrolment).values_list("pk", flat=True).first()


class TrainingRosterRowSerializer(serializers.Serializer):
    enrolment = serializers.IntegerField(source="enrolment.pk")
    status = serializers.CharField(source="enrolment.status")
    name = serializers.CharField(source="enrolment.user.get_full_name", default="")
    mobile = serializers.CharField(source="enrolment.user.username", default="")
    progress = TrainingProgressSerializer()
    certificate = serializers.CharField(source="certificate.number", default=None)


class TrainingRegisterRowSerializer(serializers.Serializer):
    enrolment = serializers.IntegerField()
    name = serializers.CharField()
    present = serializers.BooleanField()


class TrainingAttendanceSerializer(serializers.Serializer):
    present = serializers.ListField(
        child=serializers.IntegerField(), allow_empty=True,
        help_text="Ids of the enrolments present; every other enrolled member is marked absent.",
    )  # fmt: skip


class TrainingCertificateSerializer(serializers.ModelSerializer):
    course_title = serializers.CharField(source="course.title", read_only=True)
    verify_url = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "id", "number", "course", "course_title", "holder_name", "hours", "sessions_attended",
            "sessions_total", "issued_on", "verify_url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_verify_url(self, certificate: Certificate) -> str:
        return certificate_verify_url(certificate)


class TrainingCertificateCheckSerializer(serializers.Serializer):
    number = serializers.CharField()
    holder = serializers.CharField(source="masked_name")
    course = serializers.CharField(source="course.title")
    hours = serializers.DecimalField(max_digits=6, decimal_places=1)
    issued_on = serializers.DateField()


# --- Views --------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Published courses / 培训课程"),
    retrieve=extend_schema(summary="One course with its sessions / 课程详情"),
)
class TrainingCourseViewSet(viewsets.ReadOnlyModelViewSet):
    """The union's published courses, with places taken and the caller's own status; enrol
    with ``POST …/enrol/``. Staff read a course's roster with progress."""

    permission_classes = [IsAuthenticated]
    queryset = Course.objects.none()

    def get_queryset(self):
        queryset = courses_annotated(Course.objects.filter(status=Course.Status.PUBLISHED))
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("sessions")
        return queryset.order_by("-enrolment_deadline", "pk")

    def get_serializer_class(self):
        return TrainingCourseDetailSerializer if self.action == "retrieve" else TrainingCourseSerializer

    def get_serializer_context(self) -> dict:
        context = dict(super().get_serializer_context())
        if self.request.user.is_authenticated:
            context["mine"] = dict(
                Enrolment.objects.filter(user=self.request.user, status__in=LIVE).values_list(
                    "course_id", "status"
                )
            )
        return context

    @extend_schema(request=None, responses={201: TrainingEnrolmentSerializer}, summary="Enrol / 报名")
    @action(detail=True, methods=["post"])
    def enrol(self, request: Request, pk: str) -> Response:
        course = get_object_or_404(self.get_queryset(), pk=pk)
        enrolment = enrolment_create(course=course, user=request.user)
        return Response(TrainingEnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses=TrainingRosterRowSerializer(many=True), summary="The roster with progress / 学员名单"
    )
    @action(detail=True, methods=["get"], permission_classes=[IsTrainingStaff])
    def roster(self, request: Request, pk: str) -> Response:
        course = get_object_or_404(courses_annotated(), pk=pk)
        return Response(TrainingRosterRowSerializer(course_roster(course), many=True).data)


@extend_schema_view(
    list=extend_schema(summary="Enrolments (mine; staff: all) / 报名记录"),
    retrieve=extend_schema(summary="One enrolment / 报名记录"),
)
class TrainingEnrolmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A member's own enrolments with progress (staff see every enrolment); cancel; staff
    issue a completer's certificate."""

    permission_classes = [IsAuthenticated]
    serializer_class = TrainingEnrolmentSerializer
    queryset = Enrolment.objects.none()

    def get_queryset(self):
        queryset = Enrolment.objects.select_related("course").order_by("-created_at", "-pk")
        if manages_enrolments(self.request.user):
            return queryset
        return queryset.filter(user=self.request.user)

    @extend_schema(request=None, responses=TrainingEnrolmentSerializer, summary="Cancel / 取消报名")
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        enrolment = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(
            TrainingEnrolmentSerializer(enrolment_cancel(enrolment=enrolment, by=request.user)).data
        )

    @extend_schema(
        request=None,
        responses={201: TrainingCertificateSerializer},
        summary="Issue the certificate / 颁发结业证书",
    )
    @action(detail=True, methods=["post"], permission_classes=[IsTrainingStaff])
    def certificate(self, request: Request, pk: str) -> Response:
        enrolment = get_object_or_404(self.get_queryset(), pk=pk)
        certificate = certificate_issue(enrolment=enrolment, by=request.user)
        return Response(TrainingCertificateSerializer(certificate).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="Course sessions / 课程课次",
        parameters=[OpenApiParameter("course", int, description="Only this course's sessions.")],
    ),
    retrieve=extend_schema(summary="One session / 课次"),
)
class TrainingSessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Sessions of every course, for staff, with the register: ``GET``/``POST …/attendance/``."""

    permission_classes = [IsTrainingStaff]
    serializer_class = TrainingSessionSerializer
    queryset = CourseSession.objects.none()

    def get_queryset(self):
        queryset = CourseSession.objects.order_by("starts_at", "pk")
        raw = self.request.query_params.get("course")
        if raw:
            if not raw.isdigit():
                raise ServiceError("course_invalid", _("Give the course's number."), field="course")
            queryset = queryset.filter(course_id=int(raw))
        return queryset

    @extend_schema(
        methods=["get"], responses=TrainingRegisterRowSerializer(many=True), summary="The register / 考勤表"
    )
    @extend_schema(
        methods=["post"], request=TrainingAttendanceSerializer, responses=TrainingRegisterRowSerializer(many=True),
        summary="Take attendance / 考勤登记",
    )  # fmt: skip
    @action(detail=True, methods=["get", "post"])
    def attendance(self, request: Request, pk: str) -> Response:
        session = get_object_or_404(self.get_queryset(), pk=pk)
        if request.method == "POST":
            data = TrainingAttendanceSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            attendance_record(session=session, present=data.validated_data["present"], by=request.user)
        rows = [
            {"enrolment": e.pk, "name": e.user.get_full_name() if e.user else "", "present": present}
            for e, present in session_register(session)
        ]
        return Response(TrainingRegisterRowSerializer(rows, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="Certificates (mine; staff: all) / 结业证书"),
    retrieve=extend_schema(summary="One certificate / 结业证书"),
)
class TrainingCertificateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A member's certificates (staff see all), and each one's PDF."""

    permission_classes = [IsAuthenticated]
    serializer_class = TrainingCertificateSerializer
    queryset = Certificate.objects.none()

    def get_queryset(self):
        queryset = Certificate.objects.select_related("course").order_by("-issued_on", "-pk")
        if sees_certificates(self.request.user):
            return queryset
        return queryset.filter(user=self.request.user)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY}, summary="The PDF / 证书PDF")
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk: str) -> HttpResponse:
        certificate = get_object_or_404(self.get_queryset(), pk=pk)
        content = certificate_pdf(certificate)  # PosterUnavailable (a ServiceError) answers 503
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{certificate_filename(certificate)}"'
        response["Cache-Control"] = "private, no-store"
        return response


class CertificateCheckView(APIView):
    """Public: check a certificate by the token in its verification address (the QR code).
    Answers the masked name, the course, the hours and the date; 404 if none was issued here."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses=TrainingCertificateCheckSerializer, summary="Check a certificate / 证书验证")
    def get(self, request: Request, token: str) -> Response:
        certificate = certificate_by_token(token)
        if certificate is None:
            raise ServiceError(
                "certificate_unknown",
                _("No certificate with this address was issued by this union."),
                status=404,
            )
        return Response(TrainingCertificateCheckSerializer(certificate).data)
