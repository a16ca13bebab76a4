"""The archives API (档案管理): items by category and year with their files, filing an item,
adding a file, file downloads, bulk-download requests and the yearly catalogue in Excel.

Reading follows each item's access level: members read public items, staff (chairman,
officers, editors) staff items too, the chairman every item; anything else is a 404. Filing,
bulk downloads and the catalogue are for staff holding the archives permissions
(``role_permissions_grant`` in ``tenants/archives/apps.py``). Thin: reads from
``tenants.archives.selectors``, writes through its services.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.archives.exports import catalogue_workbook
from tenants.archives.models import (
    AccessLevel,
    ArchiveBundle,
    ArchiveCategory,
    ArchiveFile,
    ArchiveItem,
    ArchiveKind,
)
from tenants.archives.models import Retention as ArchiveRetention
from tenants.archives.permissions import archive_policy, levels_for
from tenants.archives.selectors import item_for, items_for
from tenants.archives.services import (
    archive_bundle_request,
    archive_file_add,
    archive_item_create,
    fonds_prefix,
)
from tenants.archives.views import archive_file_serve


class ArchiveReadPermission(BasePermission):
    """Members and staff read (each item by its level); staff with the permissions file."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if getattr(view, "action", None) in ("create", "files", "bundle"):
            verb = "view" if view.action == "bundle" else "add"
            return archive_policy.user_has_permission(user, verb)
        if getattr(view, "action", None) == "catalogue":
            return archive_policy.user_has_permission(user, "view")
        return bool(levels_for(user))


class ArchiveFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = ArchiveFile
        fields = ["id", "name", "size", "content_type", "uploaded_at"]
        read_only_fields = fields


class ArchiveItemSerializer(serializers.ModelSerializer):
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    files = ArchiveFileSerializer(many=True, read_only=True)

    class Meta:
        model = ArchiveItem
        fields = ["id", "number", "category", "category_label", "kind", "kind_label", "year", "title", "date",
                  "description", "retention", "review_on", "access", "activity", "files"]  # fmt: skip
        read_only_fields = fields


class ArchiveItemCreateSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=ArchiveCategory.choices)
    kind = serializers.ChoiceField(choices=ArchiveKind.choices)
    title = serializers.CharField(max_length=200)
    date = serializers.DateField()
    retention = serializers.ChoiceField(choices=ArchiveRetention.choices)
    access = serializers.ChoiceField(choices=AccessLevel.choices)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    files = serializers.ListField(child=serializers.FileField(), min_length=1, max_length=50)


class ArchiveFileUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class ArchiveBundleRequestSerializer(serializers.Serializer):
    items = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list,
                                  max_length=2000)  # fmt: skip
    category = serializers.ChoiceField(
        choices=ArchiveCategory.choices, required=False, allow_blank=True, default=""
    )
    year = serializers.IntegerField(
        min_value=1949, max_value=9999, required=False, allow_null=True, default=None
    )


class ArchiveBundleSerializer(serializers.ModelSerializer):
    class Meta:
        model = ArchiveBundle
        fields = ["id", "label", "status", "item_count", "file_count", "size", "created_at", "ready_at"]
        read_only_fields = fields


_FILTERS = [
    OpenApiParameter("category", str, enum=ArchiveCategory.values, required=False),
    OpenApiParameter("year", int, required=False),
    OpenApiParameter("kind", str, enum=ArchiveKind.values, required=False),
]


def _year(value) -> int | None:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if 1949 <= year <= 9999 else None


@extend_schema_view(
    list=extend_schema(summary="Archive items / 档案", parameters=_FILTERS),
    retrieve=extend_schema(summary="One archive item / 档案条目"),
)
class ArchiveItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Items the caller may read, newest year first; ``?category=&year=&kind=`` to filter."""

    permission_classes = [ArchiveReadPermission]
    serializer_class = ArchiveItemSerializer
    queryset = ArchiveItem.objects.none()
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        params = self.request.query_params
        category = params.get("category", "")
        kind = params.get("kind", "")
        return items_for(
            self.request.user,
            category=category if category in ArchiveCategory.values else "",
            kind=kind if kind in ArchiveKind.values else "",
            year=_year(params.get("year")),
        ).prefetch_related("files")

    def get_object(self) -> ArchiveItem:
        item = item_for(self.request.user, self.kwargs.get("pk"))
        if item is None:
            raise Http404
        return item

    @extend_schema(
        request={"multipart/form-data": ArchiveItemCreateSerializer},
        responses={201: ArchiveItemSerializer},
        summary="File an item with its files / 归档",
    )
    def create(self, request: Request) -> Response:
        data = ArchiveItemCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = archive_item_create(by=request.user, **data.validated_data)
        return Response(ArchiveItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": ArchiveFileUploadSerializer},
        responses={201: ArchiveFileSerializer},
        summary="Add a file to an item / 添加文件",
    )
    @action(detail=True, methods=["post"])
    def files(self, request: Request, pk: str) -> Response:
        item = self.get_object()
        data = ArchiveFileUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        archive_file = archive_file_add(item=item, upload=data.validated_data["file"], by=request.user)
        return Response(ArchiveFileSerializer(archive_file).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
                   summary="Download a file / 下载文件")  # fmt: skip
    @action(detail=True, methods=["get"], url_path=r"files/(?P<file_id>\d+)")
    def file(self, request: Request, pk: str, file_id: str) -> HttpResponse | FileResponse:
        item = self.get_object()
        archive_file = item.files.filter(pk=int(file_id)).first() if int(file_id) < 2**31 else None
        if archive_file is None:
            raise Http404
        return archive_file_serve(request, archive_file)

    @extend_schema(
        request=ArchiveBundleRequestSerializer,
        responses={202: ArchiveBundleSerializer},
        summary="Ask for a ZIP of items, or of a category and year / 批量下载",
    )
    @action(detail=False, methods=["post"])
    def bundle(self, request: Request) -> Response:
        data = ArchiveBundleRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        bundle = archive_bundle_request(
            by=request.user, item_ids=values["items"], category=values["category"], year=values["year"]
        )
        bundle.refresh_from_db()
        return Response(ArchiveBundleSerializer(bundle).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        parameters=[OpenApiParameter("year", int, required=True)],
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY
        },
        summary="The yearly catalogue in Excel / 年度归档目录",
    )
    @action(detail=False, methods=["get"])
    def catalogue(self, request: Request) -> HttpResponse:
        year = _year(request.query_params.get("year"))
        if year is None:
            raise serializers.ValidationError({"year": ["Enter a year."]})
        title = f"{fonds_prefix()} {year}"
        response = HttpResponse(
            catalogue_workbook(items=items_for(request.user, year=year), title=title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="archive-catalogue-{year}.xlsx"'
        return response
