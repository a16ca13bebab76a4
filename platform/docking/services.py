"""Publishing shared resources, asking to book them, and the publisher deciding.

Every write checks who acts: a union's chairman and officers act for their union on its own site;
a station's staff act for their station on the portal. A resource or booking outside one's unit
is not found (404). Refusals are ``ServiceError`` with a code and a message in Chinese and
English; nothing is changed when one is raised. The other side is told after commit by a task in
its own schema (``booking_tell``), never by writing into its schema from here.
"""

from __future__ import annotations

import datetime
import os
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from workershome.errors import Conflict, ServiceError
from workershome.shards import shared_alias, shared_atomic
from workershome.tenancy import current_schema, on_commit_in_schema

from .models import BookingRequest, BookingStatus, ResourceKind, SharedResource
from .selectors import Party, parties_for

MAX_PHOTO_BYTES = 5 * 1024 * 1024
_PHOTO_SIGNATURES = {
    "jpg": b"\xff\xd8\xff",
    "jpeg": b"\xff\xd8\xff",
    "png": b"\x89PNG\r\n\x1a\n",
    "webp": b"RIFF",
}
# How far ahead a booking may be asked for.
MAX_DAYS_AHEAD = 366


def _text(value: Any, *, code: str, message: Any, field: str, limit: int, required: bool = True) -> str:
    text = str(value if value is not None else "").strip()
    if required and not text:
        raise ServiceError(code, message, field=field)
    if len(text) > limit:
        raise ServiceError(
            f"{code}_long", _("This text is too long (at most %(limit)s characters)."), params={"limit": limit},
            field=field,
        )  # fmt: skip
    return text


def _who(by) -> str:
    return ((by.get_full_name() or by.username) if by is not None else "")[:50]


def _acts_for(by, party: Party) -> bool:
    return any(p.key == party.key for p in parties_for(by))


def _publisher(resource: SharedResource) -> Party:
    return Party(union=resource.union) if resource.union_id else Party(station=resource.station)


def _requester(booking: BookingRequest) -> Party:
    if booking.requester_union_id:
        return Party(union=booking.requester_union)
    return Party(station=booking.requester_station)


# What Pillow calls each format a photo's extension names.
_PHOTO_FORMATS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}


def photo_check(upload) -> None:
    """Refuse a photo that is missing, empty, too large or not a JPEG, PNG or WebP image: by
    extension, by its first bytes, and by Pillow reading it as the format the extension names
    (as ``tenants.archives.uploads`` checks its photos), so a renamed program or a broken file
    is refused whatever the browser said its type was."""
    if upload is None or not hasattr(upload, "read"):
        raise ServiceError("resource_photo_missing", _("Choose a photo to upload."), field="photo")
    if not upload.size:
        raise ServiceError("resource_photo_empty", _("The photo file is empty."), field="photo")
    if upload.size > MAX_PHOTO_BYTES:
        raise ServiceError(
            "resource_photo_too_large", _("The photo is larger than %(limit)s MB."),
            params={"limit": MAX_PHOTO_BYTES // (1024 * 1024)}, field="photo",
        )  # fmt: skip
    extension = os.path.splitext(upload.name or "")[1].lower().lstrip(".")
    if extension not in _PHOTO_SIGNATURES:
        raise ServiceError(
            "resource_photo_type", _("The photo must be a JPG, PNG or WebP image."), field="photo"
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    mismatch = ServiceError(
        "resource_photo_content", _("This file's content does not match its extension."), field="photo"
    )
    if not head.startswith(_PHOTO_SIGNATURES[extension]) or (extension == "webp" and head[8:12] != b"WEBP"):
        raise mismatch
    from PIL import Image

    try:
        with Image.open(upload) as image:
            image_format = image.format
            image.verify()
    except Exception as error:  # anything Pillow cannot read (a broken file, a decompression bomb)
        raise mismatch from error
    finally:
        upload.seek(0)
    if image_format != _PHOTO_FORMATS[extension]:
        raise mismatch


def _resource_values(
    *, kind: str, title: str, description: str, address: str, capacity: Any, exclusive: bool, contact: str,
    terms: str, requires_approval: bool,
) -> dict[str, Any]:  # fmt: skip
    if kind not in ResourceKind.values:
        raise ServiceError("resource_kind", _("Choose what kind of resource this is."), field="kind")
    try:
        capacity = int(capacity)
    except (TypeError, ValueError):
        capacity = 0
    if not 1 <= capacity <= 100000:
        raise ServiceError(
            "resource_capacity", _("Give how many people the resource serves (at least 1)."), field="capacity"
        )
    return {
        "kind": kind,
        "title": _text(title, code="resource_title", message=_("Give the resource a title."), field="title",
                       limit=100),
        "description": _text(description, code="resource_description", message="", field="description",
                             limit=5000, required=False),
        "address": _text(address, code="resource_address", message=_("Say where the resource is."),
                         field="address", limit=200),
        "capacity": capacity,
        "exclusive": bool(exclusive),
        "contact": _text(contact, code="resource_contact", message=_("Say who to contact, with a phone number."),
                         field="contact", limit=100),
        "terms": _text(terms, code="resource_terms", message="", field="terms", limit=5000, required=False),
        "requires_approval": bool(requires_approval),
    }  # fmt: skip


def _place(party: Party) -> dict[str, Any]:
    """The district and street of a resource are its publisher's."""
    if party.union is not None:
        return {"district_id": party.union.district_id, "street_id": party.union.street_id}
    station = party.station
    assert station is not None
    return {"district_id": station.street.district_id, "street_id": station.street_id}


def _forbidden() -> ServiceError:
    return ServiceError(
        "docking_forbidden",
        _("Only the staff of the unit that published this resource can do this."),
        status=404,
    )


@shared_atomic
def resource_create(
    *, party: Party, by, kind: str, title: str, address: str, contact: str, capacity: Any = 1,
    description: str = "", exclusive: bool = True, terms: str = "", requires_approval: bool = True,
    photo=None, publish: bool = False,
) -> SharedResource:  # fmt: skip
    """A union's chairman or officers (on its own site) or a station's staff (on the portal) add a
    resource of their unit; published at once when ``publish``."""
    if not _acts_for(by, party):
        raise _forbidden()
    values = _resource_values(
        kind=kind, title=title, description=description, address=address, capacity=capacity,
        exclusive=exclusive, contact=contact, terms=terms, requires_approval=requires_approval,
    )  # fmt: skip
    if photo:
        photo_check(photo)
    resource = SharedResource(union=party.union, station=party.station, is_published=publish, **values,
                              **_place(party))  # fmt: skip
    if photo:
        resource.photo.save(os.path.basename(photo.name), photo, save=False)
    resource.save()
    return resource


@shared_atomic
def resource_update(
    *, resource: SharedResource, by, kind: str, title: str, address: str, contact: str, capacity: Any = 1,
    description: str = "", exclusive: bool = True, terms: str = "", requires_approval: bool = True,
    photo=None, photo_clear: bool = False,
) -> SharedResource:  # fmt: skip
    """Change a resource of one's own unit. Bookings already made keep their terms."""
    if not _acts_for(by, _publisher(resource)):
        raise _forbidden()
    values = _resource_values(
        kind=kind, title=title, description=description, address=address, capacity=capacity,
        exclusive=exclusive, contact=contact, terms=terms, requires_approval=requires_approval,
    )  # fmt: skip
    if photo:
        photo_check(photo)
    locked = SharedResource.objects.select_for_update().get(pk=resource.pk)
    for name, value in {**values, **_place(_publisher(resource))}.items():
        setattr(locked, name, value)
    if photo:
        locked.photo.save(os.path.basename(photo.name), photo, save=False)
    elif photo_clear:
        locked.photo = ""
    locked.save()
    return locked


@shared_atomic
def resource_publish(*, resource: SharedResource, by) -> SharedResource:
    """Put the resource in the catalogue, where other unions and stations can ask to book it."""
    if not _acts_for(by, _publisher(resource)):
        raise _forbidden()
    SharedResource.objects.filter(pk=resource.pk).update(is_published=True, updated_at=timezone.now())
    resource.refresh_from_db()
    return resource


@shared_atomic
def resource_unpublish(*, resource: SharedResource, by) -> SharedResource:
    """Take the resource out of the catalogue. Bookings already approved stand (the publisher
    declines or the requester cancels them if they no longer should); new requests are refused."""
    if not _acts_for(by, _publisher(resource)):
        raise _forbidden()
    SharedResource.objects.filter(pk=resource.pk).update(is_published=False, updated_at=timezone.now())
    resource.refresh_from_db()
    return resource


@shared_atomic
def resource_photo_replace(*, resource: SharedResource, by, photo=None) -> SharedResource:
    """Upload (or, with no ``photo``, remove) a resource's photo: only the publisher's staff
    (anyone else: 404); the photo is checked first (``photo_check``) and nothing changes when it
    is refused. The file replaced is deleted once the change is committed."""
    if not _acts_for(by, _publisher(resource)):
        raise _forbidden()
    if photo is not None:
        photo_check(photo)
    locked = SharedResource.objects.select_for_update().get(pk=resource.pk)
    old_name = locked.photo.name if locked.photo else ""
    if photo is not None:
        locked.photo.save(os.path.basename(photo.name), photo, save=False)
    else:
        locked.photo = ""
    locked.save(update_fields=["photo", "updated_at"])
    if old_name and old_name != locked.photo.name:
        storage = locked.photo.storage
        transaction.on_commit(lambda: storage.delete(old_name), using=shared_alias())
    return locked


def _overlap(
    resource: SharedResource, starts_at, ends_at, *, exclude: int | None = None
) -> BookingRequest | None:
    busy = BookingRequest.objects.filter(
        resource=resource,
        status=BookingStatus.APPROVED,
        exclusive=True,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    )
    if exclude is not None:
        busy = busy.exclude(pk=exclude)
    return busy.order_by("starts_at").first()


def _when(start: datetime.datetime, end: datetime.datetime) -> str:
    local_start, local_end = timezone.localtime(start), timezone.localtime(end)
    end_format = "H:i" if local_start.date() == local_end.date() else "Y-m-d H:i"
    return f"{formats.date_format(local_start, 'Y-m-d H:i')}–{formats.date_format(local_end, end_format)}"


def _overlap_error(busy: BookingRequest) -> Conflict:
    return Conflict(
        "booking_overlap", _("The resource is already booked at this time (%(when)s). Choose another time."),
        params={"when": _when(busy.starts_at, busy.ends_at)},
    )  # fmt: skip


def _approve_locked(booking: BookingRequest) -> None:
    """Save an approval; PostgreSQL's exclusion constraint is the last word on overlaps."""
    try:
        with shared_atomic():
            booking.save()
    except IntegrityError as error:
        if "docking_booking_no_overlap" not in str(error):
            raise
        raise Conflict(
            "booking_overlap", _("The resource is already booked at this time. Choose another time.")
        ) from error


@shared_atomic
def booking_request(
    *, resource: SharedResource, party: Party, by, requester_name: str, requester_phone: str, purpose: str,
    headcount: Any, starts_at: datetime.datetime | None, ends_at: datetime.datetime | None,
) -> BookingRequest:  # fmt: skip
    """预约: a union (its chairman or officers) or a station (its staff) asks to use another unit's
    published resource. Where the resource needs no approval the booking holds at once."""
    if not _acts_for(by, party):
        raise ServiceError("docking_forbidden", _("Only a union's chairman and officers, or a station's staff, can "
                                                   "book shared resources."), status=403)  # fmt: skip
    locked = (
        SharedResource.objects.select_for_update(of=("self",))
        .select_related("union", "station")
        .filter(pk=resource.pk)
        .first()
    )
    if (
        locked is None
        or not locked.is_published
        or (locked.union is not None and locked.union.status != "active")
    ):
        raise ServiceError(
            "resource_unpublished", _("This resource is not published, so it cannot be booked.")
        )
    if party.owns(locked):
        raise ServiceError(
            "booking_own_resource", _("This is your own unit's resource: there is nothing to book.")
        )
    values = {
        "requester_name": _text(requester_name, code="booking_name", message=_("Give the contact person's name."),
                                field="requester_name", limit=50),
        "requester_phone": _text(requester_phone, code="booking_phone", message=_("Give the contact phone number."),
                                 field="requester_phone", limit=30),
        "purpose": _text(purpose, code="booking_purpose", message=_("Say what the resource is for."),
                         field="purpose", limit=300),
    }  # fmt: skip
    if starts_at is None or ends_at is None:
        raise ServiceError("booking_times", _("Give the start and the end."), field="starts_at")
    if ends_at <= starts_at:
        raise ServiceError("booking_times", _("The end must be after the start."), field="ends_at")
    now = timezone.now()
    if starts_at < now:
        raise ServiceError(
            "booking_past", _("The start is in the past. Choose a time to come."), field="starts_at"
        )
    if starts_at > now + datetime.timedelta(days=MAX_DAYS_AHEAD):
        raise ServiceError(
            "booking_too_far", _("Bookings can be asked for up to a year ahead."), field="starts_at"
        )
    try:
        headcount = int(headcount)
    except (TypeError, ValueError):
        headcount = 0
    if headcount < 1:
        raise ServiceError(
            "booking_headcount", _("Say how many people will come (at least 1)."), field="headcount"
        )
    if headcount > locked.capacity:
        raise ServiceError(
            "booking_capacity", _("%(n)s people is more than this resource's capacity (%(capacity)s)."),
            params={"n": headcount, "capacity": locked.capacity}, field="headcount",
        )  # fmt: skip
    if locked.exclusive:
        busy = _overlap(locked, starts_at, ends_at)
        if busy is not None:
            raise _overlap_error(busy)
    booking = BookingRequest(
        resource=locked, requester_union=party.union, requester_station=party.station, headcount=headcount,
        starts_at=starts_at, ends_at=ends_at, exclusive=locked.exclusive, requested_by_name=_who(by), **values,
    )  # fmt: skip
    if locked.requires_approval:
        booking.save()
    else:
        booking.status = BookingStatus.APPROVED
        booking.decided_at = now
        booking.reply = gettext("Approved automatically: this resource needs no approval.")
        _approve_locked(booking)
        _tell_after_commit(booking, "requester")
    _tell_after_commit(booking, "publisher")
    return booking


def _lapsed_error() -> Conflict:
    return Conflict(
        "booking_expired",
        _("This request lapsed: its time began before anyone decided it. The requester can ask again for "
          "another time."),
    )  # fmt: skip


@shared_atomic
def booking_decide(*, booking: BookingRequest, approve: bool, reply: str = "", by) -> BookingRequest:
    """批准 / 拒绝: the publisher's staff decide a request once; declining needs a reply. An
    approval that would overlap another approved booking is refused, and so is any decision on
    a request whose start has passed (lapsed, or about to be closed by the sweep)."""
    resource = booking.resource
    if not _acts_for(by, _publisher(resource)):
        raise ServiceError("docking_forbidden", _("Only the staff of the unit that published this resource can "
                                                   "decide its bookings."), status=404)  # fmt: skip
    reply = _text(reply, code="booking_reply", field="reply", limit=2000, required=not approve,
                  message=_("Say why the request is declined."))  # fmt: skip
    SharedResource.objects.select_for_update().filter(pk=resource.pk).first()  # one decision at a time
    locked = BookingRequest.objects.select_for_update().get(pk=booking.pk)
    if locked.status == BookingStatus.EXPIRED or (
        locked.status == BookingStatus.REQUESTED and locked.starts_at <= timezone.now()
    ):
        raise _lapsed_error()
    if locked.status != BookingStatus.REQUESTED:
        raise Conflict("booking_decided", _("This request has already been decided or cancelled."))
    locked.reply = reply
    locked.decided_at = timezone.now()
    locked.decided_by_name = _who(by)
    if approve:
        if locked.exclusive:
            busy = _overlap(resource, locked.starts_at, locked.ends_at, exclude=locked.pk)
            if busy is not None:
                raise _overlap_error(busy)
        locked.status = BookingStatus.APPROVED
        _approve_locked(locked)
    else:
        locked.status = BookingStatus.DECLINED
        locked.save()
    _tell_after_commit(locked, "requester")
    return locked


@shared_atomic
def booking_cancel(*, booking: BookingRequest, by) -> BookingRequest:
    """The requester withdraws a request, or an approved booking before it starts."""
    if not _acts_for(by, _requester(booking)):
        raise ServiceError("docking_forbidden", _("Only the unit that asked for this booking can cancel it."),
                           status=404)  # fmt: skip
    locked = BookingRequest.objects.select_for_update().get(pk=booking.pk)
    if locked.status not in (BookingStatus.REQUESTED, BookingStatus.APPROVED):
        raise Conflict("booking_closed", _("This booking can no longer be cancelled."))
    if locked.status == BookingStatus.APPROVED and locked.starts_at <= timezone.now():
        raise Conflict(
            "booking_started", _("The booking has already started and can no longer be cancelled.")
        )
    locked.status = BookingStatus.CANCELLED
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_at"])
    _tell_after_commit(locked, "publisher")
    return locked


@shared_atomic
def booking_complete(*, booking: BookingRequest, by) -> BookingRequest:
    """The publisher's staff record that an approved booking took place (once it has started):
    completed bookings are the usage counted as 有对接."""
    if not _acts_for(by, _publisher(booking.resource)):
        raise ServiceError("docking_forbidden", _("Only the staff of the unit that published this resource can "
                                                   "record its use."), status=404)  # fmt: skip
    locked = BookingRequest.objects.select_for_update().get(pk=booking.pk)
    if locked.status != BookingStatus.APPROVED:
        raise Conflict("booking_not_approved", _("Only an approved booking can be marked as used."))
    if locked.starts_at > timezone.now():
        raise Conflict("booking_not_started", _("The booking has not started yet."))
    locked.status = BookingStatus.COMPLETED
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_at"])
    _tell_after_commit(locked, "requester")  # the requesting union reports the use as a fact
    return locked


# --- Telling the other side -----------------------------------------------------------------------


def _side_schema(party: Party) -> str:
    from django_tenants.utils import get_public_schema_name

    return party.union.schema_name if party.union is not None else get_public_schema_name()


def _tell_after_commit(booking: BookingRequest, side: str) -> None:
    from .tasks import booking_tell_task

    party = _publisher(booking.resource) if side == "publisher" else _requester(booking)
    booking_id = booking.pk
    # robust: the public row is the truth and every page reads it; a lost task only loses a notice.
    on_commit_in_schema(
        lambda: booking_tell_task.delay(booking_id=booking_id, side=side),
        schema=_side_schema(party),
        robust=True,
        using=shared_alias(),
    )


def _message(booking: BookingRequest, side: str) -> tuple[str, str] | None:
    resource, when = booking.resource.title, _when(booking.starts_at, booking.ends_at)
    if side == "publisher" and booking.status in (BookingStatus.REQUESTED, BookingStatus.APPROVED):
        title = gettext("Booking request: %(resource)s, %(when)s, from %(requester)s") % {
            "resource": resource, "when": when, "requester": booking.requester_display,
        }  # fmt: skip
        return title, booking.purpose
    if booking.status == BookingStatus.EXPIRED:
        params = {"resource": resource, "when": when, "requester": booking.requester_display}
        if side == "publisher":
            title = gettext("Booking request lapsed: %(resource)s, %(when)s, from %(requester)s") % params
            return title, gettext("Nobody approved or declined it before its time began; it is closed.")
        title = gettext("No decision in time: %(resource)s, %(when)s") % params
        return title, gettext(
            "The publisher did not approve or decline your request before its time began; it is closed. "
            "Ask again for another time if you still need the resource."
        )
    if side == "publisher" and booking.status == BookingStatus.CANCELLED:
        title = gettext("Booking cancelled: %(resource)s, %(when)s, by %(requester)s") % {
            "resource": resource, "when": when, "requester": booking.requester_display,
        }  # fmt: skip
        return title, ""
    if side == "requester" and booking.status in (BookingStatus.APPROVED, BookingStatus.DECLINED):
        template = (
            gettext("Booking approved: %(resource)s, %(when)s")
            if booking.status == BookingStatus.APPROVED
            else gettext("Booking declined: %(resource)s, %(when)s")
        )
        return template % {"resource": resource, "when": when}, booking.reply
    return None


def booking_tell(*, booking_id: int, side: str) -> bool:
    """Tell one side's staff of the booking's current status, once per status: a union's
    chairman and officers by an in-site notification and SMS (run in the union's schema), a
    station's staff by SMS (run on the portal). Returns whether anyone was told."""
    with translation.override("zh-hans"), shared_atomic():
        booking = (
            BookingRequest.objects.select_for_update(of=("self",))
            .select_related("resource__union", "resource__station", "requester_union", "requester_station")
            .filter(pk=booking_id)
            .first()
        )
        if booking is None or side not in ("publisher", "requester"):
            return False
        told_field = "told_publisher" if side == "publisher" else "told_requester"
        if getattr(booking, told_field) == booking.status:
            return False
        party = _publisher(booking.resource) if side == "publisher" else _requester(booking)
        if current_schema() != _side_schema(party):
            raise RuntimeError(f"booking_tell for {party.key} must run in schema {_side_schema(party)}")
        message = _message(booking, side)
        told_before = getattr(booking, told_field)
        BookingRequest.objects.filter(pk=booking.pk).update(**{told_field: booking.status})
        # The side's own writes (its facts, its staff's notices) in its schema's transaction:
        # inside the one above on one database; on a union's shard, committed just before it
        # (a repeat after a failure in between emits the same fact ids, counted once).
        with transaction.atomic():
            if side == "requester" and party.union is not None:
                if booking.status == BookingStatus.COMPLETED and told_before != BookingStatus.APPROVED:
                    # The approval's notice was lost and never repeated: count the approval too, once.
                    _fact_emit(booking, status=BookingStatus.APPROVED)
                _fact_emit(booking)
            if message is None:
                return False
            title, body = message
            if party.union is not None:
                _notify_union_staff(title=title, body=body, side=side, status=booking.status)
            else:
                _tell_station_staff(party, booking=booking, side=side, title=title, body=body)
            return True


# 有对接 as federation facts, emitted by the requesting union when it learns of the status (counts
# and kinds only: no person, no purpose).
FACT_NAMES = {
    BookingStatus.APPROVED: "docking.booking_approved",
    BookingStatus.COMPLETED: "docking.booking_used",
}


def _fact_emit(booking: BookingRequest, *, status: str | None = None) -> None:
    from tenants.events.services import event_emit

    name = FACT_NAMES.get(BookingStatus(status or booking.status))
    if name is None:
        return
    hours = (booking.ends_at - booking.starts_at).total_seconds() / 3600
    event_id = uuid.uuid5(uuid.NAMESPACE_URL, f"workershome:docking:{booking.pk}:{name}")
    event_emit(name=name, event_id=event_id, payload={
        "booking": booking.pk, "resource_kind": booking.resource.kind, "headcount": booking.headcount,
        "hours": round(hours, 1), "from": "union" if booking.resource.union_id else "station",
        "publisher_district": booking.resource.district_id,
    })  # fmt: skip


def _notify_union_staff(*, title: str, body: str, side: str, status: str = "") -> None:
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    from tenants.notifications.services import notify
    from tenants.users.models import User

    permission = Permission.objects.filter(
        content_type__app_label="docking", codename="share_resources"
    ).first()
    holders = Q(is_superuser=True)
    if permission is not None:
        holders |= Q(groups__permissions=permission) | Q(user_permissions=permission)
    staff = User.objects.filter(is_active=True).filter(holders)
    url = "/admin/docking/incoming/" if side == "publisher" else "/admin/docking/requests/"
    if status == BookingStatus.EXPIRED:
        url += f"?status={status}"
    notify(recipients=list(staff.distinct().order_by("pk")), title=title, body=body, url=url,
           channels=("site", "sms"))  # fmt: skip


def _tell_station_staff(party: Party, *, booking: BookingRequest, side: str, title: str, body: str) -> None:
    """A station's staff (portal users) get an in-site notification on the portal, linked to
    the booking with their station chosen, and an SMS."""
    from accounts.models import Account
    from accounts.sms import send_sms
    from federation.models import FederationRole
    from portal_notifications.models import NotificationKind
    from portal_notifications.services import portal_notify
    from tenants.users.models import User

    station = party.station
    assert station is not None
    ids = FederationRole.objects.filter(
        kind=FederationRole.Kind.STATION_STAFF, street_id=station.street_id
    ).values("user_id")
    users = list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))
    link = (
        f"/admin/docking/incoming/{booking.pk}/?station={station.pk}"
        if side == "publisher"
        else f"/admin/docking/requests/?station={station.pk}"
    )
    if side == "requester" and booking.status == BookingStatus.EXPIRED:
        link += f"&status={booking.status}"
    portal_notify(recipients=users, kind=NotificationKind.BOOKING, title=title, body=body, link=link,
                  key=f"booking:{booking.pk}:{side}:{booking.status}")  # fmt: skip
    text = f"【职工之家】{title}"
    mobiles = dict(Account.objects.filter(pk__in=[u.account_id for u in users if u.account_id]).values_list(
        "pk", "mobile"
    ))  # fmt: skip
    for user in users:
        mobile = (mobiles.get(user.account_id) if user.account_id else None) or user.username
        if mobile:
            send_sms(mobile=mobile, text=text)


# How far back the sweep looks for a side that was never told (older news is no longer worth a message).
TELL_SWEEP_DAYS = 14


def bookings_tell_sweep() -> int:
    """On the public schema: queue again the notices whose task was lost — a side that has not been
    told of a status that concerns it (a request, a cancellation or a lapse for the publisher, a
    decision, a lapse or the use, which the requesting union reports as a fact, for the requester)
    — each in its own schema. Returns how many were queued."""
    from django.db.models import F, Q
    from django_tenants.utils import schema_context

    from .tasks import booking_tell_task

    since = timezone.now() - datetime.timedelta(days=TELL_SWEEP_DAYS)
    # Recent by its request, its decision or its closing: a booking asked for weeks ahead is
    # completed long after it was asked for.
    recent = BookingRequest.objects.filter(
        Q(created_at__gte=since) | Q(decided_at__gte=since) | Q(closed_at__gte=since)
    ).select_related("resource__union", "resource__station", "requester_union", "requester_station")
    publisher = recent.filter(
        Q(status__in=[BookingStatus.REQUESTED, BookingStatus.CANCELLED, BookingStatus.EXPIRED])
        | Q(status=BookingStatus.APPROVED, told_publisher="", decided_by_name="")  # approved at once
    ).exclude(told_publisher=F("status"))
    requester = recent.filter(
        status__in=[
            BookingStatus.APPROVED,
            BookingStatus.DECLINED,
            BookingStatus.COMPLETED,
            BookingStatus.EXPIRED,
        ]
    ).exclude(told_requester=F("status"))
    queued = 0
    for side, bookings in (("publisher", publisher), ("requester", requester)):
        for booking in bookings[:1000]:
            party = _publisher(booking.resource) if side == "publisher" else _requester(booking)
            if party.union is not None and party.union.status != "active":
                continue
            with schema_context(_side_schema(party)):
                booking_tell_task.delay(booking_id=booking.pk, side=side)
            queued += 1
    return queued


# How many ended bookings one transaction marks as used (the sweep repeats until none is left).
COMPLETE_BATCH = 500


def bookings_complete_ended(*, now: datetime.datetime | None = None) -> int:
    """On the public schema (the 15-minute sweep): mark as used (``completed``) every approved
    booking whose end has passed, as the publisher's staff would by hand, and tell the requester
    after commit — the requesting union then reports ``docking.booking_used`` once (its notice
    is recorded in the same transaction as the fact, so a repeated task emits nothing).
    Idempotent: a booking already completed, cancelled or being changed by someone else (its row
    locked) is left alone, and the next sweep finds what is left. Returns how many were marked."""
    now = now or timezone.now()
    return _bookings_close(
        status=BookingStatus.APPROVED, due={"ends_at__lte": now}, order="ends_at",
        to=BookingStatus.COMPLETED, sides=("requester",), now=now,
    )  # fmt: skip


def bookings_expire_lapsed(*, now: datetime.datetime | None = None) -> int:
    """On the public schema (the 15-minute sweep): close every request still awaiting approval
    whose start has passed — nobody can sensibly approve it any more — as ``expired`` (过期未审批),
    and tell both sides after commit: the requester that nobody decided in time, the publisher
    that it lapsed. Idempotent and in skip-locked batches like ``bookings_complete_ended``: a
    request decided or cancelled meanwhile, or locked by someone deciding it now, is left alone
    (the next sweep finds it if it is still waiting). Returns how many were closed."""
    now = now or timezone.now()
    return _bookings_close(
        status=BookingStatus.REQUESTED, due={"starts_at__lte": now}, order="starts_at",
        to=BookingStatus.EXPIRED, sides=("requester", "publisher"), now=now,
    )  # fmt: skip


def _bookings_close(
    *, status: str, due: dict[str, Any], order: str, to: str, sides: tuple[str, ...], now: datetime.datetime
) -> int:
    """Move every booking in ``status`` that matches ``due`` to ``to`` (closed at ``now``), in
    skip-locked batches of ``COMPLETE_BATCH``, one transaction each, and tell ``sides`` whose
    union is active after commit. Returns how many were moved."""
    moved = 0
    while True:
        with shared_atomic():
            batch = list(
                BookingRequest.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related(
                    "resource__union", "resource__station", "requester_union", "requester_station"
                )
                .filter(status=status, **due)
                .order_by(order, "pk")[:COMPLETE_BATCH]
            )
            if not batch:
                return moved
            BookingRequest.objects.filter(pk__in=[b.pk for b in batch], status=status).update(
                status=to, closed_at=now
            )
            for booking in batch:
                booking.status, booking.closed_at = to, now
                for side in sides:
                    party = _requester(booking) if side == "requester" else _publisher(booking.resource)
                    if party.union is None or party.union.status == "active":
                        _tell_after_commit(booking, side)
            moved += len(batch)
        if len(batch) < COMPLETE_BATCH:
            return moved
