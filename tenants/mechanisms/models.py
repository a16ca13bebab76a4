"""The union's working mechanisms (科学化机制): joint meetings with management, partner social
organisations, the activists team, staff duties, information reports sent up to the federation,
and staff appraisal (考核奖惩).

The federation's "four standards" (四化) ask for clear duties, standard rules and scientific
mechanisms; these are the records that show them.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from workershome.deletion import CASCADE_IN_UNIONS, SET_NULL_IN_UNIONS


class JointMeeting(models.Model):
    """A joint meeting with the employer's management (党政联席会议): who attended, the topics
    discussed, what was decided, and the follow-up items agreed."""

    held_on = models.DateField(_("held on"))
    title = models.CharField(_("title"), max_length=200)
    attendees = models.TextField(
        _("attendees"), help_text=_("Who attended, for the employer and for the union.")
    )
    topics = models.TextField(_("topics"))
    decisions = models.TextField(_("decisions"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        "users.User", null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("joint meeting with management")
        verbose_name_plural = _("joint meetings with management")

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"


class MeetingFollowUp(models.Model):
    """Something a joint meeting agreed to do: what, who answers for it, by when, and when done."""

    meeting = models.ForeignKey(JointMeeting, on_delete=models.CASCADE, related_name="follow_ups")
    task = models.CharField(_("follow-up item"), max_length=200)
    owner = models.CharField(_("owner"), max_length=100, help_text=_("A department or a person."))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = _("follow-up item")
        verbose_name_plural = _("follow-up items")

    def __str__(self) -> str:
        return self.task


class PartnerOrganisation(models.Model):
    """A social organisation (社会组织) the union works with, what it offers the workers, its
    contact and the period of the cooperation agreement."""

    class Service(models.TextChoices):
        LEGAL = "legal", _("Legal aid")
        COUNSELLING = "counselling", _("Counselling")
        TRAINING = "training", _("Training")
        VOLUNTEERS = "volunteers", _("Volunteers")
        HEALTH = "health", _("Health care")
        CHILDCARE = "childcare", _("Childcare")
        EMPLOYMENT = "employment", _("Employment services")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    services = ArrayField(
        models.CharField(max_length=20, choices=Service.choices),
        verbose_name=_("what they offer"),
        default=list,
    )
    offer = models.TextField(_("details of the offer"), blank=True)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    agreement_starts_on = models.DateField(_("agreement starts on"), null=True, blank=True)
    agreement_ends_on = models.DateField(_("agreement ends on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(agreement_starts_on__isnull=True)
                | Q(agreement_ends_on__isnull=True)
                | Q(agreement_ends_on__gte=models.F("agreement_starts_on")),
                name="partner_agreement_dates",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def services_display(self) -> str:
        labels = dict(self.Service.choices)
        return "、".join(str(labels.get(code, code)) for code in self.services)


class Activist(models.Model):
    """A roster member in the activists team (工会积极分子): a volunteer who serves workers in
    spare time, with the skills they bring."""

    member = models.OneToOneField(
        "membership.Member", on_delete=models.PROTECT, related_name="activist", verbose_name=_("member")
    )
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    joined_on = models.DateField(_("joined the team on"))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-active", "member__name"]
        verbose_name = _("activist")
        verbose_name_plural = _("activists")

    def __str__(self) -> str:
        return self.member.name


class ActivistService(models.Model):
    """One service an activist gave (服务记录): when, what, and how many hours."""

    activist = models.ForeignKey(Activist, on_delete=models.CASCADE, related_name="services")
    served_on = models.DateField(_("date"))
    description = models.CharField(_("what"), max_length=200)
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("24"))],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        "users.User", null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )

    class Meta:
        ordering = ["-served_on", "-pk"]
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0, hours__lte=24), name="activist_service_hours")
        ]

    def __str__(self) -> str:
        return f"{self.served_on} {self.description} {self.hours}h"


class StaffDuty(models.Model):
    """Who on the union's staff does what (工会工作人员岗位职责), shown on the duties list."""

    user = models.ForeignKey(
        "users.User", on_delete=CASCADE_IN_UNIONS, related_name="staff_duties", verbose_name=_("staff member")
    )
    post = models.CharField(_("post"), max_length=100)
    duties = models.TextField(_("duties"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("staff duty")
        verbose_name_plural = _("staff duties")

    def __str__(self) -> str:
        return self.post


class InfoReport(models.Model):
    """An information report (信息报送) the union sends up to the federation: news of its work,
    experience, surveys, figures. Union work information only, never workers' personal data.

    Sending writes a ``report.sent`` outbox event; its delivery puts the report in the
    federation portal's received reports (``reporting``), once."""

    class Category(models.TextChoices):
        WORK_NEWS = "work_news", _("Work news")
        EXPERIENCE = "experience", _("Experience and practice")
        SURVEY = "survey", _("Survey and research")
        STATISTICS = "statistics", _("Statistics")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    content = models.TextField(
        _("content"),
        help_text=_("The union's work information only: never workers' names, phone numbers, ID numbers or "
                    "other personal data."),
    )  # fmt: skip
    written_on = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    event_id = models.UUIDField(null=True, blank=True, editable=False)
    delivered_at = models.DateTimeField(
        _("received by the federation"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        "users.User", null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )

    class Meta:
        ordering = ["-written_on", "-pk"]
        verbose_name = _("information report")
        verbose_name_plural = _("information reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft", sent_at__isnull=True) | Q(status="sent", sent_at__isnull=False),
                name="info_report_sent",
            )
        ]

    def __str__(self) -> str:
        return self.title


class StaffAppraisal(models.Model):
    """The appraisal of a staff member for a period (考核): the rating and notes. Read and written
    by the chairman only."""

    class Rating(models.TextChoices):
        EXCELLENT = "excellent", _("Excellent")
        COMPETENT = "competent", _("Competent")
        BASIC = "basic", _("Basically competent")
        INCOMPETENT = "incompetent", _("Not competent")

    period = models.CharField(_("period"), max_length=50, help_text=_("E.g. 2025 or 2025 first half."))
    user = models.ForeignKey(
        "users.User", on_delete=CASCADE_IN_UNIONS, related_name="appraisals", verbose_name=_("staff member")
    )
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        "users.User", null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )

    class Meta:
        ordering = ["-period", "user"]
        verbose_name = _("staff appraisal")
        verbose_name_plural = _("staff appraisals")
        constraints = [
            models.UniqueConstraint(fields=["period", "user"], name="staff_appraisal_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.user}"
