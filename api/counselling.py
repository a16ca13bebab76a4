"""The counselling API (心理疏导): counsellors and their free times, a worker's own appointments
(book after consent, cancel), a counsellor's appointments (mark held, session notes), lectures.

Appointments are seen by the worker and the counsellor only; session notes by their author only:
anyone else asking for a note gets a 404 and the refused read is written to the privacy audit
log (the author's reads are written there too). Thin: selectors for reads, services for writes.
"""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.activities.models import Activity
from tenants.counselling.access import appointments_of_counsellor, manages_counselling, note_read
from tenants.counselling.models import Appointment, CounsellingSlot, Counsellor, SessionNote
from tenants.counselling.selectors import (
    appointments_of_worker,
    counsellors_listed,
    lectures_upcoming,
    slots_free,
)
from tenants.counselling.services import (
    CONSENT_PURPOSE,
    appointment_book,
    appointment_cancel,
    appointment_close,
    counsellor_save,
    note_save,
    slots_add,
)
from tenants.privacy.services import sensitive_read_log
from tenants.users.models import User


class ManagesCounsellingOrReads(BasePermission):
    """Reading is open to anyone signed in here; writing to the chairman and officers."""

    def has_permission(self, request, view) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return manages_counselling(request.user)


def _id(value) -> int | None:
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and 0 < len(text) <= 18 else None


# --- Serializers ----------------------------------------------------------------------------------


class CounsellorSerializer(serializers.ModelSerializer):
    has_account = serializers.SerializerMethodField()

    class Meta:
        model = Counsellor
        fields = ["id", "name", "qualification", "introduction", "hired", "active", "has_account"]
        read_only_fields = ["id", "has_account"]

    def get_has_account(self, counsellor: Counsellor) -> bool:
        return counsellor.user_id is not None


class CounsellorInputSerializer(serializers.ModelSerializer):
    user = serializers.IntegerField(
        required=False, allow_null=True, help_text="The user id of their account here."
    )

    class Meta:
        model = Counsellor
        fields = ["name", "qualification", "introduction", "hired", "active", "user"]


class CounsellingSlotSerializer(serializers.ModelSerializer):
    counsellor_name = serializers.CharField(source="counsellor.name", read_only=True)

    class Meta:
        model = CounsellingSlot
        fields = ["id", "counsellor", "counsellor_name", "starts_at", "ends_at", "place"]
        read_only_fields = fields


class CounsellingSlotsInputSerializer(serializers.Serializer):
    counsellor = serializers.IntegerField()
    first_day = serializers.DateField()
    weeks = serializers.IntegerField()
    weekdays = serializers.ListField(child=serializers.IntegerField(), help_text="0 = Monday … 6 = Sunday.")
    start = serializers.TimeField()
    minutes = serializers.IntegerField()
    place = serializers.CharField(max_length=100)


class MyAppointmentSerializer(serializers.ModelSerializer):
    slot = CounsellingSlotSerializer(read_only=True)

    class Meta:
        model = Appointment
        fields = ["id", "slot", "status", "booked_at", "cancelled_at"]
        read_only_fields = fields


class AppointmentBookingSerializer(serializers.Serializer):
    slot = serializers.IntegerField()
    consent = serializers.BooleanField(help_text="The worker agrees to the purpose stated (see `purpose`).")
    purpose = serializers.CharField(read_only=True, default=CONSENT_PURPOSE)


class CounsellorAppointmentSerializer(serializers.ModelSerializer):
    """An appointment as its counsellor sees it (never the notes: they have their own endpoint)."""

    worker_name = serializers.SerializerMethodField()
    slot = CounsellingSlotSerializer(read_only=True)
    has_note = serializers.SerializerMethodField()

    class Meta:
        model = Appointment
        fields = ["id", "slot", "worker_name", "status", "booked_at", "closed_at", "has_note"]
        read_only_fields = fields

    def get_worker_name(self, appointment: Appointment) -> str:
        return appointment.worker.name or appointment.worker.get_full_name()

    def get_has_note(self, appointment: Appointment) -> bool:
        return hasattr(appointment, "note")


class AppointmentCloseSerializer(serializers.Serializer):
    held = serializers.BooleanField(help_text="True: the talk took place; false: the worker did not come.")


class SessionNoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = SessionNote
        fields = ["text", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class CounsellingLectureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Activity
        fields = ["id", "title", "starts_at", "ends_at", "place", "capacity", "audience"]
        read_only_fields = fields


# --- Views ----------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(description="The counsellors taking appointments (public information)."),
    create=extend_schema(request=CounsellorInputSerializer, responses={201: CounsellorSerializer},
                         description="Add a counsellor (chairman, officers)."),
)  # fmt: skip
class CounsellorViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    permission_classes = [IsAuthenticated, ManagesCounsellingOrReads]
    serializer_class = CounsellorSerializer

    def get_queryset(self):
        return counsellors_listed().order_by("hired", "name", "pk")

    def create(self, request: Request) -> Response:
        data = CounsellorInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        user_id = values.pop("user", None)
        user = None
        if user_id:
            user = User.objects.filter(pk=user_id, is_active=True).first() if 0 < user_id < 2**63 else None
            if user is None:
                raise serializers.ValidationError({"user": [_("No such member in this union.")]})
        counsellor = counsellor_save(counsellor=Counsellor(**values, user=user), by=request.user)
        return Response(CounsellorSerializer(counsellor).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(description="Free times in the coming three weeks (filter with ?counsellor=)."),
    create=extend_schema(request=CounsellingSlotsInputSerializer, responses={201: CounsellingSlotSerializer(many=True)},
                         description="Add a weekly pattern of times for a counsellor (chairman, officers)."),
)  # fmt: skip
class CounsellingSlotViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, ManagesCounsellingOrReads]
    serializer_class = CounsellingSlotSerializer

    def get_queryset(self):
        counsellor = _id(self.request.query_params.get("counsellor"))
        slots = slots_free()
        return slots.filter(counsellor_id=counsellor) if counsellor else slots

    def create(self, request: Request) -> Response:
        data = CounsellingSlotsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        counsellor = Counsellor.objects.filter(pk=_id(values.pop("counsellor")) or 0).first()
        if counsellor is None:
            raise serializers.ValidationError({"counsellor": [_("No such counsellor.")]})
        made = slots_add(counsellor=counsellor, **values, by=request.user)
        return Response(CounsellingSlotSerializer(made, many=True).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(description="The caller's own counselling appointments."),
    create=extend_schema(request=AppointmentBookingSerializer, responses={201: MyAppointmentSerializer},
                         description="Book a free time. `consent` must be true: the consent to the purpose stated is recorded first."),
)  # fmt: skip
class MyAppointmentViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = MyAppointmentSerializer

    def get_queryset(self):
        return appointments_of_worker(self.request.user)

    def create(self, request: Request) -> Response:
        data = AppointmentBookingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        slot = CounsellingSlot.objects.filter(pk=_id(data.validated_data["slot"]) or 0).first()
        if slot is None:
            raise serializers.ValidationError(
                {"slot": [_("This time is no longer offered; choose another.")]}
            )
        appointment = appointment_book(
            slot=slot, worker=request.user, consent_given=data.validated_data["consent"]
        )
        return Response(MyAppointmentSerializer(appointment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None, responses={200: MyAppointmentSerializer}, description="Cancel a coming appointment."
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk=None) -> Response:
        appointment = self.get_queryset().filter(pk=_id(pk)).first()
        if appointment is None:
            raise Http404
        return Response(
            MyAppointmentSerializer(appointment_cancel(appointment=appointment, by=request.user)).data
        )


@extend_schema_view(
    list=extend_schema(description="The caller's appointments as a counsellor (empty for anyone else)."),
    retrieve=extend_schema(description="One appointment of the calling counsellor."),
)  # fmt: skip
class CounsellorAppointmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = CounsellorAppointmentSerializer

    def get_queryset(self):
        return (
            appointments_of_counsellor(self.request.user)
            .select_related("slot__counsellor", "worker", "note")
            .order_by("-slot__starts_at", "-pk")
        )

    def get_object(self):
        number = _id(self.kwargs.get("pk"))
        appointment = self.get_queryset().filter(pk=number).first() if number else None
        if appointment is None:
            other = Appointment.objects.filter(pk=number).first() if number else None
            if other is not None:  # someone else's appointment: refused, and audited
                sensitive_read_log(
                    user=self.request.user, obj=other, action="refused", via="api", purpose="查看心理咨询预约"
                )
            raise Http404
        return appointment

    @extend_schema(request=AppointmentCloseSerializer, responses={200: CounsellorAppointmentSerializer},
                   description="Record that the talk took place or that the worker did not come.")  # fmt: skip
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk=None) -> Response:
        appointment = self.get_object()
        data = AppointmentCloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        appointment_close(appointment=appointment, held=data.validated_data["held"], by=request.user)
        return Response(CounsellorAppointmentSerializer(self.get_object()).data)

    @extend_schema(methods=["GET"], request=None, responses={200: SessionNoteSerializer},
                   description="The session notes, for their author only; every read (and refusal) is audited.")  # fmt: skip
    @extend_schema(methods=["PUT"], request=SessionNoteSerializer, responses={200: SessionNoteSerializer},
                   description="Write or change the notes of a held talk (its counsellor only).")  # fmt: skip
    @action(detail=True, methods=["get", "put"])
    def note(self, request: Request, pk=None) -> Response:
        number = _id(pk)
        appointment = (
            Appointment.objects.select_related("slot__counsellor").filter(pk=number).first()
            if number
            else None
        )
        if appointment is None:
            raise Http404
        existing = SessionNote.objects.filter(appointment=appointment).first()
        if request.method == "PUT":
            if appointment.slot.counsellor.user_id != request.user.pk:
                if existing is not None:
                    note_read(request.user, existing, via="api", purpose="修改谈话记录")
                raise Http404
            data = SessionNoteSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            note = note_save(appointment=appointment, text=data.validated_data["text"], by=request.user)
            return Response(SessionNoteSerializer(note).data)
        if existing is None or not note_read(request.user, existing, via="api", purpose="查看谈话记录"):
            raise Http404
        return Response(SessionNoteSerializer(existing).data)


@extend_schema_view(
    list=extend_schema(description="Coming counselling lectures; sign up through /api/v1/activities/.")
)
class CounsellingLectureViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = CounsellingLectureSerializer

    def get_queryset(self):
        return lectures_upcoming(user=self.request.user, now=timezone.now())


__all__ = [
    "CounsellingLectureViewSet", "CounsellingSlotViewSet", "CounsellorAppointmentViewSet", "CounsellorViewSet",
    "MyAppointmentViewSet",
]  # fmt: skip
