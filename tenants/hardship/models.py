"""Hardship assistance (困难职工帮扶): one file per worker household (一户一档).

The union is the first to know, the first to report and the first to coordinate
(第一知情人、第一报告人、第一协调人): a ``HardshipFile`` records the household's hardship (kind,
tier, members, income, causes, evidence) after the worker's recorded consent, the assistance
given (``AssistanceRecord``), the follow-up visits (``FollowUpVisit``, scheduled by tier) and a
reviewed exit. Each file is a case of kind ``hardship`` (restricted) on the case engine, so it
runs the published procedure and has a timeline that never holds the sensitive details.

Sensitive fields (ID numbers, income, health, causes, findings) are encrypted at rest
(``tenants.privacy.fields``); every read of a file is written to the privacy audit log.
"""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.cases.models import Case
from tenants.privacy.fields import EncryptedCharField, EncryptedDecimalField, EncryptedTextField
from tenants.privacy.models import Consent
from workershome.deletion import CASCADE_IN_UNIONS, SET_NULL_IN_UNIONS


class HardshipKind(models.TextChoices):
    LIVING = "living", _("Living hardship")
    EMPLOYMENT = "employment", _("Employment hardship")
    EDUCATION = "education", _("Children's education")
    MEDICAL = "medical", _("Medical expenses")
    ACCIDENT = "accident", _("Accident")


class Tier(models.TextChoices):
    DEEP = "deep", _("Deep hardship")
    RELATIVE = "relative", _("Relative hardship")
    SUDDEN = "sudden", _("Sudden hardship")


class HardshipFile(models.Model):
    """A worker household's file: why it is in hardship, who may read it, and where it stands."""

    class Status(models.TextChoices):
        OPEN = "open", _("Receiving assistance")
        EXIT_PROPOSED = "exit_proposed", _("Exit proposed")
        EXITED = "exited", _("Left the file")

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="hardship_file")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=CASCADE_IN_UNIONS,
        related_name="hardship_files",
        verbose_name=_("worker"),
    )
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, related_name="+", verbose_name=_("consent")
    )
    kind = models.CharField(_("kind of hardship"), max_length=20, choices=HardshipKind.choices)
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    id_number = EncryptedCharField(_("resident ID number"), max_length=18)
    monthly_income = EncryptedDecimalField(
        _("household monthly income (yuan)"), max_digits=10, decimal_places=2
    )
    household_size = models.PositiveSmallIntegerField(
        _("people in the household"), validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    causes = EncryptedTextField(_("causes of hardship"))
    health = EncryptedTextField(_("health (illness, diagnosis, disability)"), blank=True)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="hardship_files_handled",
        verbose_name=_("officers on the file"),
    )
    opened_at = models.DateTimeField(_("opened"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )
    # The follow-up schedule, kept on the row so that the periodic scan is one indexed query.
    next_followup_on = models.DateField(_("next follow-up visit"), null=True, blank=True)
    last_followup_on = models.DateField(_("last follow-up visit"), null=True, blank=True)
    exit_reason = EncryptedTextField(_("why the household can leave the file"), blank=True)
    exit_proposed_at = models.DateTimeField(_("exit proposed"), null=True, blank=True)
    exit_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )
    exited_at = models.DateTimeField(_("left the file"), null=True, blank=True)
    exit_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )
    # After leaving, the household is still visited (quarterly) until this day: a fall back is seen.
    watch_until = models.DateField(_("watched until"), null=True, blank=True)
    fallback_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("falls back from"),
    )  # fmt: skip

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("hardship file")
        verbose_name_plural = _("hardship files")
        indexes = [models.Index(fields=["next_followup_on"], name="hardship_followup_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["worker"],
                condition=~models.Q(status="exited"),
                name="hardship_one_open_file_per_worker",
            )
        ]

    def __str__(self) -> str:
        return self.case.reference if self.case_id else f"hardship file {self.pk}"

    @property
    def reference(self) -> str:
        return self.case.reference


class HouseholdMember(models.Model):
    """A person of the household (besides the worker)."""

    class Relation(models.TextChoices):
        SPOUSE = "spouse", _("Spouse")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        SIBLING = "sibling", _("Brother or sister")
        GRANDPARENT = "grandparent", _("Grandparent")
        GRANDCHILD = "grandchild", _("Grandchild")
        OTHER = "other", _("Other")

    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=50)
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    id_number = EncryptedCharField(_("resident ID number"), max_length=18, blank=True)
    health = EncryptedTextField(_("health"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("household member")
        verbose_name_plural = _("household members")

    def __str__(self) -> str:
        return f"{self.get_relation_display()} {self.name}"


def evidence_path(instance: HardshipEvidence, filename: str) -> str:
    """Private media: never served from /media/, only through the file's download view."""
    extension = os.path.splitext(filename)[1].lower()
    return f"private/hardship/{instance.file_id}/{uuid.uuid4().hex}{extension}"


class HardshipEvidence(models.Model):
    """A document proving the hardship (a hospital bill, a certificate, an income statement)."""

    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="evidence")
    document = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    description = models.CharField(_("what it shows"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("size"))
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("evidence document")
        verbose_name_plural = _("evidence documents")

    def __str__(self) -> str:
        return self.name


class AssistanceRecord(models.Model):
    """Help given to the household: money, goods, services, or a referral to another body."""

    class Form(models.TextChoices):
        MONEY = "money", _("Money")
        GOODS = "goods", _("Goods")
        SERVICE = "service", _("Services")
        REFERRAL = "referral", _("Referral to another body")

    class Source(models.TextChoices):
        UNION_FUNDS = "union_funds", _("Union funds")
        HIGHER_ALLOCATION = "higher_allocation", _("Allocation from the higher-level union")
        DONATION = "donation", _("Social donation")
        EMPLOYER = "employer", _("Employer")
        GOVERNMENT = "government", _("Government assistance")
        OTHER = "other", _("Other")

    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="assistance")
    form = models.CharField(_("form of help"), max_length=20, choices=Form.choices)
    amount = models.DecimalField(_("amount or value (yuan)"), max_digits=10, decimal_places=2, default=0)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    description = models.CharField(_("what was given, or to whom referred"), max_length=300)
    given_on = models.DateField(_("given on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-given_on", "-pk"]
        verbose_name = _("assistance record")
        verbose_name_plural = _("assistance records")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="assistance_amount_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.get_form_display()} {self.given_on:%Y-%m-%d}"


class FollowUpVisit(models.Model):
    """A follow-up visit to an assisted household (帮扶对象回访) and what was found."""

    class Method(models.TextChoices):
        HOME = "home", _("Home visit")
        WORKPLACE = "workplace", _("At work")
        PHONE = "phone", _("By phone")

    class Situation(models.TextChoices):
        IMPROVED = "improved", _("Improved")
        STABLE = "stable", _("Unchanged")
        WORSE = "worse", _("Worse")

    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField(_("visited on"))
    method = models.CharField(_("how"), max_length=20, choices=Method.choices)
    situation = models.CharField(_("situation"), max_length=20, choices=Situation.choices)
    findings = EncryptedTextField(_("findings"))
    household_income = EncryptedDecimalField(
        _("household monthly income now (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    was_due_on = models.DateField(_("was due on"), null=True, blank=True)
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-pk"]
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.visited_on:%Y-%m-%d}"


class FollowUpReminder(models.Model):
    """That a visit due on a date was reminded and, once late, reported: the scan's memory, which
    makes it idempotent (one reminder, one overdue event per due date)."""

    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="reminders")
    due_on = models.DateField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    overdue_reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["file", "due_on"], name="followup_reminder_once")]

    def __str__(self) -> str:
        return f"{self.file_id} {self.due_on:%Y-%m-%d}"


class HardshipSettings(models.Model):
    """A union's own follow-up intervals and fall-back rules (one row; defaults from settings)."""

    deep_months = models.PositiveSmallIntegerField(
        _("months between visits: deep hardship"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    relative_months = models.PositiveSmallIntegerField(
        _("months between visits: relative hardship"),
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    sudden_months = models.PositiveSmallIntegerField(
        _("months between visits: sudden hardship"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    fallback_months = models.PositiveSmallIntegerField(
        _("months a household is watched after leaving"),
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    income_line = models.DecimalField(
        _("income line per head (yuan a month)"), max_digits=8, decimal_places=2
    )

    class Meta:
        verbose_name = _("hardship settings")
        verbose_name_plural = _("hardship settings")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="hardship_settings_single_row")]

    def __str__(self) -> str:
        return str(_("Hardship settings"))

    def months_for(self, tier: str) -> int:
        return {"deep": self.deep_months, "relative": self.relative_months, "sudden": self.sudden_months}[
            tier
        ]
