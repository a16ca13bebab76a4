"""The union's annual work plan (年度工作计划) and its year-end summary (年度工作总结).

The federation's management rules ask every union to make its plan at the start of the year,
carry it out item by item, and sum the year up at its end. A plan may be published on the
union's site for members to read (亮制度: the union's work "on the wall").
"""

from __future__ import annotations

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from workershome.deletion import SET_NULL_IN_UNIONS


class WorkPlan(models.Model):
    """One year's work plan of the union: its items, whether it is adopted (印发) and published on
    the site, and once the year is over, the year-end summary with the items' completion figures
    (frozen when the summary is written, so later edits do not rewrite the record)."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(
        _("introduction"), blank=True, help_text=_("The plan's guiding ideas and main goals for the year.")
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    published = models.BooleanField(
        _("published on the site"),
        default=False,
        help_text=_("Members can read the plan and its progress on the site."),
    )
    summary = models.TextField(_("year-end summary"), blank=True)
    summary_written_at = models.DateTimeField(_("summary written"), null=True, blank=True)
    summary_items = models.PositiveSmallIntegerField(_("items at the summary"), null=True, blank=True)
    summary_done = models.PositiveSmallIntegerField(_("items done at the summary"), null=True, blank=True)
    summary_overdue = models.PositiveSmallIntegerField(
        _("items overdue at the summary"), null=True, blank=True
    )
    summary_cancelled = models.PositiveSmallIntegerField(
        _("items cancelled at the summary"), null=True, blank=True
    )
    summary_progress = models.PositiveSmallIntegerField(
        _("average progress at the summary"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        "users.User", null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("annual work plan")
        verbose_name_plural = _("annual work plans")
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="work_plan_year")
        ]

    def __str__(self) -> str:
        return self.title


class PlanItem(models.Model):
    """One task of the plan: what, in which of the union's duties, who answers for it (a roster
    member or a staff user), when it starts and is due, and how far it has come."""

    class Category(models.TextChoices):
        ORGANISATION = "organisation", _("Organisation building")
        DEMOCRACY = "democracy", _("Democratic management")
        RIGHTS = "rights", _("Rights protection and appeals")
        HARDSHIP = "hardship", _("Hardship assistance")
        MEDIATION = "mediation", _("Dispute mediation")
        COUNSELLING = "counselling", _("Counselling")
        SKILLS = "skills", _("Skills and training")
        ACTIVITIES = "activities", _("Cultural and sports activities")
        HOME = "home", _("Workers' home building")
        DOCKING = "docking", _("Docking and publicity")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="items", verbose_name=_("plan"))
    task = models.CharField(_("task"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    owner_member = models.ForeignKey(
        "membership.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="plan_items",
        verbose_name=_("owner (roster member)"),
    )  # fmt: skip
    owner_user = models.ForeignKey(
        "users.User", null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="plan_items",
        verbose_name=_("owner (staff)"),
    )  # fmt: skip
    starts_on = models.DateField(_("starts on"))
    due_on = models.DateField(_("due on"))
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    overdue_reported_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["plan", "order", "due_on", "pk"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=models.F("starts_on")), name="plan_item_dates"),
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100), name="plan_item_progress"
            ),
            models.CheckConstraint(
                condition=Q(owner_member__isnull=True) | Q(owner_user__isnull=True),
                name="plan_item_one_owner",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(progress=100, completed_on__isnull=False),
                name="plan_item_done",
            ),
        ]

    def __str__(self) -> str:
        return self.task

    @property
    def owner_name(self) -> str:
        if self.owner_member is not None:
            return self.owner_member.name
        if self.owner_user is not None:
            return self.owner_user.get_full_name() or self.owner_user.get_username()
        return ""

    def is_overdue(self, today: datetime.date) -> bool:
        """Past its due date and neither done nor cancelled."""
        return self.due_on < today and self.status in (self.Status.NOT_STARTED, self.Status.IN_PROGRESS)


class PlanItemNote(models.Model):
    """A note of progress on an item (进展情况): what was done, and the progress it brought."""

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="notes")
    written_on = models.DateField(_("date"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    note = models.TextField(_("what was done"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        "users.User", null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )

    class Meta:
        ordering = ["-written_on", "-pk"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")

    def __str__(self) -> str:
        return f"{self.item} {self.written_on} {self.progress}%"


class PlanReminder(models.Model):
    """That the January reminder "this year's plan is not made yet" went to the chairman for
    ``year``: the periodic check sends it at most once per union per year."""

    year = models.PositiveSmallIntegerField(unique=True)
    sent_at = models.DateTimeField()

    def __str__(self) -> str:
        return str(self.year)
