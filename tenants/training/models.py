"""Skills training (技能培训, 提升素质): courses with dated sessions, members' enrolments, the
attendance an officer takes at each session, and the certificates of those who completed.

素质提升: a Workers' Home raises workers' skills with courses of its own (electrician's skills,
office software, work safety…). Hours are not stored: they are counted from attendance
(sessions attended × the course's hours per session), so a corrected register corrects every
total at once. A certificate freezes what it certifies (name, hours, sessions) when it is issued.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from workershome.deletion import SET_NULL_IN_UNIONS


def _verify_token() -> str:
    return secrets.token_urlsafe(16)


class CourseCategory(models.TextChoices):
    VOCATIONAL = "vocational", _("Vocational skills")
    SAFETY = "safety", _("Work safety")
    DIGITAL = "digital", _("Digital skills")
    EDUCATION = "education", _("Academic qualifications")
    OTHER = "other", _("Other")


class Course(models.Model):
    """One training course: what is taught, by whom, where, to how many, and when (its
    sessions). A course is published once it has at least one session; members enrol until the
    deadline; a full course keeps a waiting list (if it allows one) that moves up on a
    cancellation.

    ``source`` says where the course comes from. Only the union's own courses exist today; the
    federation's shared course pool (courses published by other unions and stations, see
    ARCHITECTURE's "shared resources") will add a second source when it is built.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    class Source(models.TextChoices):
        OWN = "own", _("Our own course")

    title = models.CharField(_("title"), max_length=120)
    category = models.CharField(_("category"), max_length=20, choices=CourseCategory.choices)
    description = models.TextField(_("description"), blank=True)
    teacher = models.CharField(
        _("teacher"), max_length=100, help_text=_("Name and title, e.g. 高级技师 王建国.")
    )
    room = models.ForeignKey(
        "cms.RoomPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="courses",
        verbose_name=_("room"),
    )  # fmt: skip
    place = models.CharField(
        _("other place"),
        max_length=200,
        blank=True,
        help_text=_("Where it is held, when not in one of our rooms."),
    )
    capacity = models.PositiveIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(1000)], default=30
    )
    waiting_list = models.BooleanField(
        _("waiting list"),
        default=True,
        help_text=_("When the course is full, members may join a waiting list."),
    )
    enrolment_deadline = models.DateTimeField(_("enrolment closes"))
    hours_per_session = models.DecimalField(
        _("hours per session"), max_digits=4, decimal_places=1, default=Decimal("2.0"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("12"))],
    )  # fmt: skip
    completion_percent = models.PositiveSmallIntegerField(
        _("attendance needed to complete (%)"), default=80, validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("A certificate is issued to those who attended at least this share of the sessions."),
    )  # fmt: skip
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.OWN)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-enrolment_deadline", "pk"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        indexes = [models.Index(fields=["status", "enrolment_deadline"], name="course_status_deadline")]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="course_capacity"),
            models.CheckConstraint(condition=Q(completion_percent__range=(1, 100)), name="course_completion"),
            models.CheckConstraint(condition=Q(hours_per_session__gt=0), name="course_hours"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def where(self) -> str:
        if self.room_id and self.room is not None:
            return self.room.title + (f"（{self.room.location}）" if self.room.location else "")
        return self.place


class CourseSession(models.Model):
    """One class of a course on one date and time."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    topic = models.CharField(pgettext_lazy("course session", "topic"), max_length=120, blank=True)
    attendance_taken_at = models.DateTimeField(_("attendance taken"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [models.Index(fields=["starts_at"], name="course_session_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="course_session_times"
            ),
            models.UniqueConstraint(fields=["course", "starts_at"], name="course_session_once"),
        ]

    def __str__(self) -> str:
        return f"{self.course.title} {self.starts_at:%Y-%m-%d %H:%M}"


class Enrolment(models.Model):
    """A member's place on a course: enrolled, on the waiting list, or cancelled.

    One live (enrolled or waiting) enrolment per member per course (a database constraint
    behind the service's check); the waiting list is in the order people joined it.
    """

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=SET_NULL_IN_UNIONS, related_name="training_enrolments",
        verbose_name=_("member"),
    )  # fmt: skip
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(_("enrolled"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        indexes = [models.Index(fields=["course", "status", "created_at"], name="enrolment_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "user"], condition=~Q(status="cancelled"), name="enrolment_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course.title} · {self.user.get_full_name() if self.user else '—'}"


class Attendance(models.Model):
    """Whether an enrolled member came to one session, as the officer marked it."""

    session = models.ForeignKey(CourseSession, on_delete=models.CASCADE, related_name="attendances")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendances")
    present = models.BooleanField(_("present"), default=False)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )
    marked_at = models.DateTimeField(_("marked"), default=timezone.now)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.enrolment_id}: {'present' if self.present else 'absent'}"


class Certificate(models.Model):
    """The certificate of a completed course (结业证书), one per enrolment.

    It keeps what it certified when it was issued (the holder's name, the hours and sessions),
    so a later change of name or register does not change a certificate already handed out.
    ``number`` is unique across the platform (it carries the union's id); ``verify_token``
    is the unguessable part of the public verification address printed as a QR code.
    """

    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="certificate")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="certificates")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=SET_NULL_IN_UNIONS,
        related_name="training_certificates",
    )
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    holder_name = models.CharField(_("holder"), max_length=100)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1)
    sessions_attended = models.PositiveSmallIntegerField(_("sessions attended"))
    sessions_total = models.PositiveSmallIntegerField(_("sessions"))
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )
    verify_token = models.CharField(max_length=32, unique=True, default=_verify_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.number

    @property
    def masked_name(self) -> str:
        """The holder's name as the public verification page shows it: 王建国 → 王*国, 李明 → 李*."""
        name = self.holder_name.strip()
        if len(name) <= 1:
            return name
        if len(name) == 2:
            return name[0] + "*"
        return name[0] + "*" * (len(name) - 2) + name[-1]
