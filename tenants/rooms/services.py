"""Writes on room booking: a room's booking setup and opening hours (officers), booking a room
(members, and group leaders for their group), approving or declining (officers), cancelling.

Each function checks its input and raises ``ServiceError``/``Conflict`` before changing
anything, and runs in one transaction. Bookings of a room are made one after another under a
per-room advisory lock (the one the activities app takes when it publishes an activity held in
the room), and the database's exclusion constraint refuses any overlap that would still slip
through.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, connection, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cms.models import RoomPage
from tenants.events.services import event_emit
from tenants.groups.models import InterestGroup
from tenants.groups.selectors import is_group_leader
from tenants.notifications.services import notify
from tenants.users.models import User
from tenants.users.roles import is_member
from workershome.errors import Conflict, ServiceError
from workershome.page_cache import page_cache_refresh

from .models import RoomBooking, RoomBookingRule, RoomOpeningHours
from .permissions import manages_bookings, manages_rooms
from .selectors import room_busy, within_opening_hours

MAX_PURPOSE = 200


def _when(start: datetime.datetime, end: datetime.datetime) -> str:
    local_start, local_end = timezone.localtime(start), timezone.localtime(end)
    return f"{formats.date_format(local_start, 'Y-m-d l H:i')}–{local_end:%H:%M}"


def _officers() -> list[User]:
    return list(User.objects.filter(is_active=True, groups__name__in=["chairman", "officer"]).distinct())


# --- The room's setup --------------------------------------------------------------------------


@transaction.atomic
def room_rule_save(
    *, rule: RoomBookingRule, hours: Iterable[tuple[int, datetime.time, datetime.time]], by
) -> RoomBookingRule:
    """Create or change a room's booking setup and replace its weekly opening hours.

    ``hours`` holds (weekday 0–6, opens, closes); periods of one day must not overlap."""
    if not manages_rooms(by):
        raise ServiceError(
            "room_staff_only", _("Only the union's officers can set up room booking."), status=403
        )
    if rule.room_id is None:
        raise ServiceError("room_missing", _("Choose the room."), field="room")
    if not 1 <= (rule.max_hours or 0) <= 24:
        raise ServiceError("room_max_hours", _("A booking may last 1 to 24 hours."), field="max_hours")
    if not 1 <= (rule.days_ahead or 0) <= 365:
        raise ServiceError("room_days_ahead", _("Allow booking 1 to 365 days ahead."), field="days_ahead")
    periods = sorted((int(day), opens, closes) for day, opens, closes in hours)
    for index, (day, opens, closes) in enumerate(periods):
        if day not in range(7):
            raise ServiceError("room_hours_weekday", _("Choose the day of the week."), field="hours")
        if closes <= opens:
            raise ServiceError(
                "room_hours_order", _("Opening hours must close after they open (%(opens)s–%(closes)s)."),
                params={"opens": f"{opens:%H:%M}", "closes": f"{closes:%H:%M}"}, field="hours",
            )  # fmt: skip
        if index and periods[index - 1][0] == day and periods[index - 1][2] > opens:
            raise ServiceError(
                "room_hours_overlap", _("Opening periods of one day must not overlap."), field="hours"
            )
    if RoomBookingRule.objects.filter(room_id=rule.room_id).exclude(pk=rule.pk).exists():
        raise Conflict("room_rule_twice", _("This room already has a booking setup."), field="room")
    rule.notes = (rule.notes or "").strip()
    rule.save()
    RoomOpeningHours.objects.filter(rule=rule).delete()
    RoomOpeningHours.objects.bulk_create(
        RoomOpeningHours(rule=rule, weekday=day, opens=opens, closes=closes) for day, opens, closes in periods
    )
    page_cache_refresh()  # the room's page links to booking while it is bookable
    return rule


# --- Booking -----------------------------------------------------------------------------------


# The advisory lock key the activities app takes per room when it publishes an activity held in
# it (``tenants.activities.services._room_free``): booking a room takes the same lock, so an
# activity and a booking of the same room are checked one after the other.
ROOM_LOCK_KEY = 7462


def room_lock(*, room: RoomPage) -> None:
    """Serialise everything that claims ``room`` until the current transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ROOM_LOCK_KEY, room.pk])


def _overlap_error(busy) -> Conflict:
    item = busy[0]
    return Conflict(
        "booking_overlap",
        _("The room is already taken from %(when)s (%(what)s); choose another time. Nothing was booked."),
        params={"when": _when(item.starts_at, item.ends_at), "what": item.title},
        field="starts_at",
    )


@transaction.atomic
def room_booking_create(
    *,
    room: RoomPage,
    member,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    use: str,
    purpose: str,
    people: int,
    group: InterestGroup | None = None,
) -> RoomBooking:
    """Book ``room`` for one of its uses. A group's leader may book for the group.

    Refused: a room that is not bookable, a time that ends before it starts, has passed, lies
    beyond the booking window, is longer than allowed or outside the opening hours, more people
    than the room holds, a use the room does not serve, and a time something else takes.
    Where the room requires approval the booking waits for an officer (and holds the time).
    """
    if member is None or not getattr(member, "is_authenticated", False) or not member.is_active:
        raise ServiceError("booking_sign_in", _("Sign in to book a room."), status=401)
    if not is_member(member):
        raise ServiceError(
            "booking_members_only", _("Only members of this union can book its rooms."), status=403
        )
    purpose = " ".join((purpose or "").split())
    if not purpose:
        raise ServiceError("booking_purpose", _("Say what the room is for."), field="purpose")
    if len(purpose) > MAX_PURPOSE:
        raise ServiceError(
            "booking_purpose_long", _("Keep the purpose under %(n)s characters."), params={"n": MAX_PURPOSE},
            field="purpose",
        )  # fmt: skip
    if starts_at is None or ends_at is None or timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ServiceError("booking_time", _("Give the start and end time."), field="starts_at")
    if ends_at <= starts_at:
        raise ServiceError(
            "booking_ends_before_start", _("The booking must end after it starts."), field="ends_at"
        )
    # One lock per room: bookings (and activities) of the room are checked and made one after another.
    room_lock(room=room)
    rule = RoomBookingRule.objects.prefetch_related("hours").filter(room=room).first()
    if rule is None or not rule.bookable or not room.live:
        raise ServiceError("booking_not_bookable", _("This room cannot be booked on the site."))
    if use not in room.all_kinds:
        raise ServiceError("booking_use", _("Choose one of the room's uses."), field="use")
    if people is None or people < 1:
        raise ServiceError("booking_people", _("Give the number of people (at least 1)."), field="people")
    if room.capacity and people > room.capacity:
        raise ServiceError(
            "booking_over_capacity", _("The room holds at most %(n)s people."), params={"n": room.capacity},
            field="people",
        )  # fmt: skip
    now = timezone.now()
    if starts_at <= now:
        raise ServiceError(
            "booking_past", _("This time has already passed; choose a later one."), field="starts_at"
        )
    horizon = timezone.localdate(now) + datetime.timedelta(days=rule.days_ahead + 1)
    if starts_at >= timezone.make_aware(datetime.datetime.combine(horizon, datetime.time.min)):
        raise ServiceError(
            "booking_too_early", _("The room can be booked up to %(n)s days ahead."), params={"n": rule.days_ahead},
            field="starts_at",
        )  # fmt: skip
    if ends_at - starts_at > datetime.timedelta(hours=rule.max_hours):
        raise ServiceError(
            "booking_too_long", _("A booking of this room lasts at most %(n)s hours."), params={"n": rule.max_hours},
            field="ends_at",
        )  # fmt: skip
    if not within_opening_hours(rule, starts_at, ends_at):
        raise ServiceError(
            "booking_outside_hours", _("The room is not open for the whole of this time; see its opening hours."),
            field="starts_at",
        )  # fmt: skip
    if group is not None and (not group.active or not is_group_leader(group=group, user=member)):
        raise ServiceError(
            "booking_group_leader", _("Only a leader of the group can book a room for it."), field="group",
            status=403,
        )  # fmt: skip
    busy = room_busy(room=room, start=starts_at, end=ends_at)
    if busy:
        raise _overlap_error(busy)
    status = RoomBooking.Status.PENDING if rule.requires_approval else RoomBooking.Status.APPROVED
    try:
        with transaction.atomic():
            booking = RoomBooking.objects.create(
                room=room, member=member, group=group, use=use, purpose=purpose, people=people,
                starts_at=starts_at, ends_at=ends_at, status=status,
            )  # fmt: skip
    except IntegrityError as error:  # the exclusion constraint behind the check above
        raise Conflict(
            "booking_overlap", _("The room is already booked at this time; choose another. Nothing was booked."),
            field="starts_at",
        ) from error  # fmt: skip
    event_emit(
        name="rooms.booking_made",
        payload={
            "use": use,
            "hours": booking.hours,
            "for_group": group is not None,
            "needs_approval": rule.requires_approval,
        },
    )
    if status == RoomBooking.Status.PENDING:
        notify(
            recipients=_officers(),
            title=gettext("Room booking to approve: %(room)s, %(when)s")
            % {"room": room.title, "when": _when(starts_at, ends_at)},
            body=purpose,
            url="/admin/rooms/bookings/",
            channels=("site",),
        )
    return booking


@transaction.atomic
def room_booking_decide(*, booking: RoomBooking, by, approve: bool, reason: str = "") -> RoomBooking:
    """An officer approves or declines a waiting booking; the member is told."""
    if not manages_bookings(by):
        raise ServiceError(
            "booking_staff_only", _("Only the union's officers can approve bookings."), status=403
        )
    booking = (
        RoomBooking.objects.select_for_update(of=("self",))
        .select_related("room", "member")
        .get(pk=booking.pk)
    )
    if booking.status != RoomBooking.Status.PENDING:
        raise Conflict("booking_answered", _("This booking has already been answered."))
    reason = " ".join((reason or "").split())[:200]
    if not approve and not reason:
        raise ServiceError(
            "booking_decline_reason", _("Give the reason, for the member who booked."), field="reason"
        )
    if approve:
        room_lock(room=booking.room)
        busy = room_busy(
            room=booking.room, start=booking.starts_at, end=booking.ends_at, exclude_booking=booking
        )
        if busy:
            raise _overlap_error(busy)
    booking.status = RoomBooking.Status.APPROVED if approve else RoomBooking.Status.DECLINED
    booking.decided_at, booking.decided_by, booking.decline_reason = timezone.now(), by, reason
    booking.save(update_fields=["status", "decided_at", "decided_by", "decline_reason"])
    event_emit(name="rooms.booking_decided", payload={"approved": approve, "use": booking.use})
    when = _when(booking.starts_at, booking.ends_at)
    if approve:
        title = gettext("Your booking of %(room)s on %(when)s is confirmed") % {
            "room": booking.room.title,
            "when": when,
        }
        body = ""
    else:
        title = gettext("Your booking of %(room)s on %(when)s was declined") % {
            "room": booking.room.title,
            "when": when,
        }
        body = gettext("Reason: %(reason)s") % {"reason": reason}
    notify(recipients=[booking.member], title=title, body=body, url="/my/bookings/", channels=("site", "sms"))
    return booking


@transaction.atomic
def room_booking_cancel(*, booking: RoomBooking, by) -> RoomBooking:
    """Cancel a live booking: the member their own before it starts; officers any (and the
    member is told)."""
    booking = (
        RoomBooking.objects.select_for_update(of=("self",))
        .select_related("room", "member")
        .get(pk=booking.pk)
    )
    signed_in = by is not None and getattr(by, "is_authenticated", False)
    own = signed_in and booking.member_id == by.pk
    staff = signed_in and not own and manages_bookings(by)
    if not (own or staff):
        raise ServiceError("booking_not_yours", _("You can only cancel your own booking."), status=403)
    if not booking.is_live:
        raise Conflict("booking_not_live", _("This booking is no longer active."))
    if own and booking.starts_at <= timezone.now():
        raise ServiceError("booking_started", _("This booking has started; it can no longer be cancelled."))
    booking.status = RoomBooking.Status.CANCELLED
    booking.cancelled_at, booking.cancelled_by = timezone.now(), by
    booking.save(update_fields=["status", "cancelled_at", "cancelled_by"])
    event_emit(name="rooms.booking_cancelled", payload={"use": booking.use})
    if staff and booking.member_id:
        notify(
            recipients=[booking.member],
            title=gettext("Your booking of %(room)s on %(when)s was cancelled by the union")
            % {"room": booking.room.title, "when": _when(booking.starts_at, booking.ends_at)},
            url="/my/bookings/",
            channels=("site", "sms"),
        )
    return booking
