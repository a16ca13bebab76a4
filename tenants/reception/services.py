"""Writes on reception days: the schedule, cancelled dates, bookings, the visit log, and the
case a visit becomes.

Each function checks its input and raises ``ServiceError``/``Conflict`` before changing
anything, and runs in one transaction.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tenants.cases.models import Case
from tenants.cases.roles import is_staff_for
from tenants.cases.services import case_open
from tenants.events.services import event_emit
from tenants.notifications.services import notify
from tenants.users.roles import is_member
from workershome.errors import Conflict, ServiceError

from .models import ReceptionBooking, ReceptionCancellation, ReceptionSchedule, ReceptionVisit
from .permissions import keeps_visit_log, manages_bookings, manages_schedules
from .selectors import booking_horizon, reception_next_forget

MAX_TOPIC = 200
# A visit may be logged a little ahead of the server's clock, never for a future day.
_CLOCK_SKEW = datetime.timedelta(minutes=10)


def _day_label(day: datetime.date) -> str:
    return formats.date_format(day, "Y-m-d l")


def _slot_label(start: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(start), "Y-m-d l H:i")


def _forget_next() -> None:
    """Forget the cached next reception date now and again once the change is committed (a
    request in between may have cached the old one)."""
    reception_next_forget()
    transaction.on_commit(reception_next_forget)


def _staff(user, allowed: bool) -> None:
    if user is None or not getattr(user, "is_authenticated", False) or not allowed:
        raise ServiceError(
            "reception_staff_only", _("Only the union's staff can manage reception days."), status=403
        )


# --- The schedule -------------------------------------------------------------------------------


def reception_schedule_check(*, schedule: ReceptionSchedule) -> None:
    """Refuse a schedule that cannot produce a bookable slot, with the field to fix."""
    if schedule.start_time is None or schedule.end_time is None or schedule.end_time <= schedule.start_time:
        raise ServiceError("schedule_times", _("The reception must end after it starts."), field="end_time")
    span = datetime.datetime.combine(datetime.date.min, schedule.end_time) - datetime.datetime.combine(
        datetime.date.min, schedule.start_time
    )
    if not 5 <= (schedule.slot_minutes or 0) <= span.total_seconds() // 60:
        raise ServiceError(
            "schedule_slot_length",
            _("A slot lasts at least 5 minutes and fits between the start and end time."),
            field="slot_minutes",
        )
    if not 1 <= (schedule.people_per_slot or 0) <= 50:
        raise ServiceError(
            "schedule_capacity", _("Receive from 1 to 50 people per slot."), field="people_per_slot"
        )
    if not 1 <= (schedule.interval or 0) <= 12:
        raise ServiceError("schedule_interval", _("Repeat every 1 to 12 weeks or months."), field="interval")
    if schedule.weekday not in range(7):
        raise ServiceError("schedule_weekday", _("Choose the day of the week."), field="weekday")
    if schedule.frequency == ReceptionSchedule.Frequency.MONTHLY:
        if schedule.week_of_month not in (1, 2, 3, 4, -1):
            raise ServiceError(
                "schedule_week_of_month",
                _("For a monthly schedule, choose which such day of the month."),
                field="week_of_month",
            )
    elif schedule.frequency == ReceptionSchedule.Frequency.WEEKLY:
        schedule.week_of_month = None
    else:
        raise ServiceError("schedule_frequency", _("Choose weekly or monthly."), field="frequency")
    if schedule.ends_on and schedule.starts_on and schedule.ends_on < schedule.starts_on:
        raise ServiceError("schedule_dates", _("The last date cannot be before the first."), field="ends_on")
    if not (schedule.place or "").strip():
        raise ServiceError("schedule_place", _("Say where the workers are received."), field="place")
    if schedule.host is None or not schedule.host.is_active:
        raise ServiceError("schedule_host", _("Choose who receives the workers."), field="host")


@transaction.atomic
def reception_schedule_save(*, schedule: ReceptionSchedule, by) -> ReceptionSchedule:
    """Create or change a schedule. Bookings already made keep their time."""
    _staff(by, manages_schedules(by))
    reception_schedule_check(schedule=schedule)
    schedule.save()
    _forget_next()
    return schedule


@transaction.atomic
def reception_date_cancel(
    *, schedule: ReceptionSchedule, date: datetime.date, reason: str, by
) -> ReceptionCancellation:
    """Cancel one reception date (a holiday, the chairman away). Its active bookings are
    cancelled and each member is told, with the reason."""
    _staff(by, manages_schedules(by))
    schedule = ReceptionSchedule.objects.select_for_update().get(pk=schedule.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("cancel_reason", _("Give the reason, for the workers who booked."), field="reason")
    if not schedule.occurs_on(date):
        raise ServiceError(
            "cancel_not_a_date", _("%(date)s is not a reception date of this schedule."),
            params={"date": _day_label(date)}, field="date",
        )  # fmt: skip
    if date < timezone.localdate():
        raise ServiceError("cancel_past", _("This date has already passed."), field="date")
    if ReceptionCancellation.objects.filter(schedule=schedule, date=date).exists():
        raise Conflict("cancel_twice", _("This date is already cancelled."), field="date")
    cancellation = ReceptionCancellation.objects.create(
        schedule=schedule, date=date, reason=reason[:200], created_by=by
    )
    _forget_next()
    now = timezone.now()
    bookings = list(
        ReceptionBooking.objects.select_for_update(of=("self",))
        .filter(schedule=schedule, date=date, status=ReceptionBooking.Status.BOOKED)
        .select_related("member")
    )
    ReceptionBooking.objects.filter(pk__in=[b.pk for b in bookings]).update(
        status=ReceptionBooking.Status.CANCELLED, cancelled_at=now, cancelled_by=by
    )
    if bookings:
        notify(
            recipients=[booking.member for booking in bookings],
            title=gettext("The reception day on %(date)s is cancelled") % {"date": _day_label(date)},
            body=gettext("Reason: %(reason)s. Your booking is cancelled; please book another date.")
            % {"reason": reason},
            url="/reception/",
            channels=("site", "sms"),
        )
    return cancellation


@transaction.atomic
def reception_date_restore(*, cancellation: ReceptionCancellation, by) -> None:
    """Take a cancellation back: the date is bookable again (cancelled bookings stay cancelled)."""
    _staff(by, manages_schedules(by))
    if cancellation.date < timezone.localdate():
        raise ServiceError("restore_past", _("This date has already passed."))
    cancellation.delete()
    _forget_next()


# --- Bookings -----------------------------------------------------------------------------------


@transaction.atomic
def reception_booking_create(
    *, schedule: ReceptionSchedule, slot_start: datetime.datetime, member, topic: str
) -> ReceptionBooking:
    """Book a slot for a signed-in member.

    Refused: a closed or unpublished schedule, a time that is not one of its slots, a slot
    that has started, a date beyond the booking window or cancelled, a second booking on the
    same date, and a full slot. The schedule row is locked while the slot is counted, so
    concurrent bookings of the last place are served one after the other.
    """
    if member is None or not getattr(member, "is_authenticated", False) or not member.is_active:
        raise ServiceError("booking_sign_in", _("Sign in to book a reception slot."), status=401)
    if not is_member(member):
        raise ServiceError(
            "booking_members_only", _("Reception days are for members of this union."), status=403
        )
    topic = " ".join((topic or "").split())
    if not topic:
        raise ServiceError(
            "booking_topic", _("Say briefly what you would like to talk about."), field="topic"
        )
    if len(topic) > MAX_TOPIC:
        raise ServiceError(
            "booking_topic_long", _("Keep the topic under %(n)s characters; say the rest at the visit."),
            params={"n": MAX_TOPIC}, field="topic",
        )  # fmt: skip
    if slot_start is None or timezone.is_naive(slot_start):
        raise ServiceError("booking_no_slot", _("There is no reception slot at this time."), field="slot")
    schedule = ReceptionSchedule.objects.select_for_update().get(pk=schedule.pk)
    if not (schedule.published and schedule.booking_open):
        raise ServiceError("booking_closed", _("Booking is closed for this reception day."))
    day = timezone.localtime(slot_start).date()
    if not schedule.occurs_on(day) or slot_start not in schedule.slot_starts(day):
        raise ServiceError("booking_no_slot", _("There is no reception slot at this time."), field="slot")
    if slot_start <= timezone.now():
        raise ServiceError(
            "booking_past", _("This time has already passed; choose a later one."), field="slot"
        )
    if day > booking_horizon(schedule, timezone.localdate()):
        raise ServiceError(
            "booking_too_early", _("Slots can be booked up to %(weeks)s weeks ahead."),
            params={"weeks": schedule.booking_weeks_ahead}, field="slot",
        )  # fmt: skip
    cancellation = ReceptionCancellation.objects.filter(schedule=schedule, date=day).first()
    if cancellation is not None:
        raise ServiceError(
            "booking_date_cancelled", _("The reception on %(date)s is cancelled: %(reason)s"),
            params={"date": _day_label(day), "reason": cancellation.reason}, field="slot",
        )  # fmt: skip
    active = ReceptionBooking.objects.filter(
        schedule=schedule, status__in=[ReceptionBooking.Status.BOOKED, ReceptionBooking.Status.ATTENDED]
    )
    if active.filter(date=day, member=member).exists():
        raise Conflict("booking_twice", _("You already have a booking on this reception day."), field="slot")
    if active.filter(slot_start=slot_start).count() >= schedule.people_per_slot:
        raise Conflict("booking_full", _("This time is fully booked; choose another."), field="slot")
    try:
        with transaction.atomic():
            booking = ReceptionBooking.objects.create(
                schedule=schedule, date=day, slot_start=slot_start, slot_end=slot_start + schedule.slot_length,
                member=member, topic=topic,
            )  # fmt: skip
    except IntegrityError as error:  # the constraint behind the check above
        raise Conflict(
            "booking_twice", _("You already have a booking on this reception day."), field="slot"
        ) from error
    if schedule.host_id:
        notify(
            recipients=[schedule.host],
            title=gettext("New reception booking: %(time)s") % {"time": _slot_label(slot_start)},
            body=topic,
            url="/admin/reception/bookings/",
            channels=("site",),
        )
    return booking


@transaction.atomic
def reception_booking_cancel(*, booking: ReceptionBooking, by) -> ReceptionBooking:
    """Cancel a booking: the member their own before it starts; staff any active one (and the
    member is told)."""
    booking = (
        ReceptionBooking.objects.select_for_update(of=("self",)).select_related("member").get(pk=booking.pk)
    )
    signed_in = by is not None and getattr(by, "is_authenticated", False)
    own = signed_in and booking.member_id == by.pk
    staff = signed_in and not own and manages_bookings(by)
    if not (own or staff):
        raise ServiceError("booking_not_yours", _("You can only cancel your own booking."), status=403)
    if booking.status != ReceptionBooking.Status.BOOKED:
        raise Conflict("booking_not_active", _("This booking is no longer active."))
    if own and booking.slot_start <= timezone.now():
        raise ServiceError(
            "booking_started", _("This reception time has passed; the booking can no longer be cancelled.")
        )
    booking.status = ReceptionBooking.Status.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.cancelled_by = by
    booking.save(update_fields=["status", "cancelled_at", "cancelled_by"])
    if staff and booking.member_id:
        notify(
            recipients=[booking.member],
            title=gettext("Your reception booking on %(time)s was cancelled by the union")
            % {"time": _slot_label(booking.slot_start)},
            url="/reception/",
            channels=("site", "sms"),
        )
    return booking


# --- The visit log -----------------------------------------------------------------------------


@transaction.atomic
def reception_visit_record(
    *,
    by,
    topic: str,
    notes: str,
    member=None,
    visitor_name: str = "",
    visitor_contact: str = "",
    department: str = "",
    follow_up: str = "",
    visited_at: datetime.datetime | None = None,
    schedule: ReceptionSchedule | None = None,
    booking: ReceptionBooking | None = None,
) -> ReceptionVisit:
    """Log a worker received: a member (or a booking's member) or a named visitor. A booking
    is marked as come, and its schedule and topic are taken when not given. The schedule's
    host is recorded as having received the worker (whoever types the log in)."""
    _staff(by, keeps_visit_log(by))
    if booking is not None:
        booking = (
            ReceptionBooking.objects.select_for_update(of=("self",))
            .select_related("member", "schedule")
            .get(pk=booking.pk)
        )
        if booking.status == ReceptionBooking.Status.CANCELLED:
            raise Conflict("visit_booking_cancelled", _("This booking was cancelled."), field="booking")
        if ReceptionVisit.objects.filter(booking=booking).exists():
            raise Conflict(
                "visit_booking_logged", _("This booking's visit is already logged."), field="booking"
            )
        member = member or booking.member
        schedule = schedule or booking.schedule
        topic = topic or booking.topic
    topic = " ".join((topic or "").split())
    notes = (notes or "").strip()
    visitor_name = (visitor_name or "").strip()
    if member is not None:
        visitor_name = member.get_full_name()
        visitor_contact = visitor_contact or member.username
    if not visitor_name:
        raise ServiceError(
            "visit_who", _("Choose the member who came, or give the visitor's name."), field="visitor_name"
        )
    if not topic:
        raise ServiceError("visit_topic", _("Give the topic of the visit."), field="topic")
    if len(topic) > MAX_TOPIC:
        raise ServiceError(
            "visit_topic_long", _("Keep the topic under %(n)s characters."), params={"n": MAX_TOPIC},
            field="topic",
        )  # fmt: skip
    if not notes:
        raise ServiceError("visit_notes", _("Record what was said."), field="notes")
    visited_at = visited_at or timezone.now()
    if visited_at > timezone.now() + _CLOCK_SKEW:
        raise ServiceError(
            "visit_future", _("A visit cannot be logged before it happens."), field="visited_at"
        )
    host = schedule.host if schedule is not None and schedule.host else by
    visit = ReceptionVisit.objects.create(
        schedule=schedule, booking=booking, visited_at=visited_at, member=member,
        visitor_name=visitor_name[:50], visitor_contact=(visitor_contact or "").strip()[:100],
        department=(department or "").strip()[:100], topic=topic, notes=notes,
        follow_up=(follow_up or "").strip(), received_by=host, created_by=by,
    )  # fmt: skip
    if booking is not None and booking.status == ReceptionBooking.Status.BOOKED:
        booking.status = ReceptionBooking.Status.ATTENDED
        booking.save(update_fields=["status"])
    event_emit(name="reception.visit_logged", payload={"booked": booking is not None})
    return visit


@transaction.atomic
def reception_visit_update(
    *, visit: ReceptionVisit, by, topic: str, notes: str, follow_up: str = ""
) -> ReceptionVisit:
    """Complete or correct what was said and the follow-up (who came and when stay)."""
    _staff(by, keeps_visit_log(by))
    visit = ReceptionVisit.objects.select_for_update().get(pk=visit.pk)
    topic = " ".join((topic or "").split())
    if not topic or len(topic) > MAX_TOPIC:
        raise ServiceError("visit_topic", _("Give the topic of the visit."), field="topic")
    if not (notes or "").strip():
        raise ServiceError("visit_notes", _("Record what was said."), field="notes")
    visit.topic, visit.notes, visit.follow_up = topic, notes.strip(), (follow_up or "").strip()
    visit.save(update_fields=["topic", "notes", "follow_up"])
    return visit


@transaction.atomic
def reception_visit_case_open(
    *, visit: ReceptionVisit, by, title: str = "", category: str = "", priority: int = Case.Priority.NORMAL
) -> Case:
    """Open an appeal from a visit in one step (channel: reception day) and link the visit to it.

    The member (or named visitor) becomes the requester; what was said and the follow-up
    become the case's details. If the case engine refuses, nothing is created or linked.
    """
    _staff(by, keeps_visit_log(by))
    if not is_staff_for(by, "appeal"):
        raise ServiceError(
            "case_staff_only", _("Only the union's staff for this case can do this."), status=403
        )
    visit = ReceptionVisit.objects.select_for_update(of=("self",)).select_related("member").get(pk=visit.pk)
    if visit.case_id is not None:
        raise Conflict("visit_has_case", _("A case was already opened from this visit."))
    local = timezone.localtime(visit.visited_at)
    lines = [
        gettext("Received on the chairman's reception day, %(time)s.")
        % {"time": formats.date_format(local, "Y-m-d H:i")},
        gettext("What was said: %(notes)s") % {"notes": visit.notes},
    ]
    if visit.follow_up:
        lines.append(gettext("Follow-up agreed: %(follow_up)s") % {"follow_up": visit.follow_up})
    member = visit.member if visit.member_id and visit.member and visit.member.is_active else None
    case, _code = case_open(
        kind="appeal",
        channel=Case.Channel.RECEPTION_DAY,
        title=(title or visit.topic).strip(),
        description="\n".join(lines),
        requester=member,
        requester_type=Case.RequesterType.MEMBER if member else Case.RequesterType.NAMED,
        requester_name="" if member else visit.visitor_name,
        requester_contact=visit.visitor_contact,
        category=category,
        priority=priority,
        by=by,
    )
    visit.case = case
    visit.save(update_fields=["case"])
    return case
