"""Reads of skills training: the published courses with their places, a member's enrolments
with hours and progress, the course roster, hours per worker, the calendar entries of sessions,
and the skills exchanges (activities) listed beside the courses."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, DecimalField, F, Max, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from .models import Attendance, Certificate, Course, CourseCategory, CourseSession, Enrolment

LIVE = (Enrolment.Status.ENROLLED, Enrolment.Status.WAITING)


@dataclass(frozen=True)
class Progress:
    """How far one enrolment has come: sessions attended of the course's sessions, the hours
    they give, and whether the course's completion rule is met."""

    attended: int
    total: int
    hours_per_session: Decimal
    needed_percent: int

    @property
    def hours(self) -> Decimal:
        return self.hours_per_session * self.attended

    @property
    def percent(self) -> int:
        return self.attended * 100 // self.total if self.total else 0

    @property
    def completed(self) -> bool:
        """At least ``needed_percent`` of all the course's sessions attended (sessions still to
        come count too, so a course is completed early only when the rule is already met)."""
        return self.total > 0 and self.attended * 100 >= self.needed_percent * self.total

    @property
    def sessions_needed(self) -> int:
        """Sessions to attend in all to complete: the smallest n with n / total ≥ needed %."""
        return -(-self.needed_percent * self.total // 100)


def courses_annotated(queryset: QuerySet[Course] | None = None) -> QuerySet[Course]:
    """Courses with ``enrolled``, ``waiting``, ``session_count``, ``first_start``, ``last_end``."""
    queryset = queryset if queryset is not None else Course.objects.all()
    return queryset.select_related("room").annotate(
        enrolled=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.ENROLLED), distinct=True),
        waiting=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.WAITING), distinct=True),
        session_count=Count("sessions", distinct=True),
        first_start=Min("sessions__starts_at"),
        last_end=Max("sessions__ends_at"),
    )


def courses_published(*, now: datetime.datetime | None = None) -> tuple[list[Course], list[Course]]:
    """The published courses: those still running or to come (soonest first), and the ten that
    ended last."""
    now = now or timezone.now()
    courses = list(courses_annotated(Course.objects.filter(status=Course.Status.PUBLISHED)))

    def last_end(course: Course) -> datetime.datetime | None:
        return getattr(course, "last_end", None)

    current = [c for c in courses if (last_end(c) or now) >= now and last_end(c)]
    current.sort(key=lambda c: getattr(c, "first_start", None) or now)
    past = sorted((c for c in courses if c not in current), key=lambda c: last_end(c) or now)
    return current, list(reversed(past))[:10]


HOME_CACHE_KEY = "training:home-courses"
HOME_CACHE_SECONDS = 300


@dataclass(frozen=True)
class HomeCourse:
    pk: int
    title: str
    category: str
    first_start: datetime.datetime | None
    enrolment_deadline: datetime.datetime

    @property
    def category_label(self) -> str:
        return str(CourseCategory(self.category).label)


def courses_open_for_home() -> list[HomeCourse]:
    """Up to three published courses still open for enrolment, soonest deadline first, for the
    home page's card: cached per union (the cache key carries the schema) and forgotten when a
    course or its sessions change (``courses_home_forget``)."""
    found = cache.get(HOME_CACHE_KEY)
    now = timezone.now()
    if found is None:
        found = [
            HomeCourse(c.pk, c.title, c.category, getattr(c, "first_start", None), c.enrolment_deadline)
            for c in courses_annotated(
                Course.objects.filter(status=Course.Status.PUBLISHED, enrolment_deadline__gte=now)
            ).order_by("enrolment_deadline", "pk")[:6]
        ]
        cache.set(HOME_CACHE_KEY, found, HOME_CACHE_SECONDS)
    return [c for c in found if c.enrolment_deadline >= now][:3]


def courses_home_forget() -> None:
    cache.delete(HOME_CACHE_KEY)


def course_published(pk: int) -> Course | None:
    return courses_annotated(Course.objects.filter(pk=pk, status=Course.Status.PUBLISHED)).first()


def enrolment_live(*, course: Course, user) -> Enrolment | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Enrolment.objects.filter(course=course, user=user, status__in=LIVE).first()


def waiting_position(enrolment: Enrolment) -> int | None:
    """1 for the first on the waiting list; ``None`` for an enrolment not waiting."""
    if enrolment.status != Enrolment.Status.WAITING:
        return None
    return (
        Enrolment.objects.filter(course_id=enrolment.course_id, status=Enrolment.Status.WAITING)
        .filter(
            Q(created_at__lt=enrolment.created_at) | Q(created_at=enrolment.created_at, pk__lt=enrolment.pk)
        )
        .count()
        + 1
    )


def progress_of(enrolments: list[Enrolment]) -> dict[int, Progress]:
    """Each enrolment's progress, in two queries whatever the number of enrolments (their
    courses must be loaded: ``select_related("course")``)."""
    if not enrolments:
        return {}
    attended = dict(
        Attendance.objects.filter(enrolment__in=enrolments, present=True)
        .values("enrolment")
        .annotate(n=Count("pk"))
        .values_list("enrolment", "n")
    )
    totals = dict(
        CourseSession.objects.filter(course_id__in={e.course_id for e in enrolments})
        .values("course")
        .annotate(n=Count("pk"))
        .values_list("course", "n")
    )
    return {
        e.pk: Progress(
            attended=attended.get(e.pk, 0),
            total=totals.get(e.course_id, 0),
            hours_per_session=e.course.hours_per_session,
            needed_percent=e.course.completion_percent,
        )
        for e in enrolments
    }


def certificate_of(enrolment: Enrolment) -> Certificate | None:
    """The enrolment's certificate, or ``None`` (a missing reverse one-to-one raises)."""
    try:
        return enrolment.certificate
    except Certificate.DoesNotExist:
        return None


def enrolment_progress(enrolment: Enrolment) -> Progress:
    return progress_of([enrolment])[enrolment.pk]


@dataclass
class RosterRow:
    enrolment: Enrolment
    progress: Progress
    certificate: Certificate | None


def course_roster(course: Course, *, statuses=LIVE) -> list[RosterRow]:
    """The course's enrolments (enrolled first, then the waiting list in order) with progress."""
    enrolments = list(
        Enrolment.objects.filter(course=course, status__in=statuses)
        .select_related("user", "course", "certificate")
        .order_by("status", "created_at", "pk")
    )
    progress = progress_of(enrolments)
    return [RosterRow(e, progress[e.pk], certificate_of(e)) for e in enrolments]


def session_register(session: CourseSession) -> list[tuple[Enrolment, bool]]:
    """The enrolled members of the session's course, each with whether they were marked present."""
    present = set(
        Attendance.objects.filter(session=session, present=True).values_list("enrolment_id", flat=True)
    )
    enrolments = Enrolment.objects.filter(
        course_id=session.course_id, status=Enrolment.Status.ENROLLED
    ).select_related("user")
    return [(e, e.pk in present) for e in enrolments.order_by("created_at", "pk")]


@dataclass
class MyCourse:
    enrolment: Enrolment
    progress: Progress
    certificate: Certificate | None
    waiting_position: int | None


@dataclass
class MyTraining:
    courses: list[MyCourse]
    hours: Decimal
    certificates: list[Certificate]


def my_training(user) -> MyTraining:
    """A member's courses (live and past, not cancelled), the hours they have earned in all and
    their certificates."""
    enrolments = list(
        Enrolment.objects.filter(user=user, status__in=LIVE)
        .select_related("course", "course__room", "certificate")
        .order_by("-created_at", "-pk")
    )
    progress = progress_of(enrolments)
    courses = [
        MyCourse(
            enrolment=e,
            progress=progress[e.pk],
            certificate=certificate_of(e),
            waiting_position=waiting_position(e) if e.status == Enrolment.Status.WAITING else None,
        )
        for e in enrolments
    ]
    hours = sum((c.progress.hours for c in courses), Decimal("0"))
    certificates = list(Certificate.objects.filter(user=user).select_related("course"))
    return MyTraining(courses=courses, hours=hours, certificates=certificates)


def hours_by_worker() -> QuerySet:
    """Hours per member over every course (present sessions × the course's hours per session),
    most hours first: rows of ``user_id``, ``name``, ``mobile``, ``courses``, ``sessions``, ``hours``."""
    return (
        Attendance.objects.filter(present=True, enrolment__user__isnull=False)
        .values("enrolment__user")
        .annotate(
            user_id=F("enrolment__user"),
            name=F("enrolment__user__name"),
            mobile=F("enrolment__user__username"),
            courses=Count("enrolment__course", distinct=True),
            sessions=Count("pk"),
            hours=Coalesce(
                Sum("session__course__hours_per_session"),
                Value(Decimal("0")),
                output_field=DecimalField(max_digits=8, decimal_places=1),
            ),
        )
        .values("user_id", "name", "mobile", "courses", "sessions", "hours")
        .order_by("-hours", "name")
    )


def certificate_by_token(token: str) -> Certificate | None:
    if not token or len(token) > 32 or "\x00" in token:
        return None
    return Certificate.objects.select_related("course").filter(verify_token=token).first()


def skills_exchanges(*, now: datetime.datetime | None = None, limit: int = 10) -> list:
    """The coming skills exchanges (技能交流): published activities of kind ``skills_exchange``,
    read from the activities app and listed beside the courses."""
    from tenants.activities.models import Activity, ActivityKind

    now = now or timezone.now()
    return list(
        Activity.objects.filter(
            kind=ActivityKind.SKILLS_EXCHANGE, status=Activity.Status.PUBLISHED, ends_at__gte=now
        )
        .select_related("room")
        .order_by("starts_at", "pk")[:limit]
    )


def calendar_sessions(*, start: datetime.datetime, end: datetime.datetime) -> list:
    """The union calendar's source of course sessions: sessions of published courses that
    overlap [start, end), in one query."""
    from tenants.activities.calendar import CalendarEntry

    sessions = (
        CourseSession.objects.filter(
            course__status=Course.Status.PUBLISHED, starts_at__lt=end, ends_at__gt=start
        )
        .select_related("course", "course__room")
        .order_by("starts_at", "pk")
    )
    return [
        CalendarEntry(
            uid=f"course-session-{s.pk}",
            title=f"{s.course.title}" + (f"：{s.topic}" if s.topic else ""),
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            kind="course_session",
            location=s.course.where,
            url=reverse("training:course", args=[s.course_id]),
            description=s.course.teacher,
        )
        for s in sessions
    ]
