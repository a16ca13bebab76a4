"""Docking (对接): resources a union or a street service station shares with the others, and the
bookings other units ask for.

A ``SharedResource`` (共享资源) is published by exactly one *publisher*: a union (``registry.Union``)
or a service station (``stations.ServiceStation``). Its district and street are the publisher's,
copied when it is saved, so the catalogue filters without joining the registry. A
``BookingRequest`` (预约申请) is another unit's request to use it for a time; the publisher's staff
approve or decline it, the requester may cancel it, an approved booking is completed once used,
and a request nobody decided before its start lapses (``expired``). Completed bookings are the
usage the federation counts as "有对接" (six haves: docking).

Both tables live in the public schema: the public row is the truth. The units involved are told
of a change by a task in their own schema (a notification to their staff), never by reading one
another's schema. Two approved bookings of an *exclusive* resource never overlap: PostgreSQL
refuses it with an exclusion constraint (btree_gist) whatever path the rows take.
"""

from __future__ import annotations

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import F, Func, Q
from django.utils.translation import gettext_lazy as _

# The resources' photos live under MEDIA_ROOT whatever schema reads them (the default storage
# keys files by the current schema, and every union's admin shows the same catalogue).
_STORAGE = FileSystemStorage()


def photo_storage() -> FileSystemStorage:
    return _STORAGE


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class ResourceKind(models.TextChoices):
    """What is shared."""

    VENUE = "venue", _("Venue")
    ROOM = "room", _("Meeting or activity room")
    COURSE = "course", _("Course")
    LECTURER = "lecturer", _("Lecturer")
    COUNSELLOR = "counsellor", _("Counsellor")
    LAWYER = "lawyer", _("Lawyer")
    BOOKS = "books", _("Book collection")
    EQUIPMENT = "equipment", _("Equipment")


class SharedResource(models.Model):
    """A resource one union or one service station offers to the other units (共享资源): what it is,
    where, for how many people, how to reach the person in charge, the terms of use and whether
    each booking needs the publisher's approval. Only published resources are in the catalogue."""

    union = models.ForeignKey(
        "registry.Union", null=True, blank=True, on_delete=models.CASCADE, related_name="shared_resources",
        verbose_name=_("union"),
    )  # fmt: skip
    station = models.ForeignKey(
        "stations.ServiceStation", null=True, blank=True, on_delete=models.CASCADE,
        related_name="shared_resources", verbose_name=_("service station"),
    )  # fmt: skip
    kind = models.CharField(_("kind"), max_length=12, choices=ResourceKind.choices)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    address = models.CharField(_("address"), max_length=200)
    district = models.ForeignKey(
        "federation.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("district"),
    )  # fmt: skip
    street = models.ForeignKey(
        "federation.Street", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("street"),
    )  # fmt: skip
    capacity = models.PositiveIntegerField(_("capacity (people)"), default=1)
    exclusive = models.BooleanField(
        _("one booking at a time"), default=True,
        help_text=_("A room, a lawyer or a counsellor serves one booking at a time; a book collection lent to "
                    "several units at once does not."),
    )  # fmt: skip
    photo = models.ImageField(_("photo"), upload_to="docking/photos/", storage=photo_storage, blank=True)
    contact = models.CharField(
        _("contact"), max_length=100, help_text=_("Who to call, and their phone number.")
    )
    terms = models.TextField(_("terms of use"), blank=True)
    requires_approval = models.BooleanField(_("bookings need approval"), default=True)
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("shared resource")
        verbose_name_plural = _("shared resources")
        permissions = [("share_resources", "Can share the union's resources and book other units' resources")]
        indexes = [
            models.Index(fields=["is_published", "kind", "district"], name="docking_resource_catalogue"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(union__isnull=False) & Q(station__isnull=True))
                | (Q(union__isnull=True) & Q(station__isnull=False)),
                name="docking_resource_one_publisher",
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="docking_resource_capacity"),
            models.CheckConstraint(condition=~Q(title=""), name="docking_resource_title"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def publisher_name(self) -> str:
        if self.union is not None:
            return self.union.name
        return self.station.name if self.station is not None else ""


class BookingStatus(models.TextChoices):
    """Where a booking request stands: requested → approved / declined; approved → completed;
    requested or approved → cancelled by the requester; requested → expired when its start
    passes before anyone decided it (the 15-minute sweep)."""

    REQUESTED = "requested", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Used")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Lapsed without a decision")


class BookingRequest(models.Model):
    """Another union's (or station's) request to use a shared resource (预约申请): who asks, the
    person to contact, what for, how many people, when; the publisher's decision and reply.

    ``exclusive`` is the resource's setting when the request was made (the exclusion constraint
    cannot join the resource). ``told_publisher``/``told_requester`` record the last status each
    side's staff were notified of, so a repeated task never notifies twice."""

    resource = models.ForeignKey(
        SharedResource, on_delete=models.CASCADE, related_name="bookings", verbose_name=_("resource")
    )
    requester_union = models.ForeignKey(
        "registry.Union", null=True, blank=True, on_delete=models.CASCADE, related_name="docking_bookings",
        verbose_name=_("requesting union"),
    )  # fmt: skip
    requester_station = models.ForeignKey(
        "stations.ServiceStation", null=True, blank=True, on_delete=models.CASCADE,
        related_name="docking_bookings", verbose_name=_("requesting station"),
    )  # fmt: skip
    requester_name = models.CharField(_("contact person"), max_length=50)
    requester_phone = models.CharField(_("contact phone"), max_length=30)
    purpose = models.CharField(_("purpose"), max_length=300)
    headcount = models.PositiveIntegerField(_("number of people"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    exclusive = models.BooleanField(default=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=BookingStatus.choices, default=BookingStatus.REQUESTED
    )
    reply = models.TextField(_("publisher's reply"), blank=True)
    requested_by_name = models.CharField(_("requested by"), max_length=50, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by_name = models.CharField(_("decided by"), max_length=50, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)  # used, cancelled or lapsed
    told_publisher = models.CharField(max_length=10, blank=True, editable=False)
    told_requester = models.CharField(max_length=10, blank=True, editable=False)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("booking request")
        verbose_name_plural = _("booking requests")
        indexes = [
            models.Index(fields=["resource", "status", "starts_at"], name="docking_booking_resource"),
            models.Index(fields=["requester_union", "status"], name="docking_booking_requester"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(requester_union__isnull=False) & Q(requester_station__isnull=True))
                | (Q(requester_union__isnull=True) & Q(requester_station__isnull=False)),
                name="docking_booking_one_requester",
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="docking_booking_times"),
            models.CheckConstraint(condition=Q(headcount__gte=1), name="docking_booking_headcount"),
            models.CheckConstraint(
                condition=Q(status="requested")
                | Q(status="cancelled")
                | Q(status="expired")
                | Q(decided_at__isnull=False),
                name="docking_booking_decided_at",
            ),
            ExclusionConstraint(
                name="docking_booking_no_overlap",
                expressions=[
                    ("resource", RangeOperators.EQUAL),
                    (TsTzRange("starts_at", "ends_at", RangeBoundary()), RangeOperators.OVERLAPS),
                ],
                condition=Q(status="approved", exclusive=True),
                violation_error_message=_("The resource is already booked at this time."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def requester_display(self) -> str:
        if self.requester_union is not None:
            return self.requester_union.name
        return self.requester_station.name if self.requester_station is not None else ""
