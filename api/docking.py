"""Shared resources (资源共享) on the API, on a union's host and on the portal: the catalogue and
one's own unit's resources, booking requests (ask, decide, cancel, record as used) and usage.

Scoped exactly like the admin pages (``docking.selectors``): a union's chairman and officers act
for their union, a station's staff for their station on the portal; district administrators read
their district's bookings, city administrators all. Someone who staffs several streets' stations
names the one they act for with ``station`` (query parameter, or a field of the body): required
when they create a resource or a booking, a filter on ``?mine=1`` and ``?role=``; a station they
do not staff is refused (403). Every write goes through ``docking.services``; a resource or
booking outside one's scope is not found (404). A resource's photo is uploaded by its
publisher's staff (``POST …/{id}/photo/``, multipart, field ``photo``: JPG, PNG or WebP of at
most 5 MB, checked by content) and removed with ``DELETE``. The contact person's name and phone
of a booking are shown only to the two units involved.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from docking.models import BookingRequest, BookingStatus, ResourceKind, SharedResource
from docking.selectors import (
    Party,
    bookings_visible_to,
    may_see_usage,
    parties_for,
    party_for,
    requests_made_by,
    requests_received_by,
    resource_visible,
    resources_catalogue,
    resources_of,
    resources_visible_to,
    usage_by_requester,
    usage_by_resource,
)
from docking.services import (
    booking_cancel,
    booking_complete,
    booking_decide,
    booking_request,
    resource_create,
    resource_photo_replace,
    resource_publish,
    resource_unpublish,
    resource_update,
)
from federation.models import District
from workershome.errors import ServiceError
from workershome.tenancy import on_portal

# --- Serializers --------------------------------------------------------------------------------


class SharedResourceSerializer(serializers.ModelSerializer):
    publisher = serializers.CharField(source="publisher_name", read_only=True)
    publisher_kind = serializers.SerializerMethodField()
    station = serializers.IntegerField(
        source="station_id",
        read_only=True,
        allow_null=True,
        help_text="The publishing station's id (a station's).",
    )
    district = serializers.CharField(source="district.name", read_only=True, allow_null=True, default=None)
    street = serializers.CharField(source="street.name", read_only=True, allow_null=True, default=None)
    photo_url = serializers.SerializerMethodField()

    class Meta:
        model = SharedResource
        fields = [
            "id", "kind", "title", "description", "address", "district", "street", "capacity", "exclusive",
            "contact", "terms", "requires_approval", "is_published", "publisher", "publisher_kind", "station",
            "photo_url", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_publisher_kind(self, resource: SharedResource) -> str:
        return "union" if resource.union_id else "station"

    def get_photo_url(self, resource: SharedResource) -> str | None:
        return f"/admin/docking/catalogue/{resource.pk}/photo/" if resource.photo else None


class SharedResourceInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ResourceKind.choices)
    title = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    address = serializers.CharField(max_length=200)
    capacity = serializers.IntegerField(min_value=1, default=1)
    exclusive = serializers.BooleanField(default=True)
    contact = serializers.CharField(max_length=100)
    terms = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    requires_approval = serializers.BooleanField(default=True)
    publish = serializers.BooleanField(default=False, help_text="Create: publish in the catalogue at once.")
    station = serializers.IntegerField(
        required=False, help_text="Create, on the portal: the station one acts for, if one staffs several."
    )


class ResourcePhotoSerializer(serializers.Serializer):
    photo = serializers.FileField(help_text="A JPG, PNG or WebP image of at most 5 MB.")


class BookingRequestSerializer(serializers.ModelSerializer):
    resource_title = serializers.CharField(source="resource.title", read_only=True)
    publisher = serializers.CharField(source="resource.publisher_name", read_only=True)
    requester = serializers.CharField(source="requester_display", read_only=True)
    status_label = serializers.CharField(
        source="get_status_display", read_only=True,
        help_text="The status in the request's language; ``expired``: nobody decided before its start.",
    )  # fmt: skip
    requester_name = serializers.SerializerMethodField()
    requester_phone = serializers.SerializerMethodField()

    class Meta:
        model = BookingRequest
        fields = [
            "id", "resource", "resource_title", "publisher", "requester", "requester_name", "requester_phone",
            "purpose", "headcount", "starts_at", "ends_at", "status", "status_label", "reply", "decided_at",
            "decided_by_name", "closed_at", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def _involved(self, booking: BookingRequest) -> bool:
        keys = self.context.get("party_keys", set())
        publisher = (
            f"u{booking.resource.union_id}"
            if booking.resource.union_id
            else f"s{booking.resource.station_id}"
        )
        requester = (
            f"u{booking.requester_union_id}"
            if booking.requester_union_id
            else f"s{booking.requester_station_id}"
        )
        return publisher in keys or requester in keys

    def get_requester_name(self, booking: BookingRequest) -> str | None:
        return booking.requester_name if self._involved(booking) else None

    def get_requester_phone(self, booking: BookingRequest) -> str | None:
        return booking.requester_phone if self._involved(booking) else None


class BookingRequestInputSerializer(serializers.Serializer):
    resource = serializers.IntegerField()
    station = serializers.IntegerField(
        required=False, help_text="On the portal: the station one acts for, if one staffs several."
    )
    requester_name = serializers.CharField(max_length=50)
    requester_phone = serializers.CharField(max_length=30)
    purpose = serializers.CharField(max_length=300)
    headcount = serializers.IntegerField(min_value=1)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class BookingDecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    reply = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class UsageRowSerializer(serializers.Serializer):
    # a declared field named like Field.label: DRF's metaclass takes it as a field
    label = serializers.CharField()  # type: ignore[assignment]
    approved = serializers.IntegerField()
    completed = serializers.IntegerField()


class UsageSerializer(serializers.Serializer):
    by_resource = UsageRowSerializer(many=True)
    by_requester = UsageRowSerializer(many=True)


def _station_param(request: Request) -> str | None:
    value = request.query_params.get("station")
    if value in (None, "") and hasattr(request.data, "get"):
        value = request.data.get("station")
    return None if value in (None, "") else str(value)


def _parties(request: Request) -> list[Party]:
    """The units the caller acts for, narrowed to the station named by ``station``: one the
    caller staffs, else a 403 (a value that is not a number: 400)."""
    parties = parties_for(request.user)
    wanted = _station_param(request)
    if wanted is None:
        return parties
    if not wanted.isdigit():
        raise ServiceError(
            "docking_station", _("Give the number of the service station you act for."), field="station"
        )
    party = party_for(request.user, station_id=wanted)
    if party is None:
        raise ServiceError(
            "docking_station_forbidden", _("You are not on the staff of this service station."), field="station",
            status=403,
        )  # fmt: skip
    return [party]


def _party_or_403(request: Request) -> Party:
    parties = _parties(request)
    if not parties:
        raise ServiceError(
            "docking_forbidden", _("Only a union's chairman and officers, or a station's staff, can do this."),
            status=403,
        )  # fmt: skip
    if len(parties) > 1:
        raise ServiceError(
            "docking_station_required",
            _("You are on the staff of several service stations: say which one you act for (station)."),
            field="station",
        )
    return parties[0]


# --- Views ----------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Shared resources / 共享资源",
        parameters=[
            OpenApiParameter("kind", str, enum=ResourceKind.values),
            OpenApiParameter("district", str, description="District code"),
            OpenApiParameter("q", str, description="Text in the title, description, address or publisher"),
            OpenApiParameter("mine", bool, description="Only one's own unit's resources (published or not)"),
            OpenApiParameter("station", int, description="With mine: only this station's (one staffs it)"),
        ],
    ),
)
class SharedResourceViewSet(viewsets.GenericViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """The published catalogue, plus one's own unit's (and, on the portal, one's area's)
    unpublished resources; one's own unit creates, changes, publishes and unpublishes."""

    permission_classes = [IsAuthenticated]
    serializer_class = SharedResourceSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SharedResource.objects.none()
        params = self.request.query_params
        if params.get("mine") in ("1", "true"):
            return resources_of(_parties(self.request))
        code = params.get("district", "")
        district = District.objects.filter(code=code).first() if code and "\x00" not in code else None
        catalogue = resources_catalogue(
            kind=params.get("kind", ""), district=district, text=params.get("q", "")
        )
        if self.action == "list":
            return catalogue
        return (catalogue | resources_visible_to(self.request.user)).distinct()

    def get_object(self) -> SharedResource:
        found = (
            resource_visible(self.request.user, self.kwargs["pk"])
            if str(self.kwargs["pk"]).isdigit()
            else None
        )
        if found is None:
            raise Http404
        return found

    def _own(self) -> SharedResource:
        """One of the caller's own resources (of whichever of their stations publishes it)."""
        parties = parties_for(self.request.user)
        if not parties:
            raise ServiceError(
                "docking_forbidden", _("Only a union's chairman and officers, or a station's staff, can do this."),
                status=403,
            )  # fmt: skip
        resource = (
            resources_of(parties).filter(pk=self.kwargs["pk"]).first()
            if str(self.kwargs["pk"]).isdigit()
            else None
        )
        if resource is None:
            raise Http404
        return resource

    @extend_schema(request=SharedResourceInputSerializer, responses={201: SharedResourceSerializer, 400: None,
                                                                      403: None}, summary="Share a resource")  # fmt: skip
    def create(self, request: Request) -> Response:
        data = SharedResourceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        party = _party_or_403(request)
        values = dict(data.validated_data)
        values.pop("station", None)
        resource = resource_create(party=party, by=request.user, **values)
        return Response(SharedResourceSerializer(resource).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SharedResourceInputSerializer, responses={200: SharedResourceSerializer, 400: None,
                                                                      404: None}, summary="Change a resource")  # fmt: skip
    def update(self, request: Request, pk: str) -> Response:
        resource = self._own()
        data = SharedResourceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("publish", None)
        values.pop("station", None)
        updated = resource_update(resource=resource, by=request.user, **values)
        return Response(SharedResourceSerializer(updated).data)

    @extend_schema(request=None, responses={200: SharedResourceSerializer, 404: None}, summary="Publish")
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        return Response(
            SharedResourceSerializer(resource_publish(resource=self._own(), by=request.user)).data
        )

    @extend_schema(request=None, responses={200: SharedResourceSerializer, 404: None}, summary="Unpublish")
    @action(detail=True, methods=["post"])
    def unpublish(self, request: Request, pk: str) -> Response:
        return Response(
            SharedResourceSerializer(resource_unpublish(resource=self._own(), by=request.user)).data
        )

    @extend_schema(
        methods=["POST"], request={"multipart/form-data": ResourcePhotoSerializer},
        responses={200: SharedResourceSerializer, 400: None, 403: None, 404: None},
        summary="Upload the photo / 上传照片",
        description="Multipart, field `photo`: a JPG, PNG or WebP image of at most 5 MB, checked by its content. "
        "Replaces the photo there was.",
    )  # fmt: skip
    @extend_schema(methods=["DELETE"], request=None, responses={200: SharedResourceSerializer, 404: None},
                   summary="Remove the photo")  # fmt: skip
    @action(detail=True, methods=["post", "delete"], parser_classes=[MultiPartParser, FormParser, JSONParser])
    def photo(self, request: Request, pk: str) -> Response:
        resource = self._own()
        if request.method == "DELETE":
            return Response(
                SharedResourceSerializer(resource_photo_replace(resource=resource, by=request.user)).data
            )
        upload = request.data.get("photo") if hasattr(request.data, "get") else None
        if upload is None or isinstance(upload, str):
            raise ServiceError(
                "resource_photo_missing",
                _("Choose a photo to upload (multipart form, field photo)."),
                field="photo",
            )
        updated = resource_photo_replace(resource=resource, by=request.user, photo=upload)
        return Response(SharedResourceSerializer(updated).data)


@extend_schema_view(
    list=extend_schema(
        summary="Booking requests / 预约申请",
        parameters=[
            OpenApiParameter(
                "role", str, enum=["made", "received"], description="Made by one's unit, or to it"
            ),
            OpenApiParameter("status", str, enum=BookingStatus.values),
            OpenApiParameter("station", int, description="With role: only this station's (one staffs it)"),
        ],
    ),
)
class BookingRequestViewSet(viewsets.GenericViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Bookings one's unit asked for or received (on the portal also those of one's area)."""

    permission_classes = [IsAuthenticated]
    serializer_class = BookingRequestSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {
            **super().get_serializer_context(),
            "party_keys": {p.key for p in parties_for(self.request.user)},
        }

    def get_queryset(self):
        bookings = bookings_visible_to(self.request.user)
        params = self.request.query_params
        if params.get("role") == "made":
            bookings = requests_made_by(_parties(self.request))
        elif params.get("role") == "received":
            bookings = requests_received_by(_parties(self.request))
        if params.get("status") in BookingStatus.values:
            bookings = bookings.filter(status=params["status"])
        return bookings.order_by("-created_at", "-pk")

    @extend_schema(request=BookingRequestInputSerializer, responses={201: BookingRequestSerializer, 400: None,
                   403: None, 404: None, 409: OpenApiResponse(description="the time is taken")},
                   summary="Request a booking")  # fmt: skip
    def create(self, request: Request) -> Response:
        data = BookingRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        party = _party_or_403(request)
        values = dict(data.validated_data)
        values.pop("station", None)
        resource = resource_visible(request.user, values.pop("resource"))
        if resource is None:
            raise Http404
        booking = booking_request(resource=resource, party=party, by=request.user, **values)
        return Response(self.get_serializer(booking).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=BookingDecideSerializer, responses={200: BookingRequestSerializer, 400: None, 404: None,
                   409: OpenApiResponse(description="already decided, lapsed, or the time is taken")},
                   summary="Approve or decline / 批准或拒绝")  # fmt: skip
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        data = BookingDecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booking = booking_decide(booking=self.get_object(), approve=data.validated_data["approve"],
                                 reply=data.validated_data["reply"], by=request.user)  # fmt: skip
        return Response(self.get_serializer(booking).data)

    @extend_schema(request=None, responses={200: BookingRequestSerializer, 404: None, 409: None},
                   summary="Cancel (the requester)")  # fmt: skip
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(booking_cancel(booking=self.get_object(), by=request.user)).data)

    @extend_schema(request=None, responses={200: BookingRequestSerializer, 404: None, 409: None},
                   summary="Record as used (the publisher)")  # fmt: skip
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        return Response(
            self.get_serializer(booking_complete(booking=self.get_object(), by=request.user)).data
        )


class DockingUsageViewSet(viewsets.ViewSet):
    """Approved and completed bookings per resource and per requesting unit: one's own unit's
    resources; on the portal, the resources of one's district (or all, for the city)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: UsageSerializer, 403: None}, summary="Usage / 使用情况")
    def list(self, request: Request) -> Response:
        if not may_see_usage(request.user):
            raise ServiceError("docking_forbidden", _("Only staff who share resources or oversee an area see usage."),
                               status=403)  # fmt: skip
        party = party_for(request.user)
        if party is not None and not on_portal():
            hosted = party.requests_received()
        else:
            hosted = bookings_visible_to(request.user).filter(resource__in=resources_visible_to(request.user))
        return Response(UsageSerializer({"by_resource": usage_by_resource(hosted),
                                         "by_requester": usage_by_requester(hosted)}).data)  # fmt: skip
