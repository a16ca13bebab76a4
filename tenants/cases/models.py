"""The case engine shared by the six service duties.

A ``Case`` runs under one published version of its kind's ``Procedure``; the procedure's steps
and transitions are the state machine (a case moves only along a transition, acted on by the
step's role) and the published flowchart (亮程序), so practice and chart never differ.
"""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from workershome.deletion import SET_NULL_IN_UNIONS

from .kinds import KINDS, CaseKind


class Procedure(ClusterableModel):
    """One version of the procedure for a kind of case.

    Published versions are never edited: adapting one makes a new draft version, and publishing
    it retires the old one. Cases keep the version they were opened under.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    kind = models.CharField(_("kind of case"), max_length=20, choices=CaseKind.choices)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=100)
    summary = models.TextField(_("summary"), blank=True)
    time_limit_days = models.PositiveSmallIntegerField(
        _("time limit (days)"), validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    based_on = models.CharField(
        _("based on"), max_length=50, blank=True, help_text=_("The federation default this version adapts.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )

    class Meta:
        ordering = ["kind", "-version"]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="procedure_kind_version"),
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(status="published"),
                name="one_published_procedure_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    @property
    def kind_spec(self):
        return KINDS[self.kind]


class ProcedureStep(Orderable):
    """A step of a procedure: who acts, what kind of node it is, and how long it may take."""

    class Kind(models.TextChoices):
        START = "start", _("Start")
        TASK = "task", _("Task")
        DECISION = "decision", _("Decision")
        END = "end", _("End")

    procedure = ParentalKey(Procedure, on_delete=models.CASCADE, related_name="steps")
    code = models.SlugField(_("code"), max_length=30)
    label = models.CharField(_("step"), max_length=50)
    role = models.CharField(_("acting role"), max_length=20)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TASK)
    days = models.PositiveSmallIntegerField(_("time limit (days)"), null=True, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        constraints = [models.UniqueConstraint(fields=["procedure", "code"], name="procedure_step_code")]

    def __str__(self) -> str:
        return self.label


class ProcedureTransition(Orderable):
    """A way out of a step: to which step, with the branch label a decision shows."""

    procedure = ParentalKey(Procedure, on_delete=models.CASCADE, related_name="transitions")
    source = models.SlugField(_("from step"), max_length=30)
    target = models.SlugField(_("to step"), max_length=30)
    label = models.CharField(_("branch"), max_length=50, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "source", "target"], name="procedure_transition_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"


class Case(models.Model):
    """A matter the union handles for a worker or a group of workers, from request to outcome."""

    class RequesterType(models.TextChoices):
        MEMBER = "member", _("Member")
        NAMED = "named", _("Named non-member")
        ANONYMOUS = "anonymous", _("Anonymous")

    class Channel(models.TextChoices):
        WALK_IN = "walk_in", _("Walk-in")
        RECEPTION_DAY = "reception_day", _("Chairman's reception day")
        HOTLINE = "hotline", _("Hotline")
        SMS = "sms", _("SMS")
        LETTER = "letter", _("Letter")
        WEB_FORM = "web_form", _("Web form")
        FRONTLINE_VISIT = "frontline_visit", _("Frontline visit")
        SYMPOSIUM = "symposium", _("Symposium")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Priority(models.IntegerChoices):
        LOW = 1, _("Low")
        NORMAL = 2, _("Normal")
        HIGH = 3, _("High")
        URGENT = 4, _("Urgent")

    class Confidentiality(models.TextChoices):
        NORMAL = "normal", _("Staff of this kind")
        RESTRICTED = "restricted", _("Assignee and chairman only")

    kind = models.CharField(_("kind of case"), max_length=20, choices=CaseKind.choices)
    category = models.CharField(_("category"), max_length=20, blank=True)
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="cases")
    title = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("details"))
    requester_type = models.CharField(
        _("requester"), max_length=10, choices=RequesterType.choices, default=RequesterType.MEMBER
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=SET_NULL_IN_UNIONS,
        related_name="cases_requested",
        verbose_name=_("member"),
    )
    requester_name = models.CharField(_("requester's name"), max_length=50, blank=True)
    requester_contact = models.CharField(_("requester's contact"), max_length=100, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    step = models.CharField(_("current step"), max_length=30)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=SET_NULL_IN_UNIONS,
        related_name="cases_assigned",
        verbose_name=_("assignee"),
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    confidentiality = models.CharField(
        _("who may see it"), max_length=10, choices=Confidentiality.choices, default=Confidentiality.NORMAL
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    due_at = models.DateTimeField(_("due"))
    step_due_at = models.DateTimeField(_("step due"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.CharField(_("comment on the outcome"), max_length=300, blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    # HMAC of the one-time code an anonymous requester follows the case with; never the code.
    tracking_digest = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            # Lists are newest first: walking this index in order stops after one page.
            models.Index(fields=["-opened_at", "-id"], name="case_recent"),
            models.Index(fields=["status", "kind", "-opened_at"], name="case_status_kind"),
            models.Index(fields=["assignee", "status", "-opened_at"], name="case_assignee"),
            models.Index(fields=["requester", "-opened_at"], name="case_requester"),
            models.Index(fields=["due_at"], name="case_open_due", condition=models.Q(status="open")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="case_rating_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | ~models.Q(outcome=""), name="case_closed_has_outcome"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        """The number people quote, e.g. SQ-2026-000123 (kind prefix, year opened, id)."""
        spec = KINDS.get(self.kind)
        prefix = spec.prefix if spec else "AJ"
        return f"{prefix}-{self.opened_at:%Y}-{self.pk or 0:06d}"

    @property
    def category_label(self) -> str:
        spec = KINDS.get(self.kind)
        return str(dict(spec.categories).get(self.category, self.category)) if spec else self.category

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_at < timezone.now()


class CaseEvent(models.Model):
    """One entry on a case's timeline. ``public`` entries are shown to the requester."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        NOTE = "note", _("Note")
        CALL = "call", _("Call")
        MEETING = "meeting", _("Meeting")
        DECISION = "decision", _("Step taken")
        REPLY = "reply", _("Reply to the requester")
        ASSIGNMENT = "assignment", _("Assigned")
        ESCALATION = "escalation", _("Escalated")
        ATTACHMENT = "attachment", _("Attachment")
        RATING = "rating", _("Rated")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    at = models.DateTimeField(_("time"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )
    from_step = models.CharField(max_length=30, blank=True)
    to_step = models.CharField(max_length=30, blank=True)
    text = models.TextField(_("text"), blank=True)
    public = models.BooleanField(_("shown to the requester"), default=False)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


def attachment_path(instance: CaseAttachment, filename: str) -> str:
    """Private media: ``private/…`` never serves from /media/, only through the case's view."""
    extension = os.path.splitext(filename)[1].lower()
    return f"private/cases/{instance.case_id}/{uuid.uuid4().hex}{extension}"


class CaseAttachment(models.Model):
    """A file filed with a case (a letter, a photo, evidence)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class CaseAccess(models.Model):
    """A read of a restricted case, by whom and how: the audit trail of sensitive data."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    via = models.CharField(max_length=20)  # admin | api | site

    class Meta:
        ordering = ["-at"]
        verbose_name = _("case access")
        verbose_name_plural = _("case accesses")

    def __str__(self) -> str:
        return f"{self.case_id} {self.at:%Y-%m-%d %H:%M} {self.via}"
