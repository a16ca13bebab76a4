"""Writes of skills training: courses and their sessions, enrolment and cancellation (with the
waiting list moving up), attendance, and certificates.

Each function checks its input and raises ``ServiceError``/``Conflict`` before changing
anything, and runs in one transaction. Capacity is counted under a lock on the course row, so
two members racing for the last place cannot both get it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tenants.events.services import event_emit
from tenants.notifications.services import notify
from tenants.registry.models import Union
from workershome.errors import Conflict, ServiceError
from workershome.tenancy import current_schema, on_commit_in_schema

from .models import Attendance, Certificate, Course, CourseCategory, CourseSession, Enrolment
from .permissions import issues_certificates, manages_courses, manages_enrolments
from .selectors import LIVE, certificate_of, courses_home_forget, enrolment_progress

# Attendance may be taken a little before the session starts (people arrive early).
_EARLY = datetime.timedelta(minutes=30)
_MAX_SESSION = datetime.timedelta(hours=12)


def _when(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")


def _staff(user, allowed: bool) -> None:
    if user is None or not getattr(user, "is_authenticated", False) or not allowed:
        raise ServiceError(
            "training_staff_only", _("Only the union's staff can manage skills training."), status=403
        )


def _home_forget() -> None:
    """Forget the home page's course card now and once the change is committed."""
    courses_home_forget()
    on_commit_in_schema(courses_home_forget)


def _course_url(course: Course) -> str:
    return f"/training/{course.pk}/"


# --- Courses ------------------------------------------------------------------------------------


def course_check(*, course: Course) -> None:
    """Refuse a course that cannot be run, with the field to fix."""
    course.title = " ".join((course.title or "").split())
    course.teacher = " ".join((course.teacher or "").split())
    course.place = (course.place or "").strip()
    if not course.title:
        raise ServiceError("course_title", _("Give the course a title."), field="title")
    if course.category not in CourseCategory.values:
        raise ServiceError("course_category", _("Choose the course's category."), field="category")
    if not course.teacher:
        raise ServiceError("course_teacher", _("Say who teaches the course."), field="teacher")
    if course.room_id is None and not course.place:
        raise ServiceError(
            "course_place", _("Choose one of our rooms or say where the course is held."), field="place"
        )
    if course.source != Course.Source.OWN:
        raise ServiceError(
            "course_source",
            _(
                "Only the union's own courses can be run for now; the federation's shared pool is not open yet."
            ),
            field="source",
        )
    if not 1 <= (course.capacity or 0) <= 1000:
        raise ServiceError("course_capacity", _("A course has from 1 to 1000 places."), field="capacity")
    hours = course.hours_per_session
    if hours is None or not Decimal("0.5") <= Decimal(hours) <= Decimal("12"):
        raise ServiceError(
            "course_hours", _("A session counts from 0.5 to 12 hours."), field="hours_per_session"
        )
    if not 1 <= (course.completion_percent or 0) <= 100:
        raise ServiceError(
            "course_completion",
            _("The attendance needed to complete is a percentage from 1 to 100."),
            field="completion_percent",
        )
    if course.enrolment_deadline is None:
        raise ServiceError("course_deadline", _("Say when enrolment closes."), field="enrolment_deadline")


def _promote(course: Course) -> list[Enrolment]:
    """Fill free places from the waiting list, first come first served, and tell each member.
    The caller holds the lock on the course."""
    enrolled = Enrolment.objects.filter(course=course, status=Enrolment.Status.ENROLLED).count()
    free = course.capacity - enrolled
    if free <= 0:
        return []
    promoted = list(
        Enrolment.objects.select_for_update()
        .filter(course=course, status=Enrolment.Status.WAITING)
        .order_by("created_at", "pk")[:free]
    )
    if not promoted:
        return []
    Enrolment.objects.filter(pk__in=[e.pk for e in promoted]).update(status=Enrolment.Status.ENROLLED)
    for enrolment in promoted:
        enrolment.status = Enrolment.Status.ENROLLED
        event_emit(
            name="training.enrolment",
            payload={
                "course": course.pk,
                "category": course.category,
                "status": "enrolled",
                "promoted": True,
            },
        )
    notify(
        recipients=[e.user for e in promoted],
        title=gettext("You have a place on the course “%(title)s”") % {"title": course.title},
        body=gettext("A place became free and you were first on the waiting list."),
        url=_course_url(course),
        channels=("site", "sms"),
    )
    return promoted


@transaction.atomic
def course_save(*, course: Course, by) -> Course:
    """Create or change a course. Publishing needs at least one session; places cannot be
    fewer than the members already enrolled; more places move the waiting list up; cancelling
    tells everyone enrolled or waiting."""
    _staff(by, manages_courses(by))
    course_check(course=course)
    before = None
    if course.pk:
        before = Course.objects.select_for_update().filter(pk=course.pk).first()
    was = before.status if before else None
    publishing = course.status == Course.Status.PUBLISHED and was != Course.Status.PUBLISHED
    if publishing and not (course.pk and CourseSession.objects.filter(course_id=course.pk).exists()):
        raise ServiceError(
            "course_no_sessions", _("Add at least one session before publishing the course."), field="status"
        )
    if before is not None:
        enrolled = Enrolment.objects.filter(course=before, status=Enrolment.Status.ENROLLED).count()
        if course.capacity < enrolled:
            raise ServiceError(
                "course_capacity_below_enrolled",
                _("%(n)s members are already enrolled: the course needs at least that many places."),
                params={"n": enrolled},
                field="capacity",
            )
    if course.created_by_id is None:
        course.created_by = by
    course.save()
    _home_forget()
    if course.status == Course.Status.PUBLISHED and was != Course.Status.PUBLISHED:
        event_emit(
            name="training.course_published",
            payload={
                "course": course.pk, "category": course.category, "source": course.source,
                "sessions": CourseSession.objects.filter(course=course).count(),
                "hours_per_session": str(course.hours_per_session), "capacity": course.capacity,
            },
        )  # fmt: skip
    if course.status == Course.Status.CANCELLED and was not in (None, Course.Status.CANCELLED):
        live = list(Enrolment.objects.filter(course=course, status__in=LIVE).select_related("user"))
        if live:
            notify(
                recipients=[e.user for e in live],
                title=gettext("The course “%(title)s” is cancelled") % {"title": course.title},
                body=gettext("We are sorry: the course will not take place."),
                url=_course_url(course),
                channels=("site", "sms"),
            )
        event_emit(
            name="training.course_cancelled", payload={"course": course.pk, "category": course.category}
        )
    elif course.status == Course.Status.PUBLISHED:
        _promote(course)
    return course


@transaction.atomic
def course_session_add(
    *, course: Course, starts_at: datetime.datetime, ends_at: datetime.datetime, topic: str = "", by
) -> CourseSession:
    """Add a session (a class on a date) to a course."""
    _staff(by, manages_courses(by))
    course = Course.objects.select_for_update().get(pk=course.pk)
    if course.status == Course.Status.CANCELLED:
        raise ServiceError("course_cancelled", _("This course is cancelled."))
    if starts_at is None or ends_at is None:
        raise ServiceError("session_times", _("Give the session's start and end."), field="starts_at")
    if ends_at <= starts_at:
        raise ServiceError("session_times", _("The session must end after it starts."), field="ends_at")
    if ends_at - starts_at > _MAX_SESSION:
        raise ServiceError("session_too_long", _("A session lasts at most 12 hours."), field="ends_at")
    if CourseSession.objects.filter(course=course, starts_at=starts_at).exists():
        raise Conflict(
            "session_twice", _("The course already has a session at %(time)s."),
            params={"time": _when(starts_at)}, field="starts_at",
        )  # fmt: skip
    _home_forget()
    return CourseSession.objects.create(
        course=course, starts_at=starts_at, ends_at=ends_at, topic=" ".join((topic or "").split())[:120]
    )


@transaction.atomic
def course_session_remove(*, session: CourseSession, by) -> None:
    """Remove a session whose attendance has not been taken."""
    _staff(by, manages_courses(by))
    session = CourseSession.objects.select_for_update().get(pk=session.pk)
    if session.attendance_taken_at is not None:
        raise Conflict("session_attended", _("Attendance was taken at this session: it cannot be removed."))
    session.delete()
    _home_forget()


# --- Enrolment ----------------------------------------------------------------------------------


@transaction.atomic
def enrolment_create(*, course: Course, user) -> Enrolment:
    """Enrol a signed-in member: a place if one is free, else the waiting list (where the
    course keeps one). Refused: a course not open, after the deadline, twice, or full."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        raise ServiceError("enrolment_sign_in", _("Sign in to enrol on a course."), status=401)
    from tenants.users.roles import is_member

    if not is_member(user):
        # A worker of another union signed in here for an open activity is not a member.
        raise ServiceError("enrolment_members_only", _("Courses are for members of this union."), status=403)
    course = Course.objects.select_for_update().get(pk=course.pk)
    if course.status != Course.Status.PUBLISHED:
        raise ServiceError("enrolment_not_open", _("This course is not open for enrolment."))
    if timezone.now() > course.enrolment_deadline:
        raise ServiceError(
            "enrolment_closed",
            _("Enrolment closed on %(date)s."),
            params={"date": _when(course.enrolment_deadline)},
        )
    live = Enrolment.objects.filter(course=course, user=user, status__in=LIVE).first()
    if live is not None:
        if live.status == Enrolment.Status.WAITING:
            raise Conflict("enrolment_twice", _("You are already on this course's waiting list."))
        raise Conflict("enrolment_twice", _("You are already enrolled on this course."))
    enrolled = Enrolment.objects.filter(course=course, status=Enrolment.Status.ENROLLED).count()
    if enrolled < course.capacity:
        status = Enrolment.Status.ENROLLED
    elif course.waiting_list:
        status = Enrolment.Status.WAITING
    else:
        raise Conflict("course_full", _("This course is full."))
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(course=course, user=user, status=status)
    except IntegrityError as error:  # the constraint behind the check above
        raise Conflict("enrolment_twice", _("You are already enrolled on this course.")) from error
    event_emit(
        name="training.enrolment",
        payload={"course": course.pk, "category": course.category, "status": status, "promoted": False},
    )
    return enrolment


@transaction.atomic
def enrolment_cancel(*, enrolment: Enrolment, by) -> Enrolment:
    """Cancel an enrolment: the member their own before the course's first session starts;
    staff any live one (and the member is told). A freed place goes to the first waiting."""
    course = Course.objects.select_for_update().get(pk=enrolment.course_id)
    enrolment = Enrolment.objects.select_for_update(of=("self",)).select_related("user").get(pk=enrolment.pk)
    signed_in = by is not None and getattr(by, "is_authenticated", False)
    own = signed_in and enrolment.user_id == by.pk
    staff = signed_in and not own and manages_enrolments(by)
    if not (own or staff):
        raise ServiceError("enrolment_not_yours", _("You can only cancel your own enrolment."), status=403)
    if enrolment.status not in LIVE:
        raise Conflict("enrolment_not_live", _("This enrolment is already cancelled."))
    if certificate_of(enrolment) is not None:
        raise Conflict("enrolment_certified", _("A certificate was issued for this enrolment."))
    first_start = (
        CourseSession.objects.filter(course=course)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    started = first_start is not None and first_start <= timezone.now()
    if own and started and enrolment.status == Enrolment.Status.ENROLLED:
        raise ServiceError(
            "enrolment_started",
            _("The course has started: ask the union's officer if you cannot continue."),
        )
    was = enrolment.status
    enrolment.status = Enrolment.Status.CANCELLED
    enrolment.cancelled_at = timezone.now()
    enrolment.save(update_fields=["status", "cancelled_at"])
    event_emit(
        name="training.enrolment_cancelled",
        payload={"course": course.pk, "category": course.category, "was": was, "by_staff": bool(staff)},
    )
    if staff and enrolment.user_id:
        notify(
            recipients=[enrolment.user],
            title=gettext("Your enrolment on “%(title)s” was cancelled by the union")
            % {"title": course.title},
            url=_course_url(course),
            channels=("site", "sms"),
        )
    if was == Enrolment.Status.ENROLLED and course.status == Course.Status.PUBLISHED:
        _promote(course)
    return enrolment


# --- Attendance ---------------------------------------------------------------------------------


@transaction.atomic
def attendance_record(*, session: CourseSession, present: Iterable[int | str], by) -> dict[str, int]:
    """Take (or correct) a session's register in one go: the enrolments in ``present`` came,
    every other enrolled member did not. Returns ``{"enrolled": n, "present": k}``."""
    _staff(by, manages_enrolments(by))
    session = CourseSession.objects.select_for_update().select_related("course").get(pk=session.pk)
    course = session.course
    if course.status == Course.Status.CANCELLED:
        raise ServiceError("course_cancelled", _("This course is cancelled."))
    if session.starts_at > timezone.now() + _EARLY:
        raise ServiceError(
            "attendance_too_early", _("Attendance is taken when the session starts (%(time)s)."),
            params={"time": _when(session.starts_at)},
        )  # fmt: skip
    try:
        chosen = {int(pk) for pk in present}
    except (TypeError, ValueError) as error:
        raise ServiceError("attendance_unknown", _("Mark only members enrolled on this course.")) from error
    enrolled = set(
        Enrolment.objects.filter(course=course, status=Enrolment.Status.ENROLLED).values_list("pk", flat=True)
    )
    if chosen - enrolled:
        raise ServiceError("attendance_unknown", _("Mark only members enrolled on this course."))
    now = timezone.now()
    Attendance.objects.bulk_create(
        [
            Attendance(session=session, enrolment_id=pk, present=pk in chosen, marked_by=by, marked_at=now)
            for pk in sorted(enrolled)
        ],
        update_conflicts=True,
        unique_fields=["session", "enrolment"],
        update_fields=["present", "marked_by", "marked_at"],
    )
    first = session.attendance_taken_at is None
    session.attendance_taken_at = now
    session.save(update_fields=["attendance_taken_at"])
    # Counted facts for the federation: one per register taken; a correction sends the new counts
    # for the same session (``first`` False), so the latest per session is the truth.
    event_emit(
        name="training.session_held",
        payload={
            "course": course.pk, "session": session.pk, "category": course.category,
            "enrolled": len(enrolled), "present": len(chosen),
            "hours": str(course.hours_per_session * len(chosen)), "first": first,
        },
    )  # fmt: skip
    return {"enrolled": len(enrolled), "present": len(chosen)}


# --- Certificates -------------------------------------------------------------------------------


def _union_id() -> int:
    pk = Union.objects.filter(schema_name=current_schema()).values_list("pk", flat=True).first()
    return pk or 0


@transaction.atomic
def certificate_issue(*, enrolment: Enrolment, by) -> Certificate:
    """Issue the certificate of a member who completed the course (the course's attendance
    rule met). Its number is unique on the platform: ``PX-<year>-<union>-<serial>``."""
    _staff(by, issues_certificates(by))
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("course", "user")
        .get(pk=enrolment.pk)
    )
    course = enrolment.course
    if enrolment.status != Enrolment.Status.ENROLLED:
        raise ServiceError(
            "certificate_not_enrolled", _("Only members enrolled on the course get a certificate.")
        )
    if certificate_of(enrolment) is not None:
        raise Conflict("certificate_twice", _("This member's certificate was already issued."))
    progress = enrolment_progress(enrolment)
    name = enrolment.user.get_full_name() if enrolment.user else ""
    if not progress.completed:
        raise ServiceError(
            "certificate_not_completed",
            _(
                "%(name)s attended %(attended)s of %(total)s sessions; the course needs %(percent)s%% "
                "(%(needed)s sessions) to be completed."
            ),
            params={
                "name": name or "—", "attended": progress.attended, "total": progress.total,
                "percent": course.completion_percent, "needed": progress.sessions_needed,
            },
        )  # fmt: skip
    today = timezone.localdate()
    certificate = Certificate.objects.create(
        enrolment=enrolment, course=course, user=enrolment.user, number=f"pending-{enrolment.pk}",
        holder_name=(name or (enrolment.user.username if enrolment.user else ""))[:100], hours=progress.hours,
        sessions_attended=progress.attended, sessions_total=progress.total, issued_on=today, issued_by=by,
    )  # fmt: skip
    certificate.number = f"PX-{today.year}-{_union_id():04d}-{certificate.pk:06d}"
    certificate.save(update_fields=["number"])
    event_emit(
        name="training.certificate_issued",
        payload={"course": course.pk, "category": course.category, "hours": str(progress.hours)},
    )
    if enrolment.user is not None:
        notify(
            recipients=[enrolment.user],
            title=gettext("Your certificate for “%(title)s” is ready") % {"title": course.title},
            body=gettext("Download it under My training."),
            url="/my/training/",
            channels=("site",),
        )
    return certificate


@transaction.atomic
def certificates_issue_completed(*, course: Course, by) -> list[Certificate]:
    """Issue the certificates of every enrolled member who completed the course and has none."""
    _staff(by, issues_certificates(by))
    from .selectors import course_roster

    issued = []
    for row in course_roster(course, statuses=(Enrolment.Status.ENROLLED,)):
        if row.certificate is None and row.progress.completed:
            issued.append(certificate_issue(enrolment=row.enrolment, by=by))
    return issued
