"""The portal staff's own notifications on the portal's API (/api/v1/notifications/ on the
portal only): the list (``?unread=1`` for unread ones) with the unread count, one notification,
marking one or all read. Every read and write is scoped to the requesting user: someone else's
notification is not found (404)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from portal_notifications.models import PortalNotification
from portal_notifications.selectors import portal_notifications_for, portal_unread_count
from portal_notifications.services import portal_notifications_mark_read


class PortalNotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = PortalNotification
        fields = ["id", "kind", "title", "body", "link", "created_at", "read_at", "is_read"]
        read_only_fields = fields


class MarkedReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were marked read now.")
    unread = serializers.IntegerField(help_text="How many remain unread.")


@extend_schema_view(
    list=extend_schema(
        summary="My notifications / 我的通知",
        parameters=[OpenApiParameter("unread", bool, description="Only unread notifications")],
    ),
    retrieve=extend_schema(summary="One of my notifications"),
)
class PortalNotificationViewSet(viewsets.GenericViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """What the portal told the signed-in station staff member or administrator."""

    permission_classes = [IsAuthenticated]
    serializer_class = PortalNotificationSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PortalNotification.objects.none()
        unread = self.request.query_params.get("unread") in ("1", "true")
        return portal_notifications_for(self.request.user, unread_only=unread)

    def get_object(self) -> PortalNotification:
        pk = str(self.kwargs.get("pk", ""))
        found = portal_notifications_for(self.request.user).filter(pk=pk).first() if pk.isdigit() else None
        if found is None:
            raise Http404
        return found

    def list(self, request: Request, *args, **kwargs) -> Response:
        response = super().list(request, *args, **kwargs)
        response.data["unread"] = portal_unread_count(request.user)
        return response

    @extend_schema(request=None, responses={200: MarkedReadSerializer, 404: None}, summary="Mark as read")
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        notification = self.get_object()
        marked = portal_notifications_mark_read(user=request.user, ids=[notification.pk])
        return Response({"marked": marked, "unread": portal_unread_count(request.user)})

    @extend_schema(request=None, responses={200: MarkedReadSerializer}, summary="Mark all as read")
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        marked = portal_notifications_mark_read(user=request.user)
        return Response({"marked": marked, "unread": portal_unread_count(request.user)})
