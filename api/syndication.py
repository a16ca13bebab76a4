"""The federation's notices (通知公告、政策文件) as a union's API: the notices addressed to this
union (read-only, public like the /notices/ pages), and "mark read" for its chairman and officers.

Thin: reads from ``syndication.selectors``, the write through ``syndication.services``.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from syndication.models import FederationNotice
from syndication.selectors import notices_for_current_union
from syndication.services import notice_mark_read
from syndication.union_views import may_mark_read
from workershome.tenancy import current_tenant


class MayMarkRead(BasePermission):
    """The union's chairman and officers, on their own union's host."""

    def has_permission(self, request, view) -> bool:
        return may_mark_read(request.user)


class FederationNoticeSerializer(serializers.ModelSerializer):
    attachment_url = serializers.SerializerMethodField(help_text="Where to download the PDF, if any.")

    class Meta:
        model = FederationNotice
        fields = ["id", "title", "kind", "body", "published_at", "attachment_name", "attachment_url"]
        read_only_fields = fields

    def get_attachment_url(self, notice: FederationNotice) -> str | None:
        if not notice.attachment:
            return None
        return reverse("union_notices:attachment", args=(notice.pk,))


class NoticeReceiptSerializer(serializers.Serializer):
    read_at = serializers.DateTimeField(read_only=True)


class FederationNoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Published notices addressed to this union (to every union or to its district), newest first;
    withdrawn ones and those addressed elsewhere are not found."""

    serializer_class = FederationNoticeSerializer

    def get_permissions(self):
        if self.action == "read":
            return [MayMarkRead()]
        return [AllowAny()]

    def get_queryset(self):
        return notices_for_current_union()

    @extend_schema(request=None, responses=NoticeReceiptSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk=None) -> Response:
        """Mark the notice read for this union (once; again changes nothing)."""
        receipt = notice_mark_read(notice=self.get_object(), union=current_tenant(), by=request.user)
        return Response(NoticeReceiptSerializer(receipt).data)
