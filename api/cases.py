"""The case API: the cases a person may see, and moving them along their procedure.

Thin: filtering and permission come from ``tenants.cases.selectors``/``roles``, every write from
``tenants.cases.services``. Members see only their own cases (public timeline entries only);
staff see the cases of the kinds they handle.
"""

from __future__ import annotations

from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404  # 404 (not 500) for a malformed id too
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.cases.flowchart import procedure_flowchart_svg
from tenants.cases.kinds import KINDS, MODULE_PAGES, CaseKind
from tenants.cases.models import Case, CaseAttachment, CaseEvent, Procedure
from tenants.cases.procedures import machine_for, machine_of_case
from tenants.cases.roles import is_staff_for, roles_of, staff_kinds
from tenants.cases.selectors import case_list, case_ways_for
from tenants.cases.services import (
    NOTE_KINDS,
    case_assign,
    case_attach,
    case_note,
    case_open,
    case_rate,
    case_transition,
    case_view_logged,
)
from tenants.users.models import User
from workershome.errors import ServiceError


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")


def _step_label(case: Case) -> str:
    try:
        return machine_of_case(case).step(case.step).label
    except KeyError:
        return case.step


class CaseListSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    step_label = serializers.SerializerMethodField()
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    assignee = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Case
        fields = [
            "id", "reference", "kind", "category", "title", "status", "step", "step_label", "priority",
            "channel", "requester_type", "assignee", "opened_at", "due_at", "overdue", "closed_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_step_label(self, case: Case) -> str:
        return _step_label(case)


class CaseEventSerializer(serializers.ModelSerializer):
    by = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = CaseEvent
        fields = ["id", "kind", "at", "by", "from_step", "to_step", "text", "public"]
        read_only_fields = fields


class CaseAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseAttachment
        fields = ["id", "name", "size", "content_type", "uploaded_at"]
        read_only_fields = fields


class WaySerializer(serializers.Serializer):
    target = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the output key, not Field.label
    target_label = serializers.CharField()


class CaseDetailSerializer(CaseListSerializer):
    """One case. Staff get the requester's details and every timeline entry; the requester the
    public entries only."""

    description = serializers.CharField()
    outcome = serializers.CharField()
    rating = serializers.IntegerField(allow_null=True)
    rating_comment = serializers.CharField()
    requester = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    ways = serializers.SerializerMethodField()
    procedure = serializers.SerializerMethodField()

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields, "description", "outcome", "rating", "rating_comment",
            "requester", "events", "attachments", "ways", "procedure",
        ]  # fmt: skip
        read_only_fields = fields

    def _staff(self, case: Case) -> bool:
        return is_staff_for(self.context["request"].user, case.kind)

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_requester(self, case: Case) -> dict | None:
        if not self._staff(case):
            return None
        if case.requester_type == Case.RequesterType.ANONYMOUS:
            return {"type": case.requester_type}
        if case.requester is not None:
            return {
                "type": case.requester_type,
                "id": case.requester.pk,
                "name": case.requester.get_full_name(),
            }
        return {"type": case.requester_type, "name": case.requester_name, "contact": case.requester_contact}

    @extend_schema_field(CaseEventSerializer(many=True))
    def get_events(self, case: Case) -> list:
        events = case.events.select_related("by")
        if not self._staff(case):
            events = events.filter(public=True)
        data = CaseEventSerializer(events, many=True).data
        if not self._staff(case):
            for item in data:
                item["by"] = None  # the requester sees what was done, not which officer did it
        return list(data)

    @extend_schema_field(CaseAttachmentSerializer(many=True))
    def get_attachments(self, case: Case) -> list:
        return list(
            CaseAttachmentSerializer(_attachments_for(case, self.context["request"].user), many=True).data
        )

    @extend_schema_field(WaySerializer(many=True))
    def get_ways(self, case: Case) -> list:
        machine = machine_for(case.procedure)
        return [
            {"target": way.target, "label": way.label, "target_label": machine.step(way.target).label}
            for way in case_ways_for(case=case, user=self.context["request"].user)
        ]

    @extend_schema_field(serializers.DictField())
    def get_procedure(self, case: Case) -> dict:
        return {"id": case.procedure_id, "title": case.procedure.title, "version": case.procedure.version}


def _attachments_for(case: Case, user):
    """Staff see every file of the case; the requester the files they gave themselves."""
    files = case.attachments.all()
    return files if is_staff_for(user, case.kind) else files.filter(uploaded_by_id=user.pk)


class CaseCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CaseKind.choices)
    category = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=10000)
    channel = serializers.ChoiceField(choices=Case.Channel.choices)
    requester_type = serializers.ChoiceField(choices=Case.RequesterType.choices)
    requester = serializers.IntegerField(required=False, allow_null=True, default=None)
    requester_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    requester_contact = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    priority = serializers.ChoiceField(choices=Case.Priority.choices, default=Case.Priority.NORMAL)
    confidentiality = serializers.ChoiceField(
        choices=Case.Confidentiality.choices, default=Case.Confidentiality.NORMAL
    )


class TransitionSerializer(serializers.Serializer):
    to_step = serializers.CharField(max_length=30)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    outcome = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class NoteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[(kind.value, kind.label) for kind in NOTE_KINDS])
    text = serializers.CharField(max_length=5000)


class AssignSerializer(serializers.Serializer):
    assignee = serializers.IntegerField()


class RateSerializer(serializers.Serializer):
    rating = serializers.IntegerField()
    comment = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


_FILTERS = [
    OpenApiParameter("status", str, enum=Case.Status.values),
    OpenApiParameter("kind", str, enum=CaseKind.values),
    OpenApiParameter("assignee", int, description="user id; `me` is not accepted, use your id"),
    OpenApiParameter("overdue", bool),
    OpenApiParameter("mine", bool, description="only the cases I asked for"),
]


def _flag(value: str | None) -> bool | None:
    if value in (None, ""):
        return None
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise ServiceError("filter_invalid", _("A yes/no filter takes true or false."))


def _int(value: str | None, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ServiceError("filter_invalid", _("This filter takes a number."), field=field) from None


class CasePagination(CursorPagination):
    """Newest first, by cursor: a page costs the same on the first page and the hundredth, and no
    count of every matching row is made (on a union with 50,000 cases that count alone would
    cost more than the page)."""

    ordering = ("-opened_at", "-id")
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


@extend_schema_view(
    list=extend_schema(parameters=_FILTERS, summary="Cases I may see / 案件列表"),
    retrieve=extend_schema(summary="One case with its timeline / 案件详情"),
)
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CaseListSerializer
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    pagination_class = CasePagination

    def get_queryset(self):
        params = self.request.query_params
        status_filter = params.get("status") or None
        if status_filter and status_filter not in Case.Status.values:
            raise ServiceError("filter_invalid", _("Unknown status."), field="status")
        kind = params.get("kind") or None
        if kind and kind not in KINDS:
            raise ServiceError("filter_invalid", _("Unknown kind of case."), field="kind")
        user = self.request.user
        qs = case_list(
            user=user,
            status=status_filter,
            kind=kind,
            assignee=_int(params.get("assignee"), "assignee"),
            overdue=_flag(params.get("overdue")),
            requester=user.pk if _flag(params.get("mine")) else None,
        )
        if self.action == "list":  # the step's label comes from the cached procedure, not a join
            return qs.select_related("assignee").defer("description", "outcome")
        return qs.select_related("assignee", "procedure")

    def get_serializer_class(self):
        return CaseDetailSerializer if self.action != "list" else CaseListSerializer

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        case = self.get_object()
        case_view_logged(case=case, user=request.user, via="api")
        return Response(CaseDetailSerializer(case, context={"request": request}).data)

    @extend_schema(
        request=CaseCreateSerializer,
        responses={201: CaseDetailSerializer},
        summary="Record a case / 登记案件",
    )
    def create(self, request: Request) -> Response:
        data = CaseCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        kind = values["kind"]
        if not is_staff_for(request.user, kind):
            raise ServiceError(
                "case_staff_only", _("Only the union's staff for this case can do this."), status=403
            )
        if not KINDS[kind].direct:
            raise ServiceError(
                "case_kind_module", _("Cases of this kind are opened from their own page."), field="kind"
            )
        requester_id = values.pop("requester")
        requester = None
        if requester_id is not None:
            requester = User.objects.filter(pk=requester_id, is_active=True).first()
            if requester is None:
                raise ServiceError("case_requester", _("No such member in this union."), field="requester")
        case, _code = case_open(requester=requester, by=request.user, **values)
        return Response(
            CaseDetailSerializer(case, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=TransitionSerializer, responses=CaseDetailSerializer, summary="Take a step / 办理下一步"
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str) -> Response:
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = self.get_object()
        if case.kind in MODULE_PAGES:
            raise ServiceError(
                "case_kind_module",
                _("Steps of this kind of case are taken on its own page."),
                field="to_step",
            )
        case = case_transition(case=case, by=request.user, **data.validated_data)
        return Response(CaseDetailSerializer(case, context={"request": request}).data)

    @extend_schema(
        request=NoteSerializer, responses={201: CaseEventSerializer}, summary="Add to the timeline / 记录"
    )
    @action(detail=True, methods=["post"])
    def notes(self, request: Request, pk: str) -> Response:
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = case_note(case=self.get_object(), by=request.user, **data.validated_data)
        return Response(CaseEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AssignSerializer, responses=CaseDetailSerializer, summary="Assign / 指派")
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        data = AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignee = User.objects.filter(pk=data.validated_data["assignee"], is_active=True).first()
        case = case_assign(case=self.get_object(), assignee=assignee, by=request.user)
        return Response(CaseDetailSerializer(case, context={"request": request}).data)

    @extend_schema(request=RateSerializer, responses=CaseDetailSerializer, summary="Rate the outcome / 评价")
    @action(detail=True, methods=["post"])
    def rate(self, request: Request, pk: str) -> Response:
        data = RateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = case_rate(case=self.get_object(), by=request.user, **data.validated_data)
        return Response(CaseDetailSerializer(case, context={"request": request}).data)

    @extend_schema(
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: CaseAttachmentSerializer},
        summary="Attach a file / 上传附件",
    )
    @action(detail=True, methods=["post"])
    def attachments(self, request: Request, pk: str) -> Response:
        data = AttachmentUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = case_attach(case=self.get_object(), upload=data.validated_data["file"], by=request.user)
        return Response(CaseAttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={(200, "application/octet-stream"): bytes}, summary="Download an attachment / 下载附件"
    )
    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<attachment_id>\d+)")
    def attachment(self, request: Request, pk: str, attachment_id: str) -> FileResponse:
        case = self.get_object()
        attachment = get_object_or_404(_attachments_for(case, request.user), pk=attachment_id)
        case_view_logged(case=case, user=request.user, via="api")
        return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


class ProcedureStepSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the output key, not Field.label
    role = serializers.CharField()
    kind = serializers.CharField()
    days = serializers.IntegerField(allow_null=True)
    description = serializers.CharField()


class ProcedureSerializer(serializers.ModelSerializer):
    steps = serializers.SerializerMethodField()
    transitions = serializers.SerializerMethodField()

    class Meta:
        model = Procedure
        fields = [
            "id", "kind", "version", "title", "summary", "time_limit_days", "status", "based_on",
            "published_at", "steps", "transitions",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(ProcedureStepSerializer(many=True))
    def get_steps(self, procedure: Procedure) -> list:
        return [step.__dict__ for step in machine_for(procedure).steps]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_transitions(self, procedure: Procedure) -> list:
        machine = machine_for(procedure)
        return [
            {"source": source, "target": way.target, "label": way.label}
            for source, ways in machine.ways.items()
            for way in ways
        ]


@extend_schema_view(
    list=extend_schema(summary="Published procedures / 已公布的办事程序"),
    retrieve=extend_schema(summary="One procedure / 办事程序"),
)
class ProcedureViewSet(viewsets.ReadOnlyModelViewSet):
    """亮程序: the published procedures are public, like the site's procedures page; staff who
    handle a kind also see its drafts and retired versions."""

    serializer_class = ProcedureSerializer
    permission_classes: list = []
    pagination_class = None

    def get_queryset(self):
        user = self.request.user
        kinds = staff_kinds(roles_of(user)) if user.is_authenticated else []
        published = Procedure.objects.filter(status=Procedure.Status.PUBLISHED)
        return (published | Procedure.objects.filter(kind__in=kinds)).order_by("kind", "-version")

    @extend_schema(
        responses={(200, "image/svg+xml"): bytes, 503: None},
        summary="The procedure as a flowchart (SVG) / 办事程序流程图",
    )
    @action(detail=True, methods=["get"])
    def flowchart(self, request: Request, pk: str) -> HttpResponse:
        """The same chart the site and the wall posters show, drawn from the same definition."""
        svg = procedure_flowchart_svg(self.get_object())
        if svg is None:
            raise ServiceError("flowchart_unavailable", _("The flowchart cannot be drawn now."), status=503)
        return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
