"""Writes of counselling: counsellors and their slots, appointments (book, cancel, close),
session notes, reminders, and counselling lectures held as activities.

Each function checks its input and raises ``ServiceError``/``Conflict`` before changing
anything, in one transaction. Booking locks the slot's row and the database backs it with a
partial unique constraint, so two workers racing for one slot get one appointment and one
refusal. Events carry counted facts only (no worker, no counsellor, no note).
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tenants.activities.models import Activity, ActivityKind
from tenants.activities.services import activity_publish, activity_save
from tenants.events.services import event_emit
from tenants.notifications.services import notify
from tenants.privacy.models import ConsentScope
from tenants.privacy.services import consent_record
from tenants.users.roles import is_member
from workershome.errors import Conflict, ServiceError

from .access import manages_counselling
from .models import Appointment, CounsellingLecture, CounsellingSlot, Counsellor, SessionNote

MAX_NOTE = 20000
MAX_SLOT_MINUTES = 180
MAX_WEEKS = 26
REMIND_BEFORE = datetime.timedelta(hours=24)
# What the worker consents to when booking (PIPL art. 29: separate consent, purpose stated).
CONSENT_PURPOSE = (
    "为安排心理疏导谈话，工会记录您的预约（咨询师、时间）；谈话中咨询师记录的谈话情况加密保存，"
    "仅该咨询师本人可以查阅，工会主席和其他人员均无权查看。"
)


def _when(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")


def _manager(by) -> None:
    if not manages_counselling(by):
        raise ServiceError("counselling_forbidden", _("Only the chairman and union officers can do this."))


def _counsellor_user_check(user) -> None:
    if user is None:
        return
    if not user.is_active:
        raise ServiceError("counsellor_user", _("This account is not active."), field="user")


@transaction.atomic
def counsellor_save(*, counsellor: Counsellor, by) -> Counsellor:
    """Add or change a counsellor. One with an account gets the ``counsellor`` role, so they can
    open the admin to see their appointments."""
    from django.contrib.auth.models import Group

    _manager(by)
    counsellor.name = (counsellor.name or "").strip()
    counsellor.qualification = (counsellor.qualification or "").strip()
    if not counsellor.name:
        raise ServiceError("counsellor_name", _("Enter the counsellor's name."), field="name")
    if not counsellor.qualification:
        raise ServiceError(
            "counsellor_qualification", _("Enter the counsellor's qualification."), field="qualification"
        )
    _counsellor_user_check(counsellor.user)
    if counsellor.user_id and (
        Counsellor.objects.filter(user_id=counsellor.user_id).exclude(pk=counsellor.pk).exists()
    ):
        raise Conflict("counsellor_user_taken", _("This account already belongs to another counsellor."))
    counsellor.save()
    if counsellor.user is not None:
        group, _created = Group.objects.get_or_create(name="counsellor")
        counsellor.user.groups.add(group)
    return counsellor


@transaction.atomic
def slots_add(
    *,
    counsellor: Counsellor,
    first_day: datetime.date,
    weeks: int,
    weekdays: list[int],
    start: datetime.time,
    minutes: int,
    place: str,
    by,
) -> list[CounsellingSlot]:
    """Add a weekly pattern of slots (e.g. Tuesdays and Thursdays 14:00, 50 minutes, 4 weeks).

    Slots already there are kept as they are (running it twice adds nothing); past times are
    skipped. Only a counsellor with an account in this union takes appointments.
    """
    _manager(by)
    if counsellor.user_id is None:
        raise ServiceError(
            "counsellor_no_account",
            _(
                "A counsellor without an account in this union cannot take appointments: link an account first."
            ),
            field="counsellor",
        )
    if not counsellor.active:
        raise ServiceError(
            "counsellor_inactive", _("This counsellor is not taking appointments."), field="counsellor"
        )
    if not 1 <= weeks <= MAX_WEEKS:
        raise ServiceError("slots_weeks", _("Choose between 1 and 26 weeks."), field="weeks")
    if not weekdays or any(day not in range(7) for day in weekdays):
        raise ServiceError("slots_weekdays", _("Choose at least one day of the week."), field="weekdays")
    if not 15 <= minutes <= MAX_SLOT_MINUTES:
        raise ServiceError("slots_minutes", _("A talk lasts between 15 and 180 minutes."), field="minutes")
    place = (place or "").strip()
    if not place:
        raise ServiceError("slots_place", _("Say where the talks are held."), field="place")
    now = timezone.now()
    made = []
    for offset in range(weeks * 7):
        day = first_day + datetime.timedelta(days=offset)
        if day.weekday() not in weekdays:
            continue
        starts = timezone.make_aware(datetime.datetime.combine(day, start))
        if starts <= now:
            continue
        slot, created = CounsellingSlot.objects.get_or_create(
            counsellor=counsellor,
            starts_at=starts,
            defaults={
                "ends_at": starts + datetime.timedelta(minutes=minutes),
                "place": place,
                "created_by": by,
            },
        )
        if created:
            made.append(slot)
    return made


@transaction.atomic
def slot_remove(*, slot: CounsellingSlot, by) -> None:
    """Remove a free slot (one with an appointment is cancelled through the appointment first)."""
    _manager(by)
    slot = CounsellingSlot.objects.select_for_update().get(pk=slot.pk)
    if slot.appointments.exclude(status=Appointment.Status.CANCELLED).exists():
        raise Conflict("slot_booked", _("This time is booked: cancel the appointment first."))
    slot.appointments.all().delete()
    slot.delete()


@transaction.atomic
def appointment_book(
    *, slot: CounsellingSlot, worker, consent_given: bool, purpose: str = CONSENT_PURPOSE
) -> Appointment:
    """A member books ``slot`` after consenting to ``purpose`` (recorded first, in the same
    transaction: a refused booking leaves no consent behind either).

    Two bookings of one slot at the same moment: the slot's row lock serves them one after the
    other, and the partial unique constraint refuses the second even without the lock.
    """
    if not is_member(worker):
        raise ServiceError("counselling_member", _("Only members of this union can book a counsellor."))
    if not consent_given:
        raise ServiceError(
            "consent_required",
            _(
                "Please agree to the purpose stated before booking: without your consent no appointment is recorded."
            ),
            field="consent",
        )
    slot = CounsellingSlot.objects.select_for_update().select_related("counsellor").get(pk=slot.pk)
    counsellor = slot.counsellor
    if not counsellor.active or counsellor.user_id is None:
        raise ServiceError(
            "counsellor_inactive", _("This counsellor is not taking appointments."), field="slot"
        )
    if counsellor.user_id == worker.pk:
        raise ServiceError("counselling_self", _("You cannot book yourself."), field="slot")
    if slot.starts_at <= timezone.now():
        raise ServiceError("slot_past", _("This time has passed; choose another."), field="slot")
    if slot.appointments.exclude(status=Appointment.Status.CANCELLED).exists():
        raise Conflict("slot_taken", _("Someone has just booked this time; choose another."), field="slot")
    consent = consent_record(
        worker=worker, scope=ConsentScope.COUNSELLING, purpose=purpose, method="online", by=worker
    )
    try:
        with transaction.atomic():
            appointment = Appointment.objects.create(slot=slot, worker=worker, consent=consent)
    except IntegrityError as error:
        raise Conflict(
            "slot_taken", _("Someone has just booked this time; choose another."), field="slot"
        ) from error
    event_emit(
        name="counselling.appointment_booked",
        payload={
            "hired": counsellor.hired,
            "starts_on": timezone.localtime(slot.starts_at).date().isoformat(),
        },
    )
    notify(
        recipients=[worker],
        title=gettext("Counselling appointment confirmed"),
        body=gettext("%(when)s with %(counsellor)s at %(place)s.")
        % {"when": _when(slot.starts_at), "counsellor": counsellor.name, "place": slot.place},
        url="/my/counselling/",
        channels=("site",),
    )
    notify(
        recipients=[counsellor.user],
        title=gettext("New counselling appointment"),
        body=gettext("An appointment on %(when)s at %(place)s.")
        % {"when": _when(slot.starts_at), "place": slot.place},
        url=f"/admin/counselling/appointments/{appointment.pk}/",
        channels=("site", "sms"),
    )
    return appointment


def _locked(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("slot__counsellor__user", "worker")
        .get(pk=appointment.pk)
    )


@transaction.atomic
def appointment_cancel(*, appointment: Appointment, by) -> Appointment:
    """The worker or the counsellor cancels a booked appointment before it starts; the other is told."""
    appointment = _locked(appointment)
    counsellor = appointment.slot.counsellor
    by_worker = by is not None and by.pk == appointment.worker_id
    by_counsellor = by is not None and counsellor.user_id == by.pk
    if not (by_worker or by_counsellor):
        raise ServiceError("appointment_forbidden", _("Only the worker or the counsellor can cancel."))
    if appointment.status != Appointment.Status.BOOKED:
        raise Conflict("appointment_not_booked", _("This appointment is no longer booked."))
    if appointment.slot.starts_at <= timezone.now():
        raise Conflict("appointment_started", _("This appointment has already started."))
    appointment.status = Appointment.Status.CANCELLED
    appointment.cancelled_at = timezone.now()
    appointment.cancelled_by = by
    appointment.save(update_fields=["status", "cancelled_at", "cancelled_by"])
    event_emit(name="counselling.appointment_cancelled", payload={"by_worker": by_worker})
    other = counsellor.user if by_worker else appointment.worker
    notify(
        recipients=[other],
        title=gettext("Counselling appointment cancelled"),
        body=gettext("The appointment on %(when)s is cancelled.")
        % {"when": _when(appointment.slot.starts_at)},
        url=(f"/admin/counselling/appointments/{appointment.pk}/" if by_worker else "/my/counselling/"),
        channels=("site", "sms"),
    )
    return appointment


@transaction.atomic
def appointment_close(*, appointment: Appointment, held: bool, by) -> Appointment:
    """The counsellor records that the talk took place (``held``) or that the worker did not come."""
    appointment = _locked(appointment)
    if by is None or appointment.slot.counsellor.user_id != by.pk:
        raise ServiceError("appointment_forbidden", _("Only the counsellor of this appointment can do this."))
    if appointment.status != Appointment.Status.BOOKED:
        raise Conflict("appointment_not_booked", _("This appointment is no longer booked."))
    if appointment.slot.starts_at > timezone.now():
        raise Conflict("appointment_not_started", _("This appointment has not started yet."))
    appointment.status = Appointment.Status.HELD if held else Appointment.Status.MISSED
    appointment.closed_at = timezone.now()
    appointment.save(update_fields=["status", "closed_at"])
    event_emit(
        name="counselling.appointment_held" if held else "counselling.appointment_missed",
        payload={
            "hired": appointment.slot.counsellor.hired,
            "held_on": timezone.localtime(appointment.slot.starts_at).date().isoformat(),
        },
    )
    return appointment


@transaction.atomic
def note_save(*, appointment: Appointment, text: str, by) -> SessionNote:
    """Write or change the notes of a held talk. Only the appointment's counsellor writes them,
    and only the author changes them afterwards. The text is never logged."""
    appointment = _locked(appointment)
    if by is None or appointment.slot.counsellor.user_id != by.pk:
        raise ServiceError(
            "note_forbidden", _("Only the counsellor of this appointment can write its notes.")
        )
    if appointment.status != Appointment.Status.HELD:
        raise Conflict("note_not_held", _("Notes are written after the talk is marked as held."))
    text = (text or "").strip()
    if not text:
        raise ServiceError("note_empty", _("Write the notes of the talk."), field="text")
    if len(text) > MAX_NOTE:
        raise ServiceError("note_long", _("Notes are limited to 20,000 characters."), field="text")
    note = SessionNote.objects.select_for_update().filter(appointment=appointment).first()
    if note is None:
        return SessionNote.objects.create(appointment=appointment, author=by, text=text)
    if note.author_id != by.pk:
        raise ServiceError(
            "note_forbidden", _("Only the counsellor of this appointment can write its notes.")
        )
    note.text = text
    note.save(update_fields=["text", "updated_at"])
    return note


def reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind the worker and the counsellor of each talk within the next day, once each.
    Idempotent: ``reminded_at`` is set in the same transaction as the reminder."""
    now = now or timezone.now()
    due = Appointment.objects.filter(
        status=Appointment.Status.BOOKED,
        reminded_at__isnull=True,
        slot__starts_at__gt=now,
        slot__starts_at__lte=now + REMIND_BEFORE,
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            appointment = (
                Appointment.objects.select_for_update(of=("self",))
                .select_related("slot__counsellor__user", "worker")
                .filter(pk=pk, status=Appointment.Status.BOOKED, reminded_at__isnull=True)
                .first()
            )
            if appointment is None:
                continue
            slot = appointment.slot
            notify(
                recipients=[appointment.worker],
                title=gettext("Reminder: counselling appointment"),
                body=gettext("%(when)s with %(counsellor)s at %(place)s.")
                % {"when": _when(slot.starts_at), "counsellor": slot.counsellor.name, "place": slot.place},
                url="/my/counselling/",
                channels=("site", "sms"),
            )
            notify(
                recipients=[slot.counsellor.user],
                title=gettext("Reminder: counselling appointment"),
                body=gettext("An appointment on %(when)s at %(place)s.")
                % {"when": _when(slot.starts_at), "place": slot.place},
                url=f"/admin/counselling/appointments/{appointment.pk}/",
                channels=("site",),
            )
            appointment.reminded_at = now
            appointment.save(update_fields=["reminded_at"])
            sent += 1
    return sent


@transaction.atomic
def lecture_save(
    *, activity: Activity, counsellor: Counsellor | None, by, publish: bool = False
) -> CounsellingLecture:
    """Create or change a counselling lecture (心理讲座): an activity of kind ``lecture`` (through
    the activities app, which runs its sign-up) marked as counselling's; published at once if asked."""
    _manager(by)
    activity.kind = ActivityKind.LECTURE
    activity = activity_save(activity=activity, by=by)
    lecture, _created = CounsellingLecture.objects.update_or_create(
        activity=activity, defaults={"counsellor": counsellor}
    )
    if publish and activity.status == Activity.Status.DRAFT:
        lecture.activity = activity_publish(activity=activity, by=by)
    return lecture


def lectures_held_report() -> int:
    """Emit ``counselling.lecture_held`` once for each counselling lecture the activities app has
    marked held (it emits ``activity.held`` for all lectures; this tells counselling's apart)."""
    from tenants.activities.selectors import activity_counts

    done = 0
    for pk in list(
        CounsellingLecture.objects.filter(
            held_reported_at__isnull=True, activity__held_at__isnull=False
        ).values_list("pk", flat=True)
    ):
        with transaction.atomic():
            lecture = (
                CounsellingLecture.objects.select_for_update(of=("self",))
                .select_related("activity")
                .filter(pk=pk, held_reported_at__isnull=True)
                .first()
            )
            if lecture is None:
                continue
            counts = activity_counts(lecture.activity)
            event_emit(
                name="counselling.lecture_held",
                payload={
                    "activity_id": lecture.activity_id, "participants": counts["confirmed"],
                    "attended": counts["attended"],
                    "held_on": timezone.localtime(lecture.activity.starts_at).date().isoformat(),
                },
                at=lecture.activity.ends_at,
            )  # fmt: skip
            lecture.held_reported_at = timezone.now()
            lecture.save(update_fields=["held_reported_at"])
            done += 1
    return done
